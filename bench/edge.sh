#!/usr/bin/env bash
# Edge benchmark: wrk against one backend through (1) the edge with JWT verification + rate limit + a
# response header transformation, (2) the same edge on a bare route, (3) nginx proxying to the same
# backend; all measured in one run, phases rotated over rounds; prints req/s, p50/p99 and the ratios.
#   bench/edge.sh [seconds-per-phase=10] [connections=32] [wrk-threads=2] [rounds=3] [nginx-workers=1]
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v nginx >/dev/null 2>&1 || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq "${missing[@]}" >/dev/null; fi
fi
command -v mvn >/dev/null 2>&1 || { echo "bench: Maven is not installed (apt-get install maven)" >&2; exit 1; }
: "${JAVA_HOME:=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
export PATH="$PATH:/usr/sbin"
cp_file=examples/target/bench.classpath
mvn -B -q package -DskipTests -pl examples -am dependency:build-classpath \
  -Dmdep.outputFile="$PWD/$cp_file" -Dmdep.includeScope=test >/dev/null
native=()
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -version >/dev/null 2>&1 && native=(--enable-native-access=ALL-UNNAMED)
exec "$JAVA_HOME/bin/java" "${native[@]}" -XX:+UseParallelGC -Xms512m -Xmx512m \
  -cp "examples/target/test-classes:examples/target/classes:$(cat "$cp_file")" \
  io.weft.examples.bench.EdgeBench "${1:-10}" "${2:-32}" "${3:-2}" "${4:-3}" "${5:-1}"
