"""Keeping orgs in sync: delete, prune, the count limit, per-org tokens, before -> after."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from github_emulator import ADMIN_TOKEN, LABS_TOKEN, Emulator
from testkit import ActionRun, find_leaks

from conftest import RunAction

LISTING = "/orgs/octo-org/codespaces/secrets"


def statuses(run: ActionRun) -> list[tuple[str, str, str]]:
    return [(r["org"], r["name"], r["status"]) for r in run.results]


def changes(emu: Emulator) -> list[str]:
    """Every request that changes something, in order: 'PUT A', 'DELETE B'."""
    return [
        f"{r.method} {r.path.rsplit('/', 1)[1]}"
        for r in emu.requests
        if r.method in ("PUT", "DELETE")
    ]


def names(emu: Emulator, org: str = "octo-org") -> list[str]:
    return [s.name for s in emu.secrets(org)]


# -- delete ------------------------------------------------------------------------------


def test_delete_alone_deletes_and_reports_absent(emulator: Emulator, run_action: RunAction) -> None:
    emulator.set_secret("octo-org", "OLD", "v", visibility="all")
    run = run_action(emulator, delete="old, never_was")
    assert run.exit_code == 0, run.log
    assert statuses(run) == [("octo-org", "OLD", "deleted"), ("octo-org", "NEVER_WAS", "absent")]
    assert run.results[0]["previous_visibility"] == "all"
    assert run.results[0]["visibility"] is None
    assert names(emulator) == []
    # Absent was known from the listing: no DELETE is sent for it.
    assert changes(emulator) == ["DELETE OLD"]
    assert run.outputs["status"] == "mixed"
    assert "| `OLD` | deleted | all → deleted | — |" in run.summary


def test_delete_dry_run_changes_nothing(emulator: Emulator, run_action: RunAction) -> None:
    emulator.set_secret("octo-org", "OLD", "v")
    run = run_action(emulator, delete="OLD", dry_run="true")
    assert run.exit_code == 0, run.log
    assert statuses(run) == [("octo-org", "OLD", "would-delete")]
    assert names(emulator) == ["OLD"]
    assert changes(emulator) == []
    assert "**Dry run**" in run.summary
    assert "octo-org (Codespaces): OLD would-delete." in run.stdout


def test_delete_beside_a_write(emulator: Emulator, run_action: RunAction) -> None:
    emulator.set_secret("octo-org", "RENAMED_FROM", "v")
    run = run_action(emulator, name="RENAMED_TO", value="v", delete="renamed_from")
    assert run.exit_code == 0, run.log
    # The new name is written before the old one goes: no moment without either.
    assert changes(emulator) == ["PUT RENAMED_TO", "DELETE RENAMED_FROM"]
    assert names(emulator) == ["RENAMED_TO"]


def test_a_name_both_written_and_deleted_is_an_input_problem(
    emulator: Emulator, run_action: RunAction
) -> None:
    run = run_action(emulator, name="A", value="v", delete="a")
    assert run.exit_code == 1
    assert any("delete: 'a' is also being written" in e for e in run.commands("error"))
    assert emulator.requests == []


# -- prune -------------------------------------------------------------------------------


def seed_npm(emu: Emulator) -> None:
    for name in ("NPM_OLD", "NPM_TOKEN", "OTHER"):
        emu.set_secret("octo-org", name, "old")


def test_prune_deletes_what_include_matches_and_the_batch_lacks(
    emulator: Emulator, run_action: RunAction
) -> None:
    seed_npm(emulator)
    batch = json.dumps({"NPM_TOKEN": "new", "NPM_NEW": "new", "UNRELATED": "x"})
    run = run_action(emulator, secrets=batch, include="npm_*", prune="true")
    assert run.exit_code == 0, run.log
    assert statuses(run) == [
        ("octo-org", "NPM_TOKEN", "updated"),
        ("octo-org", "NPM_NEW", "created"),
        ("octo-org", "NPM_OLD", "deleted"),
    ]
    assert names(emulator) == ["NPM_NEW", "NPM_TOKEN", "OTHER"]  # OTHER matches no pattern
    assert changes(emulator) == ["PUT NPM_TOKEN", "PUT NPM_NEW", "DELETE NPM_OLD"]
    assert "octo-org (Codespaces): NPM_OLD deleted (prune)." in run.stdout


def test_prune_dry_run(emulator: Emulator, run_action: RunAction) -> None:
    seed_npm(emulator)
    run = run_action(
        emulator, secrets="NPM_TOKEN=new", include="NPM_*", prune="true", dry_run="true"
    )
    assert run.exit_code == 0, run.log
    assert statuses(run) == [
        ("octo-org", "NPM_TOKEN", "would-update"),
        ("octo-org", "NPM_OLD", "would-delete"),
    ]
    assert changes(emulator) == []


def test_an_org_whose_writes_failed_is_not_pruned(
    emulator: Emulator, run_action: RunAction
) -> None:
    seed_npm(emulator)
    emulator.inject("PUT", f"{LISTING}/NPM_NEW", status=422, body={"message": "no"})
    run = run_action(emulator, secrets="NPM_TOKEN=new\nNPM_NEW=new", include="NPM_*", prune="true")
    assert run.exit_code == 1
    assert ("octo-org", "NPM_OLD", "failed") in statuses(run)
    assert "not pruned" in run.results[-1]["error"]
    assert "NPM_OLD" in names(emulator)
    assert not [c for c in changes(emulator) if c.startswith("DELETE")]


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"secrets": "A=1", "prune": "true"}, "prune: needs include"),
        ({"name": "A", "value": "v", "prune": "true"}, "prune: only applies with the secrets"),
        ({"secrets": "A=1", "include": "A", "prune": "yes"}, "prune: 'yes' is not a YAML"),
    ],
)
def test_prune_input_problems(
    emulator: Emulator, run_action: RunAction, inputs: dict[str, str], message: str
) -> None:
    run = run_action(emulator, **inputs)
    assert run.exit_code == 1
    assert any(message in e for e in run.commands("error")), run.commands("error")
    assert emulator.requests == []


# -- GitHub's limit of 100 Codespaces secrets per org --------------------------------------


def fill(emu: Emulator, org: str, count: int) -> None:
    for index in range(count):
        emu.set_secret(org, f"EXISTING_{index:03}", "v")


def test_a_plan_over_the_limit_fails_its_org_before_any_change(
    emulator: Emulator, run_action: RunAction
) -> None:
    fill(emulator, "octo-org", 99)
    run = run_action(emulator, org="octo-org, octo-labs", secrets="NEW_A=1\nNEW_B=2")
    assert run.exit_code == 1
    (error,) = run.commands("error")
    assert "octo-org has 99 Codespaces secrets; with 2 new and 0 deleted it would have 101" in error
    assert "over GitHub's limit of 100" in error
    assert [c for c in changes(emulator)] == ["PUT NEW_A", "PUT NEW_B"]  # octo-labs only
    assert all(r.path.startswith("/orgs/octo-labs") for r in emulator.requests if r.method == "PUT")
    assert [r["status"] for r in run.results] == ["failed", "failed", "created", "created"]


def test_at_the_limit_one_delete_makes_room_right_before_the_write_that_needs_it(
    emulator: Emulator, run_action: RunAction
) -> None:
    fill(emulator, "octo-org", 100)
    run = run_action(
        emulator, secrets="NEW_A=1", delete="EXISTING_000, EXISTING_001", dry_run="false"
    )
    assert run.exit_code == 0, run.log
    # The emulator, like GitHub, refuses a 101st secret: the order kept it at 100 or less,
    # and the second delete waited until the write had landed.
    assert changes(emulator) == ["DELETE EXISTING_000", "PUT NEW_A", "DELETE EXISTING_001"]
    assert len(emulator.secrets("octo-org")) == 99
    assert "deleting EXISTING_000 first, to make room for NEW_A" in run.stdout


# -- per-org tokens --------------------------------------------------------------------------


def test_each_org_uses_its_own_token(emulator: Emulator, run_action: RunAction) -> None:
    run = run_action(
        emulator,
        token="",
        tokens=json.dumps({"octo-org": ADMIN_TOKEN, "octo-labs": LABS_TOKEN}),
        org="octo-org, octo-labs",
        name="A",
        value="CANARY-per-org-value",
    )
    assert run.exit_code == 0, run.log
    used = {(r.path.split("/")[2], r.token) for r in emulator.requests}
    assert used == {("octo-org", ADMIN_TOKEN), ("octo-labs", LABS_TOKEN)}
    assert find_leaks(run, [ADMIN_TOKEN, LABS_TOKEN, "CANARY-per-org-value"]) == []


def test_orgs_without_an_entry_use_token(emulator: Emulator, run_action: RunAction) -> None:
    run = run_action(
        emulator, tokens=f"octo-labs={LABS_TOKEN}", org="octo-org\nocto-labs", delete="X"
    )
    assert run.exit_code == 0, run.log
    used = {(r.path.split("/")[2], r.token) for r in emulator.requests}
    assert used == {("octo-org", ADMIN_TOKEN), ("octo-labs", LABS_TOKEN)}


def test_an_org_with_no_token_at_all_is_named(emulator: Emulator, run_action: RunAction) -> None:
    run = run_action(
        emulator, token="", tokens=f"octo-labs={LABS_TOKEN}", org="octo-org, octo-labs", delete="X"
    )
    assert run.exit_code == 1
    (error,) = run.commands("error")
    assert "token: is required (needed for octo-org)" in error
    assert emulator.requests == []
    assert find_leaks(run, [LABS_TOKEN]) == []


def test_a_tokens_line_written_backwards_is_not_echoed(
    emulator: Emulator, run_action: RunAction
) -> None:
    run = run_action(emulator, tokens=f"{LABS_TOKEN}=octo-labs", name="A", value="v")
    assert run.exit_code == 1
    assert any("tokens: entry 1" in e for e in run.commands("error"))
    assert LABS_TOKEN not in run.stdout.replace(f"::add-mask::{LABS_TOKEN}=octo-labs", "")


# -- what changed, before -> after ----------------------------------------------------------


def test_previous_state_and_repositories_added_and_removed(
    emulator: Emulator, run_action: RunAction
) -> None:
    web, api = emulator.repo_id("octo-org", "web"), emulator.repo_id("octo-org", "api")
    emulator.set_secret("octo-org", "DEPLOY", "old", visibility="selected", repository_ids=[web])
    emulator.set_secret("octo-org", "SHARED", "old", visibility="all")
    run = run_action(emulator, secrets="DEPLOY=1", repositories="api")
    assert run.exit_code == 0, run.log
    (deploy,) = run.results
    assert deploy["previous_visibility"] == "selected"
    assert deploy["previous_selected_repository_ids"] == [web]
    assert deploy["selected_repository_ids"] == [api]
    assert "| `DEPLOY` | updated | selected | +octo-org/api, -octo-org/web |" in run.summary
    shared = run_action(emulator, name="SHARED", value="2", visibility="private")
    (row,) = shared.results
    assert (row["previous_visibility"], row["previous_selected_repository_ids"]) == ("all", None)
    assert "| `SHARED` | updated | all → private | — |" in shared.summary


def test_a_json_key_that_is_not_a_name_is_quoted(emulator: Emulator, run_action: RunAction) -> None:
    run = run_action(emulator, secrets=json.dumps({"MY-KEY": "v"}))
    assert run.exit_code == 1
    assert any("secrets: 'MY-KEY' (key #1): not a valid" in e for e in run.commands("error"))


# -- two orgs, writes, deletes and prunes, dry run then real -------------------------------


def test_two_orgs_mixing_writes_deletes_and_prunes(
    emulator: Emulator, run_action: RunAction
) -> None:
    for org in ("octo-org", "octo-labs"):
        emulator.set_secret(org, "APP_STALE", "old")
        emulator.set_secret(org, "APP_KEY", "old")
        emulator.set_secret(org, "LEGACY", "old")
    inputs = {
        "org": "octo-org, octo-labs",
        "secrets": json.dumps({"APP_KEY": "new", "APP_URL": "new"}),
        "include": "APP_*",
        "prune": "true",
        "delete": "LEGACY, GONE",
    }
    dry = run_action(emulator, dry_run="true", **inputs)
    assert dry.exit_code == 0, dry.log
    expected = [
        ("APP_KEY", "update"),
        ("APP_URL", "create"),
        ("LEGACY", "delete"),
        ("GONE", "absent"),
        ("APP_STALE", "delete"),
    ]
    for org in ("octo-org", "octo-labs"):
        rows = [(n, s) for o, n, s in statuses(dry) if o == org]
        assert rows == [(n, s if s == "absent" else f"would-{s}") for n, s in expected]
    assert changes(emulator) == []
    # Per org: one key, one listing; nothing else needed reading.
    per_org = Counter((r.path.split("/")[2], r.method) for r in emulator.requests)
    assert per_org == {("octo-org", "GET"): 2, ("octo-labs", "GET"): 2}

    emulator.clear_requests()
    real = run_action(emulator, **inputs)
    assert real.exit_code == 0, real.log
    for org in ("octo-org", "octo-labs"):
        rows = [(n, s) for o, n, s in statuses(real) if o == org]
        assert rows == [
            (n, {"update": "updated", "create": "created", "delete": "deleted"}.get(s, s))
            for n, s in expected
        ]
        assert names(emulator, org) == ["APP_KEY", "APP_URL"]
    per_org = Counter((r.path.split("/")[2], r.method) for r in emulator.requests)
    # Per org: key + listing, two PUTs, two DELETEs (GONE was known absent).
    assert per_org == {
        (org, method): count
        for org in ("octo-org", "octo-labs")
        for method, count in (("GET", 2), ("PUT", 2), ("DELETE", 2))
    }
