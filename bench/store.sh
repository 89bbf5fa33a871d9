#!/usr/bin/env bash
# Store benchmark: (1) the end-to-end `ingest` of the generated report corpus (extraction on the
# worker cores + the single writer), (2) the store alone taking already-extracted claims, batched,
# until it holds over a million, then (3) filtered `query claims` latencies on that store.
#
# usage: bench/store.sh [MB]   (builds the corpus with bench/gen_reports.py when absent)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root="$here/.."
mb=${1:-60}
cargo build --release --locked --manifest-path "$root/Cargo.toml" -q
cargo build --release --locked --manifest-path "$root/Cargo.toml" -q -p borderwatch-store --example store_bench
bin="$root/target/release/borderwatch"
corpus="$here/out/reports"
[ -d "$corpus" ] || python3 "$here/gen_reports.py" "$corpus" "$mb"
db=$(mktemp -d)/bench.db
echo "machine: $(nproc) cores; corpus: $(ls "$corpus" | wc -l) reports, $(($(cat "$corpus"/* | wc -c) / 1000000)) MB"
t0=$(date +%s.%N)
summary=$("$bin" --db "$db" ingest "$corpus" 2>/dev/null | tail -1)
t1=$(date +%s.%N)
claims=$(echo "$summary" | sed -E 's/.*; claims ([0-9]+);.*/\1/')
python3 -c "t=$t1-$t0; print(f'{{\"what\": \"ingest end to end\", \"claims\": $claims, \"seconds\": {t:.2f}, \"claims_per_s\": {$claims/t:.0f}}}')"
rm -f "$db"*
(cd "$corpus" && ls | xargs "$bin" extract --date 2024-01-01 2>/dev/null) > "$here/out/claims.jsonl"
(cd "$corpus" && "$root/target/release/examples/store_bench" "$here/out/claims.jsonl" "$db" 1000000)
rm -f "$db"*
