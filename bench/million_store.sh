#!/usr/bin/env bash
# Builds, once, the store of a million claims the analysis and API benchmarks run on:
# bench/out/serve.db, 1,000,038 claims from the generated corpus (bench/gen_reports.py, then
# `extract`, then crates/store/examples/store_bench.rs, which stops at the source that crosses a
# million). Later runs reuse it. Prints the store's path.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root="$here/.."
cargo build --release --locked --manifest-path "$root/Cargo.toml" -q
bin="$root/target/release/borderwatch"
corpus="$here/out/reports"
db="$here/out/serve.db"
if [ ! -f "$db" ]; then
  cargo build --release --locked --manifest-path "$root/Cargo.toml" -q -p borderwatch-store --example store_bench
  [ -d "$corpus" ] || python3 "$here/gen_reports.py" "$corpus" 60 >&2
  [ -f "$here/out/claims.jsonl" ] || (cd "$corpus" && ls | xargs "$bin" extract --date 2024-01-01 2>/dev/null) > "$here/out/claims.jsonl"
  (cd "$corpus" && "$root/target/release/examples/store_bench" "$here/out/claims.jsonl" "$db" 1000000 >/dev/null)
fi
# Bring the store to this binary's schema (readers opened read-only refuse to migrate).
"$bin" --db "$db" query claims --limit 1 >/dev/null
echo "$db"
