#!/usr/bin/env bash
# Measures `courier run` as a co-process: one Dropwizard endpoint scraped every 10 s, every value sent to a
# Zabbix trapper. The application and the trapper (FootprintPeers, 110 metrics, 950 samples per scrape) run
# in a JVM of their own, so nothing of theirs is counted. One courier per line below, all at once against
# the same peers, each started only after the previous one delivered its first row (so start-ups do not
# overlap); then all run side by side for DURATION seconds (default 180). Reported per courier, from /proc:
#   start-up   process start (the launcher) to the first row at the trapper, ms
#   RSS        VmRSS sampled every 5 s in the window: mean and max; VmHWM (the peak, start-up included);
#              RssAnon and RssFile at the end (RssFile is the jar, libjvm and the CDS archive: shared pages)
#   CPU        utime+stime over the window, in CPU ms per minute
#   threads    at the end
# The flag sets are cumulative, so each line shows what one more flag buys, up to the launcher's
# COURIER_PROFILE=small; the lines after it each try one more change on top of the profile. Before the
# run, one courier with the profile is started and stopped, which writes the class-data archive the
# profile's later starts use (README, "A small courier beside an application"). Every courier's
# configuration is the same, with a ring and backlog sized for a 24 MiB heap (ring.size 4MiB,
# backlog_size 8MiB); the "file source" line reads the same document from a file instead of over HTTP.
# BASELINE_ROOT=<another checkout, built> adds a line for that checkout's launcher and jar with the
# profile, to compare two builds in one run.
# When JDK25 (default /usr/lib/jvm/temurin-25-jdk-amd64) holds a JDK 25, the last lines run the profile on it
# (JAVA_HOME): as it is (its own run archive), with compact object headers (-XX:+UseCompactObjectHeaders,
# an archive of their own), and with the JDK's AOT cache (-XX:AOTCache, written by a training run with
# -XX:AOTCacheOutput) in place of the launcher's class-data archive. Every line with the profile is started
# and stopped once before the run with its own flags, which writes its archive or cache.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/courier-app/target/courier.jar"
bench="$root/benchmarks/target/benchmarks.jar"
[[ -f "$jar" && -f "$bench" ]] || (cd "$root" && mvn -B -q -DskipTests -pl courier-app,benchmarks -am package)
duration="${DURATION:-180}"
tick="$(getconf CLK_TCK)"

# name | COURIER_PROFILE | COURIER_JAVA_OPTS | environment | source (url, the default, or file)
old_small="-XX:+UseSerialGC -Xmx24m -Xss256k -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=16m -XX:MaxMetaspaceSize=48m -XX:MaxDirectMemorySize=16m -Dio.netty.allocator.type=unpooled -Dio.netty.noPreferDirect=true"
steps=(
  "default||"
  "+serial||-XX:+UseSerialGC"
  "+heap||-XX:+UseSerialGC -Xmx24m"
  "+stacks||-XX:+UseSerialGC -Xmx24m -Xss256k"
  "+c1||-XX:+UseSerialGC -Xmx24m -Xss256k -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=16m"
  "+metaspace||-XX:+UseSerialGC -Xmx24m -Xss256k -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=16m -XX:MaxMetaspaceSize=48m"
  "+netty||$old_small"
  "+young||$old_small -Xms6m -Xmn2m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30"
  "+trim||$old_small -Xms6m -Xmn2m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:TrimNativeHeapInterval=10000"
  "small (COURIER_CDS=off)|small||COURIER_CDS=off"
  "small|small|"
  "small (file source)|small|||file"
  "small + -XX:CompileThresholdScaling=5|small|-XX:CompileThresholdScaling=5"
  "small + -XX:-UsePerfData|small|-XX:-UsePerfData"
  "small + MALLOC_ARENA_MAX=2|small||MALLOC_ARENA_MAX=2"
  "small + ArchiveRelocationMode=0|small|-XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0"
  "small + -Xint|small|-Xint"
)
work="$(mktemp -d)"
jdk25="${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
if [[ -x "$jdk25/bin/java" ]]; then
  steps+=(
    "small JDK 25|small||JAVA_HOME=$jdk25 COURIER_CDS_DIR=$work/cds-25"
    "small JDK 25 + compact headers|small|-XX:+UseCompactObjectHeaders|JAVA_HOME=$jdk25 COURIER_CDS_DIR=$work/cds-25c"
    "small JDK 25 + AOT cache|small|-XX:AOTCache=$work/aot-25.aot|JAVA_HOME=$jdk25 COURIER_CDS=off"
    "small JDK 25 + AOT cache + compact headers|small|-XX:+UseCompactObjectHeaders -XX:AOTCache=$work/aot-25c.aot|JAVA_HOME=$jdk25 COURIER_CDS=off"
  )
  mkdir -p "$work/cds-25" "$work/cds-25c"
fi
if [[ -n "${BASELINE_ROOT:-}" ]]; then
  steps+=("small (BASELINE_ROOT)|small|||url|$BASELINE_ROOT")
fi
if [[ -n "${STEPS:-}" ]]; then  # e.g. STEPS="default,small" for a shorter run
  picked=()
  for step in "${steps[@]}"; do
    [[ ",$STEPS," == *",${step%%|*},"* ]] && picked+=("$step")
  done
  steps=("${picked[@]}")
fi

pids=()
peers=""
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  exec 3>&- 2>/dev/null || true
  [[ -n "$peers" ]] && kill "$peers" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

mkfifo "$work/peers.in"
java -Xmx512m -cp "$bench" dev.concierge.courier.benchmarks.FootprintPeers <"$work/peers.in" >"$work/peers.out" 2>"$work/peers.err" &
peers=$!
exec 3>"$work/peers.in"
for _ in $(seq 100); do
  grep -q '^zabbix ' "$work/peers.out" 2>/dev/null && break
  sleep 0.1
done
url="$(awk '$1 == "metrics" {print $2}' "$work/peers.out")"
zabbix="$(awk '$1 == "zabbix" {print $2}' "$work/peers.out")"
[[ -n "$url" && -n "$zabbix" ]] || { echo "bench-footprint: the peers did not start" >&2; cat "$work/peers.err" >&2; exit 1; }

now_ms() { date +%s%3N; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # utime + stime; the name in field 2 has no spaces
status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }

curl -s -o "$work/metrics.json" "$url"  # the same document, for the file source line

# Starts courier $1 (also its Zabbix host, so a row tells which courier sent it) and waits for its first row.
# Arguments: id, name, COURIER_PROFILE, COURIER_JAVA_OPTS, environment, source (url or file), checkout.
start_courier() {
  local id="$1" name="$2" profile="$3" opts="$4" environment="$5" source="$6" checkout="$7" location first
  location="url: \"$url\""
  [[ "$source" == "file" ]] && location="file: $work/metrics.json"
  mkdir -p "$work/$id/data"
  cat >"$work/$id/courier.yaml" <<EOF
data_dir: $work/$id/data
ring: {slots: 8192, size: 4MiB}
sources:
  - {name: app, type: dropwizard, $location, interval: 10s, host: $id}
sinks:
  - {name: zabbix, type: zabbix, server: "$zabbix", backlog_size: 8MiB}
EOF
  started[$id]="$(now_ms)"
  # shellcheck disable=SC2086
  env $environment COURIER_PROFILE="$profile" COURIER_JAVA_OPTS="$opts" \
      "$checkout/bin/courier" run --config "$work/$id/courier.yaml" >"$work/$id/log" 2>&1 &
  courier=$!
  pids+=("$courier")
  for _ in $(seq 600); do
    first="$(awk -v h="$id" '$1 == "first" && $2 == h {print $3}' "$work/peers.out")"
    [[ -n "$first" ]] && break
    sleep 0.1
  done
  [[ -n "$first" ]] || { echo "bench-footprint: $name delivered nothing in 60 s" >&2; cat "$work/$id/log" >&2; exit 1; }
  startup[$id]=$((first - started[$id]))
  echo "$name: first row after ${startup[$id]} ms" >&2
}

declare -A started startup
# Each line with the profile, started and stopped once with its own flags: it leaves the class-data archive
# for run (when there is none newer than the jar yet), or the AOT cache its line names (written by a training
# run with -XX:AOTCacheOutput), so the profile's lines below start with it as a deployment would.
primed=0
for step in "${steps[@]}"; do
  IFS='|' read -r name profile opts environment source checkout <<<"$step"
  [[ "$profile" == small ]] || continue
  primed=$((primed + 1))
  start_courier "p$primed" "writing the archive for $name" small "${opts//-XX:AOTCache=/-XX:AOTCacheOutput=}" \
      "$environment" url "${checkout:-$root}"
  kill -TERM "$courier"
  wait "$courier" || true
done
pids=()

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
names=()
for step in "${steps[@]}"; do
  IFS='|' read -r name profile opts environment source checkout <<<"$step"
  id="c$((${#names[@]} + 1))"
  start_courier "$id" "$name" "$profile" "$opts" "$environment" "${source:-url}" "${checkout:-$root}"
  names+=("$id|$name|$courier")
done

echo "window: ${duration} s, all ${#names[@]} couriers running" >&2
declare -A cpu0 rss_sum rss_max
for entry in "${names[@]}"; do
  IFS='|' read -r id name pid <<<"$entry"
  cpu0[$id]="$(cpu_ticks "$pid")"; rss_sum[$id]=0; rss_max[$id]=0
done
t0="$(now_ms)"
samples=0
while (( $(now_ms) - t0 < duration * 1000 )); do
  for entry in "${names[@]}"; do
    IFS='|' read -r id name pid <<<"$entry"
    rss="$(status_kb "$pid" VmRSS)"
    rss_sum[$id]=$((rss_sum[$id] + rss))
    (( rss > rss_max[$id] )) && rss_max[$id]=$rss
  done
  samples=$((samples + 1))
  sleep 5
done
elapsed_ms=$(( $(now_ms) - t0 ))
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

mib() { awk -v kb="$1" 'BEGIN {printf "%.1f", kb / 1024}'; }
echo
echo "| Flags | start-up to first row, ms | RSS mean, MiB | RSS max, MiB | VmHWM, MiB | RssAnon / RssFile at end, MiB | CPU ms per minute | threads |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for entry in "${names[@]}"; do
  IFS='|' read -r id name pid <<<"$entry"
  cpu_ms=$(( ($(cpu_ticks "$pid") - cpu0[$id]) * 1000 / tick ))
  per_min="$(awk -v c="$cpu_ms" -v e="$elapsed_ms" 'BEGIN {printf "%.0f", c * 60000 / e}')"
  echo "| $name | ${startup[$id]} | $(mib $((rss_sum[$id] / samples))) | $(mib "${rss_max[$id]}") | $(mib "$(status_kb "$pid" VmHWM)") | $(mib "$(status_kb "$pid" RssAnon)") / $(mib "$(status_kb "$pid" RssFile)") | $per_min | $(status_kb "$pid" Threads) |"
done
for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
pids=()
exec 3>&-
wait "$peers" || true
peers=""
echo
echo "load average before/after the window: see above / $load_after"
echo "rows received per courier (950 per scrape):"
for entry in "${names[@]}"; do
  IFS='|' read -r id name pid <<<"$entry"
  echo "  $name: $(awk -v h="$id" '$1 == "rows" && $2 == h {print $3}' "$work/peers.out")"
done
for entry in "${names[@]}"; do
  IFS='|' read -r id name pid <<<"$entry"
  if grep -q -E ' (WARN|ERROR) |OutOfMemory' "$work/$id/log"; then
    echo "bench-footprint: $name logged warnings or errors:" >&2
    grep -E ' (WARN|ERROR) |OutOfMemory' "$work/$id/log" | head -5 >&2
  fi
done
