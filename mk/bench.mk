# Benchmark (included by the Makefile). `make bench` sets itself up: Debian's GitHub CLI
# from apt when `gh` is missing (as root, or through sudo), then runs the action and
# `gh secret set --app codespaces` side by side on the bundled emulator over HTTPS.
# One table on stdout; every figure in build/bench.json. About a minute on 2 cores.
#   make bench BENCH_ARGS="--rounds 15"    more rounds (see scripts/bench/bench.py --help)
.PHONY: bench bench-setup

BENCH_ARGS ?=

bench-setup:
	@command -v gh >/dev/null 2>&1 || { \
	  sudo=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  echo "Installing the GitHub CLI (Debian package gh)"; \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q gh >/dev/null 2>&1 \
	  || { $$sudo apt-get update -q >/dev/null && \
	       DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q gh >/dev/null; }; \
	}
	@gh --version | head -n 1

bench: $(STAMP) bench-setup
	$(PY) scripts/bench/bench.py $(BENCH_ARGS)
	$(PY) scripts/bench/scale.py
