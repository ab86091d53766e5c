#!/usr/bin/env bash
# Sustained samples/s from a Prometheus scrape through a real pipeline (64 MiB heap, the serial collector of
# COURIER_PROFILE=sidecar) to a Zabbix trapper on 127.0.0.1, one run after the other to the same receiver:
# the courier with its source collected every 1 ms (overdriven: what it delivers while parsing far more than
# it can send), the courier with its source paced at 2,000,000 samples/s (20,000 series every 10 ms: does it
# carry that load, losing nothing?), and zabbix-sender-java and the zabbix_sender binary sending the same rows. The courier keeps its
# backlog in the durable file ledger, as courier run does (--ledger memory: in memory only, nothing written).
# About 2 minutes with the defaults; options pass through as --key value pairs (see EndToEndThroughput), e.g.
# --ledger memory, --ledger-window-mib 4, --series 50000, --sinks 3, --paced-interval-ms 16 (1,250,000/s);
# --runs recovery --series 1000 --outage-s 10: the time from a trapper's return to the first delivery.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/benchmarks/target/benchmarks.jar"
[[ -f "$jar" ]] || (cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests)
command -v zabbix_sender >/dev/null || { echo "zabbix_sender missing: apt-get install zabbix-agent" >&2; exit 1; }
java="java"
if [[ -n "${JAVA_HOME:-}" ]]; then
  java="$JAVA_HOME/bin/java"
fi
exec "$java" -cp "$jar" dev.concierge.courier.benchmarks.EndToEndThroughput \
    --series 20000 --warmup-s 6 --measure-s 20 --paced-interval-ms 10 "$@"
