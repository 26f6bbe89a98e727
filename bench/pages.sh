#!/usr/bin/env bash
# Every page through the API, at scale: does the cost grow with the change, not with the site?
# Side by side in one run, on release builds:
#   - GET /pages/_index (200 and 304) on a site of 10,000 generated pages (bench/gen-site.py)
#     against the one-page site (a new database: the seed alone), and random pages of the
#     10,000 (every request another page);
#   - GET /pages paging: the first page of 100, and every page of the list in turn (100 cursors);
#   - writes: PATCH of a section of products/workspaces (If-Match: *, two bodies alternating, one
#     connection) at 10,000 pages against 50 pages, p99 compared;
#   - memory: the 10,000-page server's RSS against the bytes its read model serves
#     (gen3_content_read_model{measure="bytes"} on /metrics).
#
#   bench/pages.sh                 # PAGES=10000 SMALL=50 ROUNDS=5 DURATION=5s WRITE_SECONDS=10
#
# Servers are pinned to core 0 and wrk to core 1; rounds alternate which server goes first; the
# headline figures are medians of the per-round ratios. Talks only to 127.0.0.1 and stops every
# process it started by its PID.
set -euo pipefail
cd "$(dirname "$0")/.."

pages=${PAGES:-10000}
small=${SMALL:-50}
rounds=${ROUNDS:-5}
duration=${DURATION:-5s}
write_seconds=${WRITE_SECONDS:-10}
connections=${CONNECTIONS:-32}
port=${PORT:-18701}

source bench/lib.sh
ensure_tools wrk taskset curl python3

setup_work
cargo build --release --quiet
bin=target/release/gen3-content

site() { # NAME PAGES: a generated site of PAGES pages imported into $work/NAME.db
  python3 bench/gen-site.py site/gen3.org-d819f2a/content "$work/$1" "$2" >/dev/null
  "$bin" model infer --site "$work/$1" --log warn >"$work/$1.yaml"
  "$bin" --database "$work/$1.db" import --site "$work/$1" --model "$work/$1.yaml" --log warn >/dev/null
}
site big "$pages"
site small "$small"

serve() { # NAME PORT: a server on $work/NAME.db; sets the variable NAME_pid
  taskset -c 0 "$bin" serve --bind "127.0.0.1:$2" --database "$work/$1.db" --log warn >"$work/$1.log" 2>&1 &
  pids+=("$!"); printf -v "$1_pid" '%s' "$!"
  wait_for "http://127.0.0.1:$2/pages/_index"
}
serve one "$port"            # a new database: the seed alone
serve big $((port + 1))
one="http://127.0.0.1:$port"
big="http://127.0.0.1:$((port + 1))"
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
echo "RSS after start: one page $(rss "$one_pid") kB, $pages pages $(rss "$big_pid") kB"

# Every page's path, for the random-page reads.
curl -s "$big/pages?limit=1000" >/dev/null
python3 - "$big" "$work/paths.txt" "$work/cursors.txt" <<'PY'
import json, sys, urllib.parse, urllib.request
base, paths, cursors = sys.argv[1:]
ids, cursor, marks = [], None, [""]
while True:
    url = f"{base}/pages?limit=100" + (f"&cursor={urllib.parse.quote(cursor, safe='')}" if cursor else "")
    page = json.load(urllib.request.urlopen(url))
    ids += [p["id"] for p in page["pages"]]
    cursor = page["next"]
    if not cursor:
        break
    marks.append(urllib.parse.quote(cursor, safe=""))
open(paths, "w").write("".join(f"/pages/{urllib.parse.quote(i, safe='')}\n" for i in ids))
open(cursors, "w").write("".join(f"/pages?limit=100{'&cursor=' + m if m else ''}\n" for m in marks))
print(f"{len(ids)} pages listed in {len(marks)} pages of 100", file=sys.stderr)
PY
cat >"$work/paths.lua" <<'LUA'
-- Requests the paths of a file in turn, from a random start.
local paths = {}
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
local n = math.random(#paths)
request = function()
  n = n % #paths + 1
  return wrk.format("GET", paths[n])
end
LUA

# Each case is measured on both servers back to back, which goes first alternating by round:
# the machine's speed drifts over a run by more than the difference looked for, and a ratio
# of two measurements seconds apart sees less of that drift than one of measurements a case
# apart (stop 15: 304 ratios of 0.93 with the servers a case apart, at 0.3 % more instructions
# per request on the large site by callgrind).
declare -A results
for round in $(seq "$rounds"); do
  order="one big"; [ $((round % 2)) -eq 0 ] && order="big one"
  for case in 200 304; do
    for server in $order; do
      url=${!server}/pages/_index
      validator=()
      [ "$case" = 304 ] && validator=(-H "If-None-Match: $(etag_of "$url")")
      results[$server-$case-$round]=$(wrk_run -c "$connections" -d "$duration" "${validator[@]}" "$url" | cut -d' ' -f1)
    done
  done
done
echo
echo "| GET /pages/_index | $pages pages (median req/s) | one page (median req/s) | median ratio |"
echo "|---|---|---|---|"
for case in 200 304; do
  ratios=(); bigs=(); ones=()
  for round in $(seq "$rounds"); do
    b=${results[big-$case-$round]}; o=${results[one-$case-$round]}
    bigs+=("$b"); ones+=("$o"); ratios+=("$(echo "$b / $o" | bc -l)")
  done
  printf '| %s | %s | %s | %.3f |\n' "$case" "$(printf '%s\n' "${bigs[@]}" | median)" \
    "$(printf '%s\n' "${ones[@]}" | median)" "$(printf '%s\n' "${ratios[@]}" | median)"
  printf '%s per-round ratios: %s\n' "$case" "$(printf '%.3f ' "${ratios[@]}")" >&2
done

echo
echo "| GET on the $pages-page site | req/s | p50 ms | p99 ms |"
echo "|---|---|---|---|"
read -r rps p50 p99 _ bad <<<"$(PATHS=$work/paths.txt wrk_run -c "$connections" -d "$duration" -s "$work/paths.lua" "$big")"
echo "| /pages/{id}, every request another of the $pages pages (200) | $rps | $p50 | $p99 |"
[ "$bad" -eq 0 ] || { echo "unexpected statuses: $bad" >&2; exit 1; }
read -r rps p50 p99 _ _ <<<"$(wrk_run -c "$connections" -d "$duration" "$big/pages?limit=100")"
echo "| /pages?limit=100, the first page of the list | $rps | $p50 | $p99 |"
read -r rps p50 p99 _ _ <<<"$(PATHS=$work/cursors.txt wrk_run -c "$connections" -d "$duration" -s "$work/paths.lua" "$big")"
echo "| /pages?limit=100&cursor=…, every page of the list in turn | $rps | $p50 | $p99 |"
start=$(date +%s%N)
curl -s "$big/pages?limit=1000" >/dev/null
python3 - "$big" <<'PY'
import json, sys, urllib.parse, urllib.request
base, cursor, n = sys.argv[1], None, 0
while True:
    url = f"{base}/pages?limit=1000" + (f"&cursor={urllib.parse.quote(cursor, safe='')}" if cursor else "")
    page = json.load(urllib.request.urlopen(url)); n += len(page["pages"]); cursor = page["next"]
    if not cursor: break
assert n > 0
PY
echo "| walking the whole list 1,000 at a time (one client) | $(( ($(date +%s%N) - start) / 1000000 )) ms in all | | |"

# Writes: the 50-page site against the 10,000-page one.
kill "$one_pid"; wait "$one_pid" 2>/dev/null || true
serve small $((port + 2))
small_url="http://127.0.0.1:$((port + 2))"
cat >"$work/patch.lua" <<'LUA'
local token = os.getenv("BENCH_TOKEN")
local bodies = { '{"title":"Workspaces A"}', '{"title":"Workspaces B"}' }
local n = 0
request = function()
  n = n + 1
  return wrk.format("PATCH", "/pages/products%2Fworkspaces/sections/teaser", {
    ["Authorization"] = "Bearer " .. token, ["If-Match"] = "*",
    ["Content-Type"] = "application/merge-patch+json" }, bodies[n % 2 + 1])
end
LUA
for name in big small; do
  printf -v "${name}_token" '%s' "$("$bin" --database "$work/$name.db" token create --name "bench$RANDOM" --scope write)"
done
declare -A writes
wrounds=${WRITE_ROUNDS:-3}
for round in $(seq "$wrounds"); do
  order="small big"; [ $((round % 2)) -eq 0 ] && order="big small"
  for server in $order; do
    url=$big; token=$big_token
    if [ "$server" = small ]; then url=$small_url; token=$small_token; fi
    writes[$server-$round]=$(BENCH_TOKEN=$token wrk_run -c1 -d"${write_seconds}s" -s "$work/patch.lua" "$url")
  done
done
echo
echo "| PATCH a section, 1 connection, ${write_seconds} s | writes/s | p50 ms | p99 ms | unexpected statuses |"
echo "|---|---|---|---|---|"
ratios=()
for round in $(seq "$wrounds"); do
  for server in small big; do
    read -r rps p50 p99 _ bad <<<"${writes[$server-$round]}"
    label=$small; [ "$server" = big ] && label=$pages
    echo "| round $round, $label pages | $rps | $p50 | $p99 | $bad |"
  done
  b=$(echo "${writes[big-$round]}" | cut -d' ' -f3); s=$(echo "${writes[small-$round]}" | cut -d' ' -f3)
  ratios+=("$(echo "$b / $s" | bc -l)")
done
printf 'write p99 at %s pages / at %s pages: median ratio %.3f\n' "$pages" "$small" "$(printf '%s\n' "${ratios[@]}" | median)"

# Memory, after all of the above (every page read once, the list prepared).
bytes=$(curl -s "$big/metrics" | sed -n 's/^gen3_content_read_model{measure="bytes"} //p')
served=$(curl -s "$big/metrics" | sed -n 's/^gen3_content_read_model{measure="pages"} //p')
kb=$(rss "$big_pid")
limit=$(( (3 * bytes + 32 * 1024 * 1024) / 1024 ))
echo
echo "memory at $served pages: RSS $kb kB; the read model serves $bytes bytes; 3x that + 32 MiB = $limit kB; RSS / limit $(echo "$kb / $limit" | bc -l | cut -c1-5)"
