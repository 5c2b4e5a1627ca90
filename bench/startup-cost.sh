#!/usr/bin/env bash
# What a fresh Zentinel process spends before it serves: CPU from launch to its "serving in" log
# line (READY for a successor), summed per kernel thread group (main, C1, C2, event loops, GC,
# other), one fresh process per row, pinned to the proxy's core (BENCH_PROXY_CPU). Other work on that
# core slows the process down and shifts its compilations, so run it on a quiet machine.
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

bench_init
bench_cpus
bench_dist
mkdir -p "$BENCH_DIR/results"
result="$BENCH_DIR/results/startup-cost-$(date -u +%Y%m%dT%H%M%SZ).txt"
# A start that never logs "serving in" (a rejected config, a crash) is given this long.
START_LIMIT_S=120

# CPU time (ms) of every thread of PID, in all and summed by group: "total main C1 C2 loop gc other".
# Kernel thread names: HotSpot's are cut at 15 characters; the launcher's thread keeps "java".
thread_groups_ms() {
  local pid="$1" stat
  for stat in /proc/"$pid"/task/*/stat; do cat "$stat" 2>/dev/null || true; done | awk -v hz="$CLK_TCK" '
    {
      lp = index($0, "("); rp = 0
      for (i = length($0); i > 0; i--) if (substr($0, i, 1) == ")") { rp = i; break }
      name = substr($0, lp + 1, rp - lp - 1)
      split(substr($0, rp + 2), f, " ")
      ms = (f[12] + f[13]) * 1000 / hz
      if (name ~ /^C1 /) g = "c1"; else if (name ~ /^C2 /) g = "c2"
      else if (name == "java") g = "main"; else if (name ~ /^zentinel-io/) g = "loop"
      else if (name ~ /GC|G1/) g = "gc"; else g = "other"
      sum[g] += ms; total += ms
    }
    END { printf "%d %d %d %d %d %d %d\n", total, sum["main"], sum["c1"], sum["c2"], sum["loop"], sum["gc"], sum["other"] }'
}

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
  groups="$(thread_groups_ms "$pid")"
  warm="$(grep -m1 -o 'warm-up done in .*' "$log" || true)"
  bench_kill_pid "$pid" 30
  # shellcheck disable=SC2086 # groups is a list of numbers
  printf '%-8s %7s %7s %6s %6s %6s %6s %6s %6s  %s\n' "$size" "$((t1 - t0))" $groups "${warm:-no warm-up line}"
}

# Output goes to the terminal and the result file; no pipeline, so the processes one_start
# spawns are recorded in this shell and its EXIT trap ends them on any failure.
exec > >(tee "$result")
echo "Zentinel start-up cost $(date -u +%Y-%m-%dT%H:%MZ): $runs fresh start(s) per warm-up size, $DIST"
# The JVM the launcher picks: ZENTINEL_JAVA_HOME, else JAVA_HOME, else java on PATH.
java_home="${ZENTINEL_JAVA_HOME:-${JAVA_HOME:-}}"
echo "JVM: $("${java_home:+$java_home/bin/}java" -version 2>&1 | awk 'NR == 1')"
echo "class-data archive: ZENTINEL_CDS=${ZENTINEL_CDS:-auto}; extra JVM options: ${BENCH_ZENTINEL_JAVA_OPTS:-none}"
echo "CPU in ms from launch to 'serving in', per thread group; wall_ms = launch to that log line"
printf '%-8s %7s %7s %6s %6s %6s %6s %6s %6s  %s\n' warmup wall_ms cpu_ms main C1 C2 loop gc other 'warm-up (the proxy log)'
for ((r = 1; r <= runs; r++)); do
  for size in $sizes; do one_start "$size"; done
done
echo "Machine: $(bench_machine_line)"
bench_log "written to $result"
