#!/usr/bin/env bash
# The zabbix_intake beside the real server's trapper, in one run: the real zabbix_sender sends the same
# -T -N -i file (100,000 lines by default) to a real Zabbix 6.0 server's trapper and to a courier's intake
# that forwards to that server through its durable file ledger; each is timed from the shell, alternating (values per
# second acknowledged = lines / mean wall time). Then single-value zabbix_sender calls to each, timed one by one
# from the shell, give the acknowledgement latency p50 and p99 (the process start is in both). The server
# is the test fixture started by SendBenchmarkPeers (needs root and the packages of install-test-deps.sh).
# Before every run the file is written again with later clocks, and the run starts only once the server's
# history row count has stopped moving, so no run pays for another's backlog (the courier forwards after it
# acknowledged). About 5 minutes.
#   scripts/bench-intake.sh [lines] [items] [runs] [single calls]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lines="${1:-100000}"
items="${2:-200}"
runs="${3:-5}"
calls="${4:-200}"
work="$(mktemp -d /tmp/bench-intake.XXXXXX)"
peers_pid=""
courier_pid=""
cleanup() {
  if [[ -n "$courier_pid" ]]; then
    kill "$courier_pid" 2>/dev/null || true
    wait "$courier_pid" 2>/dev/null || true
  fi
  declare -F stop_peers >/dev/null && stop_peers
  rm -rf "$work"
}
trap cleanup EXIT

source "$root/scripts/bench-peers.sh"

# The courier: the intake on a free port, the Zabbix sink to the same server, the ledger on disk.
intake_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cat >"$work/courier.yaml" <<YAML
data_dir: $work/data
sources:
  - name: scripts
    type: zabbix_intake
    listen: 127.0.0.1:$intake_port
sinks:
  - name: zabbix
    type: zabbix
    server: 127.0.0.1:$zabbix_port
YAML
"$root/bin/courier" run --config "$work/courier.yaml" >"$work/courier.log" 2>&1 &
courier_pid=$!
for _ in $(seq 1 120); do
  grep -q 'listening for zabbix_sender' "$work/courier.log" && break
  kill -0 "$courier_pid" 2>/dev/null || { tail -40 "$work/courier.log" >&2; exit 1; }
  sleep 0.5
done
echo "bench-intake: real trapper on 127.0.0.1:$zabbix_port, intake on 127.0.0.1:$intake_port (forwarding to it)"

"$work/next-file.sh"

# Throughput: one warm-up, then the runs, alternating the two targets so that both see the same machine.
send_file() {
  local port="$1" start end
  "$work/next-file.sh"
  start=$(date +%s%N)
  /usr/bin/zabbix_sender -z 127.0.0.1 -p "$port" -s "$host" -T -N -i "$work/values.txt" >"$work/last.out"
  end=$(date +%s%N)
  echo $(( (end - start) / 1000 ))
}
send_file "$zabbix_port" >/dev/null
send_file "$intake_port" >/dev/null
: >"$work/server.runs"
: >"$work/intake.runs"
for _ in $(seq 1 "$runs"); do
  send_file "$zabbix_port" >>"$work/server.runs"
  send_file "$intake_port" >>"$work/intake.runs"
done
tail -1 "$work/last.out"
python3 - "$work/server.runs" "$work/intake.runs" "$lines" <<'PY'
import statistics, sys
lines = int(sys.argv[3])
runs = {name: [int(v) / 1e6 for v in open(path)] for name, path in (("server trapper", sys.argv[1]), ("courier intake", sys.argv[2]))}
base = statistics.mean(runs["server trapper"])
for name, seconds in runs.items():
    mean = statistics.mean(seconds)
    sd = statistics.stdev(seconds) if len(seconds) > 1 else 0.0
    print(f"zabbix_sender -T -N -i ({lines:,} lines) -> {name}: {lines / mean:,.0f} values/s acknowledged "
          f"(mean {mean:.3f} s +- {sd:.3f}, {len(seconds)} runs); wall time vs server {mean / base:.2f}x")
PY

# Acknowledgement latency: one value per call, no -T, as a script calls it; wall time of each call.
latency() {
  local port="$1" out="$2"
  : >"$out"
  for i in $(seq 1 "$calls"); do
    local start end
    start=$(date +%s%N)
    /usr/bin/zabbix_sender -z 127.0.0.1 -p "$port" -s "$host" -k "bench.item[$(( i % items ))]" -o "$i" >/dev/null
    end=$(date +%s%N)
    echo $(( (end - start) / 1000 )) >>"$out"
  done
}
"$work/next-file.sh" >/dev/null
latency "$zabbix_port" "$work/server.us"
latency "$intake_port" "$work/intake.us"
for target in server intake; do
  sort -n "$work/$target.us" | awk -v t="$target" '{ v[NR] = $1 } END {
    p50 = v[int(NR * 0.50 + 0.5)]; p99 = v[int(NR * 0.99 + 0.5)]
    printf "single values -> %s: %d calls, ack latency p50 %.2f ms, p99 %.2f ms\n", t, NR, p50 / 1000, p99 / 1000 }'
done
