#!/usr/bin/env bash
# Load test of `borderwatch serve` on a store of a million claims: wrk (Debian's package) on
# loopback sends the map's and the corridor panel's requests (bench/serve.lua) at about RATE
# requests per second for SECONDS, and reports the latency percentiles; then once more with no
# pause at all, to show the headroom.
#
# usage: bench/serve.sh [RATE] [SECONDS]   (default 200 and 60)
# The store of a million claims is built once by bench/million_store.sh, so later runs start at
# once.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root="$here/.."
rate=${1:-200}
secs=${2:-60}
command -v wrk >/dev/null || {
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null
}
db=$("$here/million_store.sh")
bin="$root/target/release/borderwatch"
port=18391
"$bin" --db "$db" serve --read-only --addr "127.0.0.1:$port" > "$here/out/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
# The server checks the store before it listens (a million-claim store takes a while).
for _ in $(seq 600); do
  grep -q "listening on" "$here/out/serve.log" 2>/dev/null && break
  sleep 0.5
done
claims=$(curl -sf "http://127.0.0.1:$port/api/health" | python3 -c 'import json,sys; print(json.load(sys.stdin)["claims"])')
echo "machine: $(nproc) cores; store: $claims claims"
# Warm the analyses the mix asks for (the whole store and 2023): the first takes seconds.
t0=$(date +%s.%N)
curl -sf -o /dev/null "http://127.0.0.1:$port/api/corridors"
t1=$(date +%s.%N)
curl -sf -o /dev/null "http://127.0.0.1:$port/api/corridors?since=2023-01-01&until=2023-12-31"
python3 -c "print(f'{{\"what\": \"first corridor picture (analysis of the whole store)\", \"seconds\": {$t1-$t0:.1f}}}')"
conns=24
# Each connection: one request, then a pause; conns / (pause + latency) ≈ rate (the pause is cut
# by a tenth for the time the requests themselves take).
pause=$(python3 -c "print(max(1, round($conns * 1000 / $rate * 0.9)))")
echo "paced: $conns connections, ${pause} ms pause each (≈ $rate req/s)"
PAUSE_MS=$pause wrk -t2 -c$conns -d${secs}s --timeout 5s -s "$here/serve.lua" "http://127.0.0.1:$port" | tail -1
echo "unpaced: $conns connections, no pause"
PAUSE_MS=0 wrk -t2 -c$conns -d$((secs / 2))s --timeout 5s -s "$here/serve.lua" "http://127.0.0.1:$port" | tail -1
