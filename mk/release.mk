# Release path check (included by the Makefile). `make release-test` sets itself up on a
# fresh Debian 12 machine as root: Debian's docker-registry package when missing, plus the
# container set-up of mk/container.mk (podman, its configuration, the cached stand-in base
# image) and act. Then scripts/container/release_test.py starts a real OCI registry on
# 127.0.0.1, runs the e2e workflow under act once with `image: Dockerfile` and once with
# action.yml pinned to the image pushed there by digest (pulled for real), checks both the
# way `make e2e` does, and prints the time from job start to the action's result for each
# path and the image's size. Figures in build/release-figures.json. About two minutes.
.PHONY: release-test release-setup

# Only the binary is wanted: where systemd runs, the package would start a registry on :5000.
release-setup: ## the local OCI registry and container tooling
	@command -v docker-registry >/dev/null 2>&1 || { \
	  sudo=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  echo "Installing Debian's docker-registry (a local OCI registry)"; \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q --no-install-recommends docker-registry >/dev/null 2>&1 \
	  || { $$sudo apt-get update -q >/dev/null && \
	       DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q --no-install-recommends docker-registry >/dev/null; }; \
	  $$sudo systemctl disable --now docker-registry >/dev/null 2>&1 || true; \
	}

# A podman store of its own (CS_STORE, see scripts/container/env.sh): the test removes
# every image but the base from it, so builds start cold and pulls are real.
release-test: $(VENV)/.installed-e2e release-setup ## the release path: registry, push by digest, pin, act pulls it
	CS_STORE=release $(MAKE) --no-print-directory container-setup
	export CS_STORE=release && $(CONTAINER_ENV) $(PY) scripts/container/release_test.py
