#!/bin/sh
# Writes the AppCDS archive bin/memlogd uses to start faster (docs/PERFORMANCE.md, startup):
# starts the daemon once through its own launcher (so with the very JVM options it runs with)
# on temp sockets, stops it with SIGTERM once both sockets accept, and the JVM writes the
# classes it loaded to the archive as it exits. Run by the build (memlogd-daemon/pom.xml) after
# the jar is shaded. Usage: cds-archive.sh LAUNCHER ARCHIVE
#
# Installed from the distribution archive as PREFIX/lib/memlogd/cds-archive.sh, it takes no
# arguments: PREFIX/bin/memlogd, and PREFIX/lib/memlogd/memlogd.jsa where that launcher looks.
# An archive is tied to the jar's path and to the JDK that wrote it (another one ignores it), so
# it is made after installing, by the java bin/memlogd runs.
set -eu
here=$(dirname "$(readlink -f "$0")")
launcher=${1:-$here/../../bin/memlogd}
archive=${2:-$here/memlogd.jsa}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
rm -f "$archive"
MEMLOGD_CDS_DUMP=$archive "$launcher" -socket-log "$dir/log.sock" -socket-query "$dir/query.sock" -no-console \
    >"$dir/out" 2>&1 &
pid=$!
tries=0
while [ ! -S "$dir/query.sock" ]; do
    tries=$((tries + 1))
    if [ "$tries" -gt 600 ] || ! kill -0 "$pid" 2>/dev/null; then
        echo "cds-archive: the daemon did not start; no archive (startup is slower, nothing else changes):" >&2
        cat "$dir/out" >&2
        kill "$pid" 2>/dev/null || true
        exit 0
    fi
    sleep 0.05
done
kill -TERM "$pid"
wait "$pid" || true
[ -f "$archive" ] || echo "cds-archive: the JVM wrote no archive (startup is slower, nothing else changes)" >&2
