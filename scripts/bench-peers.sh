# Sourced by the bench-*.sh scripts that measure against a real Zabbix server (not run alone). Expects root,
# work, items and lines; builds the jars when missing; starts SendBenchmarkPeers (a real Zabbix 6.0 server
# with one host of `items` unsigned trapper items bench.item[0..items-1], and an in-process trapper; needs
# root and the packages of install-test-deps.sh) and sets java, peers_pid, zabbix_port, receiver_port, host
# and pg_port; writes $work/next-file.sh. The caller's EXIT trap calls stop_peers.

stop_peers() {
  if [[ -n "${peers_pid:-}" ]]; then
    exec 3>&- || true
    wait "$peers_pid" || true
  fi
}

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
