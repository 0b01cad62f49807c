#!/usr/bin/env bash
# start-standalone.sh <dir> <port>: starts a standalone ZooKeeper server on
# 127.0.0.1:<port> with its data in <dir> (kept across restarts), waits
# until it serves, and prints the connect string. Stop it with stop.sh <dir>.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

[ $# -eq 2 ] || zk_die "usage: $0 <dir> <port>"
dir=$1 port=$2
zk_check_port "$port"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

zk_write_config "$dir" "$port"
zk_start "$dir"
zk_wait "$dir" "$port"
echo "127.0.0.1:$port"
