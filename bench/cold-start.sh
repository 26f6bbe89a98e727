#!/usr/bin/env bash
# Cold start: from exec on an empty database (migrate + seed + read model) to the first 200 of
# GET /sections, then the server's RSS when idle and the size of the /sections bodies.
# Usage: bench/cold-start.sh [runs]   (builds the release binary first; talks only to 127.0.0.1)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
port=${PORT:-18461}
cargo build --release --quiet
bin=target/release/gen3-content
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

times=()
for i in $(seq "$runs"); do
  rm -f "$work"/db*
  start=$(date +%s%N)
  "$bin" serve --bind "127.0.0.1:$port" --database "$work/db" --log warn >/dev/null 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/sections"; do sleep 0.001; done
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000000 )))
  if [ "$i" -lt "$runs" ]; then kill "$pid"; wait "$pid" 2>/dev/null || true; pid=; fi
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
echo "cold start to first 200 of GET /sections (ms, $runs runs): min $(echo "$sorted" | head -1)," \
     "median $(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p"), max $(echo "$sorted" | tail -1)"

sleep 1
echo "RSS when idle: $(awk '/VmRSS/ {print $2 " " $3}' "/proc/$pid/status")"
for enc in identity gzip br; do
  size=$(curl -s -H "Accept-Encoding: $enc" -o /dev/null -w '%{size_download}' "http://127.0.0.1:$port/sections")
  echo "GET /sections body, $enc: $size bytes"
done
echo "release binary: $(stat -c %s "$bin") bytes"
