#!/usr/bin/env bash
# Scans a sidecar inbound listener (real TLS stack, STRICT mTLS, certificates from the Weft CA) with
# Debian's testssl.sh and fails on any HIGH or CRITICAL finding. testssl 3.0 cannot present a client
# certificate, so handshakes stop where the listener demands one: protocol, cipher and vulnerability
# checks run (they need only the server's side), checks that need an application response do not.
# Needs: apt-get install testssl.sh. Usage: bench/tls-check.sh   (takes a few minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v testssl >/dev/null || { echo "tls-check: testssl not installed (apt-get install testssl.sh)" >&2; exit 2; }
out=target/tls-check
rm -rf "$out"; mkdir -p "$out"
./weft build >/dev/null
./weft java io.weft.examples.bench.TlsTarget "$out" >"$out/target.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do grep -q '^port=' "$out/target.log" 2>/dev/null && break; sleep 0.5; done
port=$(sed -n 's/^port=//p' "$out/target.log")
[ -n "$port" ] || { echo "tls-check: target did not start; see $out/target.log" >&2; exit 1; }
# --add-ca: trust the mesh root for the chain-of-trust check.
testssl --quiet --color 0 --warnings off --add-ca "$out/ca.pem" \
  --severity LOW --jsonfile "$out/testssl.json" "127.0.0.1:$port" >"$out/testssl.txt" 2>&1 || true
[ -s "$out/testssl.json" ] || { echo "tls-check: testssl produced no report; see $out/testssl.txt" >&2; exit 1; }
grep -E '"id"|"severity"|"finding"' "$out/testssl.json" | paste - - - | sed 's/  */ /g' >"$out/findings.txt" || true
echo "tls-check: $(grep -c . "$out/findings.txt") findings of severity LOW or above; full report: $out/testssl.txt"
# Web-PKI checks that do not apply to mesh workload certificates, by design (docs/security.md):
#   cert_trust             the certificate names a SPIFFE id, not the host name scanned; peers verify the id
#   cert_expirationStatus  workload certificates live 24 h and renew at half-life: "expires < 30 days" always
#   cert_notAfter          the same finding, as a date
#   cert_revocation        short lifetimes replace CRL/OCSP
by_design='"id" : "(cert_trust|cert_expirationStatus|cert_notAfter|cert_revocation)"'
high=$(grep -E 'HIGH|CRITICAL' "$out/findings.txt" | grep -v -E "$by_design" || true)
grep -E 'HIGH|CRITICAL' "$out/findings.txt" | grep -E "$by_design" | sed 's/^/tls-check: by design: /' || true
if [ -n "$high" ]; then
  echo "tls-check: HIGH/CRITICAL findings:" >&2
  echo "$high" >&2
  exit 1
fi
echo "tls-check: no HIGH or CRITICAL finding on protocols, ciphers or known vulnerabilities"
