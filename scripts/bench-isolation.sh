#!/usr/bin/env bash
# Measures whether one sink being down delays delivery to the others: end-to-end latency to a healthy
# Zabbix sink alone, beside a sink whose server never answers, beside a sink to a closed port, and beside a
# second healthy sink. Every setup and round runs in its own JVM; loopback only. About 2.5 minutes with the
# defaults; pass --key value options through (see SinkIsolationMeasurement), e.g. --rounds 5 --measure-s 20.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/benchmarks/target/benchmarks.jar"
[[ -f "$jar" ]] || (cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests)
java="java"
if [[ -n "${JAVA_HOME:-}" ]]; then
  java="$JAVA_HOME/bin/java"
fi
exec "$java" -cp "$jar" dev.concierge.courier.benchmarks.SinkIsolationMeasurement \
    --warmup-s 4 --measure-s 8 --rounds 3 "$@"
