#!/usr/bin/env bash
# How the courier's throughput and delivery time grow with the series per scrape (10 to 100,000) and with 1
# or 3 Zabbix sinks, heap capped at 64 MiB, to a Zabbix trapper on 127.0.0.1: one fresh JVM per point, each
# first saturated (samples/s) and then collected once a second (scrape to last row answered), every sink's
# backlog in the durable file ledger of courier run (16 MiB of it in memory; --ledger memory for none).
# Writes docs/scaling.csv and docs/scaling.png. About 3.5 minutes.
#
# The plot needs matplotlib: on Debian, apt-get install python3-matplotlib.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/benchmarks/target/benchmarks.jar"
[[ -f "$jar" ]] || (cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests)
# Debian's python3-matplotlib lives under /usr/bin/python3, which a pyenv or venv python3 on PATH may hide.
python=""
for candidate in python3 /usr/bin/python3; do
  if "$candidate" -c 'import matplotlib' 2>/dev/null; then python="$candidate"; break; fi
done
[[ -n "$python" ]] || { echo "matplotlib missing: apt-get install python3-matplotlib" >&2; exit 1; }
java="java"
if [[ -n "${JAVA_HOME:-}" ]]; then
  java="$JAVA_HOME/bin/java"
fi
csv="${CSV:-$root/docs/scaling.csv}"
"$java" -cp "$jar" dev.concierge.courier.benchmarks.EndToEndThroughput \
    --scaling 10,100,1000,10000,100000 --sinks-list 1,3 --warmup-s 3 --measure-s 5 --backlog-mib 8 --ledger file --ledger-window-mib 16 \
    --latency-s 4 --latency-interval-ms 1000 --csv "$csv" "$@"
"$python" "$root/scripts/plot-scaling.py" "$csv" "${PNG:-$root/docs/scaling.png}"
