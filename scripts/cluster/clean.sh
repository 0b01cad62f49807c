#!/usr/bin/env bash
# clean.sh [--stale]: removes the containers and networks the cluster
# harness (test/cluster) created, found by their label. With --stale, only
# those whose owning test process is gone (another run may be going on);
# without, all of them. Images and the cached rootfs are kept (see
# build-base.sh to rebuild them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

stale=no
case "${1:-}" in
  --stale) stale=yes ;;
  '') ;;
  *) cluster_die "usage: $0 [--stale]" ;;
esac
cluster_need_docker

# owner_gone <owner label>: the label is host:pid; the process is gone (or
# on another host, which cannot share this Docker daemon's state with us).
owner_gone() {
  local host=${1%%:*} pid=${1##*:}
  [ "$host" = "$(hostname)" ] || return 0
  case "$pid" in '' | *[!0-9]*) return 0 ;; esac
  ! kill -0 "$pid" 2>/dev/null
}

removed=0
while read -r id owner; do
  [ -n "$id" ] || continue
  if [ "$stale" = yes ] && ! owner_gone "$owner"; then continue; fi
  docker rm -f "$id" >/dev/null && removed=$((removed + 1))
done < <(docker ps -a --filter "label=$GOMESOS_LABEL" --format "{{.ID}} {{.Label \"$GOMESOS_LABEL.owner\"}}")

nets=0
while read -r id; do
  [ -n "$id" ] || continue
  owner=$(docker network inspect -f "{{index .Labels \"$GOMESOS_LABEL.owner\"}}" "$id" 2>/dev/null || true)
  if [ "$stale" = yes ] && ! owner_gone "$owner"; then continue; fi
  docker network rm "$id" >/dev/null && nets=$((nets + 1))
done < <(docker network ls -q --filter "label=$GOMESOS_LABEL")
cluster_log "removed $removed container(s) and $nets network(s)"
