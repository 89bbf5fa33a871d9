#!/usr/bin/env bash
# Extraction benchmark: borderwatch `extract` (full claim extraction, JSONL out) against spaCy's
# blank English tokenizer + PhraseMatcher loaded with the same gazetteer names and goods lexicon,
# on one core, on two corpora of >= MB megabytes each:
#   generated — bench/gen_reports.py, recombined from tests/reports;
#   real      — the real reports of ../shared/corpus/real/reports repeated (skipped when absent).
# Each tool runs RUNS times per corpus; the best and the median wall time are printed, and the
# per-core ratio is taken on the medians. One core is one CPU (`taskset -c 0`) for both tools:
# borderwatch's `--jobs 1` has one extraction thread, and its output writer shares that CPU.
# ALL_CORES=1 adds one run of each on all cores. BIN=path times another borderwatch build.
#
# usage: bench/setup.sh && bench/extract.sh [MB] [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root="$here/.."
mb=${1:-60}
runs=${2:-5}
py="$here/.venv/bin/python"
[ -x "$py" ] || { echo "run bench/setup.sh first" >&2; exit 2; }
if [ -z "${BIN:-}" ]; then
  cargo build --release --locked --manifest-path "$root/Cargo.toml" -q -p borderwatch-cli
fi
bin="${BIN:-${CARGO_TARGET_DIR:-$root/target}/release/borderwatch}"
cores=$(nproc)

gen="$here/out/reports"
[ -d "$gen" ] || "$py" "$here/gen_reports.py" "$gen" "$mb"
corpora=("generated:$gen")
shared="$root/../shared/corpus/real/reports"
real="$here/out/real-reports"
if [ -d "$shared" ]; then
  # Copies only, under bench/out (ignored by git): the report text never enters the repository.
  [ -d "$real" ] || "$py" - "$shared" "$real" "$mb" <<'PY'
import os, shutil, sys
src, out, mb = sys.argv[1], sys.argv[2], float(sys.argv[3])
files = sorted(f for f in os.listdir(src) if os.path.isfile(os.path.join(src, f)))
per = sum(os.path.getsize(os.path.join(src, f)) for f in files)
tmp = out + ".tmp"
shutil.rmtree(tmp, ignore_errors=True)
os.makedirs(tmp)
copies, size = 0, 0
while size < mb * 1e6:
    for f in files:
        shutil.copyfile(os.path.join(src, f), os.path.join(tmp, f"{copies:04d}-{f}"))
    copies, size = copies + 1, size + per
os.rename(tmp, out)
print(f"real corpus: {len(files)} reports x {copies} copies, {size / 1e6:.1f} MB in {out}")
PY
  corpora+=("real:$real")
else
  echo "skipping the real corpus: $shared is absent" >&2
fi

# One borderwatch run over a corpus: wall seconds, reading files, loading the reference packs,
# extracting and writing JSONL to /dev/null.
once() { # corpus jobs
  local t0 t1 pin=()
  [ "$2" = 1 ] && pin=(taskset -c 0)
  t0=$(date +%s.%N)
  (cd "$1" && ls | xargs "${pin[@]}" "$bin" extract --jobs "$2" --date 2024-01-01 >/dev/null 2>/dev/null)
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}

echo "machine: $cores cores; $runs runs per tool and corpus"
for c in "${corpora[@]}"; do
  name=${c%%:*} dir=${c#*:}
  bytes=$(find "$dir" -type f -exec cat {} + | wc -c)
  echo "== $name corpus: $(ls "$dir" | wc -l) reports, $(echo "scale=1; $bytes / 1000000" | bc) MB"
  times=()
  for _ in $(seq "$runs"); do times+=("$(once "$dir" 1)"); done
  bw=$(python3 - "$bytes" "${times[@]}" <<'PY'
import json, statistics, sys
b, ts = int(sys.argv[1]), [float(t) for t in sys.argv[2:]]
med = statistics.median(ts)
print(json.dumps({"tool": "borderwatch", "jobs": 1, "mb": round(b / 1e6, 1), "runs": len(ts),
                  "best_s": round(min(ts), 2), "median_s": round(med, 2),
                  "mb_per_s": round(b / 1e6 / med, 2)}))
PY
)
  echo "$bw"
  peer=$(taskset -c 0 "$py" "$here/extract_peer.py" "$bin" "$dir" 1 "$runs")
  echo "$peer"
  python3 - "$bw" "$peer" "$name" <<'PY'
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"ratio ({sys.argv[3]}, one core, medians): borderwatch / spaCy = {a['mb_per_s'] / b['mb_per_s']:.2f}x")
PY
  if [ "${ALL_CORES:-0}" = 1 ]; then
    t=$(once "$dir" "$cores")
    echo "{\"tool\": \"borderwatch\", \"jobs\": $cores, \"seconds\": $t}"
    "$py" "$here/extract_peer.py" "$bin" "$dir" "$cores" 1
  fi
done
