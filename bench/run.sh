#!/usr/bin/env bash
# Throughput benchmark (not a test): origin + proxy pinned to one core + load generator.
# Prints req/s, p50/p99 latency, failed requests and the proxy's CPU microseconds per request.
# See docs/benchmark.md.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/run.sh [--duration S] [--connections N] [--mode keepalive|close] [--compare]
                    [--warmup S] [--loadgen auto|wrk|java] [--only zentinel|nginx|haproxy]
  --duration S      measured seconds per proxy (default 10, 1..600)
  --connections N   concurrent client connections (default 64, 1..10000)
  --mode M          keepalive: reuse client connections; close: one request per connection (default keepalive)
  --compare         also run nginx and HAProxy (each when installed) the same way
  --warmup S        unmeasured load before each measurement, for JIT and caches (default 5, 0..120)
  --loadgen G       wrk (if installed) or java (bench/loadgen/LoadGen.java); default auto = wrk when present
  --only NAME       run just this proxy (implies nothing about --compare)
Environment: ZENTINEL_DIST (distribution directory), BENCH_PROXY_CPU (0), BENCH_LOAD_CPU (1),
BENCH_ZENTINEL_JAVA_OPTS, BENCH_BODY_BYTES (13), BENCH_KEEP_TMP=1 keeps the temp dir.
EOF
}

. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/proxies.sh"

duration=10 connections=64 mode=keepalive compare=0 warmup=5 loadgen=auto only=""
int_arg() { # name value min max
  [[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -ge "$3" ] && [ "$2" -le "$4" ] || bench_die "$1 must be an integer in $3..$4, got '$2'"
  echo "$2"
}
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$(int_arg "$1" "${2:-}" 1 600)"; shift 2 ;;
    --connections) connections="$(int_arg "$1" "${2:-}" 1 10000)"; shift 2 ;;
    --mode) [[ "${2:-}" =~ ^(keepalive|close)$ ]] || bench_die "--mode must be keepalive or close"; mode="$2"; shift 2 ;;
    --compare) compare=1; shift ;;
    --warmup) warmup="$(int_arg "$1" "${2:-}" 0 120)"; shift 2 ;;
    --loadgen) [[ "${2:-}" =~ ^(auto|wrk|java)$ ]] || bench_die "--loadgen must be auto, wrk or java"; loadgen="$2"; shift 2 ;;
    --only) [[ "${2:-}" =~ ^(zentinel|nginx|haproxy)$ ]] || bench_die "--only must be zentinel, nginx or haproxy"; only="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; bench_die "unknown argument '$1'" ;;
  esac
done

if [ "$loadgen" = auto ]; then
  if command -v wrk >/dev/null 2>&1; then loadgen=wrk; else loadgen=java; bench_log "wrk not installed: using bench/loadgen/LoadGen.java"; fi
elif [ "$loadgen" = wrk ] && ! command -v wrk >/dev/null 2>&1; then
  bench_die "--loadgen wrk, but wrk is not installed (apt-get install wrk)"
fi

if [ -n "$only" ]; then
  proxies=("$only")
elif [ "$compare" = 1 ]; then
  proxies=(zentinel nginx haproxy)
else
  proxies=(zentinel)
fi

bench_init
bench_cpus
bench_dist
bench_compile_java
bench_start_origin

# usage: drive OUTFILE PORT DURATION  (the configured load generator)
drive() {
  local url="http://127.0.0.1:$2/"
  if [ "$loadgen" = wrk ]; then
    bench_wrk "$1" "$url" "$3" "$connections" "$mode"
  else
    bench_loadgen "$1" "$url" "$3" "$connections" "$mode" || true
  fi
}

rows=()
measure() { # name label port
  local name="$1" label="$2" port="$3" out="$BENCH_TMP/$1.result" pids t0 t1 ok failed rps p50 p99 cpu
  if [ "$warmup" -gt 0 ]; then drive "$BENCH_TMP/$name.warmup" "$port" "$warmup"; fi
  pids="$(bench_tree_pids "$PROXY_PID")"
  t0="$(bench_cpu_ticks $pids)"
  drive "$out" "$port" "$duration"
  t1="$(bench_cpu_ticks $pids)"
  if ! grep -q '^RESULT ' "$out"; then
    cat "$out" >&2
    rows+=("$(printf '%-28s %s' "$label" "load generator produced no result (see above)")")
    return
  fi
  ok="$(bench_field "$out" RESULT ok)"; failed="$(bench_field "$out" RESULT failed)"
  rps="$(bench_field "$out" RESULT rps)"
  p50="$(bench_field "$out" RESULT p50_us)"; p99="$(bench_field "$out" RESULT p99_us)"
  if [ -n "$PROXY_PID" ] && [ "$ok" -gt 0 ] && [ -r "/proc/$PROXY_PID/stat" ]; then
    cpu="$(awk -v d=$((t1 - t0)) -v hz="$CLK_TCK" -v n="$ok" 'BEGIN { printf "%.1f", d * 1e6 / hz / n }')"
  else
    cpu="n/a"
  fi
  rows+=("$(printf '%-28s %10.0f %9.3f %9.3f %8s %11s' "$label" "$rps" "$(awk -v v="$p50" 'BEGIN{print v/1000}')" \
    "$(awk -v v="$p99" 'BEGIN{print v/1000}')" "$failed" "$cpu")")
  bench_log "$label: $rps req/s, p99 ${p99}us, failed $failed, CPU ${cpu} us/req"
}

# The origin alone: the ceiling the load generator and origin reach on their shared core.
PROXY_PID=""
bench_log "baseline: load generator -> origin directly"
measure origin "origin direct (no proxy)" "$ORIGIN_PORT"

for p in "${proxies[@]}"; do
  why="$("${p}_unavailable")"
  if [ -n "$why" ]; then
    rows+=("$(printf '%-28s %s' "$p" "skipped: $why")")
    bench_log "skipping $p: $why"
    continue
  fi
  label="$("${p}_version")"
  port="$(bench_free_port)"
  bench_log "starting $label on 127.0.0.1:$port (CPU $PROXY_CPU)"
  if ! "${p}_start" "$port"; then
    rows+=("$(printf '%-28s %s' "$label" "failed to start (see messages above)")")
    "${p}_stop"
    continue
  fi
  measure "$p" "${label:0:28}" "$port"
  "${p}_stop"
done

report="$(
  echo "Zentinel bench $(date -u +%Y-%m-%dT%H:%MZ): $mode, $connections connections, ${duration}s (+${warmup}s warm-up), load generator: $loadgen"
  echo "Machine: $(bench_machine_line)"
  printf '%-28s %10s %9s %9s %8s %11s\n' proxy "req/s" "p50 ms" "p99 ms" failed "CPU us/req"
  printf '%s\n' "${rows[@]}"
)"
echo "$report"
mkdir -p "$BENCH_DIR/results"
echo "$report" >"$BENCH_DIR/results/run-$(date -u +%Y%m%dT%H%M%SZ)-$mode.txt"
