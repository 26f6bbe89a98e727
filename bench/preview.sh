#!/usr/bin/env bash
# From an edit to its preview: how long an editor waits to see a change set's page as the real
# site, built by Hugo with the project's test Hugo site (tests/hugo-site, site.toml), for the
# seed's site (the landing page). Release build; one server on core 0, the client on core 1.
#
#   bench/preview.sh            # ROUNDS=30
#
# Each round: PATCH the teaser into the change set, then GET /preview/{id}/ (a rebuild), then
# GET it again (the build reused). Prints the median and p90 of each, in ms. Talks only to
# 127.0.0.1 and stops every process it started by its PID.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${ROUNDS:-30}
port=${PORT:-18761}

source bench/lib.sh
ensure_tools hugo curl python3 taskset
setup_work
cargo build --release --quiet
bin=target/release/gen3-content

token=$("$bin" --database "$work/preview.db" token create --name bench --scope write)
taskset -c 0 "$bin" serve --bind "127.0.0.1:$port" --database "$work/preview.db" --log warn \
  --hugo-site tests/hugo-site --hugo-config site.toml >"$work/server.log" 2>&1 &
pids+=("$!")
base="http://127.0.0.1:$port"
wait_for "$base/sections"
hugo version | head -1

taskset -c 1 python3 - "$base" "$token" "$rounds" <<'PY'
import json, statistics, sys, time, urllib.request
base, token, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
def call(method, path, body=None, headers=None):
    request = urllib.request.Request(base + path, method=method, data=body)
    request.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    with urllib.request.urlopen(request) as response:
        return response.read()
created = json.loads(call("POST", "/changesets", json.dumps({"name": "bench"}).encode(),
                          {"Content-Type": "application/json"}))
set_id = created["id"]
edit_to_preview, reused = [], []
for n in range(rounds):
    title = f"Preview round {n}"
    started = time.perf_counter()
    call("PATCH", f"/sections/teaser?changeset={set_id}", json.dumps({"title": title}).encode(),
         {"If-Match": "*", "Content-Type": "application/merge-patch+json"})
    page = call("GET", f"/preview/{set_id}/")
    edit_to_preview.append((time.perf_counter() - started) * 1000)
    assert title.encode() in page, "the preview shows the edit"
    started = time.perf_counter()
    call("GET", f"/preview/{set_id}/")
    reused.append((time.perf_counter() - started) * 1000)
def row(name, values):
    values = sorted(values)
    p90 = values[int(len(values) * 0.9) - 1]
    print(f"| {name} | {statistics.median(values):.1f} | {p90:.1f} | {values[0]:.1f} | {values[-1]:.1f} |")
print()
print(f"| {rounds} rounds | median ms | p90 ms | min ms | max ms |")
print("|---|---|---|---|---|")
row("edit into the change set, then its preview (Hugo rebuilds)", edit_to_preview)
row("the preview again (the build reused)", reused)
PY
