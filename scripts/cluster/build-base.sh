#!/usr/bin/env bash
# build-base.sh: makes the gomesos/base image without a registry: a minimal
# Debian bookworm rootfs (debootstrap --variant=minbase) with a headless
# Java runtime, ZooKeeper's server jars, iproute2 and procps, imported with
# `docker import`.
#
# Idempotent, in three steps, each skipped when its result is there:
#   1. the image gomesos/base:<recipe> exists          -> nothing to do
#   2. the rootfs tarball is in the cache dir           -> docker import only
#   3. otherwise debootstrap (needs root and Debian's mirror), then 2.
# <recipe> is a hash of the suite, the package list and GOMESOS_BASE_RECIPE
# (lib.sh). gomesos/base:latest is tagged to the current recipe.
# GOMESOS_REBUILD_BASE=1 forces step 3.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

started=$(date +%s)
cluster_need_docker
recipe=$(cluster_recipe_id)
image=$GOMESOS_BASE_IMAGE:$recipe
cache=$(cluster_cache_dir)
tarball=$cache/rootfs-$GOMESOS_SUITE-$recipe.tar

if [ "${GOMESOS_REBUILD_BASE:-0}" = 1 ]; then
  cluster_log "GOMESOS_REBUILD_BASE=1: rebuilding $image from scratch"
  docker image rm -f "$image" >/dev/null 2>&1 || true
  rm -f "$tarball"
fi

if docker image inspect "$image" >/dev/null 2>&1; then
  docker tag "$image" "$GOMESOS_BASE_IMAGE:latest"
  cluster_log "$image is up to date (tagged $GOMESOS_BASE_IMAGE:latest) in $(($(date +%s) - started))s"
  exit 0
fi

root=""
# Unmounts whatever is mounted under the rootfs (deepest first), then
# removes it without crossing into any mount that is still there.
cleanup() {
  [ -n "$root" ] && [ -d "$root" ] || return 0
  local m
  while IFS= read -r m; do
    umount -l "$m" 2>/dev/null || true
  done < <(awk -v r="$root" '$2 == r || index($2, r "/") == 1 {print $2}' /proc/mounts | sort -r)
  if awk -v r="$root" 'index($2, r "/") == 1 {found=1} END {exit !found}' /proc/mounts; then
    cluster_log "warning: mounts remain under $root; leaving it in place"
    return 0
  fi
  rm -rf --one-file-system "$(dirname "$root")"
}

if [ ! -s "$tarball" ]; then
  [ "$(id -u)" -eq 0 ] || cluster_die "debootstrap needs root (the cached rootfs $tarball is missing)"
  if ! command -v debootstrap >/dev/null 2>&1; then
    cluster_log "installing debootstrap with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null ||
      { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; } ||
      cluster_die "could not install debootstrap"
  fi
  trap cleanup EXIT
  root=$(mktemp -d "$cache/build.XXXXXX")/rootfs
  mkdir -p "$root" "$cache/debs"

  cluster_log "debootstrap --variant=minbase $GOMESOS_SUITE from $GOMESOS_DEBIAN_MIRROR (debs cached in $cache/debs)"
  t=$(date +%s)
  debootstrap --variant=minbase --cache-dir="$cache/debs" "$GOMESOS_SUITE" "$root" "$GOMESOS_DEBIAN_MIRROR" \
    >"$cache/debootstrap.log" 2>&1 ||
    { tail -n 30 "$cache/debootstrap.log" >&2; cluster_die "debootstrap failed (log: $cache/debootstrap.log)"; }
  cluster_log "debootstrap done in $(($(date +%s) - t))s"

  cluster_log "installing ${GOMESOS_BASE_PACKAGES[*]} in the rootfs"
  t=$(date +%s)
  # Java's postinst scripts need /proc; no service may start in a chroot.
  mount -t proc proc "$root/proc"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod +x "$root/usr/sbin/policy-rc.d"
  {
    chroot "$root" apt-get update -qq &&
      chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${GOMESOS_BASE_PACKAGES[@]}"
  } >"$cache/apt.log" 2>&1 ||
    { tail -n 30 "$cache/apt.log" >&2; cluster_die "apt-get install in the rootfs failed (log: $cache/apt.log)"; }
  chroot "$root" apt-get clean
  umount "$root/proc"
  rm -f "$root/usr/sbin/policy-rc.d"
  : >"$root/etc/resolv.conf"
  # What a container never needs: package lists, docs, man pages, logs.
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/usr/share/doc/* \
    "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/var/log/*.log "$root"/var/log/apt/*
  [ -f "$root/usr/share/java/zookeeper.jar" ] || cluster_die "no zookeeper.jar in the rootfs"
  [ -x "$root/usr/bin/java" ] || cluster_die "no java in the rootfs"
  cluster_log "packages installed in $(($(date +%s) - t))s"

  t=$(date +%s)
  tar --numeric-owner -C "$root" --exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/*' \
    -cf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
  cluster_log "rootfs tarball $tarball ($(du -h "$tarball" | cut -f1)) written in $(($(date +%s) - t))s"
  cleanup
  trap - EXIT
else
  cluster_log "reusing the cached rootfs $tarball"
fi

t=$(date +%s)
docker import \
  --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change "ENV LANG=C.UTF-8" \
  --change "LABEL org.gomesos.recipe=$recipe" \
  --change 'CMD ["/bin/bash"]' \
  --message "gomesos base: debootstrap $GOMESOS_SUITE minbase + ${GOMESOS_BASE_PACKAGES[*]}" \
  "$tarball" "$image" >/dev/null
docker tag "$image" "$GOMESOS_BASE_IMAGE:latest"
cluster_log "imported $image in $(($(date +%s) - t))s; $GOMESOS_BASE_IMAGE:latest ready in $(($(date +%s) - started))s total"
