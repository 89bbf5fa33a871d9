#!/usr/bin/env bash
# Fuzzes the API from its own OpenAPI document with schemathesis (PyPI, into target/fuzz-venv):
# every generated request must get an answer that is not a server error, with a status, content
# type and body the document lists for its route. Runs a server over a fresh store of the
# examples on a loopback port.
#
# usage: scripts/fuzz-api.sh [MAX_EXAMPLES]   (default 60 per operation; the binary is built in
# $CARGO_TARGET_DIR, else target/). FUZZ_TEAM=1 serves a store with an admin user and sends its
# API token with every request (a team server); otherwise the store has no users.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/target/fuzz-venv"
[ -x "$venv/bin/st" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q schemathesis; }
cargo build --release --locked --manifest-path "$root/Cargo.toml" -q
bin="${CARGO_TARGET_DIR:-$root/target}/release/borderwatch"
work=$(mktemp -d)
"$bin" --db "$work/fuzz.db" ingest "$root/examples" >/dev/null || [ $? -eq 2 ]
auth=()
if [ "${FUZZ_TEAM:-0}" = 1 ]; then
  token=$("$bin" --db "$work/fuzz.db" users add fuzz --role admin | grep -o 'bwt_[0-9a-f]*')
  auth=(-H "Authorization: Bearer $token")
fi
port=${FUZZ_PORT:-18393}
"$bin" --db "$work/fuzz.db" serve --addr "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q listening "$work/serve.log" && break; sleep 0.1; done
# schemathesis keeps its cache in the folder it runs in: the scratch folder, not the repository.
cd "$work"
"$venv/bin/st" run "http://127.0.0.1:$port/api/openapi.json" "${auth[@]}" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples "${1:-60}"
