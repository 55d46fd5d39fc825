#!/usr/bin/env bash
# Installs the Debian packages the tests use, only those missing: the PC/SC
# stack (pcscd, vpcd, libpcsclite-dev for nfc-pcsc), Chromium for the UI tests,
# PostgreSQL 15 for the storage tests and HAProxy for the multi-hub test. Idempotent; needs root (CI is root).
set -euo pipefail

need=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for package in pcscd libpcsclite-dev pcsc-tools vsmartcard-vpcd chromium haproxy; do
  have "$package" || need+=("$package")
done
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  need+=(postgresql-15)
fi

if [ ${#need[@]} -gt 0 ]; then
  echo "system: installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The tests look for the PostgreSQL binaries on PATH.
if ! command -v initdb >/dev/null 2>&1; then
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  for tool in initdb pg_ctl postgres; do ln -sf "$bin/$tool" "/usr/local/bin/$tool"; done
fi
echo "system: $(initdb --version), $(chromium --version 2>/dev/null || echo 'no chromium')"
