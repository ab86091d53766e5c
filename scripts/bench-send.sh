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
  if [[ -n "$peers_pid" ]]; then
    exec 3>&- || true
    wait "$peers_pid" || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

[[ -f "$root/benchmarks/target/benchmarks.jar" ]] || (cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests)
[[ -f "$root/courier-app/target/courier.jar" ]] || (cd "$root" && mvn -B -q -pl courier-app -am package -DskipTests)
java="java"
if [[ -n "${JAVA_HOME:-}" ]]; then
  java="$JAVA_HOME/bin/java"
fi

# The peers run until their stdin (our fd 3) closes.
mkfifo "$work/peers.in"
"$java" -cp "$root/benchmarks/target/benchmarks.jar" dev.concierge.courier.benchmarks.SendBenchmarkPeers "$items" \
    <"$work/peers.in" >"$work/peers.out" 2>"$work/peers.log" &
peers_pid=$!
exec 3>"$work/peers.in"
for _ in $(seq 1 600); do
  grep -q '^zabbix_port=' "$work/peers.out" 2>/dev/null && break
  kill -0 "$peers_pid" 2>/dev/null || { tail -40 "$work/peers.log" >&2; exit 1; }
  sleep 0.5
done
read -r zabbix_kv receiver_kv host_kv <"$work/peers.out"
zabbix_port="${zabbix_kv#zabbix_port=}"
receiver_port="${receiver_kv#receiver_port=}"
host="${host_kv#host=}"
echo "bench-send: real Zabbix trapper on 127.0.0.1:$zabbix_port, in-process trapper on 127.0.0.1:$receiver_port"

# The fixture logs its PostgreSQL port; the history syncer's progress is read there.
pg_port="$(grep -o 'PostgreSQL 127.0.0.1:[0-9]*' "$work/peers.log" | head -1 | cut -d: -f2)"

# Before every run: wait until the server has written the previous run's values (the history row count
# stops moving), so no run pays for another's backlog; then write the file again with later clocks.
# <host> <key> <clock> <ns> <value>, clocks in the last week so the server keeps the values.
cat >"$work/next-file.sh" <<SCRIPT
#!/usr/bin/env bash
set -euo pipefail
last=-1
for _ in \$(seq 1 120); do
  now=\$(PGPASSWORD=courier-test psql -h 127.0.0.1 -p "$pg_port" -U zabbix -d zabbix -Atc 'select count(*) from history_uint')
  [[ "\$now" == "\$last" ]] && break
  last=\$now
  sleep 1
done
base=\$(( \$(cat "$work/base" 2>/dev/null || echo \$(( \$(date +%s) - 7 * 86400 ))) + 1000 ))
echo "\$base" >"$work/base"
awk -v n="$lines" -v items="$items" -v base="\$base" 'BEGIN {
  for (i = 0; i < n; i++) printf "- bench.item[%d] %d %d %d\\n", i % items, base + int(i / items), (i % items) * 1000, i
}' >"$work/values.txt"
SCRIPT
chmod +x "$work/next-file.sh"
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
