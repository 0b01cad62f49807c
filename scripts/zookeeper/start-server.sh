#!/usr/bin/env bash
# start-server.sh <server dir>: restarts a server that start-standalone.sh
# or start-ensemble.sh configured (and stop.sh stopped), with its data.
# Waits until it serves and prints its client address.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

[ $# -eq 1 ] || zk_die "usage: $0 <server dir>"
dir=$(cd "$1" && pwd)
[ -f "$dir/zoo.cfg" ] || zk_die "no zoo.cfg in $dir"
port=$(sed -n 's/^clientPort=//p' "$dir/zoo.cfg")
zk_start "$dir"
zk_wait "$dir" "$port"
echo "127.0.0.1:$port"
