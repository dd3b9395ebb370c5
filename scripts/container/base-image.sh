#!/usr/bin/env bash
# Make the local stand-in for the Dockerfile's base image (docs/containers.md, "No base
# image to pull"): no image can be pulled here, so debootstrap a minimal Debian 12 with
# Python and import it.
# The root file system's tar is cached outside the checkout ($CS_BASE_TAR) and the imported
# image lives in podman's storage under the same cache folder: a rerun does nothing, and a
# fresh storage only re-imports the tar (seconds) instead of running debootstrap (~45 s).
# The image is tagged twice: with the Dockerfile's exact FROM name, so the real Dockerfile
# builds unchanged, and as $CS_BASE_IMAGE, the job image act runs workflow steps in.
set -euo pipefail
# shellcheck source=scripts/container/env.sh
source "$(dirname "$0")/env.sh"

have() { podman image exists "$1"; }
# The FROM name must point at this very image (an older package list may hold it).
if have "$CS_BASE_IMAGE" && have "$CS_FROM_IMAGE" \
  && [[ $(podman image inspect --format '{{.Id}}' "$CS_BASE_IMAGE") == \
    "$(podman image inspect --format '{{.Id}}' "$CS_FROM_IMAGE")" ]]; then
  echo "base-image: $CS_FROM_IMAGE and $CS_BASE_IMAGE present" >&2
  exit 0
fi

mkdir -p "$CS_CACHE"
if [[ ! -s $CS_BASE_TAR ]]; then
  # On Debian, the mirror apt already uses (deb822 or one-line format): it is the one
  # this machine is known to reach. Elsewhere, Debian's own.
  mirror=""
  if grep -qx 'ID=debian' /etc/os-release 2>/dev/null; then
    mirror="$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)"
    [[ -n $mirror ]] || mirror="$(awk '/^deb / && $3 !~ /security/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)"
  fi
  mirror="${mirror:-http://deb.debian.org/debian}"
  rootfs="$(mktemp -d "$CS_CACHE/rootfs.XXXXXX")"
  trap 'rm -rf "$rootfs"' EXIT
  echo "base-image: debootstrap $CS_BASE_SUITE from $mirror (about a minute, once)" >&2
  start=$SECONDS
  debootstrap --variant=minbase --include="$CS_BASE_PACKAGES" \
    "$CS_BASE_SUITE" "$rootfs" "$mirror" >"$CS_CACHE/debootstrap.log" 2>&1 \
    || { tail -30 "$CS_CACHE/debootstrap.log" >&2; echo "base-image: debootstrap failed" >&2; exit 1; }
  # Debian forbids pip in the system interpreter (PEP 668); the official image does not.
  rm -f "$rootfs"/usr/lib/python3.*/EXTERNALLY-MANAGED
  # The official image's interpreter is /usr/local/bin/python; the Dockerfile's
  # ENTRYPOINT names that path, so the stand-in provides it too.
  ln -sf /usr/bin/python3 "$rootfs/usr/bin/python"
  ln -sf /usr/bin/python3 "$rootfs/usr/local/bin/python"
  ln -sf /usr/bin/python3 "$rootfs/usr/local/bin/python3"
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb
  mkdir -p "$(dirname "$CS_BASE_TAR")"
  tar --numeric-owner -C "$rootfs" -cf "$CS_BASE_TAR.tmp" .
  mv "$CS_BASE_TAR.tmp" "$CS_BASE_TAR"
  echo "base-image: root file system cached in $CS_BASE_TAR ($((SECONDS - start)) s)" >&2
fi

podman import --quiet \
  --change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'CMD ["/bin/bash"]' \
  "$CS_BASE_TAR" "$CS_BASE_IMAGE" >/dev/null
podman tag "$CS_BASE_IMAGE" "$CS_FROM_IMAGE"
echo "base-image: imported $CS_BASE_IMAGE, tagged $CS_FROM_IMAGE" >&2
