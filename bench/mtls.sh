#!/usr/bin/env bash
# mTLS cost at the sidecar's inbound listener, side by side in one run: handshakes/s (full and
# resumed) and pooled-connection throughput, mTLS vs plaintext. Usage: bench/mtls.sh [seconds-per-case] [threads] [body-bytes]
set -euo pipefail
cd "$(dirname "$0")/.."
./weft build >/dev/null
exec ./weft java -XX:+UseSerialGC io.weft.examples.bench.MtlsBench "${1:-5}" "${2:-4}" "${3:-1024}"
