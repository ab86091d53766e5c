#!/usr/bin/env bash
# Installs the real peers that the integration tests start themselves (see PEERS.md):
# Zabbix server 6.0 with PostgreSQL, its PHP JSON-RPC frontend and zabbix_sender, and headless
# Chromium, which loads the admin status page in its test.
#
# Idempotent: when every package is already installed it only says so and exits.
# Packages are installed with a temporary policy-rc.d that forbids starting daemons,
# because the tests start private instances on free ports and nothing may hold the defaults.
# Needs root (CI runs as root; elsewhere run it with sudo).
set -euo pipefail

packages=(zabbix-server-pgsql zabbix-agent postgresql zabbix-frontend-php php-pgsql php-cli php8.2-cgi chromium)
# What the tests execute; a package can be "installed" while a binary is missing after a manual removal.
binaries=(/usr/sbin/zabbix_server /usr/bin/zabbix_sender /usr/bin/php /usr/bin/psql)

missing=()
reinstall=0
for p in "${packages[@]}"; do
  if ! dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed$'; then
    missing+=("$p")
  fi
done
for b in "${binaries[@]}"; do
  if [[ ! -x "$b" ]]; then
    echo "install-test-deps: $b is missing"
    missing=("${packages[@]}")
    reinstall=1
    break
  fi
done
if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  echo "install-test-deps: no /usr/lib/postgresql/*/bin/initdb"
  missing=("${packages[@]}")
  reinstall=1
fi

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-test-deps: all present: ${packages[*]}"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "install-test-deps: must run as root to install: ${missing[*]}" >&2
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
# A package that dpkg calls installed but whose binary is gone is only repaired by --reinstall.
flags=(-y)
if [[ $reinstall -eq 1 ]]; then
  flags+=(--reinstall)
fi
echo "install-test-deps: apt-get install ${flags[*]} ${missing[*]}"
DEBIAN_FRONTEND=noninteractive apt-get install "${flags[@]}" "${missing[@]}"
echo "install-test-deps: done"
