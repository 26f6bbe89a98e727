#!/usr/bin/env bash
# The read and write benchmark of bench/RESULTS.md: gen3-content against nginx serving the same
# bytes from files (and against actix-web alone, to tell the framework's cost from ours), and its
# writes against the same transaction run directly on SQLite.
#
#   bench/run.sh            # 3 rounds of 10 s per case; ROUNDS, DURATION, CONNECTIONS override
#
# bench/reads.sh compares the reads under stricter conditions (nginx logging nothing, 32
# connections), and bench/writes.sh, which this script runs last, the writes.
#
# Builds the release binary, installs wrk and nginx (Debian packages) if missing, pins both
# servers to core 0 and wrk to core 1, runs every read case A/B/A/B, and prints the medians and
# per-round ratios. Talks only to 127.0.0.1; stops every process it started, by its PID.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${ROUNDS:-3}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-64}
app_port=${APP_PORT:-18481}
nginx_port=${NGINX_PORT:-18482}
floor_port=${FLOOR_PORT:-18484}

source bench/lib.sh
ensure_tools wrk nginx taskset curl

# Two builds: the binary exactly as `cargo build --release` makes it (and cold-start.sh reuses),
# and actix-web alone, an example, whose build unifies dev-dependency features.
cargo build --release --quiet
cargo build --release --quiet --example actix_floor
bin=target/release/gen3-content
floor_bin=target/release/examples/actix_floor

setup_work
chmod 755 "$work"  # nginx's worker runs as another user and must read the files


# --- gen3-content on core 0: one worker, logging every request to a file (as in production).
taskset -c 0 "$bin" serve --bind "127.0.0.1:$app_port" --database "$work/app.db" --workers 1 \
  --log info >"$work/app.log" 2>&1 &
app_pid=$!; pids+=("$app_pid")
app="http://127.0.0.1:$app_port/sections"
wait_for "$app"

# --- nginx on core 0, serving the exact bytes gen3-content serves, with its own ETag.
mkdir -p "$work/www"
curl -s "$app" -o "$work/www/sections"
curl -s -H 'Accept-Encoding: gzip' "$app" -o "$work/www/sections.gz"
# Logging every request with a 64 KiB buffer, as gen3-content logs every request.
nginx_conf "$work" "$nginx_port" "$work/nginx-access.log combined buffer=64k flush=1s"
taskset -c 0 nginx -c "$work/nginx.conf" -e "$work/nginx-error.log" &
nginx_pid=$!; pids+=("$nginx_pid")
ngx="http://127.0.0.1:$nginx_port/sections"
wait_for "$ngx"
app_etag=$(etag_of "$app"); ngx_etag=$(etag_of "$ngx")

# --- actix-web alone on core 0 (examples/actix_floor.rs): the framework's own cost.
taskset -c 0 "$floor_bin" "$work/www/sections" "$work/www/sections.gz" "$floor_port" >/dev/null 2>&1 &
floor_pid=$!; pids+=("$floor_pid")
flr="http://127.0.0.1:$floor_port/sections"
wait_for "$flr"
flr_etag='"floor"'
cmp -s <(curl -s "$app") <(curl -s "$ngx") || { echo "the two bodies differ" >&2; exit 1; }

# wrk on core 1: "req/s p50_ms p99_ms max_ms unexpected".
load() { wrk_run -c"$connections" -d"$duration" "$@"; }

declare -A results
cases=("200 identity" "304 If-None-Match" "200 gzip")
for round in $(seq "$rounds"); do
  for case in "${cases[@]}"; do
    for server in app nginx floor; do
      case $server in
        app) url=$app; etag=$app_etag ;;
        nginx) url=$ngx; etag=$ngx_etag ;;
        floor) url=$flr; etag=$flr_etag ;;
      esac
      case $case in
        "200 identity") r=$(load "$url") ;;
        "304 If-None-Match") r=$(load -H "If-None-Match: $etag" "$url") ;;
        "200 gzip") r=$(load -H "Accept-Encoding: gzip" "$url") ;;
      esac
      results["$case|$server|$round"]=$r
      echo "round $round  $case  $server: $r (req/s p50 p99 max non-2xx)" >&2
    done
  done
done

field() { local c=$1 s=$2 f=$3; for r in $(seq "$rounds"); do echo "${results["$c|$s|$r"]}" | cut -d' ' -f"$f"; done; }

echo
echo "## Reads: GET /sections, $rounds rounds of $duration per server, $connections connections, wrk on core 1, servers on core 0"
echo
echo "| case | gen3-content req/s (median) | nginx req/s (median) | ratio (median of rounds) | per-round ratios | actix-web alone req/s (median) | gen3-content / actix-web alone | p50 ms (app / nginx) | p99 ms (app / nginx) |"
echo "|---|---|---|---|---|---|---|---|---|"
for case in "${cases[@]}"; do
  a=$(field "$case" app 1 | median); n=$(field "$case" nginx 1 | median)
  # Each round's A and B ran back to back, so the paired ratio is the robust figure on a noisy
  # machine: the headline ratio is the median of the per-round ratios.
  ratios=$(for r in $(seq "$rounds"); do
    x=$(echo "${results["$case|app|$r"]}" | cut -d' ' -f1); y=$(echo "${results["$case|nginx|$r"]}" | cut -d' ' -f1)
    awk -v x="$x" -v y="$y" 'BEGIN { printf "%.3f ", x / y }'; done)
  ratio=$(tr ' ' '\n' <<<"$ratios" | grep . | median)
  f=$(field "$case" floor 1 | median)
  floor_ratio=$(for r in $(seq "$rounds"); do
    x=$(echo "${results["$case|app|$r"]}" | cut -d' ' -f1); y=$(echo "${results["$case|floor|$r"]}" | cut -d' ' -f1)
    awk -v x="$x" -v y="$y" 'BEGIN { print x / y }'; done | median)
  printf "| %s | %.0f | %.0f | %.3f | %s| %.0f | %.3f | %s / %s | %s / %s |\n" "$case" "$a" "$n" "$ratio" "$ratios" "$f" "$floor_ratio" \
    "$(field "$case" app 2 | median)" "$(field "$case" nginx 2 | median)" \
    "$(field "$case" app 3 | median)" "$(field "$case" nginx 3 | median)"
done
bad=$(for k in "${!results[@]}"; do echo "${results[$k]}" | cut -d' ' -f5; done | awk '{ s += $1 } END { print s + 0 }')
echo
echo "Unexpected statuses (non-2xx/3xx) across all read runs: $bad"

# --- Writes: bench/writes.sh, against fresh servers of this build.
echo
bench/writes.sh

# --- Memory and start-up.
echo
echo "RSS of gen3-content after the load: $(awk '/VmRSS/ {print $2 " " $3}' "/proc/$app_pid/status"), peak $(awk '/VmHWM/ {print $2 " " $3}' "/proc/$app_pid/status")"
bench/cold-start.sh 10
