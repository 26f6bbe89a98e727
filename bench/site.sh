#!/usr/bin/env bash
# The whole site at scale: a generated content folder of 10,000 pages with the real pages'
# shapes (bench/gen-site.py), imported with the model `model infer` gives for it (time, peak
# RSS, database size), imported again unchanged, exported (and compared byte for byte), a cold
# start of the server on it, and the landing page's read throughput on it against the previous
# release on its own database, side by side in one run.
#
#   bench/site.sh                      # BASELINE defaults to 33395dc, the release before the site
#   PAGES=2000 ROUNDS=3 bench/site.sh
#
# Servers are pinned to core 0 and wrk to core 1; rounds alternate which server goes first; the
# headline throughput figure is the median of the per-round ratios. Talks only to 127.0.0.1 and stops every process it started by its PID.
set -euo pipefail
cd "$(dirname "$0")/.."

pages=${PAGES:-10000}
rounds=${ROUNDS:-5}
duration=${DURATION:-5s}
connections=${CONNECTIONS:-32}
port=${PORT:-18601}
export BASELINE=${BASELINE:-33395dc}

source bench/lib.sh
ensure_tools wrk taskset curl git python3
need /usr/bin/time || { echo "missing /usr/bin/time (Debian package time)" >&2; exit 1; }

setup_work
cargo build --release --quiet
collect_bins
new=target/release/gen3-content
old=${bins[1]#*=}

python3 bench/gen-site.py site/gen3.org-d819f2a/content "$work/content" "$pages" >&2
files=$(find "$work/content" -type f | wc -l)

measure() { # LABEL COMMAND...: one line "LABEL seconds S peak_rss_mb M"
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  read -r seconds kb <"$work/time"
  printf '%-28s seconds %6.2f  peak_rss_mb %6.1f\n' "$label" "$seconds" "$(echo "$kb / 1024" | bc -l)"
}

db=$work/site.db
measure "model infer --site" "$new" model infer --site "$work/content" --log warn
cp "$work/out" "$work/model.yaml"
measure "import --site (new)" "$new" --database "$db" import --site "$work/content" --model "$work/model.yaml" --log warn
tail -1 "$work/out"
sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null 2>&1 || true
echo "database: $(du -cb "$db"* | tail -1 | cut -f1) bytes for $pages pages ($files files)"
measure "import --site (unchanged)" "$new" --database "$db" import --site "$work/content" --log warn
tail -1 "$work/out"
measure "export --site" "$new" --database "$db" export --site "$work/export" --log warn
if diff -rq "$work/content" "$work/export" >/dev/null; then
  echo "export: every one of $files files byte-identical"
else
  echo "export: files differ" >&2; diff -rq "$work/content" "$work/export" | head >&2; exit 1
fi

# Cold start on the site's database: from exec to the first 200 of GET /sections.
start=$(date +%s%N)
taskset -c 0 "$new" serve --bind "127.0.0.1:$port" --database "$db" --log warn >"$work/new.log" 2>&1 &
pids+=("$!"); new_pid=$!
wait_for "http://127.0.0.1:$port/sections"
echo "cold start on $pages pages: $(( ($(date +%s%N) - start) / 1000000 )) ms to the first 200 of GET /sections"
sleep 1
echo "RSS when idle: $(awk '/VmRSS/ {print $2 " " $3}' "/proc/$new_pid/status")"
new_url="http://127.0.0.1:$port/sections"

# The previous release, on its own new database (the landing page alone).
old_port=$((port + 1))
taskset -c 0 "$old" serve --bind "127.0.0.1:$old_port" --database "$work/old.db" --log warn >"$work/old.log" 2>&1 &
pids+=("$!")
old_url="http://127.0.0.1:$old_port/sections"
wait_for "$old_url"

declare -A results
for round in $(seq "$rounds"); do
  # Each round alternates which server goes first, so that neither gains from the order.
  order="new old"; [ $((round % 2)) -eq 0 ] && order="old new"
  for server in $order; do
    url=${server}_url; url=${!url}
    etag=$(etag_of "$url")
    results[$server-200-$round]=$(wrk_run -c "$connections" -d "$duration" "$url" | cut -d' ' -f1)
    results[$server-304-$round]=$(wrk_run -c "$connections" -d "$duration" -H "If-None-Match: $etag" "$url" | cut -d' ' -f1)
  done
done
for case in 200 304; do
  ratios=(); news=(); olds=()
  for round in $(seq "$rounds"); do
    n=${results[new-$case-$round]}; o=${results[old-$case-$round]}
    news+=("$n"); olds+=("$o")
    ratios+=("$(echo "$n / $o" | bc -l)")
  done
  printf 'GET /sections %s: new (on %s pages) median %s req/s, %s (landing page alone) median %s req/s, median ratio %.3f\n' \
    "$case" "$pages" "$(printf '%s\n' "${news[@]}" | median)" "$BASELINE" "$(printf '%s\n' "${olds[@]}" | median)" \
    "$(printf '%s\n' "${ratios[@]}" | median)"
done
