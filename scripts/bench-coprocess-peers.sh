#!/usr/bin/env bash
# The courier beside the real programs that do the same job, one at a time, interleaved (A B A B A B), on the
# same documents, reporting CPU per sample and resident memory as median and range over the rounds.
#
#   dropwizard  the 2,000-metric Dropwizard document (metrics-json-2000.json, 15,700 numeric values) read
#               every second and every value sent to a counting Graphite receiver (plaintext over TCP):
#               collectd 5.12 (Debian collectd-core, in the foreground with its own config: curl_json and
#               write_graphite) against `courier run` through bin/courier (COURIER_PROFILE=small by default).
#   prometheus  a 20,000-series text exposition scraped every second: the real Prometheus (Debian package),
#               which appends every sample to its own TSDB (head block and WAL on disk), against `courier run`
#               (COURIER_PROFILE=sidecar by default) sending every sample to the counting Graphite receiver.
#
# Each program runs alone: started, WARMUP seconds (default 20) to settle, then WINDOW seconds (default 60)
# measured, then stopped, and the next program starts. Per run, from /proc: CPU (utime + stime) over the
# window, VmRSS every 2 s (mean and max), threads at the end; samples over the window from the receiver's
# line count (collectd, courier) or from Prometheus's prometheus_tsdb_head_samples_appended_total. CPU per
# sample is CPU ns over the window divided by samples over it. The documents are served, as fixed bytes, by
# a Python HTTP server; it and the receiver are not counted.
#
# Requires: `mvn package` (courier-app and benchmarks), the Debian packages collectd-core and prometheus,
# python3. Environment: JOBS (default "dropwizard,prometheus"), ROUNDS (3), WARMUP, WINDOW,
# DROPWIZARD_PROFILE (small), PROMETHEUS_PROFILE (sidecar), COURIER_JAVA_OPTS and JAVA_HOME as for
# bin/courier, and BASELINE_ROOT=<another checkout, built> to add that checkout's bin/courier to every round.
# EXTRA="name|profile|java opts|java home" (several separated by ';') adds couriers of this checkout with
# other flags or another JDK, e.g. EXTRA="jdk25|small||/usr/lib/jvm/temurin-25-jdk-amd64".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="$root/benchmarks/target/benchmarks.jar"
[[ -f "$root/courier-app/target/courier.jar" && -f "$bench" ]] \
    || (cd "$root" && mvn -B -q -DskipTests -pl courier-app,benchmarks -am package)
for tool in collectd prometheus python3; do
  command -v "$tool" >/dev/null || { echo "bench-coprocess-peers: $tool is missing (apt-get install collectd-core prometheus)" >&2; exit 1; }
done
jobs="${JOBS:-dropwizard,prometheus}"
rounds="${ROUNDS:-3}"
warmup="${WARMUP:-20}"
window="${WINDOW:-60}"
tick="$(getconf CLK_TCK)"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }

java -cp "$bench" dev.concierge.courier.benchmarks.PeerDocuments "$work/docs" 20000
http_port="$(free_port)"
python3 -m http.server "$http_port" --bind 127.0.0.1 --directory "$work/docs" >"$work/http.log" 2>&1 &
pids+=($!)
# The counting Graphite receiver: every connection's newlines added up; the total written to a file twice
# a second.
receiver_port="$(free_port)"
python3 - "$receiver_port" "$work/lines" >"$work/receiver.log" 2>&1 <<'PY' &
import asyncio, sys, threading, time
port, out = int(sys.argv[1]), sys.argv[2]
total = 0
async def serve(reader, writer):
    global total
    while True:
        data = await reader.read(262144)
        if not data:
            break
        total += data.count(b"\n")
    writer.close()
def flush():
    while True:
        with open(out + ".tmp", "w") as f:
            f.write(str(total))
        import os
        os.replace(out + ".tmp", out)
        time.sleep(0.5)
threading.Thread(target=flush, daemon=True).start()
async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", port)
    async with server:
        await server.serve_forever()
asyncio.run(main())
PY
pids+=($!)
for _ in $(seq 100); do
  [[ -f "$work/lines" ]] && curl -sf -o /dev/null "http://127.0.0.1:$http_port/metrics-json-2000.json" && break
  sleep 0.1
done
dropwizard_url="http://127.0.0.1:$http_port/metrics-json-2000.json"
prometheus_url="http://127.0.0.1:$http_port/prometheus-20000.prom"
received() { cat "$work/lines"; }

# collectd: curl_json reads every numeric field the courier sends (DropwizardKind), write_graphite sends them.
collectd_conf() {
  local keys="" field
  keys+='      <Key "gauges/*/value">'$'\n''        Type "gauge"'$'\n''      </Key>'$'\n'
  keys+='      <Key "counters/*/count">'$'\n''        Type "gauge"'$'\n''      </Key>'$'\n'
  for field in count max mean min p50 p75 p95 p98 p99 p999 stddev; do
    keys+="      <Key \"histograms/*/$field\">"$'\n''        Type "gauge"'$'\n''      </Key>'$'\n'
  done
  for field in count m15_rate m1_rate m5_rate mean_rate; do
    keys+="      <Key \"meters/*/$field\">"$'\n''        Type "gauge"'$'\n''      </Key>'$'\n'
  done
  for field in count max mean min p50 p75 p95 p98 p99 p999 stddev m15_rate m1_rate m5_rate mean_rate; do
    keys+="      <Key \"timers/*/$field\">"$'\n''        Type "gauge"'$'\n''      </Key>'$'\n'
  done
  cat <<EOF
Hostname "bench"
FQDNLookup false
Interval 1
BaseDir "$1"
PIDFile "$1/collectd.pid"
PluginDir "/usr/lib/collectd"
TypesDB "/usr/share/collectd/types.db"
LoadPlugin logfile
<Plugin logfile>
  LogLevel "warning"
  File "$1/collectd.log"
</Plugin>
LoadPlugin curl_json
LoadPlugin write_graphite
<Plugin curl_json>
  <URL "$dropwizard_url">
    Instance "app"
$keys  </URL>
</Plugin>
<Plugin write_graphite>
  <Node "bench">
    Host "127.0.0.1"
    Port "$receiver_port"
    Protocol "tcp"
    LogSendErrors true
  </Node>
</Plugin>
EOF
}

# Starts program $2 of job $1 in $work/$3 and sets `pid` to the process measured.
# Courier entries: courier|<profile>|<java opts>|<java home>|<checkout>.
start() {
  local job="$1" program="$2" dir="$work/$3"
  mkdir -p "$dir"
  case "$program" in
    collectd)
      collectd_conf "$dir" >"$dir/collectd.conf"
      collectd -f -C "$dir/collectd.conf" >"$dir/log" 2>&1 &
      pid=$!
      ;;
    prometheus)
      local port
      port="$(free_port)"
      cat >"$dir/prometheus.yml" <<EOF
global: {scrape_interval: 1s, scrape_timeout: 1s}
scrape_configs:
  - job_name: app
    metrics_path: /prometheus-20000.prom
    static_configs: [{targets: ["127.0.0.1:$http_port"]}]
EOF
      prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/tsdb" \
          --web.listen-address="127.0.0.1:$port" >"$dir/log" 2>&1 &
      pid=$!
      echo "$port" >"$dir/port"
      ;;
    courier*)
      local profile opts java_home checkout source
      IFS='|' read -r _ profile opts java_home checkout <<<"$program"
      if [[ "$job" == dropwizard ]]; then
        source="{name: app, type: dropwizard, url: \"$dropwizard_url\", interval: 1s, host: bench}"
      else
        source="{name: app, type: prometheus, url: \"$prometheus_url\", interval: 1s, timeout: 1s, host: bench}"
      fi
      # Sized as README says for each profile ("A small courier beside an application", "A dedicated
      # courier that moves a lot"): a ring that holds one whole collect, backlogs the heap can hold.
      local ring="{slots: 65536, size: 16MiB}" backlog=16MiB window=16MiB
      [[ "$profile" == small ]] && ring="{slots: 65536, size: 14MiB}" backlog=8MiB window=4MiB
      cat >"$dir/courier.yaml" <<EOF
data_dir: $dir/data
ring: $ring
ledger: {memory_window: $window}
sources:
  - $source
sinks:
  - {name: graphite, type: graphite, servers: ["127.0.0.1:$receiver_port"], backlog_size: $backlog}
EOF
      env ${java_home:+JAVA_HOME="$java_home"} COURIER_PROFILE="$profile" COURIER_JAVA_OPTS="$opts" \
          "${checkout:-$root}/bin/courier" run --config "$dir/courier.yaml" >"$dir/log" 2>&1 &
      pid=$!
      ;;
  esac
  pids+=("$pid")
}

prometheus_appended() {
  curl -sf "http://127.0.0.1:$(cat "$1/port")/metrics" \
      | awk '$1 == "prometheus_tsdb_head_samples_appended_total" || $1 ~ /^prometheus_tsdb_head_samples_appended_total\{/ {s += $2} END {printf "%d", s}'
}

samples_now() {  # job program dir
  if [[ "$2" == prometheus ]]; then prometheus_appended "$3"; else received; fi
}

# One run: prints "cpu_ms samples rss_mean_kb rss_max_kb threads hwm_kb".
measure() {
  local job="$1" program="$2" id="$3" cpu0 s0 cpu1 s1 rss sum=0 max=0 n=0 t0 threads hwm
  start "$job" "$program" "$id"
  sleep "$warmup"
  kill -0 "$pid" 2>/dev/null || { echo "bench-coprocess-peers: $program exited; its log:" >&2; tail -20 "$work/$id/log" >&2; exit 1; }
  cpu0="$(cpu_ticks "$pid")"; s0="$(samples_now "$job" "$program" "$work/$id")"
  t0="$(date +%s)"
  while (( $(date +%s) - t0 < window )); do
    rss="$(status_kb "$pid" VmRSS)"
    sum=$((sum + rss)); n=$((n + 1)); (( rss > max )) && max=$rss
    sleep 2
  done
  cpu1="$(cpu_ticks "$pid")"; s1="$(samples_now "$job" "$program" "$work/$id")"
  threads="$(status_kb "$pid" Threads)"; hwm="$(status_kb "$pid" VmHWM)"
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  echo "$(( (cpu1 - cpu0) * 1000 / tick )) $((s1 - s0)) $((sum / n)) $max $threads $hwm"
}

# median and range of a column of numbers
stats() { sort -g | awk '{v[NR] = $1} END {m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%s|%s|%s", m, v[1], v[NR]}'; }

echo "machine: $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg); java: $(java -version 2>&1 | head -1)"
run_id=0
for job in ${jobs//,/ }; do
  if [[ "$job" == dropwizard ]]; then
    programs=("collectd" "courier|${DROPWIZARD_PROFILE:-small}|${COURIER_JAVA_OPTS:-}||$root")
    names=("collectd 5.12" "courier ${DROPWIZARD_PROFILE:-small}")
  else
    programs=("prometheus" "courier|${PROMETHEUS_PROFILE:-sidecar}|${COURIER_JAVA_OPTS:-}||$root")
    names=("Prometheus 2.42 (into its TSDB)" "courier ${PROMETHEUS_PROFILE:-sidecar}")
  fi
  profile="${programs[1]}"; profile="${profile#courier|}"; profile="${profile%%|*}"
  if [[ -n "${BASELINE_ROOT:-}" ]]; then
    programs+=("courier|$profile|${COURIER_JAVA_OPTS:-}||$BASELINE_ROOT"); names+=("courier $profile, BASELINE_ROOT")
  fi
  if [[ -n "${EXTRA:-}" ]]; then
    IFS=';' read -ra extras <<<"$EXTRA"
    for extra in "${extras[@]}"; do
      IFS='|' read -r name xprofile xopts xhome <<<"$extra"
      programs+=("courier|$xprofile|$xopts|$xhome|$root"); names+=("courier $name")
    done
  fi
  # Couriers with a profile that keeps a class-data archive of run: one start and stop first writes it.
  for program in "${programs[@]}"; do
    if [[ "$program" == courier\|small* ]]; then
      run_id=$((run_id + 1)); start "$job" "$program" "r$run_id"; sleep 10; kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
    fi
  done
  declare -A results=()
  for round in $(seq "$rounds"); do
    for i in "${!programs[@]}"; do
      run_id=$((run_id + 1))
      result="$(measure "$job" "${programs[$i]}" "r$run_id")"
      results[$i]+="$result"$'\n'
      echo "$job round $round: ${names[$i]}: cpu_ms samples rss_mean_kb rss_max_kb threads hwm_kb = $result" >&2
    done
  done
  echo
  echo "### $job: $rounds rounds, ${warmup} s warm-up, ${window} s window each (median, min – max)"
  echo
  echo "| Program | CPU ns per sample | vs ${names[0]} | samples/s | RSS mean, MiB | RSS max, MiB | VmHWM, MiB | threads |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  base_median=""
  for i in "${!programs[@]}"; do
    per_sample="$(awk 'NF {printf "%.1f\n", $1 * 1e6 / ($2 > 0 ? $2 : 1)}' <<<"${results[$i]}" | stats)"
    rate="$(awk -v w="$window" 'NF {printf "%.0f\n", $2 / w}' <<<"${results[$i]}" | stats)"
    rss_mean="$(awk 'NF {printf "%.1f\n", $3 / 1024}' <<<"${results[$i]}" | stats)"
    rss_max="$(awk 'NF {printf "%.1f\n", $4 / 1024}' <<<"${results[$i]}" | stats)"
    hwm="$(awk 'NF {printf "%.1f\n", $6 / 1024}' <<<"${results[$i]}" | stats)"
    threads="$(awk 'NF {print $5}' <<<"${results[$i]}" | stats)"
    IFS='|' read -r m lo hi <<<"$per_sample"
    [[ -z "$base_median" ]] && base_median="$m"
    ratio="$(awk -v a="$m" -v b="$base_median" 'BEGIN {printf "%.2fx", a / b}')"
    fmt() { IFS='|' read -r a b c <<<"$1"; echo "$a ($b – $c)"; }
    echo "| ${names[$i]} | $(fmt "$per_sample") | $ratio | $(fmt "$rate") | $(fmt "$rss_mean") | $(fmt "$rss_max") | $(fmt "$hwm") | $(fmt "$threads") |"
  done
  unset results
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
