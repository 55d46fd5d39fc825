#!/usr/bin/env bash
# Runs before `npm test`: makes sure the machine has what the tests drive for real
# (the PC/SC stack, Chromium, the PostgreSQL binaries, HAProxy, the nfc-pcsc native module)
# and that pcscd runs. As root it installs and starts what is missing (idempotent,
# seconds when everything is there); otherwise it stops at once with the one command
# to run. Nothing is skipped silently: `npm test` runs every test or none.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "prepare-tests: $*" >&2; exit 1; }
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

missing=()
for package in pcscd libpcsclite-dev pcsc-tools vsmartcard-vpcd chromium haproxy; do have "$package" || missing+=("$package"); done
command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql-15)

if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || fail "missing system packages (${missing[*]}): run  sudo bash scripts/ci/system.sh  then npm test again"
  echo "prepare-tests: installing ${missing[*]} (scripts/ci/system.sh)"
  bash scripts/ci/system.sh
fi
command -v initdb >/dev/null 2>&1 || bash scripts/ci/system.sh >/dev/null

# nfc-pcsc is an optional dependency: `npm install` run before libpcsclite-dev was
# present dropped it (its native build failed). Build it now that the headers exist.
if ! node -e "require('@pokusew/pcsclite')" >/dev/null 2>&1 || [ ! -d node_modules/nfc-pcsc ]; then
  echo "prepare-tests: building nfc-pcsc against libpcsclite-dev (npm install)"
  npm install --no-audit --no-fund --ignore-scripts=false >/dev/null 2>&1 || true
  node -e "require('@pokusew/pcsclite')" >/dev/null 2>&1 || npm rebuild @pokusew/pcsclite >/dev/null 2>&1 || true
  node -e "require('@pokusew/pcsclite')" >/dev/null 2>&1 || fail "nfc-pcsc could not be built: run  npm rebuild @pokusew/pcsclite  and read its error"
fi

if [ "$(id -u)" -eq 0 ]; then
  bash scripts/ci/pcsc.sh >/dev/null || fail "pcscd could not be started: run  bash scripts/ci/pcsc.sh  and read its error"
elif ! timeout 5 pcsc_scan -r 2>/dev/null | grep -qF 'Virtual PCD 00 00'; then
  fail "pcscd is not running with the virtual reader: run  sudo bash scripts/ci/pcsc.sh  then npm test again"
fi
echo "prepare-tests: PC/SC stack, Chromium, PostgreSQL and HAProxy ready"
