#!/usr/bin/env bash
# Checks the class-data archive of `COURIER_PROFILE=small bin/courier run` in each of its states: a first
# courier writes it as it stops (to a file named after its process id), the next start moves it into place
# and loads classes from it; a courier killed while writing (no magic number at the head) leaves nothing
# that is used; a corrupt archive, and COURIER_CDS=off, only mean running without one; `run --check`
# writes none. In every state the courier delivers, stops with exit status 0 and logs nothing from the
# JVM's CDS code. Works on a copy of the launcher and the jar, so the build's own archive is untouched.
# Usage: scripts/check-run-cds.sh [courier.jar]     (default: courier-app/target/courier.jar)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="${1:-$root/courier-app/target/courier.jar}"
[[ -f "$jar" ]] || { echo "check-run-cds: $jar: no such jar" >&2; exit 2; }

work="$(mktemp -d)"
courier=""
cleanup() {
  [[ -n "$courier" ]] && kill -KILL "$courier" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/bin" "$work/courier-app/target"
cp "$root/bin/courier" "$work/bin/courier"
cp "$jar" "$work/courier-app/target/courier.jar"
target="$work/courier-app/target"
cat >"$work/metrics.json" <<'EOF'
{"version":"4.0.0","gauges":{"g":{"value":1}},"counters":{"c":{"count":2}},"histograms":{},"meters":{},"timers":{}}
EOF
cat >"$work/courier.yaml" <<EOF
data_dir: $work/data
ring: {slots: 1024, size: 1MiB}
sources:
  - {name: app, type: dropwizard, file: $work/metrics.json, interval: 200ms, timeout: 200ms, host: app-01}
sinks:
  - {name: out, type: file, path: $work/out.txt, backlog_size: 1MiB}
EOF

failed=0
runs=0
fail() { echo "FAIL $*" >&2; failed=1; }
archive() { compgen -G "$target/courier-run-*.jsa" | head -1 || true; }
written() { compgen -G "$target/courier-run-*.jsa.*.tmp" | head -1 || true; }

# Runs one courier until it has delivered, stops it with SIGTERM; sets $courier_log and returns its status.
run_once() {
  local what="$1" status=0
  shift
  rm -f "$work/out.txt"
  runs=$((runs + 1))
  courier_log="$work/run-$runs.log"
  env "$@" COURIER_PROFILE=small COURIER_JAVA_OPTS="-Xlog:class+load=info:file=$work/run-$runs.classes" \
      "$work/bin/courier" run --config "$work/courier.yaml" >"$courier_log" 2>&1 &
  courier=$!
  for _ in $(seq 300); do
    [[ -s "$work/out.txt" ]] && break
    sleep 0.1
  done
  [[ -s "$work/out.txt" ]] || fail "$what: nothing delivered in 30 s"
  kill -TERM "$courier"
  wait "$courier" || status=$?
  courier=""
  [[ $status -eq 0 ]] || fail "$what: exit status $status"
  if grep -q -E '\[(cds|cds,dynamic)\]' "$courier_log"; then
    fail "$what: the JVM's CDS messages reached the log"
  fi
  [[ $failed -eq 0 ]] && echo "ok   $what"
  return 0
}
# How many classes the last run loaded from the run archive.
from_archive() { grep -c 'source: shared objects file (top)' "$work/run-$runs.classes" || true; }

COURIER_PROFILE=small "$work/bin/courier" run --check --config "$work/courier.yaml" >"$work/check.log" 2>&1 \
    || fail "run --check: exit status $?"
if [[ -n "$(written)$(archive)" ]]; then
  fail "run --check wrote an archive"
else
  echo "ok   run --check writes no archive"
fi

run_once "no archive yet"
if [[ -n "$(archive)" ]]; then fail "an archive in place before a start moved it there"; fi
first="$(written)"
if [[ -n "$first" && "$(od -An -tx4 -N4 "$first" | tr -d ' ')" == "f00baba8" ]]; then
  echo "ok   the first courier wrote an archive as it stopped"
else
  fail "the first courier wrote no archive"
fi

run_once "with the archive it wrote"
if [[ -n "$(archive)" && -z "$(written)" ]]; then
  echo "ok   the next start moved it into place"
else
  fail "the archive was not moved into place"
fi
used="$(from_archive)"
if [[ "$used" -gt 0 ]]; then
  echo "ok   the archive is used ($used classes from it)"
else
  fail "the archive is not used"
fi

name="$(archive)"
if [[ -n "$name" ]]; then
  rm -f "$name"
  head -c 65536 /dev/zero >"$name.999999999.tmp"  # a writer that has gone: no such process id
  run_once "archive cut short by a kill -9"
  if [[ -e "$name.999999999.tmp" || -f "$name" ]]; then
    fail "a cut-short archive was kept or moved into place"
  fi
  [[ "$(from_archive)" -eq 0 ]] || fail "classes came from a cut-short archive"
fi
rm -f "$target"/courier-run-*.tmp

run_once "write it again"
run_once "and move it into place"
head -c 65536 /dev/urandom >"$(archive)"
touch -d '+1 minute' "$(archive)"
run_once "corrupt archive"
[[ "$(from_archive)" -eq 0 ]] || fail "classes came from a corrupt archive"

rm -f "$target"/courier-run-*
run_once "COURIER_CDS=off" COURIER_CDS=off
if [[ -n "$(written)$(archive)" ]]; then fail "COURIER_CDS=off wrote an archive"; fi
exit "$failed"
