#!/usr/bin/env bash
# Schemathesis (from PyPI) against a live server: the /openapi.json it serves, every operation,
# every check (all are on unless schemathesis.toml says otherwise; `--checks all` on the command
# line would override the per-operation settings there), a write token, all phases including stateful sequences (which follow the document's
# links from a read's ETag to the writes). Fails on any finding. Bounded: a fixed seed, a fixed
# number of examples per operation, and a time budget for the fuzzing and stateful phases.
#
# Usage: tests/schemathesis/run.sh [BINARY]   (default: target/debug/gen3-content, built if missing)
set -euo pipefail
cd "$(dirname "$0")/../.."

binary=${1:-target/debug/gen3-content}
[ -x "$binary" ] || cargo build --quiet
if ! command -v st >/dev/null 2>&1; then
  echo "schemathesis is not installed: python3 -m pip install schemathesis" >&2
  exit 1
fi

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

database="$work/fuzz.db"
token=$("$binary" --database "$database" token create --name schemathesis --scope write)
SCHEMATHESIS_DEPLOY_TOKEN=$("$binary" --database "$database" token create --name schemathesis-ci --scope deploy)
export SCHEMATHESIS_DEPLOY_TOKEN
# The fuzzer sends bad tokens on purpose (its ignored_auth check) and expects 401 for each;
# the per-address limit on failed authentication (429) is tested in tests/api/limits.rs.
"$binary" --database "$database" --bind 127.0.0.1:0 --log-format json --log info \
  --auth-failure-limit 1000000 > "$work/server.log" 2>&1 &
server_pid=$!
port=
for _ in $(seq 1 100); do
  port=$(grep -o '"port":[0-9]*' "$work/server.log" | head -1 | cut -d: -f2 || true)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "the server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }

# Change set 1, published: the one a deploy report can be accepted on (schemathesis.toml).
base="http://127.0.0.1:$port"
set=$(curl -sf -X POST "$base/changesets" -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/json' -d '{"name": "fuzzing"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
curl -sf -o /dev/null -X PATCH "$base/sections/teaser?changeset=$set" -H "Authorization: Bearer $token" \
     -H 'If-Match: *' -H 'Content-Type: application/merge-patch+json' -d '{"title": "Fuzzed"}'
curl -sf -o /dev/null -X POST "$base/changesets/$set/publish" -H "Authorization: Bearer $token"

status=0
# Run from the scratch folder: schemathesis keeps a cache of crashes in `.schemathesis/` under the
# working directory, which belongs to no checkout.
config="$PWD/tests/schemathesis/schemathesis.toml"
(cd "$work" && st --config-file "$config" run "http://127.0.0.1:$port/openapi.json" \
  --header "Authorization: Bearer $token" \
  --phases examples,coverage,fuzzing,stateful \
  --max-examples "${SCHEMATHESIS_EXAMPLES:-40}" \
  --max-time "${SCHEMATHESIS_MAX_TIME:-180}" \
  --seed "${SCHEMATHESIS_SEED:-20261126}" \
  --workers 1 \
  --request-timeout 10 \
  --no-color \
  --output-truncate false \
  --generation-database none) \
  || status=$?

# What the server answered, by method and status: shows that the stateful phase really chained
# reads into successful writes (PUT/PATCH 200), not only refusals.
python3 - "$work/server.log" <<'PY'
import collections, json, sys
counts = collections.Counter()
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    try:
        entry = json.loads(line)
    except ValueError:
        continue
    if "status" in entry and "method" in entry:
        counts[(entry["method"], entry["status"])] += 1
print("server answers (method status count):")
for (method, status), n in sorted(counts.items()):
    print(f"  {method:7} {status} {n}")
PY

# The server must have survived the whole run: no panic took it down.
if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "the server died during the run:" >&2
  tail -50 "$work/server.log" >&2
  exit 1
fi
if grep '"level":"ERROR"' "$work/server.log" | grep -q '"target":"gen3_content'; then
  echo "the server logged errors during the run:" >&2
  grep '"level":"ERROR"' "$work/server.log" | head -20 >&2
  status=1
fi
exit "$status"
