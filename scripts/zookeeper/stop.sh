#!/usr/bin/env bash
# stop.sh <dir>: stops every server started under <dir> (a standalone
# server's or an ensemble's directory, or one ensemble server's directory)
# and waits for them to exit. Data is kept. Stopping what is not running
# succeeds. ZK_STOP_SIGNAL=KILL crashes the servers instead of shutting
# them down (default TERM; either way KILL follows after 10s).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
[ $# -eq 1 ] || { echo "usage: $0 <dir>" >&2; exit 1; }
[ -d "$1" ] || exit 0
signal=${ZK_STOP_SIGNAL:-TERM}

pids=()
pidfiles=()
while IFS= read -r -d '' pidfile; do
  pidfiles+=("$pidfile")
  pid=$(cat "$pidfile" 2>/dev/null || true)
  case "$pid" in
    '' | *[!0-9]*) continue ;;
  esac
  if kill "-$signal" "$pid" 2>/dev/null; then
    pids+=("$pid")
  fi
done < <(find "$1" \( -name zookeeper.pid -o -name watchdog.pid \) -print0)

alive() {
  local pid
  for pid in "${pids[@]}"; do
    if zk_running "$pid"; then return 0; fi
  done
  return 1
}

for _ in $(seq 100); do
  alive || break
  sleep 0.1
done
if alive; then
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  for _ in $(seq 50); do
    alive || break
    sleep 0.1
  done
fi
if alive; then
  echo "$0: processes ${pids[*]} do not exit" >&2
  exit 1
fi
rm -f "${pidfiles[@]}"
