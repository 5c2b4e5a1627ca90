#!/usr/bin/env bash
# Upgrade-under-load benchmark (not a test): steady load, then K zero-downtime upgrades of the
# proxy, measured by the in-repo load generator (which counts every failed request).
# For each upgrade: failed requests, throughput dip around it, p99 in the 10 s after it vs the
# steady state. The load is closed-loop by default (every connection sends again as soon as it is
# answered: the proxy's core is always saturated); --rate / --load-fraction offer a fixed rate
# instead (open loop: what an upgrade does to traffic at a given load, latency from the due time).
# Runs Zentinel (`zentinel upgrade`), nginx (USR2/WINCH/QUIT) and HAProxy (master-worker reload,
# SIGUSR2), each when available. See docs/benchmark.md.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/upgrade.sh [--upgrades K] [--spacing S] [--steady S] [--connections N]
                        [--mode keepalive|close] [--warmup S] [--only zentinel|nginx|haproxy]
                        [--rate R | --load-fraction F] [--max-backlog N]
  --upgrades K      upgrades per proxy (default 5, 1..50)
  --spacing S       minimum seconds from one upgrade's start to the next; the next also waits
                    until 11 s after the previous one's new process serves (default 15, 12..300)
  --steady S        seconds of steady load before the first upgrade (default 10, 5..300)
  --connections N   concurrent client connections (default 64, 1..10000)
  --mode M          keepalive or close (default keepalive)
  --warmup S        unmeasured load before the run, for JIT and caches (default 5, 0..120)
  --only NAME       measure just this proxy (default: every one that is available)
  --rate R          open loop: offer R requests/s in total (1..1000000) instead of the closed loop
  --load-fraction F open loop at F x each proxy's capacity (0.05..1.5), the capacity being the
                    closed-loop throughput over the second half of its warm-up (needs --warmup >= 2)
  --max-backlog N   open loop: due requests that may wait for a busy connection (default 10000)
Environment: as bench/run.sh, plus BENCH_DRAIN_SECONDS (30): the drain bound given to every proxy,
and BENCH_TIMELINE=1: lay Zentinel's upgrades out on a timeline (per-CPU busy and steal, per-thread-
group CPU of every Zentinel process, generator p99, every 50 ms; needs python3), written to
results/upgrade-*-zentinel-timeline.txt.
EOF
}

. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/proxies.sh"

upgrades=5 spacing=15 steady=10 connections=64 mode=keepalive warmup=5 only="" rate="" fraction="" max_backlog=""
while [ $# -gt 0 ]; do
  case "$1" in
    --upgrades) upgrades="$(int_arg "$1" "${2:-}" 1 50)"; shift 2 ;;
    --spacing) spacing="$(int_arg "$1" "${2:-}" 12 300)"; shift 2 ;;
    --steady) steady="$(int_arg "$1" "${2:-}" 5 300)"; shift 2 ;;
    --connections) connections="$(int_arg "$1" "${2:-}" 1 10000)"; shift 2 ;;
    --mode) [[ "${2:-}" =~ ^(keepalive|close)$ ]] || bench_die "--mode must be keepalive or close"; mode="$2"; shift 2 ;;
    --warmup) warmup="$(int_arg "$1" "${2:-}" 0 120)"; shift 2 ;;
    --only) [[ "${2:-}" =~ ^(zentinel|nginx|haproxy)$ ]] || bench_die "--only must be zentinel, nginx or haproxy"; only="$2"; shift 2 ;;
    --rate) rate="$(int_arg "$1" "${2:-}" 1 1000000)"; shift 2 ;;
    --load-fraction)
      [[ "${2:-}" =~ ^[0-9]*\.?[0-9]+$ ]] && awk -v f="$2" 'BEGIN { exit !(f >= 0.05 && f <= 1.5) }' \
        || bench_die "--load-fraction must be a number in 0.05..1.5, got '${2:-}'"
      fraction="$2"; shift 2 ;;
    --max-backlog) max_backlog="$(int_arg "$1" "${2:-}" 0 10000000)"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; bench_die "unknown argument '$1'" ;;
  esac
done
[ -n "$rate" ] && [ -n "$fraction" ] && bench_die "--rate and --load-fraction exclude each other"
[ -n "$fraction" ] && [ "$warmup" -lt 2 ] && bench_die "--load-fraction measures the capacity in the warm-up: needs --warmup >= 2"
[ -n "$max_backlog" ] && [ -z "$rate$fraction" ] && bench_die "--max-backlog only applies with --rate or --load-fraction"
open_loop=0
[ -n "$rate$fraction" ] && open_loop=1
if [ -n "$only" ]; then proxies=("$only"); else proxies=(zentinel nginx haproxy); fi

# The p99 comparison window after each upgrade, and the margins of the dip window around it.
AFTER_MS=10000
# Time an upgrade may take beyond the spacing before the remaining ones are skipped.
UPGRADE_ALLOWANCE_S=60
DIP_BEFORE_MS=500
DIP_AFTER_MS=1500
# The steady window starts this long after the load generator is launched: its JVM start, and in
# the open loop its own JIT warm-up (a backlog it would build there would count as proxy latency).
if [ "$open_loop" = 1 ]; then STEADY_SKIP_MS=3000; else STEADY_SKIP_MS=2000; fi
# Within that skipped start the generator's connections reconnect often, for every proxy alike:
# its own connect path is then compiled before the first upgrade makes all of them reconnect.
WARM_RECONNECTS_MS=$((STEADY_SKIP_MS - 1000))

bench_init
bench_cpus
bench_dist
bench_compile_java
bench_start_origin
STEAL="$BENCH_TMP/steal"
bench_start_steal_sampler "$STEAL"

sleep_until_ms() {
  local d=$(($1 - $(now_ms)))
  [ "$d" -gt 0 ] && sleep "$(awk -v d="$d" 'BEGIN { printf "%.3f", d / 1000 }')"
  return 0
}

# usage: wfield FILE WINDOW_NAME KEY
wfield() { sed -n "/^WINDOW name=$2 /{s/.* $3=\([^ ]*\).*/\1/p;q}" "$1"; }

pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.1f%%", (1 - a / b) * 100 }'; }
# Seconds of steady-state service a window lost: its length times its shortfall against the steady
# rate (100 ms intervals). usage: lost_s WINDOW_RPS INTERVALS STEADY_RPS
lost_s() { awk -v r="$1" -v n="$2" -v s="$3" 'BEGIN { if (s + 0 == 0 || n + 0 == 0) print "n/a"; else printf "%.2f", n * 0.1 * (1 - r / s) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.2fx", a / b }'; }
ms() { awk -v v="$1" 'BEGIN { printf "%.2f", v / 1000 }'; }  # microseconds -> milliseconds
secs() { awk -v v="$1" 'BEGIN { printf "%.2f", v / 1000 }'; } # milliseconds -> seconds

summary_rows=()
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$BENCH_DIR/results"
load_tag="$mode"
[ -n "$rate" ] && load_tag="$mode-rate$rate"
[ -n "$fraction" ] && load_tag="$mode-load$fraction"
details="$BENCH_DIR/results/upgrade-$stamp-$load_tag.txt"
: >"$details"

# Writes to stdout and to the details file.
say() { printf '%s\n' "$*" | tee -a "$details"; }

# One proxy: start it, warm it up, run the load with the upgrades, stop it, report.
# drive_upgrades and report_upgrades share run_proxy's locals (bash's dynamic scope): the
# timestamps per upgrade (starts, readies, dones), errors, messages, and the file names.
run_proxy() {
  local p="$1" label port windows out csv launch D k start ready done_ end_ms stop lg n
  local capacity="" offered_rate=""
  local -a starts=() readies=() dones=() errors=() messages=() rate_args=()
  label="$("${p}_version")"
  bench_free_port port
  start_timeline "$p"
  bench_log "starting $label on 127.0.0.1:$port (CPU $PROXY_CPU)"
  if ! "${p}_start" "$port"; then
    summary_rows+=("$(printf '%-26s %s' "$label" "failed to start")")
    "${p}_stop"
    return
  fi
  if [ "$warmup" -gt 0 ]; then
    # The first half of the warm-up is the proxy's (and the generator's) JIT warm-up; the
    # throughput of the second half is the capacity the load fraction refers to.
    bench_loadgen "$BENCH_TMP/$p.warmup" "http://127.0.0.1:$port/" "$warmup" "$connections" "$mode" \
      --warmup-ms $((warmup * 500)) || true
    capacity="$(bench_field "$BENCH_TMP/$p.warmup" RESULT rps)"
  fi
  if [ -n "$fraction" ]; then
    if ! awk -v c="${capacity:-0}" 'BEGIN { exit !(c >= 1) }'; then
      bench_log "$p: no closed-loop throughput from the warm-up; cannot offer a load fraction"
      cat "$BENCH_TMP/$p.warmup" >&2
      summary_rows+=("$(printf '%-26s %s' "$label" "no capacity measured in the warm-up")")
      "${p}_stop"
      return
    fi
    offered_rate="$(awk -v c="$capacity" -v f="$fraction" 'BEGIN { r = int(c * f + 0.5); if (r < 1) r = 1; if (r > 1000000) r = 1000000; print r }')"
  elif [ -n "$rate" ]; then
    offered_rate="$rate"
  fi
  if [ -n "$offered_rate" ]; then
    rate_args=(--rate "$offered_rate")
    [ -n "$max_backlog" ] && rate_args+=(--max-backlog "$max_backlog")
    bench_log "$p: closed-loop capacity ${capacity:-not measured} req/s; offering $offered_rate req/s"
  fi

  # The load runs until the stop file appears after the last upgrade's 10 s window; D is only
  # the upper bound (an upgrade may take far longer than the spacing on a loaded machine).
  D=$((steady + upgrades * (spacing + UPGRADE_ALLOWANCE_S) + 30))
  [ "$D" -le 1200 ] || D=1200
  stop="$BENCH_TMP/$p.stop"
  windows="$BENCH_TMP/$p.windows"; out="$BENCH_TMP/$p.loadgen"
  csv="$BENCH_DIR/results/upgrade-$stamp-$load_tag-$p-intervals.csv"
  : >"$windows"
  launch="$(now_ms)"
  bench_spawn "$out" "${PIN_LOAD[@]}" java -XX:+UseSerialGC -cp "$BENCH_TMP/classes" LoadGen \
    --url "http://127.0.0.1:$port/" --duration "$D" --connections "$connections" --mode "$mode" \
    --windows "$windows" --intervals-out "$csv" --stop-file "$stop" --warm-reconnects-ms "$WARM_RECONNECTS_MS" \
    "${rate_args[@]}"
  lg="$LAST_PID"
  end_ms=$((launch + D * 1000))
  bench_log "$p: steady load for ${steady}s, then $upgrades upgrades at least ${spacing}s apart (load bound ${D}s)"
  # The steady window skips the generator's start (STEADY_SKIP_MS) and lasts about --steady s.
  sleep_until_ms $((launch + steady * 1000 + STEADY_SKIP_MS - 1000))
  drive_upgrades

  if ! bench_wait_exit "$lg" $((D + 60)); then
    bench_log "$p: load generator overran its bound; ending it"
    bench_kill_pid "$lg" 5
  fi
  "${p}_stop"
  stop_timeline
  # Note: under `set -e` a failing wait would end the script, hence the explicit `|| true`.
  wait "$lg" 2>/dev/null || true
  report_upgrades
  report_timeline
}

# BENCH_TIMELINE=1 (Zentinel only): bench/lib/timeline.py samples on the load's CPU from before
# the proxy starts until it stopped; bench/lib/timeline-report.py lays the upgrades out.
start_timeline() {
  TIMELINE=""
  [ "${BENCH_TIMELINE:-0}" = 1 ] && [ "$1" = zentinel ] || return 0
  command -v python3 >/dev/null || { bench_log "BENCH_TIMELINE=1 needs python3; no timeline"; return 0; }
  TIMELINE="$BENCH_TMP/$1.timeline"
  rm -f "$TIMELINE.stop"
  bench_spawn /dev/null "${PIN_LOAD[@]}" python3 "$BENCH_DIR/lib/timeline.py" "$TIMELINE" "-Dzentinel.home=$DIST" \
    "$TIMELINE.stop" 50 1500
  TIMELINE_PID="$LAST_PID"
}

stop_timeline() {
  [ -n "${TIMELINE:-}" ] || return 0
  : >"$TIMELINE.stop"
  bench_wait_exit "$TIMELINE_PID" 10 || bench_kill_pid "$TIMELINE_PID" 5
}

report_timeline() {
  [ -n "${TIMELINE:-}" ] && [ -s "$TIMELINE" ] && [ -s "$windows" ] && [ -s "$csv" ] || return 0
  local file="${csv%-intervals.csv}-timeline.txt"
  python3 "$BENCH_DIR/lib/timeline-report.py" "$TIMELINE" "$windows" "$csv" 500 >"$file" 2>&1 \
    || bench_log "timeline report failed: $(tail -1 "$file")"
  say ""
  say "CPU by process and thread group (ms), before and after each READY (the whole table: $file):"
  grep -v '|' "$file" | while IFS= read -r line; do say "$line"; done
}

# Triggers the upgrades, writes the windows, then ends the load with the stop file.
drive_upgrades() {
  local next
  for ((k = 1; k <= upgrades; k++)); do
    start="$(now_ms)"
    if [ $((end_ms - start)) -lt $((UPGRADE_ALLOWANCE_S * 1000 + AFTER_MS + 2000)) ]; then
      bench_log "$p: too little load time left for upgrade $k; stopping after $((k - 1))"
      break
    fi
    [ "$k" = 1 ] && echo "steady $((launch + STEADY_SKIP_MS)) $start" >>"$windows"
    [ "$k" -gt 1 ] && echo "u$((k - 1))_all ${starts[$((k - 2))]} $start" >>"$windows"
    UPG_READY_MS="" UPG_DONE_MS=""
    # Called in this shell (not a $(...) subshell) so the pids and timestamps it sets survive.
    if ! "${p}_upgrade" 2>"$BENCH_TMP/$p.upgrade-err"; then
      bench_log "$p: upgrade $k failed: $(tr '\n' ' ' <"$BENCH_TMP/$p.upgrade-err")"
      errors[$k]="upgrade failed"
    fi
    messages[$k]="$(tr '\n' ' ' <"$BENCH_TMP/$p.upgrade-err")"
    ready="${UPG_READY_MS:-$(now_ms)}"; done_="${UPG_DONE_MS:-$(now_ms)}"
    starts+=("$start"); readies+=("$ready"); dones+=("$done_")
    echo "u${k}_dip $((start - DIP_BEFORE_MS)) $((done_ + DIP_AFTER_MS))" >>"$windows"
    echo "u${k}_after $ready $((ready + AFTER_MS))" >>"$windows"
    bench_log "$p: upgrade $k: new serving after $((ready - start)) ms, old gone after $((done_ - start)) ms"
    # The next upgrade waits for the spacing and for this one's 10 s window to be over.
    next=$((start + spacing * 1000))
    [ "$next" -ge $((ready + AFTER_MS + 1000)) ] || next=$((ready + AFTER_MS + 1000))
    [ "$k" -lt "$upgrades" ] && sleep_until_ms "$next"
  done
  n=${#starts[@]}
  if [ "$n" -gt 0 ]; then
    sleep_until_ms $((${readies[$((n - 1))]} + AFTER_MS + 1000))
    end_ms="$(now_ms)"
    echo "u${n}_all ${starts[$((n - 1))]} $end_ms" >>"$windows"
  fi
  # Windows are complete: end the load (the generator reads them once it stops).
  : >"$stop"
}

# A window's start or end (epoch ms) as drive_upgrades wrote it. usage: wfield_window NAME start|end
wfield_window() { awk -v n="$1" -v f="$2" '$1 == n { print (f == "start" ? $2 : $3); exit }' "$windows"; }

# Steal in upgrade K's 10 s after window, "total/longest" in ms (see bench_steal).
steal_after() {
  bench_steal "$STEAL" "$(wfield_window "u$1_after" start)" "$(wfield_window "u$1_after" end)" | awk '{ print $1 "/" $2 }'
}

# Turns the generator's WINDOW lines into the per-upgrade table and one summary row.
# Closed loop: dips against the steady served rate. Open loop: dips against the offered rate
# (dip_steady against the steady served rate), plus the longest wait (max_ms) around the upgrade.
report_upgrades() {
  local load_desc="closed loop"
  if [ -n "$fraction" ]; then
    load_desc="open loop at $offered_rate req/s offered ($fraction x closed-loop capacity $capacity req/s)"
  elif [ -n "$offered_rate" ]; then
    load_desc="open loop at $offered_rate req/s offered"
  fi
  say ""
  say "== $label: $mode, $connections connections, $load_desc, $n upgrade(s) >= ${spacing}s apart"
  if ! grep -q '^WINDOW name=steady ' "$out"; then
    cat "$out" | tee -a "$details" >&2
    summary_rows+=("$(printf '%-26s %s' "$label" "no measurement (see above)")")
    return
  fi
  local srps sp99 smin soff
  srps="$(wfield "$out" steady rps)"; sp99="$(wfield "$out" steady p99_us)"; smin="$(wfield "$out" steady min_interval_rps)"
  soff="$(wfield "$out" steady offered_rps)"
  if [ -n "$offered_rate" ]; then
    say "steady state: $srps req/s served of $soff offered, p99 $(ms "$sp99") ms (from due time), max $(ms "$(wfield "$out" steady max_us)") ms," \
      "failed $(wfield "$out" steady failed); worst 100 ms bucket $(pct "$smin" "$soff") below the offered rate (noise floor for the dip columns)"
    say "generator's own lateness in the steady state: up to $(ms "$(wfield "$out" steady schedule_lag_max_us)") ms (gen_lag_ms below: the same in each dip window)"
    say "hypervisor steal on the proxy's and the load's CPU in the steady window: $(bench_steal "$STEAL" "$(wfield_window steady start)" "$(wfield_window steady end)" | awk '{ print $1 " ms in all, longest " $2 " ms" }')"
    say "$(printf '%3s %8s %8s %7s %10s %10s %10s %9s %10s %12s %9s %12s  %s' '#' 'ready_s' 'done_s' 'failed' 'dip_worst' 'dip_mean' 'dip_steady' 'max_ms' 'gen_lag_ms' 'p99_after_ms' 'p99_ratio' 'steal_after' 'failure kinds')"
  else
    say "steady state: $srps req/s, p99 $(ms "$sp99") ms, failed $(wfield "$out" steady failed);" \
      "worst 100 ms bucket $(pct "$smin" "$srps") below the mean (noise floor for the dip columns)"
    say "lost_s: seconds of steady-state service lost from the trigger to the next one (or the end; at least READY + 11 s), = requests lost / steady rate"
    say "$(printf '%3s %8s %8s %7s %10s %10s %7s %12s %9s  %s' '#' 'ready_s' 'done_s' 'failed' 'dip_worst' 'dip_mean' 'lost_s' 'p99_after_ms' 'p99_ratio' 'failure kinds')"
  fi
  local total_failed=0 max_failed=0 worst_dip="" worst_mean="" worst_ratio="" f kinds key v dipw dipm dips p99a rat
  local good=0 ready_s done_s after_intervals maxw lagw
  for ((k = 1; k <= n; k++)); do
    f="$(wfield "$out" "u${k}_all" failed)"; f="${f:-0}"
    kinds=""
    for key in connect reset eof_before_response eof_mid_response bad_response non_2xx timeout overload; do
      v="$(wfield "$out" "u${k}_all" "failed_$key")"
      [ -n "$v" ] && [ "$v" != 0 ] && kinds="$kinds $key=$v"
    done
    [ -n "${errors[$k]:-}" ] && kinds="$kinds (${errors[$k]})"
    if [ -n "$offered_rate" ]; then
      # Served against offered in the same intervals; the worst bucket against the offered rate.
      dipw="$(pct "$(wfield "$out" "u${k}_dip" min_interval_rps)" "$(wfield "$out" "u${k}_dip" offered_rps)")"
      dipm="$(pct "$(wfield "$out" "u${k}_dip" ok)" "$(wfield "$out" "u${k}_dip" offered)")"
      dips="$(pct "$(wfield "$out" "u${k}_dip" rps)" "$srps")"
      maxw="$(ms "$(wfield "$out" "u${k}_dip" max_us)")"
      lagw="$(ms "$(wfield "$out" "u${k}_dip" schedule_lag_max_us)")"
    else
      dipw="$(pct "$(wfield "$out" "u${k}_dip" min_interval_rps)" "$srps")"
      dipm="$(pct "$(wfield "$out" "u${k}_dip" rps)" "$srps")"
    fi
    p99a="$(wfield "$out" "u${k}_after" p99_us)"
    after_intervals="$(wfield "$out" "u${k}_after" intervals)"
    if [ "${after_intervals:-0}" -lt $((AFTER_MS / 100 - 5)) ]; then
      # The load ended inside the 10 s window (an upgrade overran): no fair p99 for it.
      p99a="" rat="n/a"
      kinds="$kinds (load ended <10 s after ready)"
    else
      rat="$(ratio "$p99a" "$sp99")"
    fi
    if [ -n "${errors[$k]:-}" ]; then
      ready_s="-" done_s="-"
    else
      good=$((good + 1))
      ready_s="$(secs $((${readies[$((k - 1))]} - ${starts[$((k - 1))]})))"
      done_s="$(secs $((${dones[$((k - 1))]} - ${starts[$((k - 1))]})))"
    fi
    if [ -n "$offered_rate" ]; then
      say "$(printf '%3d %8s %8s %7s %10s %10s %10s %9s %10s %12s %9s %12s %s' "$k" "$ready_s" "$done_s" \
        "$f" "$dipw" "$dipm" "$dips" "$maxw" "$lagw" "$([ -n "$p99a" ] && ms "$p99a" || echo n/a)" "$rat" \
        "$(steal_after "$k")" "${kinds# }")"
    else
      say "$(printf '%3d %8s %8s %7s %10s %10s %7s %12s %9s %s' "$k" "$ready_s" "$done_s" \
        "$f" "$dipw" "$dipm" "$(lost_s "$(wfield "$out" "u${k}_all" rps)" "$(wfield "$out" "u${k}_all" intervals)" "$srps")" \
        "$([ -n "$p99a" ] && ms "$p99a" || echo n/a)" "$rat" "${kinds# }")"
    fi
    total_failed=$((total_failed + f))
    [ "$f" -gt "$max_failed" ] && max_failed="$f"
    worst_dip="$(printf '%s\n%s\n' "$worst_dip" "$dipw" | grep -v '^$' | sort -t% -k1 -g | tail -1)"
    worst_mean="$(printf '%s\n%s\n' "$worst_mean" "$dipm" | grep -v '^$' | sort -t% -k1 -g | tail -1)"
    [ "$rat" != n/a ] && worst_ratio="$(printf '%s\n%s\n' "$worst_ratio" "$rat" | grep -v '^$' | sort -g | tail -1)"
  done
  for ((k = 1; k <= n; k++)); do
    [ -n "${messages[$k]:-}" ] && say "  upgrade $k: ${messages[$k]}"
  done
  say "total failed: $total_failed over $n upgrade(s) (load generator overall: $(bench_field "$out" RESULT offered) offered, $(bench_field "$out" RESULT ok) ok, $(bench_field "$out" RESULT failed) failed)"
  if [ -n "$offered_rate" ]; then
    say "load generator: requests sent p99 $(ms "$(bench_field "$out" RESULT schedule_lag_p99_us)") ms after due (its own scheduling error)," \
      "backlog peak $(bench_field "$out" RESULT backlog_max), idle connections closed by the proxy: $(bench_field "$out" RESULT idle_closed)"
    summary_rows+=("$(printf '%-26s %9s %7s %12s %10s %10s %10s %9s %9s' "${label:0:26}" "$good/$n" "$total_failed" "$max_failed" \
      "${worst_mean:-n/a}" "${worst_dip:-n/a}" "${worst_ratio:-n/a}" "$srps" "$offered_rate")")
  else
    summary_rows+=("$(printf '%-26s %9s %7s %12s %10s %10s %10s %9s' "${label:0:26}" "$good/$n" "$total_failed" "$max_failed" \
      "${worst_mean:-n/a}" "${worst_dip:-n/a}" "${worst_ratio:-n/a}" "$srps")")
  fi
}

for p in "${proxies[@]}"; do
  why="$("${p}_unavailable")"
  [ -n "$why" ] || why="$("${p}_upgrade_unavailable")"
  if [ -n "$why" ]; then
    bench_log "skipping $p: $why"
    summary_rows+=("$(printf '%-26s %s' "$p" "skipped: $why")")
    continue
  fi
  run_proxy "$p"
done

say ""
load_line="closed loop"
[ -n "$rate" ] && load_line="open loop at $rate req/s"
[ -n "$fraction" ] && load_line="open loop at $fraction x each proxy's closed-loop capacity"
say "Zentinel upgrade bench $(date -u +%Y-%m-%dT%H:%MZ): $mode, $connections connections, $load_line, $upgrades upgrades >= ${spacing}s apart, load generator: bench/loadgen/LoadGen.java"
say "Machine: $(bench_machine_line)"
if [ "$open_loop" = 1 ]; then
  say "$(printf '%-26s %9s %7s %12s %10s %10s %10s %9s %9s' proxy 'ok/tried' failed 'max/upgrade' 'dip_mean' 'dip_worst' 'p99 ratio' 'steady/s' 'offered/s')"
else
  say "$(printf '%-26s %9s %7s %12s %10s %10s %10s %9s' proxy 'ok/tried' failed 'max/upgrade' 'dip_mean' 'dip_worst' 'p99 ratio' 'steady/s')"
fi
for r in "${summary_rows[@]}"; do say "$r"; done
if [ "$open_loop" = 1 ]; then
  say "(dip_mean and dip_worst against the offered rate, p99 from the due time; the worst over the upgrades; per-upgrade tables above;"
  say " steal_after: the hypervisor's steal time on the proxy's and the load's CPU in the 10 s after READY, total/longest burst in ms:"
  say " a vCPU taken away for ~100 ms stalls every request of that moment and alone sets the p99 of a 10 s window)"
else
  say "(dip_mean, dip_worst and p99 ratio: the worst over the upgrades; per-upgrade tables above)"
fi
bench_log "details: $details"
