# Shared pieces of the bench scripts (sourced by bench/run.sh and bench/upgrade.sh).
#
# Everything here is loopback-only, every wait is bounded, and every process the bench starts
# is recorded so the EXIT trap can end it by pid.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"

# Under `set -o pipefail` never end a pipeline with `head`: the producer may die of SIGPIPE and
# fail the whole pipeline at random. `awk 'NR == 1'` reads all its input instead.

BENCH_PIDS=()          # processes started by the bench, ended in reverse order on exit
BENCH_CLEANUP_HOOKS=() # functions run before the pids are ended (graceful stops)
BENCH_TMP=""
LAST_PID=""

bench_log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
bench_die() { printf 'bench: %s\n' "$*" >&2; exit 1; }
now_ms() { date +%s%3N; }
# A command-line integer within bounds, echoed back; anything else ends the script with a message.
# usage: int_arg OPTION VALUE MIN MAX
int_arg() {
  [[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -ge "$3" ] && [ "$2" -le "$4" ] || bench_die "$1 must be an integer in $3..$4, got '$2'"
  echo "$2"
}

# --- lifecycle ---------------------------------------------------------------------------

bench_init() {
  BENCH_START_LOADAVG="$(cut -d' ' -f1-3 /proc/loadavg)"
  BENCH_TMP="$(mktemp -d /tmp/zentinel-bench.XXXXXX)"
  chmod 700 "$BENCH_TMP"
  trap bench_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
  trap 'exit 141' PIPE
}

# Ends one process: TERM, up to $2 seconds (default 10) of grace, then KILL.
bench_kill_pid() {
  local pid="$1" grace="${2:-10}" i
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < grace * 10; i++)); do
    bench_alive "$pid" || return 0
    sleep 0.1
  done
  bench_log "pid $pid ignored TERM for ${grace}s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

bench_cleanup() {
  set +e
  local hook i
  for hook in "${BENCH_CLEANUP_HOOKS[@]}"; do "$hook"; done
  for ((i = ${#BENCH_PIDS[@]} - 1; i >= 0; i--)); do bench_kill_pid "${BENCH_PIDS[$i]}" 5; done
  if [ -n "$BENCH_TMP" ] && [ -d "$BENCH_TMP" ]; then
    if [ "${BENCH_KEEP_TMP:-0}" = 1 ]; then
      bench_log "kept $BENCH_TMP (BENCH_KEEP_TMP=1)"
    else
      rm -rf "$BENCH_TMP"
    fi
  fi
}

# Starts "$@" in the background with output to $1's log; sets LAST_PID and records it.
# usage: bench_spawn LOGFILE cmd args...
bench_spawn() {
  local log="$1"; shift
  "$@" >"$log" 2>&1 &
  LAST_PID=$!
  BENCH_PIDS+=("$LAST_PID")
}

bench_track_pid() { BENCH_PIDS+=("$1"); }

# True while PID runs; a zombie (exited, not yet reaped by its parent) counts as gone.
bench_alive() {
  local stat
  kill -0 "$1" 2>/dev/null || return 1
  read -r stat 2>/dev/null <"/proc/$1/stat" || return 0
  stat="${stat##*) }"
  [ "${stat:0:1}" != Z ]
}

# Waits until PID has exited, at most $2 seconds. Returns 1 on timeout.
bench_wait_exit() {
  local pid="$1" limit="$2" i
  for ((i = 0; i < limit * 20; i++)); do
    bench_alive "$pid" || return 0
    sleep 0.05
  done
  return 1
}

# --- machine -------------------------------------------------------------------------------

# Records the hypervisor's steal time of the proxy's and the load's CPU every 50 ms, so that a
# report can tell a stall of the virtual machine from one of the proxy: lines
# "epoch_ms steal_proxy_cpu steal_load_cpu" (clock ticks). No-op without /proc/stat.
# usage: bench_start_steal_sampler FILE   (after bench_cpus; ends with the bench's other processes)
bench_start_steal_sampler() {
  local file="$1"
  : >"$file"
  [ -r /proc/stat ] || return 0
  bench_spawn /dev/null bash -c '
    p="cpu$1" l="cpu$2" out="$3"
    while :; do
      sp="" sl=""
      while read -r name user nice sys idle iow irq sirq steal rest; do
        [ "$name" = "$p" ] && sp="$steal"
        [ "$name" = "$l" ] && sl="$steal"
      done </proc/stat
      echo "$(date +%s%3N) ${sp:-0} ${sl:-0}" >>"$out"
      sleep 0.05
    done' steal-sampler "$PROXY_CPU" "$LOAD_CPU" "$file"
}

# Steal in [START_MS, END_MS) of a bench_start_steal_sampler file: "total_ms max_burst_ms", the
# total over both CPUs and the largest single jump (one CPU, one sample) in milliseconds.
# usage: bench_steal FILE START_MS END_MS
bench_steal() {
  local hz
  hz="$(getconf CLK_TCK 2>/dev/null || echo 100)"
  awk -v a="$2" -v b="$3" -v ms=$((1000 / hz)) '
    NR > 1 && $1 >= a && $1 < b {
      d0 = $2 - p0; d1 = $3 - p1
      if (d0 > 0) { tot += d0; if (d0 > mx) mx = d0 }
      if (d1 > 0) { tot += d1; if (d1 > mx) mx = d1 }
    }
    { p0 = $2; p1 = $3 }
    END { printf "%d %d\n", tot * ms, mx * ms }' "$1" 2>/dev/null || echo "0 0"
}

# The proxy gets core BENCH_PROXY_CPU (default 0); origin and load generator share
# BENCH_LOAD_CPU (default 1, or 0 on a single-core machine, which makes figures meaningless).
bench_cpus() {
  local n; n="$(nproc)"
  PROXY_CPU="${BENCH_PROXY_CPU:-0}"
  if [ -n "${BENCH_LOAD_CPU:-}" ]; then
    LOAD_CPU="$BENCH_LOAD_CPU"
  elif [ "$n" -ge 2 ]; then
    LOAD_CPU="1"
  else
    LOAD_CPU="0"
    bench_log "only one CPU: proxy, origin and load generator share it (figures are not comparable)"
  fi
  CLK_TCK="$(getconf CLK_TCK)"
  # Command prefixes that pin a process (its children inherit the mask). Without taskset
  # (e.g. macOS) everything runs unpinned and the figures only compare proxies loosely.
  if command -v taskset >/dev/null 2>&1; then
    PIN_PROXY=(taskset -c "$PROXY_CPU")
    PIN_LOAD=(taskset -c "$LOAD_CPU")
  else
    PIN_PROXY=() PIN_LOAD=()
    bench_log "taskset not found: processes are NOT pinned to cores"
  fi
  RUN_CLI=()
  # BENCH_NICE (e.g. -5, needs root for negative values) gives every bench process the same
  # priority over other work on a shared machine; it applies to all parties alike.
  if [ -n "${BENCH_NICE:-}" ]; then
    [[ "$BENCH_NICE" =~ ^-?[0-9]+$ ]] && [ "$BENCH_NICE" -ge -20 ] && [ "$BENCH_NICE" -le 19 ] \
      || bench_die "BENCH_NICE must be an integer in -20..19, got '$BENCH_NICE'"
    PIN_PROXY=(nice -n "$BENCH_NICE" "${PIN_PROXY[@]}")
    PIN_LOAD=(nice -n "$BENCH_NICE" "${PIN_LOAD[@]}")
    # Control commands (zentinel upgrade/status/stop) too, or a JVM start at nice 0 next to
    # the load at BENCH_NICE would take many seconds and distort upgrade timings.
    RUN_CLI=(nice -n "$BENCH_NICE")
    # With scheduler autogroups, nice only ranks threads inside one session's group; the group
    # itself competes with other sessions by its own nice. Raise it too, restore it on exit.
    if [ -w /proc/self/autogroup ]; then
      BENCH_AUTOGROUP_NICE_BEFORE="$(sed -n 's/.* nice \(-\{0,1\}[0-9]*\)$/\1/p' /proc/self/autogroup)"
      if echo "$BENCH_NICE" 2>/dev/null >/proc/self/autogroup; then
        BENCH_CLEANUP_HOOKS+=(bench_restore_autogroup)
      fi
    fi
  fi
}

# A proxy that starts its own session (nginx daemonizes with setsid) lands in a new scheduler
# autogroup at nice 0; give that group BENCH_NICE too so every party is treated alike.
bench_boost_autogroup() {
  local pid="$1"
  [ -n "${BENCH_NICE:-}" ] && [ -n "$pid" ] && [ -w "/proc/$pid/autogroup" ] || return 0
  echo "$BENCH_NICE" 2>/dev/null >"/proc/$pid/autogroup" || bench_log "cannot set the autogroup nice of pid $pid"
  return 0
}

bench_restore_autogroup() {
  [ -n "${BENCH_AUTOGROUP_NICE_BEFORE:-}" ] && echo "$BENCH_AUTOGROUP_NICE_BEFORE" 2>/dev/null >/proc/self/autogroup
  return 0
}

bench_machine_line() {
  local model
  model="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | awk 'NR == 1')"
  # The load average at the start says how much else was running (other builds share the cores).
  printf '%s, %s CPUs, Linux %s, proxy on CPU %s, origin+load generator on CPU %s, nice %s, load average %s at start, %s at end' \
    "${model:-unknown CPU}" "$(nproc)" "$(uname -r)" "$PROXY_CPU" "$LOAD_CPU" "${BENCH_NICE:-0}" "$BENCH_START_LOADAVG" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
}

# --- ports and readiness ---------------------------------------------------------------------

# True when something listens on 127.0.0.1:PORT or any address on PORT (from /proc, no tools).
bench_port_in_use() {
  local hex; hex="$(printf '%04X' "$1")"
  grep -qE "^ *[0-9]+: [0-9A-F]+:$hex [0-9A-F]+:[0-9A-F]+ 0A " /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# Picks a free port in 20000..39999 (bounded attempts) into the variable named $1. Ports handed
# out before are skipped too (a proxy's listener and admin port are picked before either binds).
# It sets a variable instead of printing because a $(...) subshell would forget what it handed out.
BENCH_PORTS_TAKEN=" "
bench_free_port() {
  local i p
  for ((i = 0; i < 200; i++)); do
    p=$((20000 + RANDOM % 20000))
    if ! bench_port_in_use "$p" && [[ "$BENCH_PORTS_TAKEN" != *" $p "* ]]; then
      BENCH_PORTS_TAKEN="$BENCH_PORTS_TAKEN$p "
      printf -v "$1" '%s' "$p"
      return 0
    fi
  done
  bench_die "no free port found in 200 attempts"
}

# One HTTP GET over bash's /dev/tcp; succeeds on a 2xx status line. No curl needed. Runs in a
# child bash under `timeout` so a refused connect or a silent server cannot stall or exit the caller.
bench_http_ok() {
  timeout 5 bash -c '
    exec 9<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "GET / HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n" "$1" >&9 || exit 1
    IFS= read -r line <&9 || exit 1
    [[ "$line" =~ ^HTTP/1\.[01]\ 2[0-9][0-9] ]]' bench-http-ok "$1" 2>/dev/null
}

# Waits (at most $2 seconds) until 127.0.0.1:$1 answers a GET with 2xx; $3 is a pid that must stay alive.
bench_wait_http() {
  local port="$1" limit="$2" pid="${3:-}" i
  for ((i = 0; i < limit * 10; i++)); do
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    bench_http_ok "$port" && return 0
    sleep 0.1
  done
  return 1
}

# --- CPU accounting --------------------------------------------------------------------------

# Pids of ROOT and all its descendants (from /proc, so no ps dependency).
bench_tree_pids() {
  local root="$1" stat rest pid ppid changed=1 rounds=0
  local -a f
  [ -n "$root" ] || return 0
  local -A in_tree=(["$root"]=1)
  local -a all=()
  for stat in /proc/[0-9]*/stat; do all+=("$stat"); done
  # Repeat until no new descendant is found (depth is tiny; bounded anyway).
  while [ "$changed" = 1 ] && [ "$rounds" -lt 8 ]; do
    changed=0; rounds=$((rounds + 1))
    for stat in "${all[@]}"; do
      read -r rest 2>/dev/null <"$stat" || continue
      pid="${rest%% *}"
      rest="${rest##*) }"
      f=($rest)
      ppid="${f[1]}"
      if [ -n "${in_tree[$ppid]:-}" ] && [ -z "${in_tree[$pid]:-}" ]; then
        in_tree[$pid]=1; changed=1
      fi
    done
  done
  echo "${!in_tree[@]}"
}

# Sum of utime+stime clock ticks of the given pids (fields 14 and 15 of /proc/PID/stat).
bench_cpu_ticks() {
  local total=0 pid rest
  local -a f
  for pid in "$@"; do
    read -r rest 2>/dev/null <"/proc/$pid/stat" || continue
    rest="${rest##*) }"
    # After the ")" field 3 (state) is f[0], so utime (14) is f[11] and stime (15) is f[12].
    f=($rest)
    total=$((total + f[11] + f[12]))
  done
  echo "$total"
}

# --- distribution and origin -----------------------------------------------------------------

# Sets DIST: $ZENTINEL_DIST, else the repository's built distribution (built when missing).
bench_dist() {
  if [ -n "${ZENTINEL_DIST:-}" ]; then
    DIST="$(cd "$ZENTINEL_DIST" 2>/dev/null && pwd)" || bench_die "ZENTINEL_DIST=$ZENTINEL_DIST is not a directory"
  else
    DIST="$REPO_DIR/zentinel-app/target/zentinel-0.1.0/zentinel-0.1.0"
    if [ ! -x "$DIST/bin/zentinel" ]; then
      bench_log "building the distribution (mvn -B -q -DskipTests package) in $REPO_DIR"
      (cd "$REPO_DIR" && mvn -B -q -DskipTests package) || bench_die "distribution build failed"
    fi
  fi
  [ -d "$DIST/lib" ] || bench_die "$DIST has no lib/ (not a Zentinel distribution)"
}

# Compiles the Java helpers once per run (faster start than source-file mode).
bench_compile_java() {
  mkdir -p "$BENCH_TMP/classes"
  javac -nowarn -d "$BENCH_TMP/classes" "$BENCH_DIR/loadgen/LoadGen.java" \
    || bench_die "cannot compile bench/loadgen/LoadGen.java"
  javac -nowarn -d "$BENCH_TMP/classes" -cp "$DIST/lib/*" "$BENCH_DIR/origin/Origin.java" \
    || bench_die "cannot compile bench/origin/Origin.java against $DIST/lib"
}

# Starts the origin pinned to LOAD_CPU; sets ORIGIN_PORT and ORIGIN_PID. Extra args go to Origin.
bench_start_origin() {
  local log="$BENCH_TMP/origin.log" i
  # Truncated here, not by the child's redirection, so an old origin's port is never read.
  : >"$log"
  bench_spawn "$log" "${PIN_LOAD[@]}" java --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC \
    -cp "$BENCH_TMP/classes:$DIST/lib/*" Origin --port 0 --body-bytes "${BENCH_BODY_BYTES:-13}" "$@"
  ORIGIN_PID="$LAST_PID"
  ORIGIN_PORT=""
  for ((i = 0; i < 300; i++)); do
    ORIGIN_PORT="$(sed -n 's/^ORIGIN listening=127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log")"
    [ -n "$ORIGIN_PORT" ] && break
    kill -0 "$ORIGIN_PID" 2>/dev/null || { cat "$log" >&2; bench_die "origin exited at start"; }
    sleep 0.1
  done
  [ -n "$ORIGIN_PORT" ] || bench_die "origin did not report its port within 30s"
  bench_log "origin on 127.0.0.1:$ORIGIN_PORT (pid $ORIGIN_PID, CPU $LOAD_CPU)"
}

# --- load generators -------------------------------------------------------------------------

# Runs the in-repo load generator pinned to LOAD_CPU; extra args are passed through.
# usage: bench_loadgen OUTFILE URL DURATION CONNECTIONS MODE [extra...]
bench_loadgen() {
  local out="$1" url="$2" duration="$3" conns="$4" mode="$5"; shift 5
  "${PIN_LOAD[@]}" java -XX:+UseSerialGC -cp "$BENCH_TMP/classes" LoadGen --url "$url" \
    --duration "$duration" --connections "$conns" --mode "$mode" "$@" >"$out" 2>&1
}

# Runs wrk pinned to LOAD_CPU and writes the same RESULT line the in-repo generator prints.
# usage: bench_wrk OUTFILE URL DURATION CONNECTIONS MODE
bench_wrk() {
  local out="$1" url="$2" duration="$3" conns="$4" mode="$5" raw="$1.wrk"
  local -a hdr=()
  [ "$mode" = close ] && hdr=(-H "Connection: close")
  "${PIN_LOAD[@]}" timeout $((duration + 60)) wrk -t1 -c"$conns" -d"${duration}s" --timeout 10s --latency \
    "${hdr[@]}" "$url" >"$raw" 2>&1 || true
  awk '
    function us(v) { # wrk prints 1.23ms, 456.00us, 1.02s
      if (v ~ /us$/) return v + 0; if (v ~ /ms$/) return (v + 0) * 1000; if (v ~ /s$/) return (v + 0) * 1000000; return v + 0 }
    /requests in/ { ok = $1 }
    /Requests\/sec:/ { rps = $2 }
    $1 == "50.000%" || $1 == "50%" { p50 = us($2) }
    $1 == "99.000%" || $1 == "99%" { p99 = us($2) }
    /Socket errors:/ { gsub(",", ""); conn = $4; rd = $6; wr = $8; to = $10 }
    /Non-2xx or 3xx responses:/ { non2xx = $5 }
    END {
      failed = conn + rd + wr + to + non2xx
      printf "RESULT ok=%d failed=%d failed_connect=%d failed_reset=%d failed_timeout=%d failed_non_2xx=%d rps=%s p50_us=%d p99_us=%d loadgen=wrk\n", ok - non2xx, failed, conn, rd + wr, to, non2xx, rps, p50, p99
    }' "$raw" >"$out"
  cat "$raw" >>"$out"
}

# Extracts key=value from the first line starting with PREFIX in FILE.
# usage: bench_field FILE PREFIX KEY
bench_field() {
  sed -n "/^$2 /{s/.* $3=\([^ ]*\).*/\1/p;q}" "$1"
}
