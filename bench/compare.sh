#!/usr/bin/env bash
# What a change costs the read path: this checkout's gen3-content against the one at REV (by
# default the previous tag of the README's numbers, d1d7dc7), both built in release mode and
# run side by side, A/B per round, on GET /sections 200 and 304.
#
#   bench/compare.sh [REV]      # ROUNDS (5), DURATION (10s), CONNECTIONS (64) override
#
# Servers on core 0 (one worker each, logging to a file), wrk on core 1; talks only to
# 127.0.0.1; stops every process it started by its PID.
set -euo pipefail
cd "$(dirname "$0")/.."

rev=${1:-d1d7dc7}
rounds=${ROUNDS:-5}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-64}
new_port=${NEW_PORT:-18491}
old_port=${OLD_PORT:-18492}

for tool in wrk taskset curl git; do
  command -v "$tool" >/dev/null 2>&1 || { echo "missing $tool (apt-get install wrk)" >&2; exit 1; }
done

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  git worktree remove --force "$work/old" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cargo build --release --quiet
git worktree add --quiet --detach "$work/old" "$rev"
(cd "$work/old" && SQLX_OFFLINE=true CARGO_TARGET_DIR="$PWD/../target-old" cargo build --release --quiet)
new=target/release/gen3-content
old=$work/target-old/release/gen3-content

start() { # binary port name
  taskset -c 0 "$1" serve --bind "127.0.0.1:$2" --database "$work/$3.db" --workers 1 --log info \
    >"$work/$3.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 500); do curl -sf -o /dev/null "http://127.0.0.1:$2/sections" && return 0; sleep 0.01; done
  echo "$3 did not start" >&2; exit 1
}
start "$new" "$new_port" new
start "$old" "$old_port" old

load() { # url [header]
  local args=(-t1 -c"$connections" -d"$duration")
  [ $# -gt 1 ] && args+=(-H "$2")
  taskset -c 1 wrk "${args[@]}" "$1" | awk '/Requests\/sec/ { print $2 }'
}
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

echo "## GET /sections: $(git rev-parse --short HEAD) (new) vs $rev (old), $rounds rounds of $duration, $connections connections"
echo
echo "| case | new req/s (median) | old req/s (median) | new / old (median of rounds) | per-round ratios |"
echo "|---|---|---|---|---|"
for case in 200 304; do
  ratios=(); news=(); olds=()
  for _ in $(seq "$rounds"); do
    header=()
    if [ "$case" = 304 ]; then
      tag_new=$(curl -sI "http://127.0.0.1:$new_port/sections" | tr -d '\r' | sed -n 's/^etag: //p')
      tag_old=$(curl -sI "http://127.0.0.1:$old_port/sections" | tr -d '\r' | sed -n 's/^etag: //p')
      n=$(load "http://127.0.0.1:$new_port/sections" "If-None-Match: $tag_new")
      o=$(load "http://127.0.0.1:$old_port/sections" "If-None-Match: $tag_old")
    else
      n=$(load "http://127.0.0.1:$new_port/sections")
      o=$(load "http://127.0.0.1:$old_port/sections")
    fi
    news+=("$n"); olds+=("$o")
    ratios+=("$(awk -v x="$n" -v y="$o" 'BEGIN { printf "%.3f", x / y }')")
  done
  printf "| %s | %.0f | %.0f | %s | %s |\n" "$case" \
    "$(printf '%s\n' "${news[@]}" | median)" "$(printf '%s\n' "${olds[@]}" | median)" \
    "$(printf '%s\n' "${ratios[@]}" | median)" "${ratios[*]}"
done
