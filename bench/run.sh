#!/usr/bin/env bash
# Throughput benchmark (not a test): origin + proxy pinned to one core + load generator.
# Prints req/s, p50/p99 latency, failed requests and the proxy's CPU microseconds per request.
# See docs/benchmark.md.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/run.sh [--duration S] [--connections N] [--mode keepalive|close] [--compare]
                    [--warmup S] [--repeat R] [--loadgen auto|wrk|java] [--only NAME[,NAME...]]
                    [--rate R] [--interleave SLICE_S [--slices N]]
  --duration S      measured seconds per proxy (default 10, 1..600)
  --connections N   concurrent client connections (default 64, 1..10000)
  --mode M          keepalive: reuse client connections; close: one request per connection (default keepalive)
  --compare         also run nginx and HAProxy (each when installed) the same way
  --warmup S        unmeasured load before each measurement, for JIT and caches (default 5, 0..120)
  --repeat R        rounds; proxies are interleaved per round and medians reported (default 1, 1..20)
  --loadgen G       wrk (if installed) or java (bench/loadgen/LoadGen.java); default auto = wrk when present
  --only NAMES      run just these proxies (comma-separated: zentinel, nginx, haproxy)
  --rate R          open loop: offer R requests/s (1..1000000) instead of the closed loop; needs the
                    java generator; latency counts from each request's due time
  --interleave S    start and warm (--warmup) every proxy first, then alternate load slices of S
                    seconds between them (1..60), --slices per proxy (default 20, 1..500); medians
                    over the slices; --repeat R does that R times with fresh processes. Needs wrk;
                    --duration and the origin-only baseline are not used in this mode.
                    Per-slice table (with the proxy CPU's steal) in bench/results/. See docs/benchmark.md.
Environment: ZENTINEL_DIST (distribution directory), BENCH_PROXY_CPU (0), BENCH_LOAD_CPU (1),
BENCH_ZENTINEL_JAVA_OPTS, BENCH_BODY_BYTES (13), BENCH_KEEP_TMP=1 keeps the temp dir,
BENCH_FORWARDED (1: nginx and HAProxy add the forwarding fields Zentinel adds; 0: bare configs).
EOF
}

. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/proxies.sh"
. "$(dirname "$0")/lib/interleave.sh"

duration=10 connections=64 mode=keepalive compare=0 warmup=5 loadgen=auto only="" repeat=1 rate=""
interleave="" slices=""
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$(int_arg "$1" "${2:-}" 1 600)"; shift 2 ;;
    --connections) connections="$(int_arg "$1" "${2:-}" 1 10000)"; shift 2 ;;
    --mode) [[ "${2:-}" =~ ^(keepalive|close)$ ]] || bench_die "--mode must be keepalive or close"; mode="$2"; shift 2 ;;
    --compare) compare=1; shift ;;
    --warmup) warmup="$(int_arg "$1" "${2:-}" 0 120)"; shift 2 ;;
    --repeat) repeat="$(int_arg "$1" "${2:-}" 1 20)"; shift 2 ;;
    --loadgen) [[ "${2:-}" =~ ^(auto|wrk|java)$ ]] || bench_die "--loadgen must be auto, wrk or java"; loadgen="$2"; shift 2 ;;
    --only) [[ "${2:-}" =~ ^(zentinel|nginx|haproxy)(,(zentinel|nginx|haproxy))*$ ]] \
              || bench_die "--only must be zentinel, nginx or haproxy, or a comma-separated list of them"; only="$2"; shift 2 ;;
    --rate) rate="$(int_arg "$1" "${2:-}" 1 1000000)"; shift 2 ;;
    --interleave) interleave="$(int_arg "$1" "${2:-}" 1 60)"; shift 2 ;;
    --slices) slices="$(int_arg "$1" "${2:-}" 1 500)"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; bench_die "unknown argument '$1'" ;;
  esac
done

if [ -z "$interleave" ]; then
  [ -z "$slices" ] || bench_die "--slices needs --interleave"
else
  slices="${slices:-20}"
  # A JVM generator per slice would spend its slice starting up; wrk is measured from its first request.
  [ -n "$rate" ] && bench_die "--interleave and --rate do not combine (slices are closed-loop wrk runs)"
  [ "$loadgen" = java ] && bench_die "--interleave needs wrk (a JVM generator would warm up in every slice)"
  command -v wrk >/dev/null 2>&1 || bench_die "--interleave needs wrk, which is not installed (apt-get install wrk)"
  loadgen=wrk
fi
if [ -n "$rate" ]; then
  # wrk has no fixed-rate mode (wrk2's -R would be needed); the in-repo generator has one.
  [ "$loadgen" = wrk ] && bench_die "--rate needs the java generator (wrk has no fixed-rate mode)"
  loadgen=java
fi
# In the open loop the measured run starts with this much unreported load: the generator's own JVM
# start and JIT warm-up would otherwise show up as latency (requests queued behind it).
RATE_WARMUP_MS=2000
if [ "$loadgen" = auto ]; then
  if command -v wrk >/dev/null 2>&1; then loadgen=wrk; else loadgen=java; bench_log "wrk not installed: using bench/loadgen/LoadGen.java"; fi
elif [ "$loadgen" = wrk ] && ! command -v wrk >/dev/null 2>&1; then
  bench_die "--loadgen wrk, but wrk is not installed (apt-get install wrk)"
fi

if [ -n "$only" ]; then
  IFS=, read -r -a proxies <<<"$only"
  # Each proxy keeps its state in its own globals (proxies.sh), so one name cannot run twice.
  [ "$(printf '%s\n' "${proxies[@]}" | sort -u | wc -l)" -eq "${#proxies[@]}" ] || bench_die "--only names a proxy twice: $only"
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

# usage: drive OUTFILE PORT DURATION [measured]  (the configured load generator)
# Warm-ups are always closed-loop; with --rate the measured run is open-loop.
drive() {
  local url="http://127.0.0.1:$2/"
  if [ "$loadgen" = wrk ]; then
    bench_wrk "$1" "$url" "$3" "$connections" "$mode"
  elif [ -n "$rate" ] && [ "${4:-}" = measured ]; then
    bench_loadgen "$1" "$url" $(($3 + RATE_WARMUP_MS / 1000)) "$connections" "$mode" \
      --rate "$rate" --warmup-ms "$RATE_WARMUP_MS" || true
  else
    bench_loadgen "$1" "$url" "$3" "$connections" "$mode" || true
  fi
}

samples="$BENCH_TMP/samples" # one line per measurement: name, label, rps, p50_us, p99_us, failed, cpu, lag_p99_us
: >"$samples"
notes=()

# usage: measure NAME LABEL PORT  (PROXY_PID set, or empty for the origin baseline)
measure() {
  local name="$1" label="$2" port="$3" out="$BENCH_TMP/$1.result" pids t0 t1 ok failed rps p50 p99 cpu served lag wok
  if [ "$warmup" -gt 0 ]; then drive "$BENCH_TMP/$name.warmup" "$port" "$warmup"; fi
  pids="$(bench_tree_pids "$PROXY_PID")"
  t0="$(bench_cpu_ticks $pids)"
  drive "$out" "$port" "$duration" measured
  t1="$(bench_cpu_ticks $pids)"
  if ! grep -q '^RESULT ' "$out"; then
    cat "$out" >&2
    notes+=("$label: the load generator produced no result in one round")
    return
  fi
  ok="$(bench_field "$out" RESULT ok)"; failed="$(bench_field "$out" RESULT failed)"
  rps="$(bench_field "$out" RESULT rps)"
  p50="$(bench_field "$out" RESULT p50_us)"; p99="$(bench_field "$out" RESULT p99_us)"
  # The CPU ticks cover the whole generator run, its (open-loop) warm-up included.
  wok="$(bench_field "$out" RESULT warmup_ok)"
  served=$((ok + ${wok:-0}))
  lag="$(bench_field "$out" RESULT schedule_lag_p99_us)"
  if [ -n "$PROXY_PID" ] && [ "$ok" -gt 0 ] && [ -r "/proc/$PROXY_PID/stat" ]; then
    cpu="$(awk -v d=$((t1 - t0)) -v hz="$CLK_TCK" -v n="$served" 'BEGIN { printf "%.1f", d * 1e6 / hz / n }')"
  else
    cpu="n/a"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$label" "$rps" "$p50" "$p99" "$failed" "$cpu" "${lag:-0}" >>"$samples"
  bench_log "$label: $rps req/s, p50 ${p50}us, p99 ${p99}us, failed $failed, CPU ${cpu} us/req"
}

runnable=()
for p in "${proxies[@]}"; do
  why="$("${p}_unavailable")"
  if [ -n "$why" ]; then
    notes+=("$p skipped: $why")
    bench_log "skipping $p: $why"
  else
    runnable+=("$p")
  fi
done

if [ -n "$interleave" ]; then
  [ "${#runnable[@]}" -gt 0 ] || bench_die "--interleave: no proxy to run (${notes[*]})"
  stamp="$(date -u +%Y%m%dT%H%M%SZ)"
  mkdir -p "$BENCH_DIR/results"
  slice_tsv="$BENCH_DIR/results/interleave-$stamp-$mode-slices.tsv"
  interleave_tsv_header >"$slice_tsv"
  for ((round = 1; round <= repeat; round++)); do
    interleave_run "$interleave" "$slices" "$warmup" "$round" "$slice_tsv" "${runnable[@]}"
  done
  report="$(
    echo "Zentinel bench $(date -u +%Y-%m-%dT%H:%MZ): $mode, $connections connections, interleaved: all proxies started and warmed (${warmup}s each), then $slices slice(s) of ${interleave}s per proxy, alternating; x $repeat round(s) with fresh processes; load generator: wrk"
    echo "Machine: $(bench_machine_line)"
    echo "Medians over all slices; 'steal ms' is the hypervisor's steal on both bench CPUs during that proxy's slices;"
    echo "'idle cost' is the median CPU the other (idle) proxies on the same core used per slice."
    interleave_summary "$slice_tsv"
    for n in "${notes[@]}"; do echo "note: $n"; done
    echo "per-slice table: $slice_tsv"
  )"
  echo "$report"
  echo "$report" >"$BENCH_DIR/results/interleave-$stamp-$mode.txt"
  exit 0
fi

# Rounds interleave the proxies so slow drifts in background load hit all of them alike.
for ((round = 1; round <= repeat; round++)); do
  [ "$repeat" -gt 1 ] && bench_log "round $round of $repeat"
  # The origin alone: the ceiling the load generator and origin reach on their shared core.
  PROXY_PID=""
  measure origin "origin direct (no proxy)" "$ORIGIN_PORT"
  for p in "${runnable[@]}"; do
    label="$("${p}_version")"
    bench_free_port port
    bench_log "starting $label on 127.0.0.1:$port (CPU $PROXY_CPU)"
    if ! "${p}_start" "$port"; then
      notes+=("$label failed to start in round $round (see messages above)")
      "${p}_stop"
      continue
    fi
    measure "$p" "${label:0:28}" "$port"
    "${p}_stop"
  done
done

# Medians per proxy (each column separately), the req/s range, and the failures summed.
table="$(awk -F'\t' -v open_loop="${rate:+1}" '
  function median(list,   a, n, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
    if (n == 0) return "n/a"
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  !($1 in label) { order[++k] = $1; label[$1] = $2 }
  { rps[$1] = rps[$1] " " $3; p50[$1] = p50[$1] " " $4; p99[$1] = p99[$1] " " $5; failed[$1] += $6; runs[$1]++
    lag[$1] = lag[$1] " " $8
    if ($7 != "n/a") cpu[$1] = cpu[$1] " " $7
    if (!($1 in lo) || $3 + 0 < lo[$1]) lo[$1] = $3 + 0
    if (!($1 in hi) || $3 + 0 > hi[$1]) hi[$1] = $3 + 0 }
  END {
    for (i = 1; i <= k; i++) {
      n = order[i]; c = median(cpu[n])
      printf "%-28s %10.0f %15s %9.3f %9.3f %8d %11s", label[n], median(rps[n]),
        sprintf("%.0f-%.0f", lo[n], hi[n]), median(p50[n]) / 1000, median(p99[n]) / 1000, failed[n],
        (c == "n/a") ? c : sprintf("%.1f", c)
      if (open_loop) printf " %12.3f", median(lag[n]) / 1000
      printf "\n"
    }
  }' "$samples")"

report="$(
  if [ -n "$rate" ]; then
    echo "Zentinel bench $(date -u +%Y-%m-%dT%H:%MZ): $mode, $connections connections, open loop at $rate req/s, ${duration}s (+${warmup}s closed-loop warm-up, +$((RATE_WARMUP_MS / 1000))s unreported open-loop start) x $repeat round(s), load generator: $loadgen"
  else
    echo "Zentinel bench $(date -u +%Y-%m-%dT%H:%MZ): $mode, $connections connections, ${duration}s (+${warmup}s warm-up) x $repeat round(s), load generator: $loadgen"
  fi
  echo "Machine: $(bench_machine_line)"
  [ "$repeat" -gt 1 ] && echo "Figures are medians over the rounds; 'req/s range' is min-max; failed is the sum."
  if [ -n "$rate" ]; then
    echo "Open loop: req/s is the served rate, latency counts from each request's due time, failed includes 'overload';"
    echo "lag p99 is how late the generator itself sent requests (its own error, e.g. CPU contention on its core)."
    printf '%-28s %10s %15s %9s %9s %8s %11s %12s\n' proxy "req/s" "req/s range" "p50 ms" "p99 ms" failed "CPU us/req" "lag p99 ms"
  else
    printf '%-28s %10s %15s %9s %9s %8s %11s\n' proxy "req/s" "req/s range" "p50 ms" "p99 ms" failed "CPU us/req"
  fi
  echo "$table"
  for n in "${notes[@]}"; do echo "note: $n"; done
)"
echo "$report"
mkdir -p "$BENCH_DIR/results"
echo "$report" >"$BENCH_DIR/results/run-$(date -u +%Y%m%dT%H%M%SZ)-$mode${rate:+-rate$rate}.txt"
