#!/usr/bin/env bash
# Runs an application with the courier beside it as a co-process, sharing its lifetime:
#   run-with-courier.sh <courier.yaml> <application command...>
# SIGTERM and SIGINT (Ctrl-C) go to both, once; SIGHUP goes to the courier (configuration reload; under
# nohup it stays ignored, and the courier says so at start). When the application exits, the courier is
# stopped (it sends what it owes, keeps the rest in data_dir) and the script exits with the application's
# status. If the courier dies, the application keeps running and the courier is
# not restarted here: use a supervisor for that.
set -uo pipefail
if [[ $# -lt 2 ]]; then
  echo "usage: $0 <courier.yaml> <application command...>" >&2
  exit 64
fi
config="$1"; shift
courier="${COURIER:-$(dirname "$0")/../../bin/courier}"

# Job control puts each child in its own process group with SIGINT at its default: without it bash starts
# `&` children with SIGINT ignored, so Ctrl-C reached no one. A terminal's Ctrl-C now reaches this script
# alone (the foreground group) and the trap below forwards it once to each child. Their stdin stays
# /dev/null, as it was for `&` children without job control.
set -m
"$courier" run --config "$config" </dev/null &
courier_pid=$!
"$@" </dev/null &
app_pid=$!

stopping=""
forward() {
  stopping="$1"
  kill "-$1" "$app_pid" 2>/dev/null
  kill "-$1" "$courier_pid" 2>/dev/null
}
trap 'forward TERM' TERM
trap 'forward INT' INT
trap 'kill -HUP "$courier_pid" 2>/dev/null' HUP

# wait returns early when a trapped signal arrives; keep waiting until the application has exited.
app_status=0
while kill -0 "$app_pid" 2>/dev/null; do
  wait "$app_pid"
  app_status=$?
done
# A forwarded SIGTERM or SIGINT is already stopping the courier; a second signal would only race with it.
[[ -n "$stopping" ]] || kill -TERM "$courier_pid" 2>/dev/null
while kill -0 "$courier_pid" 2>/dev/null; do
  wait "$courier_pid"
done
exit "$app_status"
