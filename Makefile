# Every target sets itself up: a fresh machine needs only python3 (>= 3.11) and make.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed

.PHONY: help setup test lint typecheck unit demo bench reliability clean
help:
	@echo "make demo         run the action end to end against the bundled GitHub emulator"
	@echo "make test         lint, type-check, validate metadata and run every test"
	@echo "make bench        the action against the floor, Octokit and gh on the emulator (--strict: fail on a MISS)"
	@echo "make reliability  fault-injection and hostile-input figures"
	@echo "make container-test / make e2e   build and run the real image / a real workflow (podman, act)"
	@echo "make release-test the release path: local registry, push by digest, pin, act pulls it"

setup: $(STAMP)
$(STAMP): requirements.txt requirements-dev.txt pyproject.toml tests/support/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --require-hashes --no-deps -r requirements.txt
	$(PY) -m pip install -q --disable-pip-version-check --require-hashes -r requirements-dev.txt
	$(PY) -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(PY) -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e tests/support
	touch $@

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/check-jsonschema --builtin-schema vendor.github-actions action.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(BIN)/actionlint .github/workflows/*.yml

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

test: lint typecheck unit

demo: $(STAMP)
	$(PY) scripts/demo.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .hypothesis

-include mk/*.mk
