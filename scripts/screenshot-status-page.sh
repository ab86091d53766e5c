#!/usr/bin/env bash
# Takes docs/status-page.png: runs `courier demo` with its admin endpoint on a free loopback port, waits
# until a few collects have been delivered, and has headless Chromium screenshot the status page.
# Needs chromium (scripts/install-test-deps.sh installs it); rebuilds the jar so the page is current.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/docs/status-page.png}"

(cd "$root" && mvn -B -q -DskipTests -pl courier-app -am package)

work="$(mktemp -d)"
"$root/bin/courier" demo --interval 1s --quiet-values --admin 127.0.0.1:0 >"$work/demo.log" 2>&1 &
demo=$!
cleanup() {
  kill "$demo" 2>/dev/null || true
  wait "$demo" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

url=""
for _ in $(seq 1 120); do
  url="$(grep -o 'status page: *http://127\.0\.0\.1:[0-9]*/' "$work/demo.log" | grep -o 'http://.*' || true)"
  [[ -n "$url" ]] && break
  kill -0 "$demo" 2>/dev/null || { cat "$work/demo.log" >&2; exit 1; }
  sleep 0.5
done
[[ -n "$url" ]] || { echo "screenshot-status-page: the demo printed no admin URL" >&2; exit 1; }

# Five collects delivered: the page then shows latencies and counts that are not all zero.
for _ in $(seq 1 120); do
  runs="$(curl -sf "${url}status.json" | grep -o '"runs":[0-9]*' | head -1 | cut -d: -f2 || true)"
  [[ "${runs:-0}" -ge 5 ]] && break
  sleep 0.5
done

mkdir -p "$(dirname "$out")"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --disable-dev-shm-usage --hide-scrollbars \
  --user-data-dir="$work/profile" --virtual-time-budget=5000 \
  --screenshot="$out" --window-size=1900,800 "$url" 2>"$work/chromium.err" \
  || { cat "$work/chromium.err" >&2; exit 1; }
echo "screenshot-status-page: wrote $out from $url"
