"""The action end to end over HTTP against the emulator, single-secret mode."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from github_emulator import Emulator

from conftest import RunAction


def put_requests(emu: Emulator) -> list[str]:
    return [r.path for r in emu.requests if r.method == "PUT"]


def test_creates_then_updates_a_private_secret(emulator: Emulator, run_action: RunAction) -> None:
    value = "  padded value with a trailing newline\n"
    first = run_action(emulator, name="api_key", value=value)
    assert first.exit_code == 0, first.log
    stored = emulator.secret("octo-org", "API_KEY")
    assert stored is not None
    assert stored.value == value
    assert stored.visibility == "private"
    assert first.outputs["status"] == "created"
    assert first.outputs["visibility"] == "private"
    assert first.outputs["selected-repository-ids"] == "[]"
    assert first.outputs["key-id"] == stored.key_id
    assert first.results == [
        {
            "org": "octo-org",
            "app": "codespaces",
            "name": "API_KEY",
            "status": "created",
            "visibility": "private",
            "selected_repository_ids": [],
            "previous_visibility": None,
            "previous_selected_repository_ids": None,
        }
    ]
    assert "| `API_KEY` | created | — → private | — |" in first.summary

    second = run_action(emulator, name="API_KEY", value="new value")
    assert second.exit_code == 0, second.log
    assert second.outputs["status"] == "updated"
    stored = emulator.secret("octo-org", "API_KEY")
    assert stored is not None
    assert stored.value == "new value"


def test_empty_visibility_keeps_a_selected_list(emulator: Emulator, run_action: RunAction) -> None:
    web, api = emulator.repo_id("octo-org", "web"), emulator.repo_id("octo-org", "api")
    emulator.set_secret(
        "octo-org", "TOKEN_X", "old", visibility="selected", repository_ids=[web, api]
    )
    result = run_action(emulator, name="TOKEN_X", value="rotated")
    assert result.exit_code == 0, result.log
    stored = emulator.secret("octo-org", "TOKEN_X")
    assert stored is not None
    assert (stored.value, stored.visibility) == ("rotated", "selected")
    assert sorted(stored.selected_repository_ids) == sorted([web, api])
    assert result.outputs["status"] == "updated"
    assert result.outputs["visibility"] == "selected"
    assert sorted(json.loads(result.outputs["selected-repository-ids"])) == sorted([web, api])
    assert "octo-org/web" in result.summary


def test_empty_visibility_keeps_all(emulator: Emulator, run_action: RunAction) -> None:
    emulator.set_secret("octo-org", "SHARED", "old", visibility="all")
    result = run_action(emulator, name="SHARED", value="new")
    assert result.exit_code == 0, result.log
    stored = emulator.secret("octo-org", "SHARED")
    assert stored is not None
    assert stored.visibility == "all"


def test_explicit_visibility_replaces(emulator: Emulator, run_action: RunAction) -> None:
    emulator.set_secret("octo-org", "SHARED", "old", visibility="all")
    result = run_action(emulator, name="SHARED", value="new", visibility="private")
    assert result.exit_code == 0, result.log
    stored = emulator.secret("octo-org", "SHARED")
    assert stored is not None
    assert stored.visibility == "private"
    assert "| `SHARED` | updated | all → private | — |" in result.summary


def test_repositories_resolve_names_and_ids(emulator: Emulator, run_action: RunAction) -> None:
    web = emulator.repo_id("octo-org", "web")
    api = emulator.repo_id("octo-org", "api")
    docs = emulator.repo_id("octo-org", "docs")
    result = run_action(
        emulator, name="DEPLOY", value="v", repositories=f"web\nocto-org/API, {docs}"
    )
    assert result.exit_code == 0, result.log
    stored = emulator.secret("octo-org", "DEPLOY")
    assert stored is not None
    assert stored.visibility == "selected"
    assert sorted(stored.selected_repository_ids) == sorted([web, api, docs])
    lookups = [r for r in emulator.requests if r.method == "GET" and "repos" in r.path]
    # Two names: one page of the org's repositories, not one request per name.
    assert [r.path for r in lookups if "codespaces" not in r.path] == ["/orgs/octo-org/repos"]


def test_one_repository_name_costs_one_request(emulator: Emulator, run_action: RunAction) -> None:
    result = run_action(
        emulator, name="DEPLOY", value="v", visibility="selected", repositories="web"
    )
    assert result.exit_code == 0, result.log
    paths = [r.path for r in emulator.requests]
    assert "/repos/octo-org/web" in paths
    assert "/orgs/octo-org/repos" not in paths


def test_unknown_repositories_are_all_listed_and_nothing_is_written(
    emulator: Emulator, run_action: RunAction
) -> None:
    result = run_action(emulator, name="DEPLOY", value="v", repositories="web, nope, gone")
    assert result.exit_code == 1
    (error,) = result.commands("error")
    assert "nope" in error
    assert "gone" in error
    assert "web" not in error.split("octo-org:")[1].split(".")[0].split(", ")
    assert put_requests(emulator) == []
    assert emulator.secret("octo-org", "DEPLOY") is None
    assert result.results[0]["status"] == "failed"


def test_dry_run_reports_without_writing(emulator: Emulator, run_action: RunAction) -> None:
    emulator.set_secret("octo-org", "EXISTING", "old")
    new = run_action(emulator, name="NEWONE", value="v", dry_run="true")
    old = run_action(emulator, name="EXISTING", value="v", dry_run="true")
    assert (new.exit_code, old.exit_code) == (0, 0)
    assert new.outputs["status"] == "would-create"
    assert old.outputs["status"] == "would-update"
    assert put_requests(emulator) == []
    assert emulator.secret("octo-org", "NEWONE") is None
    stored = emulator.secret("octo-org", "EXISTING")
    assert stored is not None
    assert stored.value == "old"
    assert "would-create" in new.summary


def test_value_file_inside_the_workspace(
    emulator: Emulator, run_action: RunAction, tmp_path: Path
) -> None:
    # run_action's workspace for its first run is tmp_path/run0/workspace.
    workspace = tmp_path / "run0" / "workspace"
    workspace.mkdir(parents=True)
    (workspace / "key.pem").write_bytes(b"-----BEGIN KEY-----\nabc\n-----END KEY-----\n")
    result = run_action(emulator, name="PEM", value_file="key.pem")
    assert result.exit_code == 0, result.log
    stored = emulator.secret("octo-org", "PEM")
    assert stored is not None
    assert stored.value == "-----BEGIN KEY-----\nabc\n-----END KEY-----\n"


def test_input_problems_make_no_request(emulator: Emulator, run_action: RunAction) -> None:
    result = run_action(emulator, name="1BAD", value="", visibility="sometimes")
    assert result.exit_code == 1
    errors = result.commands("error")
    assert len(errors) == 3
    assert emulator.requests == []
    assert "Nothing was written" in result.summary
    assert result.outputs["status"] == "failed"


def test_ghes_style_api_root(run_action: RunAction) -> None:
    with Emulator(prefix="/api/v3") as emu:
        assert emu.url.endswith("/api/v3")
        result = run_action(emu, name="GHES", value="v")
        assert result.exit_code == 0, result.log
        stored = emu.secret("octo-org", "GHES")
        assert stored is not None
        assert stored.value == "v"


def test_https_with_a_custom_ca(run_action: RunAction, monkeypatch: pytest.MonkeyPatch) -> None:
    with Emulator(tls=True) as emu:
        assert emu.ca_file is not None
        untrusted = run_action(emu, name="TLS", value="v")
        assert untrusted.exit_code == 1
        assert "REQUESTS_CA_BUNDLE" in untrusted.commands("error")[0]
        assert emu.secret("octo-org", "TLS") is None
        env = {"REQUESTS_CA_BUNDLE": emu.ca_file}
        trusted = run_action(emu, env=env, name="TLS", value="v", retry_wait_limit="0")
        assert trusted.exit_code == 0, trusted.log
        stored = emu.secret("octo-org", "TLS")
        assert stored is not None
        assert stored.value == "v"


def test_a_numeric_id_outside_the_org_stops_the_run(
    emulator: Emulator, run_action: RunAction
) -> None:
    foreign = emulator.repo_id("octo-labs", "ml")
    result = run_action(emulator, name="DEPLOY", value="v", repositories=f"web, {foreign}")
    assert result.exit_code == 1
    (error,) = result.commands("error")
    assert f"1 repository entry not found in octo-org: {foreign}. Nothing was written." in error
    assert put_requests(emulator) == []
    assert emulator.secret("octo-org", "DEPLOY") is None


def test_repositories_github_drops_are_reported(emulator: Emulator, run_action: RunAction) -> None:
    web, api = emulator.repo_id("octo-org", "web"), emulator.repo_id("octo-org", "api")
    # GitHub answers the read-back with only one of the two: it dropped the other.
    kept = {"id": web, "name": "web", "full_name": "octo-org/web"}
    emulator.inject(
        "GET",
        "/orgs/octo-org/codespaces/secrets/DEPLOY/repositories",
        status=200,
        body={"total_count": 1, "repositories": [kept]},
    )
    result = run_action(emulator, name="DEPLOY", value="v", repositories=f"{web}, {api}")
    assert result.exit_code == 1
    (error,) = result.commands("error")
    assert "did not attach 1 repository: octo-org/api" in error
    (row,) = result.results
    assert row["status"] == "failed"
    assert row["selected_repository_ids"] == [web]  # what GitHub kept, not what was sent
    assert json.loads(result.outputs["selected-repository-ids"]) == [web]
