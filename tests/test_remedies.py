"""A refusal names the permission GitHub asked for first, then the store's own by GitHub's names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from codespaces_secrets.config import Store
from codespaces_secrets.remedies import STORE_PERMISSIONS, auth_help, remedy_for
from github_emulator import FINE_GRAINED_TOKEN, Emulator

from conftest import RunAction

# GitHub's permission data: the organization permission of each store, its name in the
# token settings and its key (the same key for fine-grained tokens and GitHub Apps).
GITHUB_NAMES = {
    Store.CODESPACES: ("Organization codespaces secrets", "organization_codespaces_secrets"),
    Store.DEPENDABOT: ("Organization dependabot secrets", "organization_dependabot_secrets"),
    Store.ACTIONS: ("Secrets", "organization_secrets"),
    Store.AGENTS: ("Agent secrets", "organization_agent_secrets"),
}
# The repository permissions, which GitHub's API prose uses for the org stores: wrong here.
REPOSITORY_PERMISSIONS = ("secrets", "dependabot_secrets", "codespaces_secrets", "agent_secrets")


def test_every_store_has_githubs_names() -> None:
    assert STORE_PERMISSIONS == GITHUB_NAMES


@pytest.mark.parametrize("store", list(Store), ids=lambda s: s.value)
def test_the_advice_names_the_organization_permission_never_the_repository_one(
    store: Store,
) -> None:
    help_text = auth_help(store)
    fine, key = GITHUB_NAMES[store]
    assert f'"{fine}: write" ({key}=write)' in help_text
    assert "admin:org" in help_text
    # Every permission key it names is the store's own organization permission.
    assert set(re.findall(r"\b[a-z_]+(?==write)", help_text)) == {key}
    assert not any(f'"{p}"' in help_text or f"({p}" in help_text for p in REPOSITORY_PERMISSIONS)


@pytest.mark.parametrize("status", [403, 404])
def test_the_header_comes_first(status: int) -> None:
    headers = {"x-accepted-github-permissions": "organization_secrets=write"}
    remedy = remedy_for(status, headers, "Resource not accessible", Store.ACTIONS)
    assert remedy.startswith(
        "GitHub says this endpoint needs the permission organization_secrets=write."
    )


def test_a_header_that_is_not_a_permission_list_is_not_repeated() -> None:
    headers = {"x-accepted-github-permissions": "<a href=x>click</a>"}
    remedy = remedy_for(403, headers, "Resource not accessible", Store.ACTIONS)
    assert "click" not in remedy
    assert remedy.startswith("The token is not allowed to do this.")


def test_a_real_refusal_from_the_actions_store_names_organization_secrets_first(
    emulator: Emulator, run_action: RunAction
) -> None:
    run = run_action(emulator, token=FINE_GRAINED_TOKEN, apps="actions", name="A", value="v")
    assert run.exit_code == 1
    (error,) = run.commands("error")
    said = error.index("GitHub says this endpoint needs the permission organization_secrets=read")
    assert said < error.index('"Secrets: write" (organization_secrets=write)')
    assert '"secrets"' not in error


README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def section(heading: str) -> str:
    return README.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]


def test_the_readme_names_each_stores_permission_as_the_remedies_do() -> None:
    tokens = section("## Tokens")
    for store, (fine, key) in STORE_PERMISSIONS.items():
        (row,) = [r for r in tokens.splitlines() if r.startswith(f"| `{store.value}`")]
        assert f'"{fine}" (`{key}`)' in row, row
        assert "`admin:org`" in row, row
        assert f"`{key}`" in section("## Usage"), key
    # Never the repository permissions' names, as the table once said for Actions.
    store_rows = [r for r in README.splitlines() if r.startswith(("| `actions`", "| `dependab"))]
    assert store_rows
    assert [r for r in store_rows if "`secrets` |" in r or "`dependabot_secrets`" in r] == []


def test_the_readme_states_the_codespaces_contradiction_and_marks_the_app_recipe() -> None:
    tokens = " ".join(section("## Tokens").split())
    assert "GitHub contradicts itself" in tokens
    assert "`enabledForGitHubApps: false`" in tokens
    per_org = " ".join(section("### Per-organization tokens").split())
    assert "*documented by GitHub's docs, not by its API description, untested here*" in per_org
    # The default per-org recipe: fine-grained tokens from secrets, before any App recipe.
    assert per_org.index("secrets.MY_ORG_SECRETS_TOKEN") < per_org.index("create-github-app-token")
