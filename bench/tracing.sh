#!/usr/bin/env bash
# Tracing cost benchmark: wrk against an edge and a sidecar on loopback, tracing off vs 1% vs 100%
# sampling (spans exported over OTLP gRPC to a stand-in collector that accepts without decoding), phases alternated in rounds within one
# run; prints the throughput ratios. Targets: 100% costs < 10%, 1% costs < 2%.
#   bench/tracing.sh [seconds-per-phase=10] [connections=16] [wrk-threads=1] [rounds=3]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null 2>&1 || { echo "bench: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
command -v mvn >/dev/null 2>&1 || { echo "bench: Maven is not installed (apt-get install maven)" >&2; exit 1; }
: "${JAVA_HOME:=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
cp_file=examples/target/bench.classpath
mvn -B -q package -DskipTests -pl examples -am dependency:build-classpath \
  -Dmdep.outputFile="$PWD/$cp_file" -Dmdep.includeScope=test >/dev/null
native=()
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -version >/dev/null 2>&1 && native=(--enable-native-access=ALL-UNNAMED)
exec "$JAVA_HOME/bin/java" "${native[@]}" -XX:+UseParallelGC -Xms512m -Xmx512m \
  -cp "examples/target/test-classes:examples/target/classes:$(cat "$cp_file")" \
  io.weft.examples.bench.TracingBench "${1:-10}" "${2:-16}" "${3:-1}" "${4:-3}"
