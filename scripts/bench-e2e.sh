#!/usr/bin/env bash
# Sustained samples/s from a Prometheus scrape through a real pipeline (64 MiB heap) to a Zabbix trapper on
# 127.0.0.1, beside zabbix-sender-java and the zabbix_sender binary sending the same rows to the same receiver,
# one after the other in one run. About 1.5 minutes with the defaults; options pass through as --key value
# pairs (see EndToEndThroughput), e.g. --series 50000 --sinks 3 --receiver embedded.
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
    --series 20000 --warmup-s 6 --measure-s 20 "$@"
