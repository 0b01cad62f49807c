#!/usr/bin/env bash
# start-ensemble.sh <dir> <port1> <port2> <port3>: starts a three-server
# ZooKeeper ensemble on loopback, server i in <dir>/<i> serving clients on
# 127.0.0.1:<porti>, its quorum port <porti>+1 and election port <porti>+2
# (so the ports must be at least 3 apart). Waits until every server serves
# and prints the connect string. Stop it with stop.sh <dir>, or one server
# with stop.sh <dir>/<i>; restart that one with start-ensemble.sh's
# configuration kept: start-server.sh <dir>/<i>.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

[ $# -eq 4 ] || zk_die "usage: $0 <dir> <port1> <port2> <port3>"
dir=$1
shift
ports=("$@")
for p in "${ports[@]}"; do zk_check_port "$p"; done
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

servers=()
for i in 1 2 3; do
  p=${ports[$((i - 1))]}
  servers+=("server.$i=127.0.0.1:$((p + 1)):$((p + 2))")
done
for i in 1 2 3; do
  zk_write_config "$dir/$i" "${ports[$((i - 1))]}" "${servers[@]}"
  echo "$i" >"$dir/$i/data/myid"
done
for i in 1 2 3; do zk_start "$dir/$i"; done
for i in 1 2 3; do zk_wait "$dir/$i" "${ports[$((i - 1))]}"; done

connect=""
for p in "${ports[@]}"; do connect="${connect:+$connect,}127.0.0.1:$p"; done
echo "$connect"
