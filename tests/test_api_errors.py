"""GitHub's refusals become one clear annotation that says what to do."""

from __future__ import annotations

import pytest

from codespaces_secrets.apply import StoreRun
from codespaces_secrets.clock import SYSTEM_CLOCK
from codespaces_secrets.github import GitHub
from codespaces_secrets.inputs import parse
from codespaces_secrets.ledger import Ledger
from codespaces_secrets.plan import plan_org
from codespaces_secrets.results import Status
from codespaces_secrets.transport import HttpTransport
from github_emulator import (
    ADMIN_TOKEN,
    FINE_GRAINED_TOKEN,
    NOSCOPE_TOKEN,
    NOT_OWNER_TOKEN,
    Emulator,
)
from testkit import Recorder

from conftest import RunAction


def only_error(run: object) -> str:
    errors = run.commands("error")  # type: ignore[attr-defined]
    assert len(errors) == 1, errors
    return str(errors[0])


def test_bad_credentials(emulator: Emulator, run_action: RunAction) -> None:
    result = run_action(emulator, token="ghp_wrong", name="A", value="v")
    assert result.exit_code == 1
    error = only_error(result)
    assert "HTTP 401" in error
    assert "invalid, expired or revoked" in error


def test_missing_scope_is_named(emulator: Emulator, run_action: RunAction) -> None:
    result = run_action(emulator, token=NOSCOPE_TOKEN, name="A", value="v")
    assert result.exit_code == 1
    error = only_error(result)
    assert "HTTP 403" in error
    assert "needs the admin:org scope; the token has repo" in error


def test_saml_enforcement(emulator: Emulator, run_action: RunAction) -> None:
    result = run_action(emulator, org="sso-org", name="A", value="v")
    assert result.exit_code == 1
    error = only_error(result)
    assert "SAML single sign-on" in error
    assert "https://github.com/orgs/sso-org/sso" in error


@pytest.mark.parametrize(
    ("org", "token"),
    [("no-such-org", None), ("free-org", None), ("octo-org", NOT_OWNER_TOKEN)],
)
def test_not_found_explains_the_three_causes(
    emulator: Emulator, run_action: RunAction, org: str, token: str | None
) -> None:
    extra = {"token": token} if token else {}
    result = run_action(emulator, org=org, name="A", value="v", **extra)
    assert result.exit_code == 1
    error = only_error(result)
    assert "HTTP 404" in error
    assert "Team or Enterprise" in error
    assert "owner" in error
    assert [r.method for r in emulator.requests] == ["GET"]  # the key, nothing after


def test_fine_grained_token_works(emulator: Emulator, run_action: RunAction) -> None:
    result = run_action(emulator, token=FINE_GRAINED_TOKEN, name="A", value="v")
    assert result.exit_code == 0, result.log


def test_unprocessable_quotes_github(emulator: Emulator, run_action: RunAction) -> None:
    emulator.inject(
        "PUT",
        "/orgs/octo-org/codespaces/secrets/*",
        status=422,
        body={"message": "Validation Failed", "errors": [{"message": "too many secrets"}]},
    )
    result = run_action(emulator, name="A", value="v")
    assert result.exit_code == 1
    error = only_error(result)
    assert "HTTP 422" in error
    assert "Validation Failed; too many secrets" in error


def test_conflict(emulator: Emulator, run_action: RunAction) -> None:
    emulator.inject(
        "PUT", "/orgs/octo-org/codespaces/secrets/*", status=409, body={"message": "Conflict"}
    )
    result = run_action(emulator, name="A", value="v")
    assert result.exit_code == 1
    assert "visibility: selected" in only_error(result)


def test_stale_key_is_fetched_again_once(emulator: Emulator, run_action: RunAction) -> None:
    emulator.inject(
        "PUT",
        "/orgs/octo-org/codespaces/secrets/A",
        status=422,
        body={"message": "Bad request - key_id is stale or unknown"},
    )
    result = run_action(emulator, name="A", value="v")
    assert result.exit_code == 0, result.log
    keys = [r for r in emulator.requests if r.path.endswith("/public-key")]
    assert len(keys) == 2
    # A fault the run survived: a log line, not a yellow warning.
    assert "public key changed" in result.stdout
    assert result.commands("warning") == []


def test_a_key_rotated_between_plan_and_write_is_survived(emulator: Emulator) -> None:
    parsed = parse(
        {"token": ADMIN_TOKEN, "org": "octo-org", "secrets": "A=1\nB=2", "api-url": emulator.url},
        workspace=None,
    )
    assert parsed.config is not None
    events = Recorder()
    transport = HttpTransport(parsed.config.access, clock=SYSTEM_CLOCK, events=events)
    github = GitHub(transport)
    (store_plan,) = plan_org("octo-org", parsed.config.job, github).stores
    assert store_plan.error is None
    new_key_id = emulator.rotate_key("octo-org")
    ledger = Ledger()
    run = StoreRun(store_plan, github, events, ledger)
    run.run()
    assert run.errors == [], run.errors
    assert [r.status for r in ledger.results()] == [Status.CREATED, Status.CREATED]
    assert run.key is not None
    assert run.key.key_id == new_key_id  # the key-id output names the key used
    keys = [r for r in emulator.requests if r.path.endswith("/public-key")]
    assert len(keys) == 2  # the plan's, and one more after the first refusal
    for name, value in (("A", "1"), ("B", "2")):
        stored = emulator.secret("octo-org", name)
        assert stored is not None
        assert stored.value == value


def test_a_422_names_the_field_code_and_what_to_change(
    emulator: Emulator, run_action: RunAction
) -> None:
    emulator.inject(
        "PUT",
        "/orgs/octo-org/codespaces/secrets/*",
        status=422,
        body={
            "message": "Validation Failed",
            "errors": [{"resource": "Secret", "field": "visibility", "code": "invalid"}],
        },
    )
    error = only_error(run_action(emulator, name="A", value="a long value"))
    assert 'GitHub says: "Validation Failed; visibility: invalid"' in error
    assert "Check visibility: all, private or selected" in error
