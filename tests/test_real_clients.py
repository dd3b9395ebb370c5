"""Real clients are the emulator's contract: what they accept from GitHub, they accept here.

The GitHub CLI (Debian's `gh`) against the emulator as an Enterprise server (`/api/v3` over
TLS, `GH_HOST` + `GH_ENTERPRISE_TOKEN`), for every store it can write; Octokit with
libsodium-wrappers (tests/clients/octokit, pinned by its package-lock.json) for all four
stores under both REST API versions. Each run is checked by what the emulator decrypted and
recorded. `make test` installs both tools first; outside CI a missing one skips with that
remedy, on CI it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from github_emulator import ADMIN_TOKEN, STORE_NAMES, Emulator
from github_emulator.openapi import OpenApiSpec
from github_emulator.versions import API_VERSIONS

OCTOKIT = Path(__file__).parent / "clients" / "octokit"
# The stores `gh secret set --org --app` takes in the Debian release (2.23).
GH_APPS = ("actions", "codespaces", "dependabot")


def need(tool: str, remedy: str) -> str:
    """The tool's path; without it, fail on CI (where make installs it) and skip elsewhere."""
    found = shutil.which(tool)
    if found is None:
        message = f"{tool} is not installed: {remedy}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture
def enterprise() -> Iterator[Emulator]:
    with Emulator(tls=True, prefix="/api/v3") as emu:
        yield emu


def gh_env(emu: Emulator, home: Path) -> dict[str, str]:
    """gh pointed at the emulator as an Enterprise host, with nothing of this machine's own."""
    assert emu.ca_file is not None
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "GH_CONFIG_DIR": str(home / "gh"),
        "GH_HOST": emu.url.split("/")[2],
        "GH_ENTERPRISE_TOKEN": ADMIN_TOKEN,
        "SSL_CERT_FILE": emu.ca_file,
        "GH_NO_UPDATE_NOTIFIER": "1",
        "GH_PROMPT_DISABLED": "1",
        "NO_COLOR": "1",
    }


def gh(env: dict[str, str], *args: str, value: str = "") -> subprocess.CompletedProcess[str]:
    command = [need("gh", "make test installs it (Debian package gh)"), *args]
    return subprocess.run(
        command, input=value, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_gh_sets_lists_and_deletes_org_secrets_with_selected_repositories(
    enterprise: Emulator, tmp_path: Path
) -> None:
    env = gh_env(enterprise, tmp_path)
    ids = {enterprise.repo_id("octo-org", "web"), enterprise.repo_id("octo-org", "api")}
    for app in GH_APPS:
        value = f"gh wrote this to {app} \N{SNOWMAN}"
        org = ["--org", "octo-org", "--app", app]
        done = gh(env, "secret", "set", "FROM_GH", *org, "--visibility", "selected",
                  "--repos", "web,api", value=value)  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert value not in done.stdout + done.stderr
        stored = enterprise.secret("octo-org", "FROM_GH", app)
        assert stored is not None
        assert (stored.value, stored.visibility) == (value, "selected")
        assert set(stored.selected_repository_ids) == ids

        # As at a terminal, gh follows selected_repositories_url to count the repositories.
        listed = gh({**env, "GH_FORCE_TTY": "120"}, "secret", "list", *org)
        assert listed.returncode == 0, listed.stderr
        assert "FROM_GH" in listed.stdout
        assert "Visible to 2 selected repositories" in listed.stdout

        deleted = gh(env, "secret", "delete", "FROM_GH", *org)
        assert deleted.returncode == 0, deleted.stderr
        assert enterprise.secret("octo-org", "FROM_GH", app) is None
    lookups = [r for r in enterprise.requests if r.path == "/api/graphql"]
    assert [r.status for r in lookups] == [200] * len(GH_APPS)
    assert {r.status for r in enterprise.requests} <= {200, 201, 204}
    spec = OpenApiSpec.load()
    for request in enterprise.requests:
        if request.path != "/api/graphql":
            assert spec.template_for(request.method, request.path) is not None, request.path


def test_gh_names_a_repository_the_emulator_does_not_know(
    enterprise: Emulator, tmp_path: Path
) -> None:
    env = gh_env(enterprise, tmp_path)
    done = gh(env, "secret", "set", "NEVER", "--org", "octo-org", "--visibility", "selected",
              "--repos", "web,no-such-repo", value="v")  # fmt: skip
    assert done.returncode != 0
    assert "Could not resolve to a Repository with the name 'octo-org/no-such-repo'" in done.stderr
    assert enterprise.secret("octo-org", "NEVER", "actions") is None
    assert not [r for r in enterprise.requests if r.method == "PUT"]


def octokit(emu: Emulator, values: dict[str, str], version: str) -> dict[str, dict[str, object]]:
    node = need("node", "install Node.js 18 or newer")
    if not (OCTOKIT / "node_modules" / "@octokit" / "rest").is_dir():
        message = "tests/clients/octokit has no node_modules: make test runs npm ci there"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    assert emu.ca_file is not None
    env = {
        "PATH": os.environ["PATH"],
        "GITHUB_TOKEN": ADMIN_TOKEN,
        "GITHUB_API_URL": emu.url,
        "ORG": "octo-org",
        "VALUES": json.dumps(values),
        "API_VERSION": version,
        "NODE_EXTRA_CA_CERTS": emu.ca_file,
    }
    done = subprocess.run(
        [node, str(OCTOKIT / "contract.mjs")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    for value in values.values():
        assert value not in done.stdout + done.stderr
    report: dict[str, dict[str, object]] = json.loads(done.stdout)
    return report


@pytest.mark.parametrize("version", API_VERSIONS)
def test_octokit_drives_every_operation_of_the_four_stores(version: str) -> None:
    values = {store: f"Octokit sealed this for {store} \N{SNOWMAN}" for store in STORE_NAMES}
    with Emulator(tls=True) as emu:
        report = octokit(emu, values, version)
        web, api = emu.repo_id("octo-org", "web"), emu.repo_id("octo-org", "api")
        for store in STORE_NAMES:
            stored = emu.secret("octo-org", "CONTRACT", store)
            assert stored is not None
            assert (stored.value, stored.visibility) == (values[store], "selected")
            assert stored.selected_repository_ids == (web, api)
            assert emu.secret("octo-org", "DROPPED", store) is None
            assert report[store] == {
                "statuses": [201, 201],
                "visibility": "selected",
                "selected_repositories_url": (
                    f"{emu.url}/orgs/octo-org/{store}/secrets/CONTRACT/repositories"
                ),
                "selected": ["octo-org/web", "octo-org/docs"],
                "listed": ["CONTRACT", "DROPPED"],
                "after": ["CONTRACT"],
            }
        requests = emu.requests
    assert {r.status for r in requests} <= {200, 201, 204}
    spec = OpenApiSpec.load(version)
    for request in requests:
        template = spec.template_for(request.method, request.path)
        assert template is not None, f"undocumented: {request.method} {request.path}"
        if request.body is not None:
            assert spec.request_problems(request.method, template, request.body) == []
    pages = [r for r in requests if r.path == "/orgs/octo-org/agents/secrets"]
    assert [r.query.get("page") for r in pages] == [None, "2", None]
