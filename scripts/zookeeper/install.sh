#!/usr/bin/env bash
# Installs Debian's zookeeper package (the server's jars; no service is
# started: that is the zookeeperd package, which we do not install).
# Idempotent and quiet: does nothing when the package is already there.
# Concurrent runs (test packages in parallel) take turns.
set -euo pipefail

installed() {
  dpkg-query -W -f='${Status}' zookeeper 2>/dev/null | grep -q 'install ok installed' &&
    [ -f /usr/share/java/zookeeper.jar ] && command -v java >/dev/null 2>&1
}

installed && exit 0

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "install.sh: installing zookeeper needs root (or sudo)" >&2
    exit 1
  fi
  sudo=(sudo -n)
fi

if command -v flock >/dev/null 2>&1; then
  exec 9>"${TMPDIR:-/tmp}/gomesos-zookeeper-install.lock"
  flock -w 600 9
  installed && exit 0
fi

export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq >/dev/null
"${sudo[@]}" apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 zookeeper >/dev/null
installed || { echo "install.sh: zookeeper or java still missing after apt-get install" >&2; exit 1; }
