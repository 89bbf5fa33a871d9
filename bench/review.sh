#!/usr/bin/env bash
# Reviews on the store of a million claims (bench/million_store.sh), on a copy of it
# (bench/out/review.db): REVIEWS reviews through the API, one after another (confirm, reject,
# correct in turn, on claims spread over the store), with the latency percentiles of the
# review requests and of the corridor request after each thousandth (it must reflect the
# reviews); then `analyze --format json` on the reviewed store, RUNS times.
#
# usage: bench/review.sh [REVIEWS] [RUNS]   (default 10000 and 3)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root="$here/.."
reviews=${1:-10000}
runs=${2:-3}
src=$("$here/million_store.sh")
bin="$root/target/release/borderwatch"
db="$here/out/review.db"
rm -f "$db" "$db-wal" "$db-shm"
"$bin" --db "$src" db backup "$db" >/dev/null
port=18392
"$bin" --db "$db" serve --addr "127.0.0.1:$port" > "$here/out/review-serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
# The server checks the store before it listens (a million-claim store takes a while).
for _ in $(seq 600); do
  grep -q "listening on" "$here/out/review-serve.log" 2>/dev/null && break
  sleep 0.5
done
echo "machine: $(nproc) cores; store: $(sqlite3 "$db" 'SELECT count(*) FROM claims') claims"
python3 "$here/review_load.py" "http://127.0.0.1:$port" "$reviews"
kill $pid 2>/dev/null || true
trap - EXIT
for _ in $(seq "$runs"); do
  /usr/bin/time -o "$here/out/time.txt" -f "%e %M" "$bin" --db "$db" analyze --format json --out "$here/out/reviewed.json" 2>/dev/null
  read -r secs kb <"$here/out/time.txt"
  echo "analyze --format json with $(sqlite3 "$db" 'SELECT count(*) FROM reviews') reviews: $secs s, peak $((kb / 1024)) MB"
done
