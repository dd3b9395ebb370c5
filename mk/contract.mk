# Contract tests' clients (included by the Makefile). tests/test_real_clients.py drives the
# emulator with the real clients GitHub users run: Debian's GitHub CLI (`gh`), and Octokit
# with libsodium-wrappers from npm, pinned by tests/clients/octokit/package-lock.json.
# `make test` (through `unit`) installs what is missing first: gh, node and npm from apt
# (as root, or through sudo; apt_install is mk/needs.mk's), the npm packages with `npm ci`.
.PHONY: contract-setup

CONTRACT_JS := tests/clients/octokit
# npm ci writes this copy of the lockfile last: newer than the lockfile = installed.
CONTRACT_JS_STAMP := $(CONTRACT_JS)/node_modules/.package-lock.json

contract-setup: $(CONTRACT_JS_STAMP) ## install the contract tests' clients: gh, node (needs: apt, root or sudo, when missing), Octokit
	@command -v gh >/dev/null 2>&1 || { $(call apt_install,gh); }

$(CONTRACT_JS_STAMP): $(CONTRACT_JS)/package.json $(CONTRACT_JS)/package-lock.json
	@{ command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; } \
	  || { $(call apt_install,nodejs npm); }
	cd $(CONTRACT_JS) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

unit: contract-setup
