#!/usr/bin/env bash
# AIS decoding benchmark: borderwatch's NMEA reader (checksums, multi-part reassembly, decoding
# to positions and static reports: `crates/ais/examples/ais_read.rs`) against pyais and libais
# (bench/setup.sh installs both), each on one core (`taskset -c 0`), on one NMEA file of
# >= SENTENCES sentences: the shared pyais sample (../shared/data/ais-nmea-pyais, real
# broadcasts, a few deliberately broken) repeated, written under bench/out (ignored by git).
# borderwatch runs RUNS times (median wall time); each peer once, it being hundreds of times
# slower. Prints messages per second of each and the per-core ratios.
#
# usage: bench/setup.sh && bench/ais_decode.sh [SENTENCES] [RUNS]   (default 5000000 and 5)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root="$here/.."
want=${1:-5000000}
runs=${2:-5}
py="$here/.venv/bin/python"
[ -x "$py" ] || { echo "run bench/setup.sh first" >&2; exit 2; }
sample="$root/../shared/data/ais-nmea-pyais/tests_nmea_data_sample.txt"
[ -f "$sample" ] || { echo "skipping: $sample is absent" >&2; exit 0; }
cargo build --release --locked --manifest-path "$root/Cargo.toml" -q -p borderwatch-ais --example ais_read
reader="${CARGO_TARGET_DIR:-$root/target}/release/examples/ais_read"
mkdir -p "$here/out"
feed="$here/out/ais-$want.nmea"
if [ ! -f "$feed" ]; then
  per=$(wc -l <"$sample")
  copies=$(((want + per - 1) / per))
  # awk 1: every copy ends its last line (the sample file does not), so no two sentences merge.
  for _ in $(seq "$copies"); do awk 1 "$sample"; done >"$feed.tmp"
  mv "$feed.tmp" "$feed"
fi
sentences=$(wc -l <"$feed")
echo "machine: $(nproc) cores; feed: $sentences sentences ($(du -h "$feed" | cut -f1)) in $feed"

# Wall seconds of one command on core 0; its output goes to $here/out/ais-last.txt.
timed() {
  /usr/bin/time -o "$here/out/time.txt" -f "%e" taskset -c 0 "$@" >"$here/out/ais-last.txt" 2>&1
  cat "$here/out/time.txt"
}

times=()
for _ in $(seq "$runs"); do
  # --file-time: the sample has no timestamps, and the reader rejects a position with none.
  times+=("$(timed "$reader" --file-time 1700000000 "$feed")")
done
ours=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
decoded=$(grep -o 'decoded [0-9]*' "$here/out/ais-last.txt" | head -1 | cut -d' ' -f2)
echo "borderwatch: ${times[*]} s; median $ours s; $(cat "$here/out/ais-last.txt")"
rate() { awk -v n="$1" -v s="$2" 'BEGIN {printf "%.0f", n / s}'; }
echo "borderwatch: $(rate "$decoded" "$ours") messages/s"
for peer in pyais libais; do
  secs=$(timed "$py" -W ignore "$here/ais_peer.py" "$peer" "$feed")
  line=$(grep "^$peer:" "$here/out/ais-last.txt")
  n=$(echo "$line" | awk '{print $2}')
  echo "$line (process $secs s); $(rate "$n" "$secs") messages/s;" \
    "borderwatch/$peer per core: $(awk -v a="$secs" -v b="$ours" 'BEGIN {printf "%.1f", a / b}')x"
done
