#!/usr/bin/env bash
# What a fresh Zentinel process spends before it serves: CPU from launch to its "serving in" log
# line (READY for a successor), summed per thread group (lib/threadgroups.py, the groups of the
# upgrade bench's timeline), one fresh process per row, pinned to the proxy's core
# (BENCH_PROXY_CPU). Other work on that core slows the process down and shifts its compilations,
# so run it on a quiet machine. Needs python3.
#
# A successor pays the same start-up and warm-up (plus ~0.2 s of hand-over) on the core that the
# serving process needs; docs/benchmark.md, "Upgrades, ninth pass", reads these figures.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<'EOF'
usage: bench/startup-cost.sh [--runs N] [--warmup-requests N[,N...]]
  --runs N               fresh starts per warm-up size (default 3, 1..50); sizes alternate within a round
  --warmup-requests L    comma-separated upgrade.warmup-requests values (default: the config default)
Environment: ZENTINEL_DIST (a built distribution), ZENTINEL_JAVA_HOME / JAVA_HOME (the JVM),
ZENTINEL_CDS and ZENTINEL_CDS_DIR (the class-data archive, as for the launcher),
BENCH_ZENTINEL_JAVA_OPTS (extra JVM options), BENCH_PROXY_CPU, BENCH_NICE.
EOF
}

runs=3 sizes=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$(int_arg "$1" "${2:-}" 1 50)"; shift 2 ;;
    --warmup-requests)
      [[ "${2:-}" =~ ^[0-9]+(,[0-9]+)*$ ]] || bench_die "--warmup-requests takes comma-separated integers, got '${2:-}'"
      sizes="${2//,/ }"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; bench_die "unknown argument '$1'" ;;
  esac
done
[ -n "$sizes" ] || sizes="default"
command -v python3 >/dev/null 2>&1 || bench_die "python3 is needed (lib/threadgroups.py reads the threads' CPU)"

bench_init
bench_cpus
bench_dist
mkdir -p "$BENCH_DIR/results"
result="$BENCH_DIR/results/startup-cost-$(date -u +%Y%m%dT%H%M%SZ).txt"
# A start that never logs "serving in" (a rejected config, a crash) is given this long.
START_LIMIT_S=120

# One fresh start with warm-up size $1 ("default" = the config's); prints one table row.
one_start() {
  local size="$1" dir port admin log pid t0 t1 i groups warm
  dir="$(mktemp -d "$BENCH_TMP/start.XXXXXX")"
  mkdir -m 700 "$dir/run"
  bench_free_port port
  bench_free_port admin
  log="$dir/zentinel.log"
  cat >"$dir/zentinel.yaml" <<EOF
# Written by bench/startup-cost.sh: one listener and a respond route (the warm-up brings its own origin).
listeners:
  - name: bench
    address: 127.0.0.1:$port
upstreams: []
routes:
  - name: all
    match: { path-prefix: / }
    respond: { status: 200, body: "ok\n" }
admin: { address: 127.0.0.1:$admin }
runtime: { directory: $dir/run }
access-log: { enabled: false }
EOF
  [ "$size" = default ] || printf 'upgrade: { warmup-requests: %s }\n' "$size" >>"$dir/zentinel.yaml"
  t0="$(now_ms)"
  ZENTINEL_JAVA_OPTS="${BENCH_ZENTINEL_JAVA_OPTS:-}" \
    bench_spawn "$log" "${PIN_PROXY[@]}" "$DIST/bin/zentinel" run --config "$dir/zentinel.yaml"
  pid="$LAST_PID"
  for ((i = 0; i < START_LIMIT_S * 20; i++)); do
    grep -q 'serving in' "$log" 2>/dev/null && break
    bench_alive "$pid" || break
    sleep 0.05
  done
  t1="$(now_ms)"
  if ! grep -q 'serving in' "$log" 2>/dev/null; then
    tail -20 "$log" >&2
    bench_alive "$pid" || bench_die "the proxy exited before it logged 'serving in' (its log above)"
    bench_kill_pid "$pid" 10
    bench_die "the proxy did not log 'serving in' within ${START_LIMIT_S}s (its log above)"
  fi
  groups="$(python3 "$BENCH_DIR/lib/threadgroups.py" "$pid")"
  warm="$(grep -m1 -o 'warm-up done in .*' "$log" || true)"
  bench_kill_pid "$pid" 30
  # shellcheck disable=SC2086 # groups is a list of numbers
  printf '%-8s %7s %7s %6s %6s %6s %6s %6s %6s %6s %6s  %s\n' "$size" "$((t1 - t0))" $groups "${warm:-no warm-up line}"
}

# Output goes to the terminal and the result file; no pipeline, so the processes one_start
# spawns are recorded in this shell and its EXIT trap ends them on any failure.
exec > >(tee "$result")
echo "Zentinel start-up cost $(date -u +%Y-%m-%dT%H:%MZ): $runs fresh start(s) per warm-up size, $DIST"
# The JVM the launcher picks: ZENTINEL_JAVA_HOME, else JAVA_HOME, else java on PATH.
java_home="${ZENTINEL_JAVA_HOME:-${JAVA_HOME:-}}"
echo "JVM: $("${java_home:+$java_home/bin/}java" -version 2>&1 | awk 'NR == 1')"
echo "class-data archive: ZENTINEL_CDS=${ZENTINEL_CDS:-auto}; extra JVM options: ${BENCH_ZENTINEL_JAVA_OPTS:-none}"
echo "CPU in ms from launch to 'serving in', per thread group (ctl: Zentinel's other threads); wall_ms = launch to that log line"
printf '%-8s %7s %7s %6s %6s %6s %6s %6s %6s %6s %6s  %s\n' warmup wall_ms cpu_ms loop main c1 c2 gc vm ctl other \
  'warm-up (the proxy log)'
for ((r = 1; r <= runs; r++)); do
  for size in $sizes; do one_start "$size"; done
done
echo "Machine: $(bench_machine_line)"
bench_log "written to $result"
