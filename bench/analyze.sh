#!/usr/bin/env bash
# The analysis over a million claims: `borderwatch analyze` on the store bench/million_store.sh
# builds (1,000,038 claims), RUNS times for each output format, reporting wall-clock seconds
# and peak memory of each run and the median. Run it on an otherwise idle machine.
#
# usage: bench/analyze.sh [RUNS]   (default 5)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
runs=${1:-5}
db=$("$here/million_store.sh")
bin="$here/../target/release/borderwatch"
claims=$(sqlite3 "$db" 'SELECT count(*) FROM claims' 2>/dev/null || echo "?")
echo "machine: $(nproc) cores; store: $claims claims"
for format in json html; do
  times=()
  for _ in $(seq "$runs"); do
    /usr/bin/time -o "$here/out/time.txt" -f "%e %M" "$bin" --db "$db" analyze --format "$format" --out "$here/out/analysis.$format" 2>/dev/null
    read -r secs kb <"$here/out/time.txt"
    times+=("$secs")
    echo "analyze --format $format: $secs s, peak $((kb / 1024)) MB"
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  findings=$(python3 -c "import json; print(len(json.load(open('$here/out/analysis.json'))['findings']))" 2>/dev/null || echo "?")
  echo "median analyze --format $format: $median s ($findings findings)"
done
