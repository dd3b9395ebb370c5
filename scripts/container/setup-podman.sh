#!/usr/bin/env bash
# Install podman and friends when missing, and write the podman configuration these
# machines need (docs/containers.md, "Three quirks of the build machines"). Idempotent:
# a second run changes nothing.
set -euo pipefail
# shellcheck source=scripts/container/env.sh
source "$(dirname "$0")/env.sh"

need=()
for tool in podman buildah runc debootstrap newuidmap slirp4netns; do
  command -v "$tool" >/dev/null || need+=("$tool")
done
if ((${#need[@]})); then
  echo "setup-podman: missing ${need[*]}; installing with apt-get" >&2
  command -v apt-get >/dev/null || {
    echo "setup-podman: the container targets install podman, buildah, runc, debootstrap," \
      "uidmap and slirp4netns with apt-get, which this machine lacks (Debian 12 needed)." \
      "Install them yourself, then re-run." >&2
    exit 2
  }
  [[ $(id -u) == 0 ]] || {
    echo "setup-podman: installing ${need[*]} with apt-get needs root; run the target as" \
      "root, or install them yourself, then re-run." >&2
    exit 2
  }
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    podman buildah runc debootstrap uidmap slirp4netns
fi

mkdir -p "$CS_PODMAN_DIR/storage" "$CS_PODMAN_DIR/run"
# Root cannot raise resource limits here and cgroups are a v1/v2 hybrid: crun fails on
# both, so use runc, cgroupfs and limits no higher than the ones root already has.
cat >"$CONTAINERS_CONF.tmp" <<CONF
[containers]
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
mv "$CONTAINERS_CONF.tmp" "$CONTAINERS_CONF"
cat >"$CONTAINERS_STORAGE_CONF.tmp" <<CONF
[storage]
driver = "overlay"
graphroot = "$CS_PODMAN_DIR/storage"
runroot = "$CS_PODMAN_DIR/run"
CONF
mv "$CONTAINERS_STORAGE_CONF.tmp" "$CONTAINERS_STORAGE_CONF"
podman info --format '{{.Host.OCIRuntime.Name}} {{.Store.GraphDriverName}}' >/dev/null
echo "setup-podman: podman $(podman version --format '{{.Client.Version}}') ready; config in $CS_PODMAN_DIR" >&2
