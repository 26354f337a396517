# Sourced by the launchers in bin/: finds the java to run and a program's jar.
# Installed as PREFIX/lib/memlogd/launcher-lib.sh, or beside the launchers in the source tree.
# Usage: . launcher-lib.sh; jar=$(find_jar <jar-name> <module-dir>); java=$(find_java)

# The java of $JAVA_HOME, else the one on PATH.
find_java() {
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
        echo "$JAVA_HOME/bin/java"
    elif command -v java >/dev/null 2>&1; then
        command -v java
    else
        echo "$(basename "$0"): no java found: set JAVA_HOME or put java on PATH" >&2
        exit 1
    fi
}

# The jar in an installed layout (<root>/lib/memlogd/NAME.jar: the distribution archive unpacked
# into a prefix, README.md) or in the build tree (<root>/MODULE/target/NAME.jar).
find_jar() {
    root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
    for candidate in "$root/lib/memlogd/$1.jar" "$root/$2/target/$1.jar"; do
        if [ -f "$candidate" ]; then
            echo "$candidate"
            return 0
        fi
    done
    echo "$(basename "$0"): $1.jar not found; build first: mvn -q package -DskipTests" >&2
    exit 1
}
