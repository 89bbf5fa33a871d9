#!/usr/bin/env bash
# Extraction benchmark: borderwatch `extract` (full claim extraction, JSONL out) against spaCy's
# blank English tokenizer + PhraseMatcher loaded with the same gazetteer names and goods lexicon,
# on the same generated report corpus (>= 50 MB), on one core and on all cores.
#
# usage: bench/setup.sh && bench/extract.sh [MB]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root="$here/.."
mb=${1:-60}
py="$here/.venv/bin/python"
[ -x "$py" ] || { echo "run bench/setup.sh first" >&2; exit 2; }
cargo build --release --locked --manifest-path "$root/Cargo.toml" -q
bin="$root/target/release/borderwatch"
corpus="$here/out/reports"
if [ ! -d "$corpus" ]; then "$py" "$here/gen_reports.py" "$corpus" "$mb"; fi
bytes=$(cat "$corpus"/*.txt | wc -c)
cores=$(nproc)
run() { # jobs
  local t0 t1
  t0=$(date +%s.%N)
  (cd "$corpus" && ls | xargs "$bin" extract --jobs "$1" --date 2024-01-01 >/dev/null 2>/dev/null)
  t1=$(date +%s.%N)
  python3 -c "import sys; b,t=$bytes,$t1-$t0; print(f'{{\"tool\": \"borderwatch\", \"jobs\": $1, \"mb\": {b/1e6:.1f}, \"seconds\": {t:.2f}, \"mb_per_s\": {b/1e6/t:.2f}}}')"
}
echo "corpus: $(ls "$corpus" | wc -l) reports, $((bytes / 1000000)) MB; machine: $cores cores"
run 1
run "$cores"
"$py" "$here/extract_peer.py" "$bin" "$corpus" 1
"$py" "$here/extract_peer.py" "$bin" "$corpus" "$cores"
