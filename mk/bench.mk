# Benchmark (included by the Makefile). `make bench` sets itself up (as root, or through
# sudo): Debian's GitHub CLI, and Debian's nodejs and npm, from apt when missing; the
# JavaScript contender's packages with `npm ci` from its committed lockfile; and
# build/bench-runtime, an interpreter with requirements.txt only. Then it runs the action
# (laid out as the image's /app), the floor (scripts/bench/floor.py), the floor with the
# action's collector tuning, the JavaScript way (scripts/bench/js) and `gh secret set
# --app codespaces` side by side on the bundled emulator over HTTPS.
# One table and a PASS/MISS line per target on stdout; every figure in build/bench.json.
# A MISS is reported, not fatal: `--strict` makes it exit non-zero. Then the scale curve
# (scripts/bench/scale.py): 1, 10 and 50 orgs x 20 secrets, one token and one per org, on a
# simulated clock with the emulator's write limits on; figures in build/bench-scale.json.
# About two minutes on 2 cores.
#   make bench BENCH_ARGS="--rounds 15"     more rounds (see scripts/bench/bench.py --help)
#   make bench BENCH_ARGS="--strict"        fail (bench.py exits 3) when a target is missed
.PHONY: bench bench-setup

BENCH_ARGS ?=
# The action's and the floor's interpreter: requirements.txt and nothing else, as in the
# image (the development .venv's editable installs add import hooks to every start).
BENCH_RUNTIME := build/bench-runtime
BENCH_RUNTIME_STAMP := $(BENCH_RUNTIME)/.installed-$(PYTHON_ID)
BENCH_JS := scripts/bench/js
# npm ci writes this copy of the lockfile last: newer than the lockfile = installed.
BENCH_JS_STAMP := $(BENCH_JS)/node_modules/.package-lock.json

# apt_install: mk/needs.mk.

bench-setup: $(BENCH_JS_STAMP) $(BENCH_RUNTIME_STAMP) ## install gh, Node (needs: apt, root or sudo, when missing), the JS contender, a runtime-only Python
	@command -v gh >/dev/null 2>&1 || { $(call apt_install,gh); }
	@gh --version | head -n 1
	@echo "node $$(node --version)"

$(BENCH_JS_STAMP): $(BENCH_JS)/package.json $(BENCH_JS)/package-lock.json
	@{ command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; } \
	  || { $(call apt_install,nodejs npm); }
	cd $(BENCH_JS) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

$(BENCH_RUNTIME_STAMP): requirements.txt $(STAMP)
	rm -rf $(BENCH_RUNTIME)
	$(PY) -m venv --without-pip $(BENCH_RUNTIME)
	$(PY) -m pip --python $(BENCH_RUNTIME)/bin/python install -q --disable-pip-version-check \
	  --require-hashes --no-deps -r requirements.txt
	touch $@

bench: $(STAMP) bench-setup ## the action against the floor, Octokit and gh on the emulator (--strict: fail on a MISS)
	$(PY) scripts/bench/bench.py $(BENCH_ARGS)
	$(PY) scripts/bench/scale.py
