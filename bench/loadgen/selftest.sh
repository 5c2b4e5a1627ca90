#!/usr/bin/env bash
# Checks the in-repo load generator's accounting against an origin that misbehaves on purpose
# (bench/origin/Origin.java --fault ...). One connection and a fixed request count make every
# expected count exact: with a fault on every Nth request, R requests give exactly R/N failures
# of the matching kind and R - R/N ok. Not part of `mvn verify`; run it after changing LoadGen.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"

bench_init
bench_cpus
bench_dist
bench_compile_java

passed=0 failed=0
# usage: expect CASE OUTFILE key=value...
expect() {
  local name="$1" out="$2" kv key want got bad=""; shift 2
  for kv in "$@"; do
    key="${kv%%=*}" want="${kv#*=}"
    got="$(bench_field "$out" RESULT "$key")"
    [ "$got" = "$want" ] || bad="$bad $key=$got(want $want)"
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
expect healthy-keepalive "$LAST_OUT" ok=$R failed=0 connections_opened=1
run_case healthy-close close $R
expect healthy-close "$LAST_OUT" ok=$R failed=0 connections_opened=$R

for fault in close:eof_before_response reset:reset truncate:eof_mid_response status500:non_2xx garbage:bad_response; do
  restart_origin --fault "${fault%%:*}" --fault-every 10
  run_case "fault-${fault%%:*}" keepalive $R
  expect "fault-${fault%%:*} (every 10th -> ${fault#*:})" "$LAST_OUT" ok=$((R - R / 10)) failed=$((R / 10)) \
    "failed_${fault#*:}=$((R / 10))"
done

restart_origin --fault hang --fault-every 25
run_case fault-hang keepalive 100 --timeout-ms 3000
expect "fault-hang (every 25th -> timeout)" "$LAST_OUT" ok=96 failed=4 failed_timeout=4

# Nothing listens on a port we just freed: every request is a connect failure.
dead_port="$ORIGIN_PORT"
bench_kill_pid "$ORIGIN_PID" 5
ORIGIN_PID=""
ORIGIN_PORT="$dead_port"
run_case refused keepalive 50 --reconnect-backoff-ms 1
expect "connect refused" "$LAST_OUT" ok=0 failed=50 failed_connect=50

echo "loadgen selftest: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
