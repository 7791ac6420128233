#!/usr/bin/env bash
# Weft data-plane benchmark: the same tiny backend (nginx returning a fixed 28-byte body) reached
#   (a) directly, (b) through one Weft sidecar, (c) through two Weft sidecars (app -> sidecar -> sidecar -> app),
#   (d) through nginx and (e) through HAProxy, both as keep-alive reverse proxies,
# with wrk (HTTP/1.1, saturating and at half the one-hop saturating rate) and h2load (h2c).
# Prints requests/s, p50/p99/p99.9, the ratios Weft/nginx and Weft/HAProxy, the sidecar's RSS and CPU,
# and its start-to-ready time. Installs wrk, nginx, haproxy and h2load with apt-get when missing.
#
# usage: bench/dataplane.sh [--duration 10] [--connections 32] [--threads 2] [--no-build] [--port-base 19000]
#                           [--serve]   (start everything, print the ports, and wait for Ctrl-C instead of measuring)
# A benchmark, not a test: numbers depend on the machine; compare the ratios measured in one run.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=10; CONNS=32; THREADS=2; BUILD=1; BASE=19000; SERVE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --port-base) BASE=$2; shift 2 ;;
    --serve) SERVE=1; shift ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "dataplane.sh: $1: unknown flag (expected: --duration, --connections, --threads, --no-build, --port-base, --serve)" >&2; exit 2 ;;
  esac
done

die() { echo "dataplane.sh: $*" >&2; exit 1; }

# ---- tools
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx-light)
command -v haproxy >/dev/null || need+=(haproxy)
command -v h2load >/dev/null || need+=(nghttp2-client)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} ..."
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
"$JAVA" -version >/dev/null 2>&1 || die "no java (set JAVA_HOME to a JDK 21 or newer)"
if [ "$BUILD" = 1 ]; then
  echo "building ..."
  mvn -B -q package -DskipTests >/dev/null || die "build failed (run 'mvn -B package -DskipTests' to see why)"
fi
CP="examples/target/classes:examples/target/lib/*"
[ -d examples/target/lib ] || die "examples/target/lib missing: build first (drop --no-build)"

WORK=target/bench; rm -rf "$WORK"; mkdir -p "$WORK/mesh" "$WORK/nginx"
WORK=$(cd "$WORK" && pwd)
BACKEND=$BASE; NGINX=$((BASE+1)); HAPROXY=$((BASE+2)); NGINX_H2=$((BASE+3)); HAPROXY_H2=$((BASE+4))
XDS=$((BASE+10)); CP_ADMIN=$((BASE+11))
S_IN=$((BASE+20)); S_OUT=$((BASE+21)); S_ADMIN=$((BASE+22))
C_IN=$((BASE+30)); C_OUT=$((BASE+31)); C_ADMIN=$((BASE+32))
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# ---- the tiny backend, and nginx / HAProxy as reverse proxies to it
cat > "$WORK/nginx/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  upstream backend { server 127.0.0.1:$BACKEND; keepalive 128; }
  server { listen 127.0.0.1:$BACKEND; location / { return 200 "hello from the tiny backend\n"; } }
  server {
    listen 127.0.0.1:$NGINX;
    listen 127.0.0.1:$NGINX_H2 http2;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
NGINX
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" & PIDS+=($!)
cat > "$WORK/haproxy.cfg" <<HAP
global
  nbthread 1
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  option http-keep-alive
frontend fe
  bind 127.0.0.1:$HAPROXY
  bind 127.0.0.1:$HAPROXY_H2 proto h2
  default_backend be
backend be
  http-reuse always
  server s1 127.0.0.1:$BACKEND
HAP
haproxy -f "$WORK/haproxy.cfg" > "$WORK/haproxy.log" 2>&1 & PIDS+=($!)

# ---- Weft: control plane, the backend's sidecar ("bench"), and a client sidecar that depends on it
cat > "$WORK/mesh/mesh.yaml" <<YAML
services:
  bench: {}
  client: {dependsOn: [bench]}
virtualHosts:
  - name: bench
    domains: [bench]
    routes: [{name: all, to: bench}]
YAML
"$JAVA" -XX:+UseSerialGC -Xmx128m -cp "$CP" io.weft.controlplane.Main --mesh "$WORK/mesh" --xds-port $XDS \
  --admin-port $CP_ADMIN --warm-up 0s > "$WORK/control-plane.log" 2>&1 & PIDS+=($!)
for i in $(seq 1 300); do curl -sf -o /dev/null "http://127.0.0.1:$CP_ADMIN/api/v1/proxies" && break; sleep 0.1; done
# Sidecar JVM: serial GC, a small heap, small thread stacks and code cache, glibc arenas capped, gRPC's
# Netty (the ADS stream only) unpooled, native heap trimmed: aimed at the RSS targets. On JDK 25+ an AOT
# cache from a short training run (JEP 483/514/515) makes start-up faster.
SIDECAR_JVM=(-XX:+UseSerialGC -Xms16m -Xmx48m -Xss256k -XX:ReservedCodeCacheSize=32m -XX:TrimNativeHeapInterval=5000
  -Dio.grpc.netty.shaded.io.netty.allocator.type=unpooled)
SIDECAR_CP="examples/target/lib/*"   # jars only: an AOT cache cannot include class directories
export MALLOC_ARENA_MAX=2
sidecar() { # sidecar SERVICE NODE APP IN OUT ADMIN LOG [extra JVM flags...]
  local svc=$1 node=$2 app=$3 in=$4 out=$5 admin=$6 log=$7; shift 7
  "$JAVA" "${SIDECAR_JVM[@]}" "$@" -cp "$SIDECAR_CP" io.weft.sidecar.Main sidecar --service "$svc" --node "$node" \
    --app-port "$app" --control-plane 127.0.0.1:$XDS --inbound-port "$in" --outbound-port "$out" --admin-port "$admin" \
    --drain-time 1s --outbound-grace 1s > "$log" 2>&1 &
}
AOT=()
if "$JAVA" -XX:AOTCacheOutput=/dev/null -version >/dev/null 2>&1; then
  echo "training the sidecar's AOT cache ..."
  sidecar bench bench-train $BACKEND $S_IN $S_OUT $S_ADMIN "$WORK/sidecar-train.log" -XX:AOTCacheOutput="$WORK/sidecar.aot"
  train=$!
  "$JAVA" -cp "$SIDECAR_CP" io.weft.sidecar.Main wait-ready --admin-port $S_ADMIN --timeout 60 >/dev/null \
    && wrk -t1 -c4 -d3s -H 'Host: bench' "http://127.0.0.1:$S_IN/" >/dev/null 2>&1 || true
  kill $train; wait $train 2>/dev/null || true
  [ -f "$WORK/sidecar.aot" ] && AOT=(-XX:AOTCache="$WORK/sidecar.aot")
  sleep 1
fi
start_ns=$(date +%s%N)
sidecar bench bench-1 $BACKEND $S_IN $S_OUT $S_ADMIN "$WORK/sidecar-bench.log" "${AOT[@]}"
SIDECAR_PID=$!; PIDS+=($SIDECAR_PID)
"$JAVA" -cp "$SIDECAR_CP" io.weft.sidecar.Main wait-ready --admin-port $S_ADMIN --timeout 60 || die "bench sidecar not ready (see $WORK/sidecar-bench.log)"
ready_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
sidecar client client-1 1 $C_IN $C_OUT $C_ADMIN "$WORK/sidecar-client.log" "${AOT[@]}"
CLIENT_PID=$!; PIDS+=($CLIENT_PID)
"$JAVA" -cp "$CP" io.weft.sidecar.Main wait-ready --admin-port $C_ADMIN --timeout 60 || die "client sidecar not ready"
for i in $(seq 1 100); do
  curl -sf -o /dev/null -H 'Host: bench' "http://127.0.0.1:$C_OUT/" && break; sleep 0.1
done
curl -sf -o /dev/null -H 'Host: bench' "http://127.0.0.1:$C_OUT/" || die "two-hop path does not answer (see $WORK/*.log)"
curl -sf -o /dev/null "http://127.0.0.1:$NGINX/" || die "nginx proxy does not answer"
curl -sf -o /dev/null "http://127.0.0.1:$HAPROXY/" || die "haproxy does not answer"
if [ "$SERVE" = 1 ]; then
  echo "backend http://127.0.0.1:$BACKEND/  weft one hop http://127.0.0.1:$S_IN/  weft two hops http://127.0.0.1:$C_OUT/ (Host: bench)"
  echo "nginx http://127.0.0.1:$NGINX/  haproxy http://127.0.0.1:$HAPROXY/  sidecar pid $SIDECAR_PID admin http://127.0.0.1:$S_ADMIN/stats"
  echo "ready in ${ready_ms} ms; logs in $WORK; Ctrl-C stops everything"
  wait
fi
sleep 1
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
IDLE_RSS=$(rss_kb $SIDECAR_PID)

cat > "$WORK/report.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.0f %.3f %.3f %.3f %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA

# run NAME URL HOSTHEADER [RATE]: wrk at full speed, or paced to about RATE req/s in total
run() {
  local name=$1 url=$2 host=$3 rate=${4:-0} script="$WORK/report.lua"
  if [ "$rate" -gt 0 ]; then
    script="$WORK/paced-$rate.lua"
    { echo "local delay_ms = $(( CONNS * 1000 / rate ))"; echo 'function delay() return delay_ms end'; cat "$WORK/report.lua"; } > "$script"
  fi
  local h=(); [ -n "$host" ] && h=(-H "Host: $host")
  wrk -t"$THREADS" -c"$CONNS" -d2s "${h[@]}" "$url" >/dev/null 2>&1 || true   # warm-up
  local out; out=$(wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" "${h[@]}" -s "$script" "$url" 2>&1 | grep '^RESULT' || true)
  [ -n "$out" ] || die "wrk against $name produced no result"
  echo "$name ${out#RESULT }"
}

echo
echo "Weft data-plane benchmark: wrk -t$THREADS -c$CONNS -d${DURATION}s, $(nproc) CPUs, $(uname -r)"
declare -A RPS P50 P99 P999 ERR
record() { read -r n r a b c e <<<"$1"; RPS[$n]=$r; P50[$n]=$a; P99[$n]=$b; P999[$n]=$c; ERR[$n]=$e; }
record "$(run direct "http://127.0.0.1:$BACKEND/" "")"
t0=$(cpu_ticks $SIDECAR_PID)
record "$(run weft-1hop "http://127.0.0.1:$S_IN/" "bench")"
t1=$(cpu_ticks $SIDECAR_PID); LOAD_RSS=$(rss_kb $SIDECAR_PID)
CPU_PCT=$(( (t1 - t0) * 100 / $(getconf CLK_TCK) / (DURATION + 2) ))
record "$(run weft-2hop "http://127.0.0.1:$C_OUT/" "bench")"
record "$(run nginx "http://127.0.0.1:$NGINX/" "")"
record "$(run haproxy "http://127.0.0.1:$HAPROXY/" "")"
HALF=$(( ${RPS[weft-1hop]} / 2 ))
record "$(run direct@half "http://127.0.0.1:$BACKEND/" "" $HALF)"
record "$(run weft-1hop@half "http://127.0.0.1:$S_IN/" "bench" $HALF)"
record "$(run weft-2hop@half "http://127.0.0.1:$C_OUT/" "bench" $HALF)"
record "$(run nginx@half "http://127.0.0.1:$NGINX/" "" $HALF)"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
printf "\n%-16s %10s %9s %9s %9s %7s %9s %9s\n" target "req/s" "p50 ms" "p99 ms" "p99.9 ms" errors "/nginx" "/haproxy"
for n in direct weft-1hop weft-2hop nginx haproxy direct@half weft-1hop@half weft-2hop@half nginx@half; do
  printf "%-16s %10s %9s %9s %9s %7s %9s %9s\n" "$n" "${RPS[$n]}" "${P50[$n]}" "${P99[$n]}" "${P999[$n]}" "${ERR[$n]}" \
    "$(ratio "${RPS[$n]}" "${RPS[nginx]}")" "$(ratio "${RPS[$n]}" "${RPS[haproxy]}")"
done
printf "%-16s %s\n" "weft-2hop+mTLS" "(slot: the mTLS variant comes with issue 6's sidecar certificates)"
echo
echo "one hop  / nginx:   $(ratio "${RPS[weft-1hop]}" "${RPS[nginx]}")    one hop / HAProxy: $(ratio "${RPS[weft-1hop]}" "${RPS[haproxy]}")"
echo "added p99 at half load ($HALF req/s): one hop $(awk -v a="${P99[weft-1hop@half]}" -v b="${P99[direct@half]}" 'BEGIN{printf "%.3f", a-b}') ms," \
  "two hops $(awk -v a="${P99[weft-2hop@half]}" -v b="${P99[direct@half]}" 'BEGIN{printf "%.3f", a-b}') ms" \
  "(nginx $(awk -v a="${P99[nginx@half]}" -v b="${P99[direct@half]}" 'BEGIN{printf "%.3f", a-b}') ms)"
echo "sidecar RSS: idle $((IDLE_RSS / 1024)) MB, under load $((LOAD_RSS / 1024)) MB; CPU under one-hop load ${CPU_PCT}% of one core"
echo "sidecar start to ready: ${ready_ms} ms (JVM start, ports bound, first config from a running control plane$([ ${#AOT[@]} -gt 0 ] && echo ', with the AOT cache'))"

# ---- HTTP/2 (h2c, prior knowledge) with h2load
h2() {
  local name=$1 url=$2 host=$3
  local h=(); [ -n "$host" ] && h=(-H ":authority: $host")
  h2load -c "$CONNS" -m 8 -t "$THREADS" -D 2 "${h[@]}" "$url" >/dev/null 2>&1 || true
  local line; line=$(h2load -c "$CONNS" -m 8 -t "$THREADS" -D "$DURATION" "${h[@]}" "$url" 2>&1 | grep -E '^finished in|^requests:' | tr '\n' ' ')
  local rps; rps=$(sed -nE 's/.*finished in [^,]+, ([0-9.]+) req\/s.*/\1/p' <<<"$line")
  local ok; ok=$(sed -nE 's/.* ([0-9]+) succeeded.*/\1/p' <<<"$line")
  printf "%-16s %10s %12s\n" "$name" "${rps:-?}" "${ok:-?}"
  eval "H2_${name//-/_}=${rps%.*}"
}
echo
echo "HTTP/2 (h2c prior knowledge, h2load -c $CONNS -m 8, ${DURATION}s):"
printf "%-16s %10s %12s\n" target "req/s" succeeded
H2_weft_1hop=0; H2_nginx=0; H2_haproxy=0
h2 weft-1hop "http://127.0.0.1:$S_IN/" "bench"
h2 nginx "http://127.0.0.1:$NGINX_H2/" ""
h2 haproxy "http://127.0.0.1:$HAPROXY_H2/" ""
echo "h2 one hop / nginx: $(ratio "$H2_weft_1hop" "$H2_nginx")    / HAProxy: $(ratio "$H2_weft_1hop" "$H2_haproxy")"
