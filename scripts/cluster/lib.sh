# shellcheck shell=bash
# Shared by the scripts in this directory; sourced, not run.
#
# Environment (all optional):
#   GOMESOS_CACHE_DIR       where the rootfs tarball and debootstrap's .debs
#                           are kept between runs (default: $XDG_CACHE_HOME/gomesos,
#                           else /var/cache/gomesos when writable, else
#                           ~/.cache/gomesos). Never inside the repository.
#   GOMESOS_DEBIAN_MIRROR   Debian mirror (default http://deb.debian.org/debian)
#   GOMESOS_BASE_IMAGE      base image name (default gomesos/base)
#   GOMESOS_IMAGE           daemons' image name (default gomesos/mesos)

GOMESOS_BASE_IMAGE=${GOMESOS_BASE_IMAGE:-gomesos/base}
GOMESOS_IMAGE=${GOMESOS_IMAGE:-gomesos/mesos}
GOMESOS_DEBIAN_MIRROR=${GOMESOS_DEBIAN_MIRROR:-http://deb.debian.org/debian}
GOMESOS_SUITE=bookworm

# The base image's packages. ZooKeeper's server jars come from
# libzookeeper-java: Debian's `zookeeper` package only adds the init
# scripts, and it depends on default-jre (the full JRE with GTK and X11),
# where the headless one is all the server needs. libslf4j-java gives
# slf4j-simple, so that the server logs to stderr (docker logs).
GOMESOS_BASE_PACKAGES=(default-jre-headless libzookeeper-java libslf4j-java iproute2 procps)

# Bump when the rootfs recipe in build-base.sh changes in a way that the
# package list above does not show: it names the cached tarball and the
# image tag, so a bump forces a rebuild.
GOMESOS_BASE_RECIPE=1

# The label on every container and network the cluster harness creates
# (test/cluster), and that clean.sh removes.
# shellcheck disable=SC2034 # used by the scripts that source this file
GOMESOS_LABEL=org.gomesos.cluster

cluster_log() {
  printf '%s %s: %s\n' "$(date +%H:%M:%S)" "$(basename "$0")" "$*" >&2
}

cluster_die() {
  cluster_log "error: $*"
  exit 1
}

cluster_cache_dir() {
  local dir
  if [ -n "${GOMESOS_CACHE_DIR:-}" ]; then
    dir=$GOMESOS_CACHE_DIR
  elif [ -n "${XDG_CACHE_HOME:-}" ]; then
    dir=$XDG_CACHE_HOME/gomesos
  elif [ -w /var/cache ] || [ -w /var/cache/gomesos ]; then
    dir=/var/cache/gomesos
  else
    dir=$HOME/.cache/gomesos
  fi
  mkdir -p "$dir"
  (cd "$dir" && pwd)
}

# cluster_recipe_id: a short hash of what goes into the base rootfs.
cluster_recipe_id() {
  printf '%s\n' "$GOMESOS_BASE_RECIPE" "$GOMESOS_SUITE" "${GOMESOS_BASE_PACKAGES[@]}" |
    sha256sum | cut -c1-12
}

cluster_need() {
  local cmd
  for cmd in "$@"; do
    command -v "$cmd" >/dev/null 2>&1 || cluster_die "$cmd not found"
  done
}

cluster_need_docker() {
  cluster_need docker
  docker info >/dev/null 2>&1 || cluster_die "the Docker daemon does not answer (docker info failed)"
}
