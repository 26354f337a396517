# Sourced by the launchers in bin/: finds the java to run, a program's jar and junixsocket's
# native library. Installed as PREFIX/lib/memlogd/launcher-lib.sh, or beside the launchers in
# the source tree. The launcher sets `here` (its own directory, absolute) before sourcing this.
#
# Nothing here forks: every helper sets variables instead of printing a result, because each
# command substitution is a fork (1-5 ms on a loaded machine, and the daemon is started first
# at boot, before anything else may run). The only command a launcher ever runs before java is
# `readlink -f`, and only when it was started through a symbolic link.
#
# Usage: . launcher-lib.sh; find_jar <jar-name> <module-dir>; find_java; find_native; find_share <jar-name>
#        then $jar, $lib (the jar's directory), $java, $native (a JVM option, or empty), $share.

# The directory above bin/: the installation prefix, or the source tree. Textual, no fork:
# `here` is absolute, and a bin/ that is itself a symbolic link still has its parent at "..".
case $here in
    */bin) root=${here%/bin} ;;
    *) root=$here/.. ;;
esac

# Sets java: the runtime shipped beside the jars (PREFIX/lib/memlogd/runtime, the image's
# jlink runtime, which the jars' AOT cache or CDS archive was made for), else $JAVA_HOME's,
# else the one on PATH (left to exec's own PATH search).
find_java() {
    if [ -x "$root/lib/memlogd/runtime/bin/java" ]; then
        java=$root/lib/memlogd/runtime/bin/java
    elif [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
        java=$JAVA_HOME/bin/java
    elif command -v java >/dev/null 2>&1; then
        java=java
    else
        echo "${0##*/}: no java found: set JAVA_HOME or put java on PATH" >&2
        exit 1
    fi
}

# Sets jar (and lib, its directory): the jar in an installed layout (<root>/lib/memlogd/NAME.jar:
# the distribution archive unpacked into a prefix, README.md) or in the build tree
# (<root>/MODULE/target/NAME.jar).
find_jar() {
    for jar in "$root/lib/memlogd/$1.jar" "$root/$2/target/$1.jar"; do
        if [ -f "$jar" ]; then
            lib=${jar%/*}
            return 0
        fi
    done
    echo "${0##*/}: $1.jar not found; build first: mvn -q package -DskipTests" >&2
    exit 1
}

# Sets native: the option pointing junixsocket at its native library, unpacked at build time
# (lib/memlogd/native/ installed, memlogd-daemon/target/native/ in the build tree), or empty.
# Without it junixsocket unpacks the library from the jar into java.io.tmpdir at every start,
# which costs time and needs a writable temp directory (none at boot, on a read-only root).
find_native() {
    native=
    for so in "$root"/lib/memlogd/native/libjunixsocket-native-*.so \
              "$root"/memlogd-daemon/target/native/libjunixsocket-native-*.so; do
        if [ -f "$so" ]; then
            native=-Dorg.newsclub.net.unix.library.override=$so
            return 0
        fi
    done
}

# Sets share: the JVM options for the classes' shared archive. With lib/NAME.aot (JDK 25+'s
# ahead-of-time cache, made by the image build's training run for its runtime and jar,
# docs/linuxkit.md), that cache: a cache made for another runtime or jar (or a JDK that has
# none) is refused by the JVM, which then starts as without it, and -Xlog:aot=off keeps that
# refusal from printing (the JVM refuses -Xshare with -XX:AOTCache). Otherwise -Xshare:auto:
# the runtime's own CDS archive, if it has one.
find_share() {
    if [ -f "$lib/$1.aot" ]; then
        share="-XX:AOTCache=$lib/$1.aot -Xlog:aot=off -Xlog:cds=off"
    else
        share=-Xshare:auto
    fi
}
