#!/usr/bin/env bash
# Checks that `bin/courier discover` prints the right JSON, with nothing on stderr (a Zabbix agent takes
# both as the value), whatever the state of its class-data archive: none yet, the one it writes itself,
# one older than the jar, one the JVM refuses (the jar changed under it) and a corrupt one; and with
# COURIER_CDS=off. Works on a copy of the launcher and the jar, so the build's own archive is untouched.
# Usage: scripts/check-discover-cds.sh [courier.jar]     (default: courier-app/target/courier.jar)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="${1:-$root/courier-app/target/courier.jar}"
[[ -f "$jar" ]] || { echo "check-discover-cds: $jar: no such jar" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/courier-app/target"
cp "$root/bin/courier" "$work/bin/courier"
cp "$jar" "$work/courier-app/target/courier.jar"
copy="$work/courier-app/target/courier.jar"
cat >"$work/metrics.json" <<'EOF'
{"version":"4.0.0","gauges":{"g":{"value":1}},"counters":{"c":{"count":2}},"histograms":{},"meters":{},
 "timers":{"db.query":{"count":1,"max":0.2,"mean":0.2,"min":0.2,"p50":0.2,"p75":0.2,"p95":0.2,"p98":0.2,
 "p99":0.2,"p999":0.2,"stddev":0,"m15_rate":0,"m1_rate":0,"m5_rate":0,"mean_rate":0,
 "duration_units":"seconds","rate_units":"calls/second"},"http.get":{"count":1}}}
EOF
expected='[{"{#TIMER}":"db.query"},{"{#TIMER}":"http.get"}]'

failed=0
check() {
  local what="$1" out err status=0
  shift
  out="$(env "$@" "$work/bin/courier" discover --file "$work/metrics.json" --kind timers 2>"$work/err")" || status=$?
  err="$(cat "$work/err")"
  if [[ $status -ne 0 || "$out" != "$expected" || -n "$err" ]]; then
    echo "FAIL $what: exit $status, stdout: $out, stderr: $err" >&2
    failed=1
  else
    echo "ok   $what"
  fi
}
archive() { compgen -G "$work/courier-app/target/courier-discover-*.jsa" | head -1 || true; }
# Waits until the background writer has finished: an archive newer than the jar, and no writer holding the lock.
await_archive() {
  local a
  for _ in $(seq 600); do
    a="$(archive)"
    if [[ -n "$a" && "$a" -nt "$copy" ]] && flock -n "$a.lock" true; then
      return 0
    fi
    sleep 0.1
  done
  echo "FAIL no archive written after 60 s" >&2
  exit 1
}

check "no archive yet"
await_archive
check "with the archive it wrote"
used="$(COURIER_JAVA_OPTS=-Xlog:class+load=info "$work/bin/courier" discover --file "$work/metrics.json" \
    --kind timers 2>/dev/null | grep -c 'source: shared objects file (top)' || true)"
if [[ "$used" -gt 0 ]]; then
  echo "ok   the archive is used ($used classes from it)"
else
  echo "FAIL the archive is not used" >&2
  failed=1
fi

touch "$copy"  # a new build: the jar is newer than the archive, which the launcher then leaves alone
check "archive older than the jar"
await_archive

touch -d '-1 hour' "$copy"  # the archive is newer, but the JVM finds the jar is not the one it recorded
check "archive the JVM refuses"

head -c 65536 /dev/urandom >"$(archive)"
touch -d '-1 hour' "$copy"
check "corrupt archive"

check "COURIER_CDS=off" COURIER_CDS=off
exit "$failed"
