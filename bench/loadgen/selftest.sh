#!/usr/bin/env bash
# Checks the in-repo load generator's accounting against an origin that misbehaves on purpose
# (bench/origin/Origin.java --fault ...). One connection and a fixed request count make every
# expected count exact: with a fault on every Nth request, R requests give exactly R/N failures
# of the matching kind and R - R/N ok. The open-loop (--rate) cases check the same accounting on a
# schedule, and the backlog/overload accounting against a hanging origin. Not part of
# `mvn verify`; run it after changing LoadGen.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"

bench_init
bench_cpus
bench_dist
bench_compile_java

passed=0 failed=0
# usage: expect CASE OUTFILE check...   where a check is key=value (exact), key>=value (at least),
# or sum:key1+key2+...=value (the fields add up to value; used for "every offered request ended once").
expect() {
  local name="$1" out="$2" kv key want got bad="" k sum; shift 2
  for kv in "$@"; do
    if [[ "$kv" == sum:* ]]; then
      kv="${kv#sum:}" key="${kv%%=*}" want="${kv#*=}" sum=0
      for k in ${key//+/ }; do got="$(bench_field "$out" RESULT "$k")"; sum=$((sum + ${got:-0})); done
      [ "$sum" = "$want" ] || bad="$bad $key=$sum(want $want)"
    elif [[ "$kv" == *'>='* ]]; then
      key="${kv%%>=*}" want="${kv#*>=}"
      got="$(bench_field "$out" RESULT "$key")"
      [[ "$got" =~ ^[0-9]+$ ]] && [ "$got" -ge "$want" ] || bad="$bad $key=$got(want >= $want)"
    else
      key="${kv%%=*}" want="${kv#*=}"
      got="$(bench_field "$out" RESULT "$key")"
      [ "$got" = "$want" ] || bad="$bad $key=$got(want $want)"
    fi
  done
  if [ -z "$bad" ]; then
    passed=$((passed + 1)); echo "ok   $name"
  else
    failed=$((failed + 1)); echo "FAIL $name:$bad"; grep -v '^RESULT' "$out" | sed 's/^/     /'
  fi
}

# usage: run_case CASE MODE REQUESTS [loadgen args...]   (against the running origin)
run_case() {
  local name="$1" mode="$2" requests="$3" out="$BENCH_TMP/$1.out"; shift 3
  bench_loadgen "$out" "http://127.0.0.1:$ORIGIN_PORT/" 60 1 "$mode" --requests "$requests" "$@" || true
  LAST_OUT="$out"
}

restart_origin() {
  [ -n "${ORIGIN_PID:-}" ] && bench_kill_pid "$ORIGIN_PID" 5
  bench_start_origin "$@"
}

R=1000
restart_origin
run_case healthy-keepalive keepalive $R
expect healthy-keepalive "$LAST_OUT" offered=$R ok=$R failed=0 connections_opened=1
run_case healthy-close close $R
expect healthy-close "$LAST_OUT" offered=$R ok=$R failed=0 connections_opened=$R

# Open loop at a modest rate: the same exact counts, and the schedule is kept: the last of R
# requests is due (R-1)/rate s after the start, so the load cannot end earlier (a generator that
# sent as fast as it could would finish in a fraction of that).
run_case rate-keepalive keepalive $R --rate 500
expect "rate 500/s keep-alive" "$LAST_OUT" offered=$R ok=$R failed=0 connections_opened=1 rate=500 \
  "elapsed_ms>=$(((R - 1) * 1000 / 500))"
# Close mode costs a connect per request: a modest rate over 4 connections, so a loaded machine
# that falls behind only queues (10 s timeout) instead of failing.
run_case rate-close close 200 --rate 100 --connections 4
expect "rate 100/s close" "$LAST_OUT" offered=200 ok=200 failed=0 connections_opened=200
# A generator warm-up splits by offer time: due times k/500 s below 1 s are the first 500.
run_case rate-warmup keepalive $R --rate 500 --warmup-ms 1000
expect "rate 500/s, 1 s generator warm-up counted apart" "$LAST_OUT" warmup_offered=500 warmup_ok=500 \
  warmup_failed=0 offered=500 ok=500 failed=0
# The reconnecting warm-up: in its first second every second response ends the connection (about
# 250 connects at 500/s), after it the one connection is kept; nothing fails on the way.
run_case warm-reconnects keepalive $R --rate 500 --warm-reconnects-ms 1000
expect "rate 500/s, reconnecting warm-up for 1 s" "$LAST_OUT" offered=$R ok=$R failed=0 "connections_opened>=200"
# Two selector threads over four connections share one timetable: still exactly R offered.
run_case rate-threads keepalive $R --rate 1000 --threads 2 --connections 4
expect "rate 1000/s, 2 threads" "$LAST_OUT" offered=$R ok=$R failed=0 "elapsed_ms>=$(((R - 1) * 1000 / 1000))"

for fault in close:eof_before_response reset:reset truncate:eof_mid_response status500:non_2xx garbage:bad_response; do
  restart_origin --fault "${fault%%:*}" --fault-every 10
  run_case "fault-${fault%%:*}" keepalive $R
  expect "fault-${fault%%:*} (every 10th -> ${fault#*:})" "$LAST_OUT" ok=$((R - R / 10)) failed=$((R / 10)) \
    "failed_${fault#*:}=$((R / 10))"
done

restart_origin --fault status500 --fault-every 10
run_case rate-fault-status500 keepalive $R --rate 1000
expect "rate 1000/s, every 10th -> non_2xx" "$LAST_OUT" offered=$R ok=$((R - R / 10)) failed=$((R / 10)) \
  "failed_non_2xx=$((R / 10))"

restart_origin --fault hang --fault-every 25
run_case fault-hang keepalive 100 --timeout-ms 3000
expect "fault-hang (every 25th -> timeout)" "$LAST_OUT" ok=96 failed=4 failed_timeout=4

# Open loop against a hang, one connection, 2 req/s (due every 500 ms), 3 s timeout, backlog 3:
# request 10 (due 4.5 s) hangs and holds the connection until its timeout at 7.5 s. Requests
# 11-13 (due 5.0-6.0 s) wait in the backlog and are served once the slot frees (their own
# timeouts, counted from the due time, end at 8.0 s and later); 14-15 (due 6.5-7.0 s) find the
# backlog full: overload. The origin's 20th request would hang again; it never gets there.
# The margins are 500 ms (one period) either side, so the counts are exact.
restart_origin --fault hang --fault-every 10
run_case rate-hang keepalive 15 --rate 2 --timeout-ms 3000 --max-backlog 3
expect "rate 2/s, hang -> backlog then overload" "$LAST_OUT" offered=15 ok=12 failed=3 failed_timeout=1 \
  failed_overload=2 backlog_max=3 connections_opened=2 sum:ok+failed=15

# Nothing listens on a port we just freed: every request is a connect failure.
dead_port="$ORIGIN_PORT"
bench_kill_pid "$ORIGIN_PID" 5
ORIGIN_PID=""
ORIGIN_PORT="$dead_port"
run_case refused keepalive 50 --reconnect-backoff-ms 1
expect "connect refused" "$LAST_OUT" ok=0 failed=50 failed_connect=50

# Bad arguments fail before any traffic, with the generator's message (exit status 2).
for bad in "--rate 0" "--rate 1000001" "--max-backlog 5" "--rate 10 --max-backlog -1"; do
  out="$BENCH_TMP/bad-args.out"
  status=0
  bench_loadgen "$out" "http://127.0.0.1:$dead_port/" 5 1 keepalive $bad || status=$?
  if [ "$status" = 2 ] && grep -q '^loadgen: ' "$out"; then
    passed=$((passed + 1)); echo "ok   bad arguments '$bad': $(awk 'NR == 1' "$out")"
  else
    failed=$((failed + 1)); echo "FAIL bad arguments '$bad': exit $status"; sed 's/^/     /' "$out"
  fi
done

echo "loadgen selftest: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
