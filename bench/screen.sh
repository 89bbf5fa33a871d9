#!/usr/bin/env bash
# Batch-screening benchmark: borderwatch vs DuckDB vs pandas on the same generated file.
# usage: bench/screen.sh [ROWS]   (default 10,000,000). Needs bench/setup.sh run once.
# Prints a Markdown table (rows/s, wall time, peak RSS) to paste into BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-10000000}
out=bench/out; mkdir -p "$out"
py=bench/.venv/bin/python
[ -x "$py" ] || { echo "run bench/setup.sh first" >&2; exit 2; }
cargo build --release --locked -q
bin=target/release/borderwatch
ships="$out/shipments-$rows.csv"
[ -f "$ships" ] || python3 bench/gen_shipments.py "$rows" "$ships" --broken 100
$bin rules --format json > "$out/rules.json"
measure() { # name, command...
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" > /dev/null 2> "$out/$name.err" || { cat "$out/$name.err" >&2; return 1; }
  read -r secs kb < "$out/time.txt"
  printf '| %s | %s | %.0f | %.1f | %.0f |\n' "$name" "$rows" "$(echo "$rows / $secs" | bc -l)" "$secs" "$(echo "$kb / 1024" | bc -l)"
}
echo "| tool | rows | rows/s | wall s | peak MB |"
echo "|---|---|---|---|---|"
measure borderwatch $bin screen --input "$ships" --output "$out/bw.csv" --rejects "$out/bw.rejects.csv" --date 2020-01-01
measure duckdb $py bench/peers.py duckdb "$out/rules.json" "$ships" "$out/duckdb.csv"
if [ "${SKIP_PANDAS:-}" = "" ]; then
  measure pandas $py bench/peers.py pandas "$out/rules.json" "$ships" "$out/pandas.csv"
fi
tail -1 "$out/borderwatch.err"
# Agreement on status between borderwatch and the DuckDB prefix join (rows both screened).
$py - "$out/bw.csv" "$out/duckdb.csv" <<'PY'
import csv, sys
a = {r["shipment_id"]: r["verdict"] for r in csv.DictReader(open(sys.argv[1]))}
same = total = 0
for r in csv.DictReader(open(sys.argv[2])):
    v = a.get(r["shipment_id"])
    if v is None:
        continue
    total += 1
    same += v == r["verdict"]
print(f"status agreement with the DuckDB prefix join: {same}/{total} = {same/total:.4f}")
PY
