#!/usr/bin/env bash
# Prepare a PC/SC stack without hardware for the reader tests:
# pcscd + vsmartcard's vpcd driver ("Virtual PCD 00 00" on TCP 35963, "00 01" on 35964).
# Idempotent: installs only what is missing, starts pcscd only if it is not running,
# then waits until the virtual reader is visible. Exits non-zero with a reason otherwise.
# Needs root (apt-get, pcscd's runtime directory). Environment:
#   PCSC_WAIT_SECONDS  how long to wait for the reader (default 20)
#   PCSCD_LOG          where pcscd's output goes (default /tmp/pcscd.log)
set -euo pipefail

readonly PACKAGES=(pcscd libpcsclite-dev pcsc-tools vsmartcard-vpcd)
readonly READER='Virtual PCD 00 00'
readonly WAIT_SECONDS="${PCSC_WAIT_SECONDS:-20}"
readonly LOG="${PCSCD_LOG:-/tmp/pcscd.log}"

fail() { echo "pcsc.sh: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "must run as root (installs packages and starts pcscd)"

install_missing() {
  local missing=()
  for package in "${PACKAGES[@]}"; do
    # dpkg -s alone also succeeds for removed-but-configured packages: check the status line.
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$package")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    echo "pcsc.sh: packages present (${PACKAGES[*]})"
    return
  fi
  echo "pcsc.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q || fail "apt-get update failed"
  apt-get install -y -q --no-install-recommends "${missing[@]}" || fail "apt-get install ${missing[*]} failed"
}

readonly PID_FILE=/run/pcscd/pcscd.pid

system_pcscd_pid() {
  # The system daemon's pid file, not pgrep: tests run private pcscd instances of their own.
  [ -f "$PID_FILE" ] || return 1
  local pid
  pid="$(tr -cd '0-9' <"$PID_FILE")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

start_pcscd() {
  local pid
  if pid="$(system_pcscd_pid)"; then
    echo "pcsc.sh: pcscd already running (pid $pid)"
    return
  fi
  # Without systemd nobody creates pcscd's socket directory; pcscd then fails to start.
  mkdir -p /run/pcscd
  echo "pcsc.sh: starting pcscd --foreground (log: $LOG)"
  # setsid + nohup: pcscd must outlive this script and the CI step's shell.
  setsid nohup pcscd --foreground >"$LOG" 2>&1 </dev/null &
  local started=$!
  sleep 0.5
  kill -0 "$started" 2>/dev/null || fail "pcscd exited at once; its log says: $(tail -n 5 "$LOG" 2>/dev/null)"
}

reader_visible() {
  # pcsc_scan -r lists the readers and exits; timeout guards against a hung daemon.
  timeout 5 pcsc_scan -r 2>/dev/null | grep -qF "$READER"
}

wait_for_reader() {
  local deadline=$((SECONDS + WAIT_SECONDS))
  until reader_visible; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      fail "reader \"$READER\" not visible after ${WAIT_SECONDS}s (vsmartcard-vpcd's /etc/reader.conf.d/vpcd missing, or TCP 35963/35964 taken by another pcscd? see $LOG)"
    fi
    sleep 0.5
  done
  echo "pcsc.sh: reader \"$READER\" is visible"
}

install_missing
start_pcscd
wait_for_reader
