#!/usr/bin/env bash
# Installs the real peers that the integration tests start themselves (see PEERS.md): Zabbix server 6.0
# with PostgreSQL (and zabbix_get, which Debian ships in zabbix-server-pgsql), its PHP JSON-RPC frontend,
# zabbix_sender and zabbix_agentd; InfluxDB 1.6 for the HTTP sink; Graphite's
# carbon-cache with the whisper tools that read its files back; the Prometheus node exporter and
# Prometheus (real text payloads to scrape) and the Python Prometheus client (an independent parser to
# compare ours with); Chromium, to test the status page as a person sees it; stunnel (OpenSSL) to end
# TLS 1.3 PSK in front of a plain trapper, since Debian's Zabbix is built with GnuTLS and speaks TLS 1.2 only;
# nginx, in front of an exposition with basic auth, TLS from a private CA and client certificates.
#
# Idempotent: when every package and the file the tests run from it are present, it only says so.
# Packages are installed with a temporary policy-rc.d that forbids starting daemons, because the tests
# start private instances on free ports and nothing may hold the defaults.
# Needs root (CI runs as root; elsewhere run it with sudo).
set -euo pipefail

# package=file the tests execute from it (a package can be "installed" while that file is gone).
needs=(
  zabbix-server-pgsql=/usr/sbin/zabbix_server
  zabbix-server-pgsql=/usr/bin/zabbix_get
  zabbix-agent=/usr/bin/zabbix_sender
  zabbix-agent=/usr/sbin/zabbix_agentd
  postgresql=/usr/bin/psql
  zabbix-frontend-php=/usr/share/zabbix/api_jsonrpc.php
  php-pgsql=/usr/bin/php
  php-cli=/usr/bin/php
  php8.2-cgi=/usr/bin/php-cgi8.2
  influxdb=/usr/bin/influxd
  graphite-carbon=/usr/bin/carbon-cache
  python3-whisper=/usr/bin/whisper-fetch
  prometheus-node-exporter=/usr/bin/prometheus-node-exporter
  prometheus=/usr/bin/prometheus
  python3-prometheus-client=/usr/lib/python3/dist-packages/prometheus_client/__init__.py
  chromium=/usr/bin/chromium
  stunnel4=/usr/bin/stunnel4
  nginx-light=/usr/sbin/nginx
)

missing=()
broken=()
for need in "${needs[@]}"; do
  package="${need%%=*}"
  file="${need#*=}"
  if ! dpkg -s "$package" 2>/dev/null | grep -q '^Status: install ok installed$'; then
    missing+=("$package")
  elif [[ ! -e "$file" ]]; then
    echo "install-test-deps: $package is installed but $file is missing"
    broken+=("$package")
  fi
done
if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && [[ ! " ${missing[*]} " =~ " postgresql " ]]; then
  echo "install-test-deps: no /usr/lib/postgresql/*/bin/initdb"
  broken+=(postgresql)
fi

if [[ ${#missing[@]} -eq 0 && ${#broken[@]} -eq 0 ]]; then
  echo "install-test-deps: all present (${#needs[@]} packages)"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "install-test-deps: must run as root to install: ${missing[*]} ${broken[*]}" >&2
  exit 1
fi

policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then
  echo "install-test-deps: writing temporary $policy (exit 101: do not start daemons)"
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  created_policy=1
fi
remove_policy() {
  if [[ $created_policy -eq 1 ]]; then
    echo "install-test-deps: removing temporary $policy"
    rm -f "$policy"
  fi
}
trap remove_policy EXIT

echo "install-test-deps: apt-get update"
apt-get update
export DEBIAN_FRONTEND=noninteractive
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "install-test-deps: apt-get install ${missing[*]}"
  apt-get install -y "${missing[@]}"
fi
if [[ ${#broken[@]} -gt 0 ]]; then
  # A package that dpkg calls installed but whose file is gone is only repaired by --reinstall.
  echo "install-test-deps: apt-get install --reinstall ${broken[*]}"
  apt-get install -y --reinstall "${broken[@]}"
fi
echo "install-test-deps: done"
