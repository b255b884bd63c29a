#!/usr/bin/env bash
# Runs the JMH micro-benchmarks of bench/jmh (the fixed cost of a native operation through DJL).
#
#   scripts/jmh.sh [JMH OPTIONS ...]      e.g. scripts/jmh.sh NativeOpBenchmark -f 3
#
# Builds the module when its jar is missing or older than its sources; arguments go to JMH's
# own command line (org.openjdk.jmh.Main: a benchmark pattern, -f forks, -wi/-i iterations,
# -rf json -rff FILE for a result file). Measure on a quiet machine: no other JVM running.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODULE="$ROOT/bench/jmh"
JAR="$MODULE/target/debias-jmh-0.1.0-SNAPSHOT.jar"
if [[ ! -f "$JAR" || ! -d "$MODULE/target/lib" \
      || -n "$(find "$MODULE/src" "$MODULE/pom.xml" -newer "$JAR" -print -quit)" ]]; then
  echo "jmh: building bench/jmh ..." >&2
  (cd "$ROOT" && mvn -q -B -DskipTests -Dai.djl.offline=true install -pl bench/jmh -am) >&2
  touch "$JAR"
fi
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$ROOT/target/djl-cache}"
export OPT_OUT_TRACKING=true
exec java -cp "$JAR:$MODULE/target/lib/*" org.openjdk.jmh.Main "$@"
