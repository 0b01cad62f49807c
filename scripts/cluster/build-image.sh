#!/usr/bin/env bash
# build-image.sh: makes gomesos/mesos, the image every cluster container
# runs: FROM gomesos/base (built first by build-base.sh when missing), plus
# the project's static binaries (make build-static: CGO_ENABLED=0, in
# bin/static/) in /usr/local/bin, gomesos-entrypoint (adds --ip=<container
# address> to mesos-master and mesos-agent) and gomesos-zookeeper.
#
# Idempotent: docker build's cache reuses the layers of unchanged files.
# GOMESOS_SKIP_GO_BUILD=1 uses bin/static/ as it is.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

started=$(date +%s)
cluster_need_docker
"$here/build-base.sh"
recipe=$(cluster_recipe_id)

if [ "${GOMESOS_SKIP_GO_BUILD:-0}" != 1 ]; then
  t=$(date +%s)
  cluster_log "building static binaries (make build-static)"
  make --no-print-directory -C "$repo" build-static >&2
  cluster_log "static binaries built in $(($(date +%s) - t))s"
fi
static=$repo/bin/static
for b in mesos-master mesos-agent; do
  [ -x "$static/$b" ] || cluster_die "$static/$b is missing: run make build-static"
done

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
mkdir "$ctx/bin"
cp -p "$static"/* "$ctx/bin/"
cp -p "$here/entrypoint.sh" "$ctx/bin/gomesos-entrypoint"
cp -p "$here/zookeeper.sh" "$ctx/bin/gomesos-zookeeper"
cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM $GOMESOS_BASE_IMAGE:$recipe
COPY bin/ /usr/local/bin/
ENTRYPOINT ["/usr/local/bin/gomesos-entrypoint"]
CMD ["/bin/bash"]
LABEL org.gomesos.base=$recipe
DOCKERFILE

t=$(date +%s)
# The classic builder, whatever the client's default (BuildKit needs the
# buildx plugin, which this machine kind lacks); its deprecation notice is
# shown only when the build fails.
if ! id=$(DOCKER_BUILDKIT=0 docker build -q -t "$GOMESOS_IMAGE:latest" "$ctx" 2>"$ctx/build.err"); then
  cat "$ctx/build.err" >&2
  cluster_die "docker build $GOMESOS_IMAGE failed"
fi
cluster_log "docker build $GOMESOS_IMAGE:latest ($id) in $(($(date +%s) - t))s"

# The image runs the binaries (a static binary needs nothing from the base,
# but the tasks' /bin/sh and ZooKeeper's java do).
version=$(docker run --rm --network none "$GOMESOS_IMAGE:latest" mesos-master --version 2>&1) ||
  cluster_die "mesos-master --version fails in $GOMESOS_IMAGE: $version"
docker run --rm --network none "$GOMESOS_IMAGE:latest" sh -c 'command -v java >/dev/null && command -v ip >/dev/null' ||
  cluster_die "java or ip missing in $GOMESOS_IMAGE"
cluster_log "$GOMESOS_IMAGE:latest ready ($(echo "$version" | head -n 1)) in $(($(date +%s) - started))s total"
# Earlier builds of the image, left untagged, go.
docker image prune -f --filter "label=org.gomesos.base" >/dev/null 2>&1 || true
