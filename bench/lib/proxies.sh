# The proxies under test: how to find, configure, start, upgrade and stop each one.
# Sourced after common.sh. Every proxy is pinned to PROXY_CPU, listens on 127.0.0.1 only, logs
# no access lines, and forwards everything to the bench origin over keep-alive connections.
#
# Per proxy NAME (zentinel, nginx, haproxy):
#   NAME_unavailable       prints why NAME cannot run here (nothing when it can)
#   NAME_version           prints a one-line version
#   NAME_start PORT        starts it; sets PROXY_PID (root of its process tree, for CPU accounting)
#   NAME_stop              stops it (bounded)
#   NAME_upgrade_unavailable  prints why an upgrade cannot be measured (nothing when it can)
#   NAME_upgrade           one zero-downtime upgrade; sets UPG_READY_MS (new version serving)
#                          and UPG_DONE_MS (old version gone); non-zero with a message on failure

BENCH_UPSTREAM_KEEPALIVE="${BENCH_UPSTREAM_KEEPALIVE:-64}"
# 1: nginx and HAProxy add what Zentinel adds to every forwarded request (X-Forwarded-For,
# -Proto, -Host, Via; Host passed through), so that all three send the origin the same request
# and a comparison weighs the same job. 0: their bare configuration (no such fields).
BENCH_FORWARDED="${BENCH_FORWARDED:-1}"
[[ "$BENCH_FORWARDED" =~ ^[01]$ ]] || { echo "BENCH_FORWARDED must be 0 or 1, got '$BENCH_FORWARDED'" >&2; exit 2; }
BENCH_DRAIN_SECONDS="${BENCH_DRAIN_SECONDS:-30}"

# Direct children of PID (from /proc).
bench_children() {
  local parent="$1" stat rest pid
  local -a f
  for stat in /proc/[0-9]*/stat; do
    # `read` is a builtin: no fork per process, so this stays fast on a loaded machine.
    read -r rest 2>/dev/null <"$stat" || continue
    pid="${rest%% *}"
    rest="${rest##*) }"
    f=($rest)
    [ "${f[1]}" = "$parent" ] && echo "$pid"
  done
  return 0
}

# --- Zentinel ----------------------------------------------------------------------------------

ZENTINEL_PIDS=() # every zentinel pid seen (they change across upgrades)

zentinel_unavailable() {
  local out
  if [ ! -x "$DIST/bin/zentinel" ]; then
    echo "no launcher at $DIST/bin/zentinel"
    return
  fi
  if ! out="$(timeout 60 "$DIST/bin/zentinel" version 2>&1)"; then
    echo "'$DIST/bin/zentinel version' failed: $(printf '%s' "$out" | awk 'NR <= 3' | tr '\n' ' ')"
  fi
}

zentinel_version() { timeout 60 "$DIST/bin/zentinel" version 2>/dev/null | awk 'NR == 1' | cut -d" " -f1-2; }

zentinel_write_config() {
  local port="$1" dir="$BENCH_TMP/zentinel" admin_port
  bench_free_port admin_port
  mkdir -p "$dir/run"
  chmod 700 "$dir/run"
  ZENTINEL_CONFIG="$dir/zentinel.yaml"
  cat >"$ZENTINEL_CONFIG" <<EOF
# Written by bench/lib/proxies.sh: one listener, one upstream, one catch-all route, no access log.
listeners:
  - name: bench
    address: 127.0.0.1:$port
    max-connections: 20000
upstreams:
  - name: origin
    targets: [127.0.0.1:$ORIGIN_PORT]
    load-balancing: round-robin
    connect-timeout: 2s
routes:
  - name: all
    match: { path-prefix: / }
    upstream: origin
admin: { address: 127.0.0.1:$admin_port }
runtime: { directory: $dir/run }
access-log: { enabled: false }
EOF
  # Extra upgrade keys for A/B runs of one build, e.g. BENCH_ZENTINEL_UPGRADE='drain-spread: 0s'.
  if [ -n "${BENCH_ZENTINEL_UPGRADE:-}" ]; then
    printf 'upgrade: { %s }\n' "$BENCH_ZENTINEL_UPGRADE" >>"$ZENTINEL_CONFIG"
  fi
}

zentinel_start() {
  local port="$1" log="$BENCH_TMP/zentinel/zentinel.log" out rc
  zentinel_write_config "$port"
  if ! out="$("${RUN_CLI[@]}" timeout 60 "$DIST/bin/zentinel" check --config "$ZENTINEL_CONFIG" 2>&1)"; then
    echo "zentinel check rejected the bench config: $out" >&2
    return 1
  fi
  ZENTINEL_JAVA_OPTS="${BENCH_ZENTINEL_JAVA_OPTS:-}" \
    bench_spawn "$log" "${PIN_PROXY[@]}" "$DIST/bin/zentinel" run --config "$ZENTINEL_CONFIG"
  PROXY_PID="$LAST_PID"
  ZENTINEL_PIDS+=("$PROXY_PID")
  bench_boost_autogroup "$PROXY_PID"
  if ! bench_wait_http "$port" 60 "$PROXY_PID"; then
    tail -20 "$log" >&2
    # bench_wait_http also gives up when the process has gone: say which of the two it was.
    if bench_alive "$PROXY_PID"; then
      echo "zentinel did not answer on 127.0.0.1:$port within 60s" >&2
    else
      rc=0; wait "$PROXY_PID" 2>/dev/null || rc=$?
      echo "zentinel (pid $PROXY_PID) exited with status $rc before it answered on 127.0.0.1:$port (its log above)" >&2
    fi
    return 1
  fi
}

# The pid the running instance reports in `zentinel status` JSON, or nothing.
zentinel_status_pid() {
  "${RUN_CLI[@]}" timeout 30 "$DIST/bin/zentinel" status --config "$ZENTINEL_CONFIG" 2>/dev/null \
    | sed -n 's/.*"pid"[[:space:]]*:[[:space:]]*\([0-9][0-9]*\).*/\1/p' | awk 'NR == 1'
}

zentinel_stop() {
  local pid
  [ -n "${ZENTINEL_CONFIG:-}" ] || return 0
  "${RUN_CLI[@]}" timeout 60 "$DIST/bin/zentinel" stop --config "$ZENTINEL_CONFIG" >/dev/null 2>&1 || true
  for pid in "${ZENTINEL_PIDS[@]}"; do bench_wait_exit "$pid" 10 || bench_kill_pid "$pid" 10; done
  ZENTINEL_PIDS=()
  ZENTINEL_CONFIG=""
}

zentinel_upgrade_unavailable() {
  # Not `upgrade --help`: picocli treats --help as the top-level option and exits 0 anyway.
  if ! timeout 60 "$DIST/bin/zentinel" help upgrade >/dev/null 2>&1; then
    echo "this distribution has no 'zentinel upgrade' command yet ($DIST)"
  fi
}

# BENCH_ZENTINEL_TRIGGER=signal (default): SIGHUP to the serving process, like nginx's USR2 and
# HAProxy's reload, so no CLI JVM competes for the measured CPUs; ready when the pid file names
# the new process. BENCH_ZENTINEL_TRIGGER=cli: `zentinel upgrade` (blocks until served), whose own
# JVM start runs on whatever CPU is free, the load generator's included.
zentinel_upgrade() {
  case "${BENCH_ZENTINEL_TRIGGER:-signal}" in
    signal) zentinel_upgrade_by_signal ;;
    cli) zentinel_upgrade_by_cli ;;
    *) echo "BENCH_ZENTINEL_TRIGGER must be signal or cli" >&2; return 1 ;;
  esac
}

zentinel_upgrade_by_signal() {
  local old="$PROXY_PID" new="" log="$BENCH_TMP/zentinel/zentinel.log" pidfile="$BENCH_TMP/zentinel/run/zentinel.pid"
  local seen deadline line
  seen="$(wc -l <"$log")"
  # Bound: the proxy's readiness timeout (default 30 s) plus its kill grace and some slack.
  deadline=$(($(now_ms) + 60000))
  kill -HUP "$old" || { echo "cannot signal zentinel pid $old" >&2; return 1; }
  while :; do
    new="$(cat "$pidfile" 2>/dev/null || true)"
    [ -n "$new" ] && [ "$new" != "$old" ] && break
    line="$(tail -n +"$((seen + 1))" "$log" | grep -m1 -E 'upgrade (failed|refused)|upgrade on SIGHUP failed' || true)"
    if [ -n "$line" ]; then
      echo "zentinel upgrade failed: $line" >&2
      return 1
    fi
    if [ "$(now_ms)" -ge "$deadline" ]; then
      echo "no new zentinel pid in $pidfile within 60 s of SIGHUP" >&2
      return 1
    fi
    sleep 0.05
  done
  UPG_READY_MS="$(now_ms)"
  # The proxy's own account ("upgraded: pid A -> B (generation N) in T ms ..."), for the details.
  tail -n +"$((seen + 1))" "$log" | grep -m1 -oE 'upgraded: pid [0-9]+ *-> *[0-9]+.*' >&2 || true
  zentinel_follow "$old" "$new"
}

zentinel_upgrade_by_cli() {
  local old="$PROXY_PID" new out rc
  out="$("${RUN_CLI[@]}" timeout 120 "$DIST/bin/zentinel" upgrade --config "$ZENTINEL_CONFIG" 2>&1)"
  rc=$?
  UPG_READY_MS="$(now_ms)"
  printf '%s\n' "$out" >>"$BENCH_TMP/zentinel/upgrade.log"
  # The proxy's own account (e.g. "upgraded: pid A -> B (generation 2) in N ms ..."), which
  # excludes this CLI's JVM start; upgrade.sh keeps these lines in its details.
  printf '%s\n' "$out" | grep -E 'pid [0-9]+ *-> *[0-9]+' >&2 || true
  if [ "$rc" -ne 0 ]; then
    echo "zentinel upgrade exited $rc: $(printf '%s' "$out" | tail -3 | tr '\n' ' ')" >&2
    return 1
  fi
  new="$(printf '%s' "$out" | sed -n 's/.*\b\([0-9][0-9]*\)[[:space:]]*->[[:space:]]*\([0-9][0-9]*\).*/\2/p' | awk 'NR == 1')"
  [ -n "$new" ] || new="$(zentinel_status_pid)"
  zentinel_follow "$old" "$new"
}

# After an upgrade: track the new pid and wait for the old one to finish draining.
zentinel_follow() {
  local old="$1" new="$2"
  if [ -n "$new" ]; then
    ZENTINEL_PIDS+=("$new")
    PROXY_PID="$new"
    # In case the successor runs in a session of its own (see bench_boost_autogroup).
    bench_boost_autogroup "$new"
  fi
  if ! bench_wait_exit "$old" $((BENCH_DRAIN_SECONDS + 30)); then
    echo "old zentinel pid $old still running $((BENCH_DRAIN_SECONDS + 30))s after the upgrade" >&2
  fi
  UPG_DONE_MS="$(now_ms)"
}

# --- nginx ---------------------------------------------------------------------------------------

NGINX_DIR=""

nginx_unavailable() { command -v nginx >/dev/null 2>&1 || echo "nginx is not installed (apt-get install nginx-light)"; }
nginx_version() { nginx -v 2>&1 | sed 's/^nginx version: nginx\//nginx /'; }

# The fields Zentinel adds to a forwarded request (docs/proxy.md), for BENCH_FORWARDED=1.
nginx_forwarded_fields() {
  [ "$BENCH_FORWARDED" = 1 ] || return 0
  cat <<'EOF'
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
      proxy_set_header Via $via_out;
EOF
}

nginx_start() {
  local port="$1" i
  NGINX_DIR="$BENCH_TMP/nginx"
  mkdir -p "$NGINX_DIR/tmp"
  cat >"$NGINX_DIR/nginx.conf" <<EOF
# Written by bench/lib/proxies.sh: one worker, keep-alive both sides, no access log.
worker_processes 1;
worker_rlimit_nofile 20000;
worker_shutdown_timeout ${BENCH_DRAIN_SECONDS}s;
pid $NGINX_DIR/nginx.pid;
error_log $NGINX_DIR/error.log warn;
events { worker_connections 10000; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $NGINX_DIR/tmp/body;
  proxy_temp_path $NGINX_DIR/tmp/proxy;
  fastcgi_temp_path $NGINX_DIR/tmp/fastcgi;
  uwsgi_temp_path $NGINX_DIR/tmp/uwsgi;
  scgi_temp_path $NGINX_DIR/tmp/scgi;
  # Via with this hop appended to the client's list, as Zentinel does.
  map \$http_via \$via_out { "" "1.1 nginx"; default "\$http_via, 1.1 nginx"; }
  upstream origin {
    server 127.0.0.1:$ORIGIN_PORT;
    keepalive $BENCH_UPSTREAM_KEEPALIVE;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:$port;
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
$(nginx_forwarded_fields)
    }
  }
}
EOF
  # Daemonized on purpose: nginx ignores WINCH (part of the upgrade dance) unless it is.
  # An absolute path: on USR2 nginx re-executes its own argv[0].
  if ! "${PIN_PROXY[@]}" "$(command -v nginx)" -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf" -e "$NGINX_DIR/error.log" \
      >"$NGINX_DIR/start.log" 2>&1; then
    cat "$NGINX_DIR/start.log" >&2
    return 1
  fi
  BENCH_CLEANUP_HOOKS+=(nginx_stop)
  for ((i = 0; i < 100; i++)); do
    [ -s "$NGINX_DIR/nginx.pid" ] && break
    sleep 0.1
  done
  PROXY_PID="$(cat "$NGINX_DIR/nginx.pid" 2>/dev/null)"
  [ -n "$PROXY_PID" ] || { echo "nginx wrote no pid file" >&2; return 1; }
  bench_boost_autogroup "$PROXY_PID"
  bench_wait_http "$port" 30 "$PROXY_PID" || { echo "nginx did not answer on $port" >&2; return 1; }
}

nginx_stop() {
  local f pid
  [ -n "$NGINX_DIR" ] || return 0
  for f in "$NGINX_DIR/nginx.pid.oldbin" "$NGINX_DIR/nginx.pid"; do
    pid="$(cat "$f" 2>/dev/null)" || continue
    [ -n "$pid" ] && bench_kill_pid "$pid" 10
  done
  NGINX_DIR=""
}

nginx_upgrade_unavailable() { nginx_unavailable; }

# The binary-upgrade dance from the nginx docs: USR2 (start a new master with the inherited
# sockets), WINCH (old workers stop gracefully), QUIT (old master exits).
nginx_upgrade() {
  local old new i w
  old="$(cat "$NGINX_DIR/nginx.pid")"
  kill -USR2 "$old" || { echo "cannot signal nginx master $old" >&2; return 1; }
  new=""
  for ((i = 0; i < 300; i++)); do
    if [ -s "$NGINX_DIR/nginx.pid.oldbin" ] && [ -s "$NGINX_DIR/nginx.pid" ]; then
      new="$(cat "$NGINX_DIR/nginx.pid")"
      [ "$new" != "$old" ] && [ -n "$(bench_children "$new")" ] && break
    fi
    new=""
    sleep 0.1
  done
  [ -n "$new" ] || { echo "nginx: no new master with a worker 30s after USR2" >&2; return 1; }
  UPG_READY_MS="$(now_ms)"
  PROXY_PID="$new"
  kill -WINCH "$old"
  # The old master's children are its workers plus the new master; wait for the workers.
  for ((i = 0; i < (BENCH_DRAIN_SECONDS + 10) * 10; i++)); do
    w="$(bench_children "$old" | grep -vx "$new" || true)"
    [ -z "$w" ] && break
    sleep 0.1
  done
  kill -QUIT "$old"
  bench_wait_exit "$old" 15 || echo "nginx: old master $old still alive 15s after QUIT" >&2
  UPG_DONE_MS="$(now_ms)"
}

# --- HAProxy -------------------------------------------------------------------------------------

HAPROXY_DIR=""

haproxy_unavailable() { command -v haproxy >/dev/null 2>&1 || echo "haproxy is not installed (apt-get install haproxy)"; }
haproxy_version() { haproxy -v 2>&1 | awk 'NR == 1' | sed 's/^HAProxy version /haproxy /; s/ - https.*//; s/ [0-9/]*$//'; }

# The fields Zentinel adds to a forwarded request, for BENCH_FORWARDED=1 (HAProxy passes Host as it is).
haproxy_forwarded_fields() {
  [ "$BENCH_FORWARDED" = 1 ] || return 0
  cat <<'EOF'
  option forwardfor
  http-request set-header X-Forwarded-Proto http
  http-request set-header X-Forwarded-Host %[req.hdr(host)]
  http-request add-header Via "1.1 haproxy"
EOF
}

haproxy_start() {
  local port="$1"
  HAPROXY_DIR="$BENCH_TMP/haproxy"
  mkdir -p "$HAPROXY_DIR"
  cat >"$HAPROXY_DIR/haproxy.cfg" <<EOF
# Written by bench/lib/proxies.sh: master-worker, one thread, keep-alive both sides, no logs.
global
  master-worker
  nbthread 1
  maxconn 9000
  hard-stop-after ${BENCH_DRAIN_SECONDS}s
  pidfile $HAPROXY_DIR/haproxy.pid
  # Lets a reloaded worker take the listening sockets from the old one (seamless reload).
  stats socket $HAPROXY_DIR/admin.sock mode 600 level admin expose-fd listeners
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  option http-keep-alive
frontend bench
  bind 127.0.0.1:$port
$(haproxy_forwarded_fields)
  default_backend origin
backend origin
  http-reuse always
  server origin 127.0.0.1:$ORIGIN_PORT
EOF
  bench_spawn "$HAPROXY_DIR/haproxy.log" "${PIN_PROXY[@]}" haproxy -W -f "$HAPROXY_DIR/haproxy.cfg"
  PROXY_PID="$LAST_PID"
  bench_boost_autogroup "$PROXY_PID"
  HAPROXY_MASTER="$PROXY_PID"
  bench_wait_http "$port" 30 "$PROXY_PID" || { cat "$HAPROXY_DIR/haproxy.log" >&2; return 1; }
}

haproxy_stop() {
  [ -n "$HAPROXY_DIR" ] || return 0
  bench_kill_pid "$HAPROXY_MASTER" 10
  HAPROXY_DIR=""
}

haproxy_upgrade_unavailable() { haproxy_unavailable; }

# Master-worker reload: SIGUSR2 makes the master re-exec itself and start a new worker that
# takes the listeners; old workers finish their connections (bounded by hard-stop-after).
haproxy_upgrade() {
  local old new="" i w c
  old=" $(bench_children "$HAPROXY_MASTER" | tr '\n' ' ') "
  kill -USR2 "$HAPROXY_MASTER" || { echo "cannot signal haproxy master" >&2; return 1; }
  for ((i = 0; i < 300; i++)); do
    for c in $(bench_children "$HAPROXY_MASTER"); do
      [[ "$old" == *" $c "* ]] || new="$c"
    done
    [ -n "$new" ] && break
    sleep 0.1
  done
  [ -n "$new" ] || { echo "haproxy: no new worker 30s after USR2" >&2; return 1; }
  UPG_READY_MS="$(now_ms)"
  for ((i = 0; i < (BENCH_DRAIN_SECONDS + 10) * 10; i++)); do
    w=""
    for c in $old; do bench_alive "$c" && w="$w $c"; done
    [ -z "$w" ] && break
    sleep 0.1
  done
  [ -z "$w" ] || echo "haproxy: old worker(s)$w still alive" >&2
  UPG_DONE_MS="$(now_ms)"
}
