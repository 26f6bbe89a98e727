#!/usr/bin/env bash
# The write benchmark, in one run:
#   1. PUT /sections/vision with If-Match: *, two bodies alternating, at 1 and at 8 connections,
#      against this checkout's release build and BASELINE's (0702783 by default: the release
#      before the whole site and publishing), interleaved round by round (the order alternates),
#      beside the same transaction run directly on SQLite (examples/write_reference.rs);
#   2. PATCH /pages/{id}/sections/{section} on a page of 5 sections and on one of 50 (this build):
#      the cost of a write must not grow with the page;
#   3. the start on the generated 10,000-page site (bench/gen-site.py): launch to the first 200,
#      this build and PREVIOUS's (the commit before the write path changed; skipped if unset).
#
#   bench/writes.sh                         # ROUNDS=2 WRITE_SECONDS=10 WARMUP=0 STARTS=3
#   BASELINE=0702783 BASELINE_BIN=path PREVIOUS_BIN=path bench/writes.sh   # binaries built before
#
# Each server runs on core 0 (--workers 1) at the default log level, logging to a file, with a
# database of its own at the default durability (`full`); wrk runs on core 1. wrk's p99 includes
# its correction for coordinated omission (synthetic samples for the requests a stall held up),
# so one long stall shows in it; the reference times each transaction as it ran. Talks only to
# 127.0.0.1 and stops every process it started by its PID.
set -euo pipefail
cd "$(dirname "$0")/.."

write_seconds=${WRITE_SECONDS:-10}
warmup=${WARMUP:-0}
rounds=${ROUNDS:-2}
starts=${STARTS:-3}
port=${PORT:-18521}
BASELINE=${BASELINE:-0702783}

source bench/lib.sh
ensure_tools wrk taskset curl git python3

setup_work

cargo build --release --quiet
cargo build --release --quiet --example write_reference
reference=target/release/examples/write_reference
collect_bins

cat >"$work/put.lua" <<'LUA'
local token = os.getenv("BENCH_TOKEN")
local path = os.getenv("BENCH_PATH")
local method = os.getenv("BENCH_METHOD")
local media = os.getenv("BENCH_MEDIA")
local bodies = { '{"quote":"Benchmark quote A."}', '{"quote":"Benchmark quote B."}' }
local n = 0
request = function()
  n = n + 1
  return wrk.format(method, path, {
    ["Authorization"] = "Bearer " .. token, ["If-Match"] = "*",
    ["Content-Type"] = media }, bodies[n % 2 + 1])
end
LUA

# serve NAME BIN DB: starts BIN on DB (core 0, one worker); sets $pid and $base.
serve() {
  taskset -c 0 "$2" serve --bind "127.0.0.1:$port" --database "$3" --workers 1 >"$work/$1.log" 2>&1 &
  pid=$!; pids+=("$pid")
  base="http://127.0.0.1:$port"
  wait_for "$base/sections"
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; port=$((port + 1)); }

# write_load CONNECTIONS METHOD PATH MEDIA: prints "writes/s p50 p99 max unexpected".
write_load() {
  BENCH_TOKEN=$token BENCH_METHOD=$2 BENCH_PATH=$3 BENCH_MEDIA=$4 \
    wrk_run -c"$1" -d"${write_seconds}s" -s "$work/put.lua" "$base$3"
}

echo "## Writes: PUT /sections/vision, If-Match: *, two bodies alternating, ${write_seconds} s per case, synchronous full"
echo
echo "| round | connections | what | writes/s | p50 ms | p99 ms (wrk, corrected) | max ms | unexpected statuses |"
echo "|---|---|---|---|---|---|---|---|"
for round in $(seq "$rounds"); do
  order=("${bins[@]}")
  if [ $((round % 2)) -eq 0 ]; then order=("${bins[1]}" "${bins[0]}"); fi
  for connections in 1 8; do
    for entry in "${order[@]}"; do
      name=${entry%%=*}; bin=${entry#*=}
      db="$work/$name-$round-$connections.db"
      token=$("$bin" --database "$db" token create --name bench --scope write)
      serve "$name" "$bin" "$db"
      if [ "$warmup" -gt 0 ]; then wrk_run -c32 -d"${warmup}s" "$base/sections" >/dev/null; fi
      sync
      read -r rps p50 p99 max bad <<<"$(write_load "$connections" PUT /sections/vision application/json)"
      echo "| $round | $connections | gen3-content $name | $rps | $p50 | $p99 | $max | $bad |"
      stop
    done
  done
  rm -f "$work"/reference.db*
  sync
  read -r r_rps r_p50 r_p99 r_max <<<"$(taskset -c 0 "$reference" "$work/reference.db" "$write_seconds" full | awk '{print $6, $8, $10, $12}')"
  echo "| $round | 1 | the same transaction directly on SQLite | $r_rps | $r_p50 | $r_p99 (uncorrected) | $r_max | |"
done

# A page of N sections of one type, under a model that names them: products/bench-N.
echo
echo "## PATCH /pages/{id}/sections/{section} on a page of 5 and of 50 sections (this build), 1 connection"
echo
echo "| sections | writes/s | p50 ms | p99 ms | max ms | unexpected statuses |"
echo "|---|---|---|---|---|---|"
mkdir -p "$work/many/products"
cp seed/model.yaml "$work/many.yaml"
python3 - "$work/many" "$work/many.yaml" <<'PY'
import sys
site, model = sys.argv[1], sys.argv[2]
with open(model, encoding="utf-8") as f:
    text = f.read()
keys = "".join(f"  g3Bench{i:02d}: {{ id: bench-{i:02d}, type: vision }}\n" for i in range(1, 51))
text = text.replace("sections:\n", "sections:\n" + keys, 1)
with open(model, "w", encoding="utf-8") as f:
    f.write(text)
landing = open("site/gen3.org-d819f2a/content/_index.md", encoding="utf-8").read()
with open(f"{site}/_index.md", "w", encoding="utf-8") as f:
    f.write(landing)
for n in (5, 50):
    front = "".join(f"g3Bench{i:02d}:\n  quote: Section {i} of {n}.\n" for i in range(1, n + 1))
    body = "".join(f'{{{{< param "g3Bench{i:02d}.quote" >}}}}\n' for i in range(1, n + 1))
    with open(f"{site}/products/bench-{n}.md", "w", encoding="utf-8") as f:
        f.write(f"---\ntitle: A page of {n} sections\ndate: 2026-12-07\n{front}---\n{body}")
PY
new=${bins[0]#*=}
"$new" --database "$work/many.db" import --site "$work/many" --model "$work/many.yaml" --log warn >/dev/null
token=$("$new" --database "$work/many.db" token create --name bench --scope write)
serve many "$new" "$work/many.db"
for n in 5 50; do
  read -r rps p50 p99 max bad <<<"$(write_load 1 PATCH "/pages/products/bench-$n/sections/bench-03" application/merge-patch+json)"
  echo "| $n | $rps | $p50 | $p99 | $max | $bad |"
done
stop

if [ "$starts" -gt 0 ]; then
  echo
  echo "## Start on the generated 10,000-page site: launch to the first 200 of GET /sections (ms)"
  echo
  python3 bench/gen-site.py site/gen3.org-d819f2a/content "$work/big" 10000 >/dev/null
  "$new" model infer --site "$work/big" --log warn >"$work/big.yaml"
  starters=("new=$new")
  if [ -n "${PREVIOUS_BIN:-}" ]; then starters+=("previous=$PREVIOUS_BIN"); fi
  echo "| build | runs (ms) | median ms |"
  echo "|---|---|---|"
  for entry in "${starters[@]}"; do
    name=${entry%%=*}; bin=${entry#*=}
    # Each build on a database it imported itself: an older build refuses a database that a
    # newer one migrated further.
    "$bin" --database "$work/big-$name.db" import --site "$work/big" --model "$work/big.yaml" --log warn >/dev/null
    times=()
    for _ in $(seq "$starts"); do
      sync
      begin=$(date +%s%N)
      "$bin" serve --bind "127.0.0.1:$port" --database "$work/big-$name.db" --log warn >"$work/start-$name.log" 2>&1 &
      pid=$!; pids+=("$pid")
      until curl -sf -o /dev/null "http://127.0.0.1:$port/sections"; do
        if ! kill -0 "$pid" 2>/dev/null; then
          echo "the $name server exited before it served: $(tail -1 "$work/start-$name.log")" >&2
          exit 1
        fi
        sleep 0.002
      done
      times+=($(( ($(date +%s%N) - begin) / 1000000 )))
      stop
    done
    echo "| $name | ${times[*]} | $(printf '%s\n' "${times[@]}" | median) |"
  done
fi
