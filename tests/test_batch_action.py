"""Batch mode: many secrets into several orgs in one step, with the fewest requests."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from github_emulator import Emulator

from conftest import RunAction

THREE = json.dumps({"github_token": "ghs_x", "API_KEY": "a", "DB_URL": "b", "PEM": "c\nd\n"})


def per_org(emu: Emulator) -> Counter[tuple[str, str, str]]:
    """(org, method, kind) counts of the requests the emulator received."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for request in emu.requests:
        parts = request.path.strip("/").split("/")
        org = parts[1]
        if parts[0] == "repos":
            kind = "repo"
        elif parts[-1] == "public-key":
            kind = "key"
        elif parts[-1] == "secrets":
            kind = "list"
        elif parts[-1] == "repositories":
            kind = "secret-repos"
        elif parts[-1] == "repos":
            kind = "org-repos"
        else:
            kind = "secret"
        counts[(org, request.method, kind)] += 1
    return counts


def test_three_secrets_into_two_orgs_with_the_minimum_requests(
    emulator: Emulator, run_action: RunAction
) -> None:
    run = run_action(emulator, org="octo-org\nocto-labs", secrets=THREE)
    assert run.exit_code == 0, run.log
    assert run.outputs["status"] == "created"
    results = run.results
    assert [(r["org"], r["name"]) for r in results] == [
        ("octo-org", "API_KEY"),
        ("octo-org", "DB_URL"),
        ("octo-org", "PEM"),
        ("octo-labs", "API_KEY"),
        ("octo-labs", "DB_URL"),
        ("octo-labs", "PEM"),
    ]
    for org in ("octo-org", "octo-labs"):
        stored = emulator.secret(org, "PEM")
        assert stored is not None
        assert stored.value == "c\nd\n"
    # Per org: one key, one listing (empty visibility keeps existing ones), one PUT each.
    assert per_org(emulator) == Counter(
        {
            ("octo-org", "GET", "key"): 1,
            ("octo-org", "GET", "list"): 1,
            ("octo-org", "PUT", "secret"): 3,
            ("octo-labs", "GET", "key"): 1,
            ("octo-labs", "GET", "list"): 1,
            ("octo-labs", "PUT", "secret"): 3,
        }
    )
    assert "Skipped 'github_token'" in run.commands("notice")[0]
    assert "#### octo-org: 3 secret(s): 3 created" in run.summary
    assert "**Total**: 6 secret(s): 6 created." in run.summary
    assert run.outputs["key-id"] == ""
    assert run.outputs["visibility"] == ""


def test_selected_repositories_in_each_org(emulator: Emulator, run_action: RunAction) -> None:
    run = run_action(
        emulator,
        org="octo-org, octo-labs",
        secrets="A=1\nB=2",
        visibility="selected",
        repositories="web, octo-org/api, octo-labs/ml",
    )
    assert run.exit_code == 0, run.log
    a_org = emulator.secret("octo-org", "A")
    a_labs = emulator.secret("octo-labs", "A")
    assert a_org is not None
    assert a_labs is not None
    assert sorted(a_org.selected_repository_ids) == sorted(
        [emulator.repo_id("octo-org", "web"), emulator.repo_id("octo-org", "api")]
    )
    assert sorted(a_labs.selected_repository_ids) == sorted(
        [emulator.repo_id("octo-labs", "web"), emulator.repo_id("octo-labs", "ml")]
    )
    # Per org: key, listing (the count limit), one page of repositories, and a PUT and
    # a read-back per secret.
    expected = {"key": 1, "list": 1, "org-repos": 1, "secret": 2, "secret-repos": 2}
    for org in ("octo-org", "octo-labs"):
        counts = {kind: n for (o, _, kind), n in per_org(emulator).items() if o == org}
        assert counts == expected


def test_mixed_status_and_dry_run(emulator: Emulator, run_action: RunAction) -> None:
    emulator.set_secret("octo-org", "A", "old")
    dry = run_action(emulator, secrets="A=1\nB=2", dry_run="true")
    assert dry.exit_code == 0
    assert dry.outputs["status"] == "mixed"
    assert [r["status"] for r in dry.results] == [
        "would-update",
        "would-create",
    ]
    assert not [r for r in emulator.requests if r.method == "PUT"]
    real = run_action(emulator, secrets="A=1\nB=2")
    assert real.outputs["status"] == "mixed"


def test_an_unreachable_org_fails_once_and_the_others_go_on(
    emulator: Emulator, run_action: RunAction
) -> None:
    run = run_action(emulator, org="free-org, octo-org", secrets="A=1\nB=2")
    assert run.exit_code == 1
    errors = run.commands("error")
    assert len(errors) == 1
    assert "free-org" in errors[0]
    results = run.results
    assert [(r["org"], r["status"]) for r in results] == [
        ("free-org", "failed"),
        ("free-org", "failed"),
        ("octo-org", "created"),
        ("octo-org", "created"),
    ]
    assert "HTTP 404" in results[0]["error"]
    assert run.outputs["status"] == "mixed"
    # The org's failure is shown once, with its remedy, not once per secret.
    assert run.summary.count("HTTP 404") == 1
    assert "❌ **Codespaces secrets**: Could not fetch the Codespaces public key" in run.summary
    assert "Team or Enterprise" in run.summary
    assert "**Failures**" not in run.summary
    assert [r.method for r in emulator.requests if "free-org" in r.path] == ["GET"]


def test_one_failing_secret_does_not_stop_the_rest(
    emulator: Emulator, run_action: RunAction
) -> None:
    emulator.inject(
        "PUT", "/orgs/octo-org/codespaces/secrets/B", status=422, body={"message": "nope"}
    )
    run = run_action(emulator, secrets="A=1\nB=2\nC=3")
    assert run.exit_code == 1
    statuses = [r["status"] for r in run.results]
    assert statuses == ["created", "failed", "created"]
    assert emulator.secret("octo-org", "C") is not None


def test_dotenv_block_with_a_multiline_value(emulator: Emulator, run_action: RunAction) -> None:
    dotenv = 'export HOST=db.internal\nCERT="-----BEGIN-----\nabc\n-----END-----"\n'
    run = run_action(emulator, secrets=dotenv, include="cert")
    assert run.exit_code == 0, run.log
    cert = emulator.secret("octo-org", "CERT")
    assert cert is not None
    assert cert.value == "-----BEGIN-----\nabc\n-----END-----"
    assert emulator.secret("octo-org", "HOST") is None


def test_a_wrong_repository_in_one_org_writes_nowhere(
    emulator: Emulator, run_action: RunAction
) -> None:
    run = run_action(
        emulator, org="octo-org, octo-labs", secrets="A=1", repositories="web, octo-labs/nope"
    )
    assert run.exit_code == 1
    assert [r for r in emulator.requests if r.method == "PUT"] == []
    (error,) = run.commands("error")
    assert "not found in octo-labs: octo-labs/nope" in error
    results = run.results
    assert [(r["org"], r["status"]) for r in results] == [
        ("octo-org", "failed"),
        ("octo-labs", "failed"),
    ]
    assert "not attempted" in results[0]["error"]


def test_secrets_file_is_a_batch_from_the_workspace(
    emulator: Emulator, run_action: RunAction, tmp_path: Path
) -> None:
    (tmp_path / "prod.env").write_text('A=1\nPEM="line1\nline2\n"\n')
    run = run_action(emulator, secrets_file="prod.env", env={"GITHUB_WORKSPACE": str(tmp_path)})
    assert run.exit_code == 0, run.log
    assert [(r["name"], r["status"]) for r in run.results] == [("A", "created"), ("PEM", "created")]
    stored = emulator.secret("octo-org", "PEM")
    assert stored is not None
    assert stored.value == "line1\nline2\n"
    # One warning for the kind, naming the secret, never its value.
    assert run.commands("warning") == [
        "the value of PEM ends with a newline, which is kept as part of it."
    ]
    shown = [line for line in run.log.splitlines() if not line.startswith("::add-mask::")]
    assert "line1" not in "\n".join(shown)


def test_secrets_file_outside_the_workspace_is_refused(
    emulator: Emulator, run_action: RunAction, tmp_path: Path
) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (tmp_path / "creds.env").write_text("A=1\n")
    run = run_action(
        emulator, secrets_file="../creds.env", env={"GITHUB_WORKSPACE": str(workspace)}
    )
    assert run.exit_code == 1
    assert any("secrets-file" in e and "outside the workspace" in e for e in run.commands("error"))
    assert emulator.requests == []


def test_a_value_ending_in_a_newline_or_only_whitespace_is_warned_about_once(
    emulator: Emulator, run_action: RunAction
) -> None:
    run = run_action(emulator, name="A", value="token\n")
    assert run.exit_code == 0, run.log
    assert run.commands("warning") == [
        "the value ends with a newline, which is kept as part of it (a YAML block scalar | "
        "adds one: use |- to leave it out)."
    ]
    run = run_action(emulator, secrets=json.dumps({"A": " ", "B": "\t", "C": "x"}))
    assert run.exit_code == 0, run.log
    assert run.commands("warning") == [
        "the values of A, B are only whitespace; written as they are."
    ]


def test_selected_without_repositories_is_warned_about(
    emulator: Emulator, run_action: RunAction
) -> None:
    run = run_action(emulator, name="A", value="v", visibility="selected")
    assert run.exit_code == 0, run.log
    (warning,) = run.commands("warning")
    assert "a new secret would be usable by no repository" in warning
