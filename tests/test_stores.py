"""Every organization secret store: Codespaces, Dependabot, Actions and Copilot agents."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter

from github_emulator import ALL_STORES_TOKEN, FINE_GRAINED_TOKEN, Emulator
from testkit import find_leaks

from conftest import RunAction

STORES = ("codespaces", "dependabot", "actions", "agents")
VALUE = "CANARY-registry-token"


def kind(path: str) -> str:
    """What a request path is, without the org and store: key, list, secret, repos."""
    if path.endswith("/public-key"):
        return "key"
    if path.endswith("/repositories"):
        return "secret-repos"
    return "list" if path.endswith("/secrets") else "secret"


def test_one_secret_into_all_four_stores_of_two_orgs(
    emulator: Emulator, run_action: RunAction
) -> None:
    run = run_action(
        emulator,
        org="octo-org, octo-labs",
        apps="codespaces, dependabot, actions, agents",
        name="REGISTRY_TOKEN",
        value=VALUE,
    )
    assert run.exit_code == 0, run.log
    assert [(r["org"], r["app"], r["status"]) for r in run.results] == [
        (org, store, "created") for org in ("octo-org", "octo-labs") for store in STORES
    ]
    keys = set()
    for org in ("octo-org", "octo-labs"):
        for store in STORES:
            stored = emulator.secret(org, "REGISTRY_TOKEN", store=store)
            assert stored is not None, (org, store)
            assert stored.value == VALUE  # decrypted with that store's own private key
            keys.add(stored.key_id)
    assert len(keys) == 8  # a key per org and store: never sealed with another's
    # Exactly one key and one listing per org and store, and one PUT each; nothing else.
    counts = Counter(
        (r.path.split("/")[2], r.path.split("/")[3], r.method, kind(r.path))
        for r in emulator.requests
    )
    assert counts == {
        (org, store, method, what): 1
        for org in ("octo-org", "octo-labs")
        for store in STORES
        for method, what in (("GET", "key"), ("GET", "list"), ("PUT", "secret"))
    }
    assert "#### octo-org" in run.summary
    assert run.summary.index("Dependabot:") < run.summary.index("#### octo-labs")
    assert find_leaks(run, [VALUE]) == []


def test_a_store_the_token_may_not_use_fails_alone_with_its_permission(
    emulator: Emulator, run_action: RunAction
) -> None:
    run = run_action(
        emulator, token=FINE_GRAINED_TOKEN, apps="codespaces, dependabot", name="A", value="v"
    )
    assert run.exit_code == 1
    assert [(r["app"], r["status"]) for r in run.results] == [
        ("codespaces", "created"),
        ("dependabot", "failed"),
    ]
    (error,) = run.commands("error")
    assert "HTTP 403" in error
    assert '"Organization dependabot secrets: write"' in error
    assert "GitHub says this endpoint needs the permission organization_dependabot_secrets" in error
    assert "❌ **Dependabot secrets**" in run.summary
    assert emulator.secret("octo-org", "A", store="codespaces") is not None


def test_keep_mode_delete_and_prune_work_per_store(
    emulator: Emulator, run_action: RunAction
) -> None:
    web = emulator.repo_id("octo-org", "web")
    emulator.set_secret("octo-org", "APP_KEY", "old", store="actions", visibility="all")
    emulator.set_secret(
        "octo-org",
        "APP_KEY",
        "old",
        store="dependabot",
        visibility="selected",
        repository_ids=[web],
    )
    emulator.set_secret("octo-org", "APP_OLD", "old", store="dependabot")
    run = run_action(
        emulator,
        token=ALL_STORES_TOKEN,
        apps="actions, dependabot",
        secrets=json.dumps({"APP_KEY": "new"}),
        include="APP_*",
        prune="true",
    )
    assert run.exit_code == 0, run.log
    assert [(r["app"], r["name"], r["status"], r["visibility"]) for r in run.results] == [
        ("actions", "APP_KEY", "updated", "all"),
        ("dependabot", "APP_KEY", "updated", "selected"),
        ("dependabot", "APP_OLD", "deleted", None),
    ]
    kept = emulator.secret("octo-org", "APP_KEY", store="dependabot")
    assert kept is not None
    assert kept.selected_repository_ids == (web,)  # each store keeps its own list


def test_the_command_line_writes_to_the_stores_named(emulator: Emulator) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "codespaces_secrets",
            "--api-url",
            emulator.url,
            "--org",
            "octo-org",
            "--app",
            "actions",
            "--app",
            "agents",
            "--name",
            "A",
        ],
        input="v",
        env={"PATH": os.environ["PATH"], "GH_TOKEN": ALL_STORES_TOKEN},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "org\tapp\tname\tstatus\tvisibility\trepositories\terror\n"
        "octo-org\tactions\tA\tcreated\tprivate\t-\t-\n"
        "octo-org\tagents\tA\tcreated\tprivate\t-\t-\n"
    )
    assert emulator.secret("octo-org", "A", store="codespaces") is None
