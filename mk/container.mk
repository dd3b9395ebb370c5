# Container checks (included by the Makefile). Both targets set themselves up on a fresh
# Debian 12 machine as root: podman and friends from apt when missing, podman's
# configuration and a debootstrapped stand-in for the base image, all cached under
# $${XDG_CACHE_HOME:-$$HOME/.cache}/codespaces-secrets so a rerun skips the slow parts.
# Why each step exists: docs/containers.md and scripts/container/*.
#
#   make container-test  build the release image (scripts/release/image.py, one layer on
#                        scratch) and the real Dockerfile (which must hold the same files),
#                        run the image exactly as the Actions runner does against the
#                        emulator over HTTPS, check what tracing misses (its own CA bundle,
#                        200 refused runs without an abort, no stderr, -X importtime), then
#                        time one secret in the container vs the same entry point outside;
#                        figures in build/
#   make e2e             run a real workflow file (uses: ./) with act through podman
.PHONY: container-setup container-test e2e

E2E_STAMP := $(VENV)/.installed-e2e
# Every recipe line sources the same paths (CONTAINERS_CONF, storage, image names).
CONTAINER_ENV := source scripts/container/env.sh &&

container-setup: ## podman, its config, a cached stand-in base (needs: root, apt, Debian 12; installs podman, buildah, runc, debootstrap)
	$(CONTAINER_ENV) bash scripts/container/setup-podman.sh
	$(CONTAINER_ENV) bash scripts/container/base-image.sh

container-test: $(STAMP) container-setup ## build the release image and the Dockerfile; run it as the runner does (needs: container-setup's)
	export PYTHONPATH=scripts/release && $(CONTAINER_ENV) $(PY) scripts/container/container_test.py

$(E2E_STAMP): requirements-e2e.txt $(STAMP)
	$(PY) -m pip install -q --disable-pip-version-check --require-hashes --no-deps -r requirements-e2e.txt
	touch $@

e2e: $(E2E_STAMP) container-setup ## a real workflow (uses: ./) run by act through podman (needs: container-setup's)
	$(CONTAINER_ENV) $(PY) scripts/container/e2e.py
