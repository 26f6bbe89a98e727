#!/usr/bin/env bash
# The write benchmark: PUT /sections/vision with If-Match: *, two bodies alternating, over one
# connection, against the same transaction run directly on SQLite (examples/write_reference.rs),
# at both --synchronous settings.
#
#   bench/writes.sh                     # 10 s per run
#   BASELINE=0702783 bench/writes.sh    # also the gen3-content of that commit, side by side
#   BASELINE=0702783 BASELINE_BIN=path bench/writes.sh   # that commit's binary, built before
#
# WRITE_SECONDS (10) and WARMUP (20 s of GET load before the writes, as bench/run.sh's reads leave
# the server: a log file of millions of lines, its pages still being written back) override.
# Each server runs on core 0 at the default log level, logging to a file, with its own database;
# wrk runs on core 1. wrk's p99 includes its correction for coordinated omission (synthetic
# samples for the requests a stall held up), so one long stall shows in it; the reference times
# each transaction as it ran. The maximum is the same measure for both. Talks only to 127.0.0.1
# and stops every process it started by its PID.
set -euo pipefail
cd "$(dirname "$0")/.."

write_seconds=${WRITE_SECONDS:-10}
warmup=${WARMUP:-20}
port=${PORT:-18521}

source bench/lib.sh
ensure_tools wrk taskset curl git

setup_work

cargo build --release --quiet
cargo build --release --quiet --example write_reference
reference=target/release/examples/write_reference
collect_bins

cat >"$work/put.lua" <<'LUA'
local token = os.getenv("BENCH_TOKEN")
local bodies = { '{"quote":"Benchmark quote A."}', '{"quote":"Benchmark quote B."}' }
local n = 0
request = function()
  n = n + 1
  return wrk.format("PUT", "/sections/vision", {
    ["Authorization"] = "Bearer " .. token, ["If-Match"] = "*",
    ["Content-Type"] = "application/json" }, bodies[n % 2 + 1])
end
LUA

revision() { curl -s "$1/vision" | sed -n 's/.*"revision":\([0-9]*\).*/\1/p'; }
load() { wrk_run "$@"; }

echo "## Writes: PUT /sections/vision, If-Match: *, two bodies alternating, 1 connection, ${write_seconds} s (after ${warmup} s of reads)"
echo
echo "| synchronous | what | writes/s | p50 ms | p99 ms (wrk, corrected) | max ms | revisions stored | unexpected statuses |"
echo "|---|---|---|---|---|---|---|---|"
for sync in full normal; do
  for entry in "${bins[@]}"; do
    name=${entry%%=*}; bin=${entry#*=}
    db="$work/$name-$sync.db"
    token=$("$bin" --database "$db" token create --name bench --scope write)
    taskset -c 0 "$bin" serve --bind "127.0.0.1:$port" --database "$db" --workers 1 \
      --synchronous "$sync" >"$work/$name-$sync.log" 2>&1 &
    pid=$!; pids+=("$pid")
    base="http://127.0.0.1:$port/sections"
    wait_for "$base"
    if [ "$warmup" -gt 0 ]; then load -c32 -d"${warmup}s" "$base" >/dev/null; fi
    sync
    before=$(revision "$base")
    read -r rps p50 p99 max bad <<<"$(BENCH_TOKEN=$token load -c1 -d"${write_seconds}s" -s "$work/put.lua" "$base/vision")"
    after=$(revision "$base")
    echo "| $sync | gen3-content $name, over HTTP | $rps | $p50 | $p99 | $max | $((after - before)) | $bad |"
    kill "$pid"; wait "$pid" 2>/dev/null || true
    port=$((port + 1))
  done
  rm -f "$work"/reference.db*
  sync
  read -r r_rps r_p50 r_p99 r_max <<<"$(taskset -c 0 "$reference" "$work/reference.db" "$write_seconds" "$sync" | awk '{print $6, $8, $10, $12}')"
  echo "| $sync | the same transaction directly on SQLite | $r_rps | $r_p50 | $r_p99 (uncorrected) | $r_max | | |"
done
