#!/usr/bin/env bash
# courier send vs zabbix_sender on one 100,000-line -T -N file, in one run with hyperfine: both against a
# real Zabbix 6.0 server (the test fixture, started once by SendBenchmarkPeers; needs root and the packages
# of install-test-deps.sh), then both against an in-process trapper that answers at once. Every run sends
# the file with fresh clocks (hyperfine --prepare), so the server never sees a duplicate value, and starts
# only once the server has written the previous run's values. Writes the
# hyperfine results to benchmarks/target/bench-send-*.json. Then one more courier send to the real server
# with the JVM's class-loading log, whose time stamps split its wall time into phases (below). About 4
# minutes for 100,000 lines; about 15 for 1,000,000 lines and 3 runs.
#   scripts/bench-send.sh [lines] [items] [runs]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lines="${1:-100000}"
items="${2:-200}"
runs="${3:-5}"
work="$(mktemp -d /tmp/bench-send.XXXXXX)"
peers_pid=""
cleanup() {
  declare -F stop_peers >/dev/null && stop_peers
  rm -rf "$work"
}
trap cleanup EXIT

source "$root/scripts/bench-peers.sh"
echo "bench-send: real Zabbix trapper on 127.0.0.1:$zabbix_port, in-process trapper on 127.0.0.1:$receiver_port"

"$work/next-file.sh"
echo "bench-send: $(wc -l <"$work/values.txt") lines, $(du -h "$work/values.txt" | cut -f1), $items items, host $host"

courier=("$root/bin/courier" send)
for target in zabbix receiver; do
  port_var="${target}_port"
  port="${!port_var}"
  args="-z 127.0.0.1 -p $port -s $host -T -N -i $work/values.txt"
  hyperfine --warmup 1 --runs "$runs" --prepare "$work/next-file.sh" \
      --export-json "$root/benchmarks/target/bench-send-$target.json" \
      -n "zabbix_sender -> $target" "/usr/bin/zabbix_sender $args >/dev/null" \
      -n "courier send -> $target" "${courier[*]} $args >/dev/null"
done

# Where courier send's time goes against the real server: the first load of a class marks when a phase
# starts. The command is parsed when ZabbixSend loads; the client's event loop is set up and the input
# parser loads as reading starts; the first batch (all of a file of up to 100,000 lines) is read and parsed
# when SendLanes runs its first lambda after that (grouping the batch by host);
# its first request is written and leaves when the exchange handler loads; the rest is writing the other
# requests and waiting for the server's answers, until the JVM shuts down.
"$work/next-file.sh"
COURIER_JAVA_OPTS="-Xlog:class+load:file=$work/classes.log:uptime" \
    "${courier[@]}" -z 127.0.0.1 -p "$zabbix_port" -s "$host" -T -N -i "$work/values.txt" >/dev/null
awk '
  function at(line) { gsub(/[\[\]s]/, "", line); return line + 0 }
  / dev\.concierge\.courier\.app\.send\.ZabbixSend / && !cmd { cmd = at($1) }
  / dev\.concierge\.courier\.sinks\.zabbix\.ZabbixSenderInputParser / && !read { read = at($1) }
  / dev\.concierge\.courier\.app\.send\.SendLanes\$\$Lambda/ && read && !batch { batch = at($1) }
  / dev\.concierge\.courier\.sinks\.zabbix\.ZabbixSenderClient\$ExchangeHandler / && !first { first = at($1) }
  { end = at($1) }
  END {
    printf "courier send -> zabbix, phases (s): JVM start and command line %.3f; set-up %.3f; " \
        "reading and parsing the first batch %.3f; first request written %.3f; " \
        "other requests and the server'"'"'s answers %.3f; total %.3f\n",
        cmd, read - cmd, batch - read, first - batch, end - first, end
  }' "$work/classes.log"
