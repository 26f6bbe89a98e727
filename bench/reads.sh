#!/usr/bin/env bash
# The read path under the strictest fair conditions: gen3-content as users run it (the default
# log level, every request logged to a file; one worker and the default worker count) against
# nginx at its fastest (no access log, sendfile, open_file_cache, one worker), serving the exact
# bytes of GET /sections and a gzip_static copy; 32 connections from one wrk thread.
#
#   bench/reads.sh              # 5 rounds of 5 s per case and server
#   BASELINE=0702783 bench/reads.sh   # also the gen3-content of that commit, side by side
#   BASELINE=0702783 BASELINE_BIN=path bench/reads.sh   # that commit's binary, built before
#
# The run also measures actix-web alone (no middleware, no logging) sending gen3-content's exact
# response headers, as the ceiling for a server on actix-web with those headers.
# ROUNDS, DURATION, CONNECTIONS override. Servers are pinned to core 0 and wrk to core 1 with
# taskset; every round runs every server back to back on each case (200, 304, gzip), and the
# headline figure is the median of the per-round ratios to nginx. Builds the release binary (and
# the baseline's, in a git worktree), installs wrk and nginx-light with apt-get if missing, talks
# only to 127.0.0.1 and stops every process it started by its PID.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${ROUNDS:-5}
duration=${DURATION:-5s}
connections=${CONNECTIONS:-32}
port=${PORT:-18501}

source bench/lib.sh
ensure_tools wrk nginx taskset curl git

setup_work
chmod 755 "$work" # nginx's worker runs as another user and must read the files

cargo build --release --quiet
cargo build --release --quiet --example actix_floor
collect_bins


# gen3-content: each binary with --workers 1, the default worker count (the cores it may run on:
# one, under taskset) and --workers 2 (the default on this 2-core machine), at the default
# log level, logging to a file (as a service manager would collect it).
servers=()
declare -A url etag
for entry in "${bins[@]}"; do
  name=${entry%%=*}; bin=${entry#*=}
  for workers in 1 default 2; do
    server="$name/workers-$workers"
    args=()
    [ "$workers" = default ] || args=(--workers "$workers")
    taskset -c 0 "$bin" serve --bind "127.0.0.1:$port" --database "$work/$port.db" "${args[@]}" \
      >"$work/$port.log" 2>&1 &
    pids+=("$!")
    url[$server]="http://127.0.0.1:$port/sections"
    wait_for "${url[$server]}"
    etag[$server]=$(etag_of "${url[$server]}")
    servers+=("$server")
    port=$((port + 1))
  done
done

# nginx at its fastest, serving gen3-content's exact bytes.
mkdir -p "$work/www"
curl -s "${url[new/workers-1]}" -o "$work/www/sections"
curl -s -H 'Accept-Encoding: gzip' "${url[new/workers-1]}" -o "$work/www/sections.gz"
nginx_conf "$work" "$port" off
taskset -c 0 nginx -c "$work/nginx.conf" -e "$work/nginx-error.log" &
pids+=("$!")
url[nginx]="http://127.0.0.1:$port/sections"
wait_for "${url[nginx]}"
etag[nginx]=$(etag_of "${url[nginx]}")
cmp -s <(curl -s "${url[new/workers-1]}") <(curl -s "${url[nginx]}") || { echo "nginx serves other bytes" >&2; exit 1; }

# actix-web alone with gen3-content's response headers (examples/actix_floor.rs): the ceiling for
# a server built on actix-web that sends those headers.
ACTIX_FLOOR_HEADERS=1 taskset -c 0 target/release/examples/actix_floor "$work/www/sections" \
  "$work/www/sections.gz" "$((port + 1))" >/dev/null 2>&1 &
pids+=("$!")
url[actix-alone]="http://127.0.0.1:$((port + 1))/sections"
wait_for "${url[actix-alone]}"
etag[actix-alone]='"floor"'
servers+=(actix-alone)

# wrk on core 1: "req/s p50_ms p99_ms max_ms unexpected".
load() { wrk_run -c"$connections" -d"$duration" "$@"; }

declare -A results
cases=(200 304 gzip)
all=("${servers[@]}" nginx)
for round in $(seq "$rounds"); do
  for case in "${cases[@]}"; do
    for server in "${all[@]}"; do
      case $case in
        200) r=$(load "${url[$server]}") ;;
        304) r=$(load -H "If-None-Match: ${etag[$server]}" "${url[$server]}") ;;
        gzip) r=$(load -H "Accept-Encoding: gzip" "${url[$server]}") ;;
      esac
      results["$case|$server|$round"]=$r
      echo "round $round  $case  $server: $r (req/s p50 p99 max non-2xx)" >&2
    done
  done
done

field() { for r in $(seq "$rounds"); do cut -d' ' -f"$3" <<<"${results["$1|$2|$r"]}"; done; }

echo "## Reads under strict conditions: GET /sections, $rounds rounds of $duration per case and server, $connections connections"
echo
echo "nginx: no access log, sendfile, open_file_cache, one worker. gen3-content: default log level (info), every request logged to a file. All servers on core 0, wrk -t1 on core 1."
echo
echo "| server | case | req/s (median) | nginx req/s (median) | ratio to nginx (median of rounds) | per-round ratios | p50 / p99 ms | nginx p50 / p99 ms |"
echo "|---|---|---|---|---|---|---|---|"
for server in "${servers[@]}"; do
  for case in "${cases[@]}"; do
    ratios=$(for r in $(seq "$rounds"); do
      x=$(cut -d' ' -f1 <<<"${results["$case|$server|$r"]}"); y=$(cut -d' ' -f1 <<<"${results["$case|nginx|$r"]}")
      awk -v x="$x" -v y="$y" 'BEGIN { printf "%.3f ", x / y }'; done)
    printf "| %s | %s | %.0f | %.0f | **%.2f** | %s| %s / %s | %s / %s |\n" "$server" "$case" \
      "$(field "$case" "$server" 1 | median)" "$(field "$case" nginx 1 | median)" \
      "$(tr ' ' '\n' <<<"$ratios" | grep . | median)" "$ratios" \
      "$(field "$case" "$server" 2 | median)" "$(field "$case" "$server" 3 | median)" \
      "$(field "$case" nginx 2 | median)" "$(field "$case" nginx 3 | median)"
  done
done
bad=$(for k in "${!results[@]}"; do cut -d' ' -f5 <<<"${results[$k]}"; done | awk '{ s += $1 } END { print s + 0 }')
echo
echo "Unexpected statuses (non-2xx/3xx) across all runs: $bad"
