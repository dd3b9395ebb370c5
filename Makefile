# Every target sets itself up: a fresh machine needs only python3 (>= 3.11) and make.
# `make help` lists the targets: each has a `## what it does` comment on its line.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# The stamp names the interpreter (version and installation) that made .venv, so a .venv
# made by another Python is rebuilt instead of failing on every run.
PYTHON_ID := $(shell $(PYTHON) -c 'import hashlib, sys; print("%d.%d.%d-%s" % (*sys.version_info[:3], hashlib.sha256(sys.base_prefix.encode()).hexdigest()[:8]))' 2>/dev/null)
STAMP := $(VENV)/.installed-$(PYTHON_ID)

.PHONY: help setup test lint typecheck unit demo bench reliability figures clean
help: ## list the targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sort \
	  | awk 'BEGIN { FS = ":.*## " } { printf "make %-16s %s\n", $$1, $$2 }'

setup: $(STAMP) ## create .venv with the hash-pinned dependencies (done by every target)
$(STAMP): requirements.txt requirements-dev.txt pyproject.toml src/emulator/pyproject.toml tests/support/pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "make: Python 3.11 or newer is needed; '$(PYTHON)' is $$($(PYTHON) --version 2>&1 | head -n 1)." >&2; \
	  echo "      Install one, or name it: make PYTHON=python3.12 ..." >&2; exit 1; }
	@if [ -d $(VENV) ]; then echo "Rebuilding $(VENV) for $(PYTHON) ($(PYTHON_ID))"; rm -rf $(VENV); fi
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --require-hashes --no-deps -r requirements.txt
	$(PY) -m pip install -q --disable-pip-version-check --require-hashes -r requirements-dev.txt
	$(PY) -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(PY) -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e src/emulator
	$(PY) -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e tests/support
	touch $@

lint: $(STAMP) ## ruff, ruff format, check-jsonschema, actionlint and zizmor (offline)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/check-jsonschema --builtin-schema vendor.github-actions action.yml .github/actions/*/action.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml
	$(BIN)/actionlint .github/workflows/*.yml
	$(BIN)/zizmor --offline --quiet .github action.yml
	$(PY) -m testkit.docexamples build/doc-examples
	$(BIN)/actionlint build/doc-examples/*.yml
	$(BIN)/zizmor --offline --quiet --config tests/data/zizmor-doc-examples.yml build/doc-examples/*.yml

typecheck: $(STAMP) ## mypy --strict
	$(BIN)/mypy

unit: $(STAMP) ## pytest: every test
	$(BIN)/pytest

test: lint typecheck unit ## lint, type-check, validate metadata and run every test (installs gh and node with apt when missing)

demo: $(STAMP) ## the action end to end against the bundled GitHub API emulator
	$(PY) scripts/demo.py

figures: $(STAMP) ## gather build/'s figures into docs/figures.json, then every README and CHANGELOG block from it
	$(PY) scripts/figures.py collect
	$(PY) scripts/figures.py write

clean: ## remove .venv, caches and build/ figures
	rm -rf $(VENV) .mypy_cache .ruff_cache .hypothesis build

-include mk/*.mk
