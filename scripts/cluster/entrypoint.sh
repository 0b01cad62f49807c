#!/bin/sh
# gomesos-entrypoint (the gomesos/mesos image's ENTRYPOINT): runs its
# arguments, giving mesos-master and mesos-agent --ip=<this container's
# address> unless they have an --ip already (or the container has no
# address). The address is read at every
# start, so a container restarted with another address advertises the new
# one. GOMESOS_IP holds it for any other command.
set -eu
GOMESOS_IP=$(ip -4 -o addr show scope global 2>/dev/null |
  sed -n 's/.* inet \([0-9.]*\)\/.*/\1/p' | head -n 1)
export GOMESOS_IP
if [ $# -eq 0 ]; then
  set -- /bin/bash
fi
case "$1" in
  mesos-master | mesos-agent | */mesos-master | */mesos-agent)
    has_ip=no
    for arg in "$@"; do
      case "$arg" in --ip=*) has_ip=yes ;; esac
    done
    # No address (--network none): the daemon's own default applies.
    if [ "$has_ip" = no ] && [ -n "$GOMESOS_IP" ]; then
      set -- "$@" "--ip=$GOMESOS_IP"
    fi
    ;;
esac
exec "$@"
