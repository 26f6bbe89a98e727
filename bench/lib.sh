# Helpers the benchmark scripts share; `source bench/lib.sh` from the project root.

need() { command -v "$1" >/dev/null 2>&1; }

# Installs wrk and nginx (Debian packages) if missing; fails unless every tool named is there.
ensure_tools() {
  if ! need wrk || ! need nginx; then
    echo "installing wrk and nginx (Debian packages)…" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light >/dev/null
    # The package may start its own nginx on port 80: the scripts run only their own.
    if [ -f /run/nginx.pid ]; then kill "$(cat /run/nginx.pid)" 2>/dev/null || true; fi
  fi
  for tool in "$@"; do need "$tool" || { echo "missing $tool" >&2; exit 1; }; done
}

# A scratch directory $work, the PIDs to stop in $pids, and a trap that stops them (by PID),
# removes the baseline's worktree if one was made, and deletes $work.
setup_work() {
  work=$(mktemp -d)
  pids=()
  trap cleanup EXIT
}
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  if [ -d "$work/baseline" ]; then git worktree remove --force "$work/baseline" 2>/dev/null || true; fi
  rm -rf "$work"
}

# The binaries to compare, as name=path in $bins: this checkout's release build, and with
# BASELINE=REV that commit's too (built in a git worktree, or BASELINE_BIN if it was built before).
collect_bins() {
  bins=("new=target/release/gen3-content")
  if [ -n "${BASELINE_BIN:-}" ]; then
    bins+=("${BASELINE:-baseline}=$BASELINE_BIN")
  elif [ -n "${BASELINE:-}" ]; then
    git worktree add --quiet --detach "$work/baseline" "$BASELINE"
    (cd "$work/baseline" && SQLX_OFFLINE=true CARGO_TARGET_DIR="$work/target-baseline" cargo build --release --quiet)
    bins+=("$BASELINE=$work/target-baseline/release/gen3-content")
  fi
}

wait_for() { for _ in $(seq 500); do curl -sf -o /dev/null "$1" && return 0; sleep 0.01; done; echo "no answer from $1" >&2; exit 1; }
etag_of() { curl -sI "$@" | tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]: //p'; }
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# wrk -t1 on core 1 with the given arguments; prints "req/s p50_ms p99_ms max_ms unexpected".
wrk_run() {
  taskset -c 1 wrk -t1 --latency "$@" | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    /^ +Latency +[0-9]/ { max = ms($4) }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
    /Non-2xx/ { bad = $NF }
    END { printf "%.0f %.3f %.3f %.3f %d\n", rps, p50, p99, max, bad + 0 }'
}

# Writes an nginx config for one worker on 127.0.0.1:PORT serving DIR/www/sections (and its
# gzip_static copy) as gen3-content serves GET /sections, tuned as a production static server
# (sendfile, open_file_cache, no reconnect every 1,000 requests). ACCESS_LOG is the
# `access_log` directive's argument: `off`, or a file and format.
nginx_conf() { # DIR PORT ACCESS_LOG
  cat >"$1/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $1/nginx.pid;
error_log $1/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log $3;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  open_file_cache max=16 inactive=60s;
  open_file_cache_valid 60s;
  server {
    listen 127.0.0.1:$2;
    root $1/www;
    location = /sections {
      default_type application/json;
      gzip_static on;
      gzip_vary on;
      add_header Cache-Control "public, max-age=0, must-revalidate";
    }
  }
}
CONF
}
