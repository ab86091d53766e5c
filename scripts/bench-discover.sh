#!/usr/bin/env bash
# Measures `courier discover` from a cold JVM, as a Zabbix agent runs a UserParameter: a new process per
# call. The same 1,100 metrics three ways: --file (the document on disk), --url (the document over HTTP
# from 127.0.0.1) and --from (the snapshot `courier run` keeps in data_dir/discovery), on the JDK 17 default
# and, for --file, on Temurin 25 when present. The JDK 17 runs use the launcher's class-data archive
# (written by a first --file call), and --file runs once more without it (COURIER_CDS=off); Temurin 25 runs
# without. Needs hyperfine (Debian package) and python3.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/courier-app/target/courier.jar"
[[ -f "$jar" ]] || (cd "$root" && mvn -B -q -DskipTests -pl courier-app -am package)
command -v hyperfine >/dev/null || { echo "bench-discover: needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A realistic document: 400 timers, 200 meters, 200 counters, 200 gauges, 100 histograms.
python3 - "$work/metrics.json" <<'PY'
import json, sys
timer = {"count": 42, "max": 0.25, "mean": 0.05, "min": 0.001, "p50": 0.04, "p75": 0.06, "p95": 0.2, "p98": 0.22,
         "p99": 0.24, "p999": 0.25, "stddev": 0.03, "m15_rate": 0.9, "m1_rate": 1.2, "m5_rate": 1.0,
         "mean_rate": 1.1, "duration_units": "seconds", "rate_units": "calls/second"}
hist = {k: v for k, v in timer.items() if k not in ("duration_units", "rate_units", "m15_rate", "m1_rate", "m5_rate", "mean_rate")}
meter = {"count": 42, "m15_rate": 0.9, "m1_rate": 1.2, "m5_rate": 1.0, "mean_rate": 1.1, "units": "events/second"}
doc = {"version": "4.0.0",
       "gauges": {f"app.gauge.{i}": {"value": i} for i in range(200)},
       "counters": {f"app.counter.{i}": {"count": i} for i in range(200)},
       "histograms": {f"app.histogram.{i}": hist for i in range(100)},
       "meters": {f"app.meter.{i}": meter for i in range(200)},
       "timers": {f"app.timer.{i}": timer for i in range(400)}}
json.dump(doc, open(sys.argv[1], "w"))
PY
echo "document: $(wc -c < "$work/metrics.json") bytes, 1100 metrics"

# The snapshot `courier run` would write after collecting that document (DiscoverySnapshot, format 1):
# every metric as its unfiltered row, grouped by section. Collected now, with a 1 h interval, so it stays
# fresh for the whole run.
mkdir -p "$work/data/discovery"
python3 - "$work/metrics.json" "$work/data/discovery/app.json" <<'PY'
import datetime, json, sys
doc = json.load(open(sys.argv[1]))
rows = [{"group": section, "lld": {"{#TYPE}": section[:-1], "{#NAME}": name}}
        for section in ("counters", "gauges", "histograms", "meters", "timers") for name in sorted(doc[section])]
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
json.dump({"courier_discovery": 1, "source": "app", "type": "dropwizard", "collected_at": now,
           "interval_ms": 3600000, "incomplete": None, "groups": {}, "rows": rows}, open(sys.argv[2], "w"))
PY
echo "snapshot: $(wc -c < "$work/data/discovery/app.json") bytes"

# The document over HTTP, as an application's admin servlet would serve it.
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
python3 -m http.server --bind 127.0.0.1 --directory "$work" "$port" >/dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do
  curl -sf -o /dev/null "http://127.0.0.1:$port/metrics.json" && break
  sleep 0.1
done

# All three must print the same list, or the comparison means nothing.
for kind in timers gauges; do
  diff <("$root/bin/courier" discover --file "$work/metrics.json" --kind "$kind") \
       <("$root/bin/courier" discover --from "$work/data/discovery/app.json" --kind "$kind") >/dev/null
  diff <("$root/bin/courier" discover --file "$work/metrics.json" --kind "$kind") \
       <("$root/bin/courier" discover --url "http://127.0.0.1:$port/metrics.json" --kind "$kind") >/dev/null
done

# The launcher's class-data archive: the first discover after a build answers, then writes it in the
# background; wait for it, so every JDK 17 run below uses it, except the one with COURIER_CDS=off.
rm -f "${jar%.jar}"-discover-*.jsa
"$root/bin/courier" discover --file "$work/metrics.json" --kind timers >/dev/null
for _ in $(seq 600); do
  compgen -G "${jar%.jar}-discover-*.jsa" >/dev/null && break
  sleep 0.1
done
compgen -G "${jar%.jar}-discover-*.jsa" >/dev/null || { echo "bench-discover: no archive was written" >&2; exit 1; }

runs=(--command-name "discover --file --kind timers (JDK 17)"
      "$root/bin/courier discover --file $work/metrics.json --kind timers"
      --command-name "discover --file --kind timers (JDK 17, no archive)"
      "COURIER_CDS=off $root/bin/courier discover --file $work/metrics.json --kind timers"
      --command-name "discover --url --kind timers (JDK 17)"
      "$root/bin/courier discover --url http://127.0.0.1:$port/metrics.json --kind timers"
      --command-name "discover --from --kind timers (JDK 17)"
      "$root/bin/courier discover --from $work/data/discovery/app.json --kind timers")
if [[ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]]; then
  runs+=(--command-name "discover --file --kind timers (Temurin 25)"
         "COURIER_CDS=off JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 $root/bin/courier discover --file $work/metrics.json --kind timers")
fi
runs+=(--command-name "java -version (JVM start alone, JDK 17)" "java -Xshare:auto -XX:TieredStopAtLevel=1 -version")
hyperfine --warmup 2 --runs "${RUNS:-15}" --export-markdown "${OUT:-/dev/stdout}" "${runs[@]}"
