# Release image and release path (included by the Makefile).
#
#   make release-image  build the release image for amd64 and arm64 (scripts/release/image.py:
#                       one layer on scratch from debian.lock's packages, the hash-pinned
#                       wheels and the action; no base image, no Docker) into build/image,
#                       and print the digests and compressed sizes
#   make release-test   sets itself up on a fresh Debian 12 machine as root (Debian's
#                       docker-registry and docker.io packages, podman, act); starts a real
#                       OCI registry on 127.0.0.1; runs the e2e workflow under act with
#                       `image: Dockerfile`, then with action.yml pinned by digest to the
#                       release image (built twice: the same digest) beside a pinned no-op
#                       container action, both pulled fully cold, in nine jobs under podman,
#                       then nine under Docker's engine (Debian's dockerd); checks every run
#                       the way `make e2e` does; runs the arm64 image's files under qemu-user
#                       (qemu-aarch64-static from Debian's package, downloaded once into the
#                       cache). Figures in build/release-figures.json (`make figures` puts
#                       them in README's "What each job pays"). About seven minutes.
.PHONY: release-image release-test release-setup

release-image: $(STAMP) ## build the release image (amd64, arm64) into build/image; print digests
	$(PY) scripts/release/image.py

# Only the binaries are wanted: where systemd runs, the packages would start a registry on
# :5000 and a Docker engine on the system's socket. release-test starts both itself, with
# folders of its own.
release-setup: ## the local OCI registry and Docker's engine (needs: apt, root or sudo; installs docker-registry and docker.io, disables their services) and container-setup's tooling
	@command -v docker-registry >/dev/null 2>&1 || { \
	  $(call apt_install,docker-registry); \
	  sudo=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$sudo systemctl disable --now docker-registry >/dev/null 2>&1 || true; \
	}
	@test -x /usr/sbin/dockerd || { \
	  $(call apt_install,docker.io); \
	  sudo=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$sudo systemctl disable --now docker.service docker.socket >/dev/null 2>&1 || true; \
	}

# A podman store of its own (CS_STORE, see scripts/container/env.sh): the test removes
# every image but the base from it, so builds start cold and pulls are real.
release-test: $(VENV)/.installed-e2e release-setup ## the release path: registry, push by digest, pin, act pulls it (needs: release-setup's)
	CS_STORE=release $(MAKE) --no-print-directory container-setup
	export CS_STORE=release PYTHONPATH=scripts/release && $(CONTAINER_ENV) $(PY) scripts/container/release_test.py
