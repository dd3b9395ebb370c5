# Sourced by the container scripts (and by mk/container.mk): where podman keeps its
# configuration, storage and the cached base image. Everything lives outside the checkout,
# so a rerun (or a CI run on the same machine) skips debootstrap and keeps built layers.
# shellcheck shell=bash
CS_CACHE="${CS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/codespaces-secrets}"
# CS_STORE=NAME gives a target a podman configuration and store of its own
# (podman-NAME): `make release-test` removes images from its store, which must not be the
# one `make container-test` and `make e2e` use. The base image's tar is shared.
CS_PODMAN_DIR="$CS_CACHE/podman${CS_STORE:+-$CS_STORE}"
# The Dockerfile's FROM line names the image the local stand-in is tagged as.
CS_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CS_FROM_IMAGE="$(awk 'toupper($1) == "FROM" { print $2; exit }' "$CS_REPO_ROOT/Dockerfile")"
# Fully qualified, as podman stores it: python:X -> docker.io/library/python:X.
case "$CS_FROM_IMAGE" in
  */*/*) ;;
  */*) CS_FROM_IMAGE="docker.io/$CS_FROM_IMAGE" ;;
  *) CS_FROM_IMAGE="docker.io/library/$CS_FROM_IMAGE" ;;
esac
# What the stand-in holds. Its cache key: a changed list makes a new tar and image.
CS_BASE_SUITE="bookworm"
CS_BASE_PACKAGES="python3,python3-pip,python3-venv,ca-certificates"
CS_BASE_KEY="$(printf '%s %s' "$CS_BASE_SUITE" "$CS_BASE_PACKAGES" | sha256sum | cut -c1-12)"
# The same Debian root file system, under a name of its own, is act's job image.
CS_BASE_IMAGE="localhost/codespaces-secrets-base:$CS_BASE_SUITE-$CS_BASE_KEY"
CS_BASE_TAR="$CS_CACHE/base/$CS_BASE_SUITE-$CS_BASE_KEY.tar"
# Both files are written by setup-podman.sh (docs/containers.md, "Podman's configuration").
export CONTAINERS_CONF="$CS_PODMAN_DIR/containers.conf"
export CONTAINERS_STORAGE_CONF="$CS_PODMAN_DIR/storage.conf"
export CS_CACHE CS_PODMAN_DIR CS_REPO_ROOT CS_FROM_IMAGE CS_BASE_SUITE CS_BASE_PACKAGES \
  CS_BASE_IMAGE CS_BASE_TAR
