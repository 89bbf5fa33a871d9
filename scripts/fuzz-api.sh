#!/usr/bin/env bash
# Fuzzes the API from its own OpenAPI document with schemathesis (PyPI, into target/fuzz-venv):
# every generated request must get an answer that is not a server error. Runs a server over a
# fresh store of the examples on a loopback port.
#
# usage: scripts/fuzz-api.sh [MAX_EXAMPLES]   (default 60 per operation)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/target/fuzz-venv"
[ -x "$venv/bin/st" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q schemathesis; }
cargo build --release --locked --manifest-path "$root/Cargo.toml" -q
bin="$root/target/release/borderwatch"
work=$(mktemp -d)
"$bin" --db "$work/fuzz.db" ingest "$root/examples" >/dev/null
port=18393
"$bin" --db "$work/fuzz.db" serve --addr "127.0.0.1:$port" >/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
sleep 1
"$venv/bin/st" run "http://127.0.0.1:$port/api/openapi.json" --checks not_a_server_error \
  --max-examples "${1:-60}"
