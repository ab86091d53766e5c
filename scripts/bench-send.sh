#!/usr/bin/env bash
# courier send vs zabbix_sender (Debian's zabbix-sender), both against the same counting trapper on
# 127.0.0.1 (scripts/counting-trapper.c, compiled here: it reads each frame, inflates it when compressed,
# counts the rows and answers success, so the senders set the pace), in interleaved rounds (A B A B ...)
# at 1, 50,000, 100,000 and 1,000,000 rows of a -T -N -i file (200 items, one host). Prints per size and
# program the median wall time with its range, the median user+sys CPU and the median peak resident memory,
# then the ratio of the medians. The wall time includes the JVM start: that is what a script pays.
#
# Then the single-value case where a running courier is at hand: `bin/courier run` with a zabbix_intake on
# 127.0.0.1 whose Zabbix sink forwards to the same trapper (durable ledger in a temporary data_dir);
# zabbix_sender and courier send each send one value to the intake and to the trapper directly,
# interleaved; the intake answers once the value is in the synced ledger.
#
# Runnable from a clean checkout after `mvn -B -pl courier-app -am package -DskipTests` (or it builds the
# jar). bin/courier's class-data archive (AOT cache on JDK 25) is written by its first send; the script
# makes that send and waits for the archive before it measures. JAVA_HOME picks the courier's JDK.
#   scripts/bench-send.sh [rounds] [sizes]          defaults: 5 "1 50000 100000 1000000"
#   COURIER_BEFORE=/path/to/other/checkout scripts/bench-send.sh ...   adds that build's bin/courier as a
#   third program in the same rounds (for before/after ratios)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-5}"
sizes="${2:-1 50000 100000 1000000}"
items=200
work="$(mktemp -d /tmp/bench-send.XXXXXX)"
pids=()
cleanup() {
  exec 3>&- 2>/dev/null || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

command -v zabbix_sender >/dev/null || { echo "bench-send: zabbix_sender is missing (apt-get install zabbix-sender)" >&2; exit 1; }
[[ -f "$root/courier-app/target/courier.jar" ]] || (cd "$root" && mvn -B -q -pl courier-app -am package -DskipTests)
cc -O2 -pthread -D_GNU_SOURCE -o "$work/counting-trapper" "$root/scripts/counting-trapper.c" -lz

# The trapper runs until its stdin (our fd 3) closes.
mkfifo "$work/trapper.in"
"$work/counting-trapper" <"$work/trapper.in" >"$work/trapper.out" &
pids+=($!)
exec 3>"$work/trapper.in"
for _ in $(seq 1 100); do grep -q '^port=' "$work/trapper.out" && break; sleep 0.05; done
port="$(sed -n 's/^port=//p' "$work/trapper.out")"

# timed FILE NAME COMMAND...: appends "NAME wall user sys maxrss_kib" to FILE; wall in ms resolution (time(1)
# gives 10 ms, longer than a zabbix_sender run).
timed() {
  local file="$1" name="$2" start end status=0
  shift 2
  start="$(date +%s%N)"
  /usr/bin/time -f "%U %S %M" -o "$work/time.one" "$@" || status=$?
  end="$(date +%s%N)"
  echo "$name $(( (end - start) / 1000000 )).$(printf '%03d' $(( (end - start) / 1000 % 1000 ))) $(tail -1 "$work/time.one")" \
      | awk '{ printf "%s %.4f %s %s %s\n", $1, $2 / 1000, $3, $4, $5 }' >>"$file"
  return "$status"
}

programs=(zabbix_sender courier)
declare -A run_cmd=([zabbix_sender]="/usr/bin/zabbix_sender" [courier]="$root/bin/courier send")
if [[ -n "${COURIER_BEFORE:-}" ]]; then
  programs+=(before)
  run_cmd[before]="$COURIER_BEFORE/bin/courier send"
fi
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
echo "bench-send: trapper 127.0.0.1:$port; courier on $("$java_bin" -version 2>&1 | head -1); $(nproc) cores;" \
    "load average $(cut -d' ' -f1-3 /proc/loadavg); $rounds interleaved rounds"

# Warm-up: each courier's first send of a build writes its archive in the background; wait for it.
for p in "${programs[@]}"; do
  [[ "$p" == zabbix_sender ]] && continue
  ${run_cmd[$p]} -z 127.0.0.1 -p "$port" -s bench -k warm.up -o 1 >/dev/null
done
sleep 1
while pgrep -f -- "--cds-training" >/dev/null; do sleep 1; done

for n in $sizes; do
  awk -v n="$n" -v items="$items" -v base="$(date +%s)" 'BEGIN {
    for (i = 0; i < n; i++) printf "- bench.item[%d] %d %d %d\n", i % items, base - 86400 + int(i / items), (i % items) * 1000, i
  }' >"$work/values.txt"
  : >"$work/times-$n"
  for r in $(seq 1 "$rounds"); do
    for p in "${programs[@]}"; do
      if [[ "$n" == 1 ]]; then
        args="-z 127.0.0.1 -p $port -s bench -k bench.item[0] -o $r"
      else
        args="-z 127.0.0.1 -p $port -s bench -T -N -i $work/values.txt"
      fi
      timed "$work/times-$n" "$p" ${run_cmd[$p]} $args >"$work/out" \
          || { echo "bench-send: $p failed:" >&2; cat "$work/out" >&2; exit 1; }
      grep -q "total: $n\$" "$work/out" || { echo "bench-send: $p did not send $n:" >&2; tail -2 "$work/out" >&2; exit 1; }
    done
  done
  echo "== $n rows ($(du -h "$work/values.txt" | cut -f1) file for -i; load average $(cut -d' ' -f1-3 /proc/loadavg))"
  awk -v programs="${programs[*]}" '
    function median(list, count,   sorted, i, j, t) {
      for (i = 1; i <= count; i++) sorted[i] = list[i]
      for (i = 1; i <= count; i++) for (j = i + 1; j <= count; j++) if (sorted[j] < sorted[i]) { t = sorted[i]; sorted[i] = sorted[j]; sorted[j] = t }
      return count % 2 ? sorted[(count + 1) / 2] : (sorted[count / 2] + sorted[count / 2 + 1]) / 2
    }
    { n[$1]++; wall[$1, n[$1]] = $2; cpu[$1, n[$1]] = $3 + $4; rss[$1, n[$1]] = $5
      if (!($1 in lo) || $2 < lo[$1]) lo[$1] = $2; if ($2 > hi[$1]) hi[$1] = $2 }
    END {
      split(programs, names, " ")
      for (k in names) {
        p = names[k]
        for (i = 1; i <= n[p]; i++) { w[i] = wall[p, i]; c[i] = cpu[p, i]; m[i] = rss[p, i] }
        med[p] = median(w, n[p])
        printf "  %-14s wall median %7.4f s (range %.4f-%.4f)  cpu median %6.3f s  rss median %7.1f MiB\n",
            p, med[p], lo[p], hi[p], median(c, n[p]), median(m, n[p]) / 1024
      }
      for (k in names) if (names[k] != "zabbix_sender" && med[names[k]] > 0)
        printf "  %s vs zabbix_sender: %.3fx as fast (median over median)\n", names[k], med["zabbix_sender"] / med[names[k]]
    }' "$work/times-$n"
done

# One value through a running courier's zabbix_intake, against one value to the trapper directly.
intake_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cat >"$work/intake.yaml" <<YAML
data_dir: $work/data
sources:
  - name: scripts
    type: zabbix_intake
    listen: 127.0.0.1:$intake_port
sinks:
  - name: zabbix
    type: zabbix
    server: 127.0.0.1:$port
YAML
"$root/bin/courier" run -c "$work/intake.yaml" >"$work/courier-run.log" 2>&1 3>&- &
pids+=($!)
for _ in $(seq 1 200); do
  zabbix_sender -z 127.0.0.1 -p "$intake_port" -s bench -k warm.up -o 1 >/dev/null 2>&1 && break
  sleep 0.1
done
: >"$work/times-single"
for r in $(seq 1 "$((rounds * 4))"); do
  for target in trapper intake; do
    [[ "$target" == trapper ]] && tport=$port || tport=$intake_port
    for p in zabbix_sender courier; do
      timed "$work/times-single" "$p->$target" ${run_cmd[$p]} -z 127.0.0.1 -p "$tport" -s bench \
          -k bench.item[0] -o "$r" >/dev/null
    done
  done
done
echo "== 1 value, to the trapper and through a running courier's zabbix_intake ($((rounds * 4)) rounds)"
awk '
  { n[$1]++; wall[$1] = wall[$1] " " $2; cpu[$1] += $3 + $4; rss[$1] += $5 }
  END {
    for (p in n) {
      count = split(wall[p], w, " ")
      for (i = 1; i <= count; i++) for (j = i + 1; j <= count; j++) if (w[j] < w[i]) { t = w[i]; w[i] = w[j]; w[j] = t }
      printf "  %-24s wall median %7.4f s (range %.4f-%.4f)  cpu mean %.3f s  rss mean %.1f MiB\n",
          p, count % 2 ? w[(count + 1) / 2] : (w[count / 2] + w[count / 2 + 1]) / 2, w[1], w[count], cpu[p] / n[p], rss[p] / n[p] / 1024
    }
  }' "$work/times-single" | sort
exec 3>&-
wait "${pids[0]}" 2>/dev/null || true
echo "trapper: $(tail -1 "$work/trapper.out")"
