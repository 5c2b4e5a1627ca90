# shellcheck shell=bash
# Interleaved comparison for bench/run.sh --interleave SLICE_SECONDS (sourced after common.sh and
# proxies.sh).
#
# Why: on a shared virtual machine the CPU cost of a request swings up to 2x from one few-second
# stretch to the next, for every process alike and with next to no steal (the host's other
# tenants; docs/benchmark.md, eighth pass). A sequential comparison gives each proxy its own
# stretch, so it measures the stretch as much as the proxy. Here every proxy is started and warmed
# first; then short load slices alternate between them (A B C A B C ...), so a slow stretch hits
# all of them, and the medians over many slices compare the proxies, not the stretches.
#
# Every proxy is pinned to the same CPU (PROXY_CPU), so the idle ones sit next to the measured one;
# their CPU during other proxies' slices is recorded (column other_ms) to show what that costs.

# CPU ticks of the JIT compiler threads (HotSpot's "C1 CompilerThre..", "C2 CompilerThre..") of
# PID; 0 for a process without them (nginx, HAProxy). Tells a slice spent compiling from a slow one.
bench_jit_ticks() {
  local t rest name total=0
  local -a f
  for t in /proc/"$1"/task/*; do
    read -r rest 2>/dev/null <"$t/stat" || continue
    name="${rest#*(}"; name="${name%%)*}"
    case "$name" in C1\ Comp* | C2\ Comp*) ;; *) continue ;; esac
    rest="${rest##*) }"
    read -r -a f <<<"$rest"
    total=$((total + f[11] + f[12]))
  done
  echo "$total"
}

# Per-CPU counters from /proc/stat: "busy idle irq steal" in clock ticks, busy = user+nice+system,
# irq = irq+softirq (softirq is where loopback TCP runs).
bench_cpu_counters() {
  awk -v c="cpu$1" '$1 == c { print $2 + $3 + $4, $5 + $6, $7 + $8, $9; found = 1; exit }
    END { if (!found) print "0 0 0 0" }' /proc/stat 2>/dev/null || echo "0 0 0 0"
}

# usage: interleave_run SLICE_SECONDS SLICES WARMUP_SECONDS ROUND RESULTS_TSV NAME...
# Starts NAME... (each on its own port), warms each for WARMUP_SECONDS with load, then runs
# SLICES slices per proxy, alternating. Appends one line per slice to RESULTS_TSV (columns: see
# interleave_tsv_header). Dies (after stopping what it started) when a proxy does not start:
# a comparison with a proxy missing would silently compare nothing.
interleave_run() {
  local slice="$1" slices="$2" warm="$3" round="$4" tsv="$5"; shift 5
  local -a names=("$@")
  local -A ports pids root labels
  local p i out t0 t1 o0 o1 c0 c1 l0 l1 j0 j1 g0 g1 ok rps p50 p99 failed
  for p in "${names[@]}"; do
    labels[$p]="$("${p}_version")"
    labels[$p]="${labels[$p]:0:28}"
    bench_free_port "ports[$p]"
    bench_log "round $round: starting ${labels[$p]} on 127.0.0.1:${ports[$p]} (CPU $PROXY_CPU)"
    if ! "${p}_start" "${ports[$p]}"; then
      interleave_stop_all "${names[@]}"
      bench_die "--interleave: ${labels[$p]} did not start in round $round (messages above); nothing compared"
    fi
    # The process tree is fixed once serving (nginx master + worker, one JVM, HAProxy master + worker).
    pids[$p]="$(bench_tree_pids "$PROXY_PID")"
    root[$p]="$PROXY_PID"
  done
  if [ "$warm" -gt 0 ]; then
    for p in "${names[@]}"; do
      bench_log "round $round: warming ${labels[$p]} for ${warm}s"
      drive "$BENCH_TMP/$p.warmup" "${ports[$p]}" "$warm"
    done
  fi
  bench_log "round $round: $slices slice(s) of ${slice}s per proxy, alternating ${names[*]}"
  for ((i = 1; i <= slices; i++)); do
    for p in "${names[@]}"; do
      out="$BENCH_TMP/$p.slice"
      # shellcheck disable=SC2086 # a space-separated pid list, split on purpose
      t0="$(bench_cpu_ticks ${pids[$p]})"
      o0="$(interleave_others_ticks "$p" pids "${names[@]}")"
      c0="$(bench_cpu_counters "$PROXY_CPU")"; l0="$(bench_cpu_counters "$LOAD_CPU")"
      j0="$(bench_jit_ticks "${root[$p]}")"; g0="$(bench_cpu_ticks "$ORIGIN_PID")"
      drive "$out" "${ports[$p]}" "$slice" measured
      # shellcheck disable=SC2086
      t1="$(bench_cpu_ticks ${pids[$p]})"
      o1="$(interleave_others_ticks "$p" pids "${names[@]}")"
      c1="$(bench_cpu_counters "$PROXY_CPU")"; l1="$(bench_cpu_counters "$LOAD_CPU")"
      j1="$(bench_jit_ticks "${root[$p]}")"; g1="$(bench_cpu_ticks "$ORIGIN_PID")"
      # A proxy that died or a slice without a single answer must not leave a plausible table behind.
      if ! bench_alive "${root[$p]}"; then
        interleave_stop_all "${names[@]}"
        bench_die "--interleave: ${labels[$p]} (pid ${root[$p]}) exited during round $round, slice $i"
      fi
      ok="$(bench_field "$out" RESULT ok 2>/dev/null)"
      if ! [[ "$ok" =~ ^[0-9]+$ ]] || [ "$ok" -eq 0 ]; then
        cat "$out" >&2
        interleave_stop_all "${names[@]}"
        bench_die "--interleave: no successful request to ${labels[$p]} in round $round, slice $i"
      fi
      failed="$(bench_field "$out" RESULT failed)"
      rps="$(bench_field "$out" RESULT rps)"
      p50="$(bench_field "$out" RESULT p50_us)"; p99="$(bench_field "$out" RESULT p99_us)"
      awk -v r="$round" -v i="$i" -v t="$(date -u +%H:%M:%S)" -v name="$p" -v lab="${labels[$p]}" \
        -v rps="$rps" -v p50="$p50" -v p99="$p99" -v failed="$failed" -v ok="$ok" \
        -v d=$((t1 - t0)) -v od=$((o1 - o0)) -v jd=$((j1 - j0)) -v gd=$((g1 - g0)) -v hz="$CLK_TCK" -v c0="$c0" -v c1="$c1" -v l0="$l0" -v l1="$l1" \
        -v load="$(cut -d' ' -f1 /proc/loadavg)" '
        BEGIN {
          split(c0, a, " "); split(c1, b, " "); split(l0, x, " "); split(l1, y, " ")
          ms = 1000 / hz
          printf "%d\t%d\t%s\t%s\t%s\t%.0f\t%d\t%d\t%d\t%.1f\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%.1f\t%s\n",
            r, i, t, name, lab, rps, p50, p99, failed, d * 1e6 / hz / ok, od * ms,
            (b[1] - a[1]) * ms, (b[2] - a[2]) * ms, (b[3] - a[3]) * ms, (b[4] - a[4]) * ms,
            (y[2] - x[2]) * ms, (y[4] - x[4]) * ms, jd * ms, gd * 1e6 / hz / ok, load
        }' >>"$tsv"
      bench_log "round $round slice $i ${labels[$p]}: $(tail -1 "$tsv" | cut -f6) req/s, $(tail -1 "$tsv" | cut -f10) us/req, steal $(tail -1 "$tsv" | cut -f15) ms"
    done
  done
  interleave_stop_all "${names[@]}"
}

interleave_tsv_header() {
  printf 'round\tslice\ttime\tproxy\tlabel\trps\tp50_us\tp99_us\tfailed\tcpu_us_req\tother_ms\tpcpu_busy_ms\tpcpu_idle_ms\tpcpu_irq_ms\tpcpu_steal_ms\tlcpu_idle_ms\tlcpu_steal_ms\tjit_ms\torigin_us_req\tload1\n'
}

# CPU ticks of every proxy but $1 (the ones idling next to the measured one).
# usage: interleave_others_ticks NAME PIDS_ARRAY_NAME NAME...
interleave_others_ticks() {
  local me="$1" n total=0; local -n _pids="$2"; shift 2
  for n in "$@"; do
    [ "$n" = "$me" ] && continue
    # shellcheck disable=SC2086 # a space-separated pid list, split on purpose
    total=$((total + $(bench_cpu_ticks ${_pids[$n]})))
  done
  echo "$total"
}

interleave_stop_all() {
  local p
  for p in "$@"; do "${p}_stop"; done
}

# Prints the report body from RESULTS_TSV: per round and overall, each proxy's medians over its
# slices, and for Zentinel against nginx how many slice pairs (the same slice index of a round)
# and rounds it was ahead in both req/s and CPU per request.
# usage: interleave_summary RESULTS_TSV
interleave_summary() {
  awk -F'\t' '
    function median(list,   a, n, i, j, t) {
      n = split(list, a, " ")
      for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j + 1] = a[j]; a[j + 1] = t }
      if (n == 0) return "n/a"
      return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    NR == 1 { next }
    {
      r = $1; p = $4
      if (!(p in label)) { order[++k] = p; label[p] = $5 }
      if (!(r in seen_round)) { rounds[++nr] = r; seen_round[r] = 1 }
      rps[p] = rps[p] " " $6; cpu[p] = cpu[p] " " $10; p50[p] = p50[p] " " $7; p99[p] = p99[p] " " $8
      failed[p] += $9; other[p] = other[p] " " $11; steal[p] += $15; lsteal[p] += $17; n[p]++
      rrps[r, p] = rrps[r, p] " " $6; rcpu[r, p] = rcpu[r, p] " " $10
      srps[r, $2, p] = $6; scpu[r, $2, p] = $10; if ($2 > maxslice[r]) maxslice[r] = $2
      jit[p] += $18; origin[p] = origin[p] " " $19
      # Correlation of the proxy CPU per request with the origin CPU per request (the machine canary).
      m++; sx += $10; sy += $19; sxx += $10 * $10; syy += $19 * $19; sxy += $10 * $19
    }
    END {
      printf "%-28s %10s %9s %9s %8s %11s %8s %9s %9s\n", "proxy (medians of slices)", "req/s", "p50 ms", "p99 ms", "failed", "CPU us/req", "slices", "steal ms", "idle cost"
      for (i = 1; i <= k; i++) {
        p = order[i]
        printf "%-28s %10.0f %9.3f %9.3f %8d %11.1f %8d %9d %8.0fms\n", label[p], median(rps[p]), median(p50[p]) / 1000,
          median(p99[p]) / 1000, failed[p], median(cpu[p]), n[p], steal[p] + lsteal[p], median(other[p])
      }
      printf "\nmachine canary: the origin (same job in every slice, on the load CPU) used a median of"
      for (i = 1; i <= k; i++) printf "%s %.1f us/req during %s'"'"'s slices", (i > 1 ? ";" : ""), median(origin[order[i]]), label[order[i]]
      vx = m * sxx - sx * sx; vy = m * syy - sy * sy
      if (m > 2 && vx > 0 && vy > 0) printf ";\nper slice, the proxy'"'"'s CPU per request and the origin'"'"'s correlate with r = %.2f (a high r: both follow a common cause, the machine or the pace of the load)", (m * sxy - sx * sy) / sqrt(vx * vy)
      printf "\n"
      for (i = 1; i <= k; i++) if (jit[order[i]] > 0) printf "JIT compiler threads of %s: %d ms of CPU over its %d slices\n", label[order[i]], jit[order[i]], n[order[i]]
      printf "\nper round (medians of that round'"'"'s slices): req/s / CPU us/req\n"
      printf "%-6s", "round"; for (i = 1; i <= k; i++) printf " %28s", label[order[i]]; printf "\n"
      for (j = 1; j <= nr; j++) {
        r = rounds[j]; printf "%-6s", r
        for (i = 1; i <= k; i++) { p = order[i]; printf " %28s", sprintf("%.0f / %.1f", median(rrps[r, p]), median(rcpu[r, p])) }
        printf "\n"
      }
      if (("zentinel" in label) && ("nginx" in label)) {
        pairs = 0; both = 0; behind = 0; rb = 0
        for (j = 1; j <= nr; j++) {
          r = rounds[j]
          for (s = 1; s <= maxslice[r]; s++) {
            if (!((r, s, "zentinel") in srps) || !((r, s, "nginx") in srps)) continue
            pairs++
            if (srps[r, s, "zentinel"] >= srps[r, s, "nginx"] && scpu[r, s, "zentinel"] <= scpu[r, s, "nginx"]) both++
            if (srps[r, s, "zentinel"] < srps[r, s, "nginx"] && scpu[r, s, "zentinel"] > scpu[r, s, "nginx"]) behind++
          }
          if (median(rrps[r, "zentinel"]) >= median(rrps[r, "nginx"]) && median(rcpu[r, "zentinel"]) <= median(rcpu[r, "nginx"])) rb++
        }
        printf "\nzentinel vs nginx: ahead in both req/s and CPU/req in %d of %d slice pairs (behind in both in %d), and in %d of %d rounds by the round medians\n", both, pairs, behind, rb, nr
      }
    }' "$1"
}
