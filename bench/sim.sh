#!/usr/bin/env bash
# Simulation benchmark: (1) scale — the default scenario with every stream and gate ×38 (over
# 10 million loads in a year), timed, with peak memory; (2) recovery — the default scenario and
# the tighten-quanhe what-if, each ingested (shipments and observer reports) and analysed, the
# detectors' findings scored against the run's truth labels (bench/sim_recovery.py); (3) the
# fleet — the `sea` scenario's 30 days of AIS ingested and analysed, the sea detectors scored
# against each vessel's truth and the track events against the events the fleet planted
# (bench/sim_ships.py).
#
# usage: bench/sim.sh [SCALE]   (default 38)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root="$here/.."
scale=${1:-38}
cargo build --release --locked --manifest-path "$root/Cargo.toml" -q
bin="$root/target/release/borderwatch"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "machine: $(nproc) cores"
/usr/bin/time -f '{"what": "simulate scale", "wall_s": %e, "max_rss_kb": %M}' \
  "$bin" simulate --set "scale=$scale" --out "$work/big" 2>&1 >"$work/big.txt" | tail -1
grep -E "loads crossed|in flight" "$work/big.txt"
echo "rows written: $(($(wc -l < "$work/big/shipments.csv") - 1)) shipments (sea loads are two legs)"
rm -rf "$work/big"
for sc in default tighten-quanhe; do
  "$bin" simulate --scenario "$sc" --out "$work/$sc" >/dev/null
  "$bin" --db "$work/$sc.db" ingest "$work/$sc/shipments.csv" "$work/$sc/reports" | tail -1
  "$bin" --db "$work/$sc.db" analyze --format json --out "$work/$sc/analysis.json" 2>/dev/null
  extra=()
  [ "$sc" = tighten-quanhe ] && extra=(--change 2023-07-01 --tightened quanhe-wonjong)
  echo "scenario $sc:"
  python3 "$here/sim_recovery.py" "$work/$sc" "$work/$sc/analysis.json" "${extra[@]}"
done
"$bin" simulate --scenario sea --out "$work/sea" >/dev/null
echo "fleet: $(wc -l < "$work/sea/tracks.nmea") AIS lines, $(($(wc -l < "$work/sea/ships.csv") - 1)) vessels"
/usr/bin/time -f '{"what": "ingest fleet tracks", "wall_s": %e, "max_rss_kb": %M}' \
  "$bin" --db "$work/sea.db" ingest "$work/sea/tracks.nmea" 2>&1 | tail -2
"$bin" --db "$work/sea.db" analyze --format json --out "$work/sea/analysis.json" 2>/dev/null
echo "scenario sea (fleet):"
"$bin" --db "$work/sea.db" query tracks --format csv >"$work/sea/tracks.csv"
python3 "$here/sim_ships.py" "$work/sea" "$work/sea/analysis.json" "$work/sea/tracks.csv"
