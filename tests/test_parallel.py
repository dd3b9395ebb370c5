"""Many organizations in one job: tokens side by side, each token's requests one at a time.

Checked from the emulator's request log: each request's arrival, with a fixed latency,
so each request's span is known. Results keep the order of the inputs whatever finished
first; progress lines come at a steady rhythm on a paced run; a signal mid-store loses
no answered write.
"""

from __future__ import annotations

import io
import itertools
import json
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from codespaces_secrets.bounded import fits_summary
from codespaces_secrets.config import Store
from codespaces_secrets.core import execute
from codespaces_secrets.inputs import parse
from codespaces_secrets.report import Report, Runner, summary_lines
from codespaces_secrets.results import RunResult, SecretResult, Status
from github_emulator import ADMIN_TOKEN, Emulator
from github_emulator.model import RecordedRequest
from testkit import FakeTime, Recorder, parse_output_file, run_measured, runner_env, wire
from testkit.attacks import github_like, third_write_stalls
from testkit.wire import Request, WireServer

from conftest import RunAction

LATENCY = 0.05


def many_orgs(emu: Emulator, count: int) -> dict[str, str]:
    """``count`` orgs, each with its own token (owner of that org only)."""
    tokens = {}
    for n in range(count):
        org, token = f"org-{n:02}", f"ghp_org{n:02}" + "x" * 30
        emu.add_org(org)
        emu.add_token(token, owner_of=[org])
        tokens[org] = token
    return tokens


def in_flight(requests: list[RecordedRequest], latency: float) -> int:
    """The most requests whose spans [arrival, arrival + latency) overlap."""
    starts = sorted(r.time for r in requests)
    return max(sum(1 for s in starts if t <= s < t + latency * 0.9) for t in starts)


def test_tokens_work_side_by_side_and_each_token_stays_serial(
    emulator: Emulator, run_action: RunAction
) -> None:
    tokens = many_orgs(emulator, 6)
    emulator.latency = LATENCY
    lines = "\n".join(f"{org}={token}" for org, token in tokens.items())
    run = run_action(
        emulator, token="", tokens=lines, org=",".join(tokens), secrets="A=1\nB=2", max_parallel="3"
    )
    assert run.exit_code == 0, run.log
    # Results in the order of the inputs: org by org, secret by secret.
    assert [(r["org"], r["name"]) for r in run.results] == [
        (org, name) for org in tokens for name in "AB"
    ]
    api = [r for r in emulator.requests if r.path.startswith("/orgs/")]
    for token in tokens.values():
        mine = sorted(r.time for r in api if r.token == token)
        assert len(mine) == 4  # key, listing, two PUTs
        gaps = [b - a for a, b in itertools.pairwise(mine)]
        assert min(gaps) >= LATENCY * 0.9, gaps  # one at a time: each waits for the last
    assert in_flight(api, LATENCY) <= 3  # max-parallel bounds the run's requests
    assert in_flight(api, LATENCY) >= 2  # and tokens did work side by side


def test_orgs_that_share_a_token_stay_serial(emulator: Emulator, run_action: RunAction) -> None:
    emulator.add_org("org-b")
    emulator.latency = LATENCY
    run = run_action(emulator, org="octo-org, org-b", secrets="A=1")
    assert run.exit_code == 0, run.log
    api = [r for r in emulator.requests if r.path.startswith("/orgs/")]
    assert in_flight(api, LATENCY) == 1


def test_a_paced_run_shows_progress_at_a_steady_rhythm(emulator: Emulator) -> None:
    secrets = "\n".join(f"S{n:03}=value-{n:03}" for n in range(90))
    raw = {"token": ADMIN_TOKEN, "api-url": emulator.url, "org": "octo-org", "secrets": secrets}
    parsed = parse(raw, workspace=None)
    assert parsed.config is not None
    events, fake = Recorder(), FakeTime()
    result = execute(parsed.config, events, clock=fake.clock)
    assert {r.status for r in result.results} == {Status.CREATED}
    progress = [line for line in events.infos if line.startswith("Progress:")]
    # 90 writes: 20 at once, then one a second (70 s): a line about every 10 s.
    assert 5 <= len(progress) <= 8, progress
    assert progress[0].startswith("Progress: 30/90 writes done; now in octo-org (Codespaces)")
    assert "left by the plan's estimate" in progress[0]
    assert not any("value-" in line for line in events.infos)


def test_a_short_run_prints_no_progress(emulator: Emulator, run_action: RunAction) -> None:
    run = run_action(emulator, secrets="A=1\nB=2\nC=3")
    assert run.exit_code == 0
    assert "Progress:" not in run.stdout


def test_a_signal_mid_store_reports_every_answered_write(
    server: WireServer, tmp_path: Path
) -> None:
    server.attack = github_like(third_write_stalls(server))
    inputs = {"token": "tok", "org": "octo-org", "secrets": "A=1\nB=2\nC=3\nD=4"}
    env = runner_env(tmp_path, {**inputs, "api-url": server.url}, {})
    run = run_measured(env, signal_after=(2.0, signal.SIGTERM), timeout=30).run
    assert run.exit_code == 143, run.log
    assert "Traceback" not in run.log
    assert [(r["name"], r["status"]) for r in run.results] == [
        ("A", "created"),
        ("B", "created"),
        ("C", "unknown"),
        ("D", "failed"),
    ]
    assert "may have been written" in run.results[2]["error"]
    assert run.outputs["status"] == "failed"
    # One set of outputs: each output is written once.
    text = Path(env["GITHUB_OUTPUT"]).read_text()
    assert text.count("status<<") == 1


@pytest.fixture
def server() -> Iterator[WireServer]:
    with WireServer(wire.answer(404, {"message": "Not Found"})) as running:
        yield running


def test_a_run_of_5000_results_fits_githubs_limits(
    emulator: Emulator, run_action: RunAction, tmp_path: Path
) -> None:
    tokens = many_orgs(emulator, 50)
    lines = "\n".join(f"{org}={token}" for org, token in tokens.items())
    secrets = "\n".join(f"SECRET_{n:03}=value-{n:03}" for n in range(100))
    run = run_action(
        emulator,
        clock=FakeTime().clock,
        token="",
        tokens=lines,
        org="\n".join(tokens),
        secrets=secrets,
        dry_run="true",
    )
    assert run.exit_code == 0, run.log[-2000:]
    # Outputs: GitHub's 1 MB per job, counted in UTF-16; the summary: 1 MiB.
    results = run.outputs["results"]
    assert len(results.encode("utf-16-le")) < 1_000_000
    assert len(run.summary.encode()) < 1024 * 1024
    assert 0 < len(run.results) < 5000  # as many as fit
    # The file holds every result, in the order of the inputs.
    # A path relative to the workspace: the folder a Docker action shares with later steps.
    relative = run.outputs["results-file"]
    assert relative.startswith(".org-secrets/results-")
    workspace = tmp_path / "run0" / "workspace"  # run_action's first run
    full = json.loads((workspace / relative).read_text())
    assert len(full) == 5000
    assert [(r["org"], r["name"]) for r in full[:2]] == [
        ("org-00", "SECRET_000"),
        ("org-00", "SECRET_001"),
    ]
    assert any("holds" in n and "of 5000 results" in n for n in run.commands("notice"))


def test_a_summary_too_long_for_tables_lists_failures_first_and_counts(tmp_path: Path) -> None:
    # 600 secrets in 3 stores, each failed with a long error: 1.2 MiB of tables before.
    failed = [
        SecretResult("octo-org", store, f"S{n:03}", Status.FAILED, error="refused " * 60)
        for store in (Store.CODESPACES, Store.ACTIONS, Store.DEPENDABOT)
        for n in range(600)
    ]
    assert not fits_summary(summary_lines(RunResult(tuple(failed))))
    summary, output = tmp_path / "summary.md", tmp_path / "output"
    report = Report(Runner(io.StringIO(), output, summary, workspace=tmp_path))
    report.run_result(RunResult(tuple(failed), errors=("one", "two")))
    text = summary.read_text()
    assert len(text.encode()) < 1024 * 1024
    assert text.index("**Failures**") < text.index("- **octo-org**: 1800 secret(s): 1800 failed")
    assert "… and 1600 more." in text
    # Every result is in the file, in the workspace, named by a relative path.
    outputs = parse_output_file(output.read_text())
    assert len(json.loads((tmp_path / outputs["results-file"]).read_text())) == 1800


def test_annotations_stop_at_githubs_limit_with_a_count(
    emulator: Emulator, run_action: RunAction
) -> None:
    for n in range(15):
        emulator.add_org(f"free-{n:02}", plan="free")  # no Codespaces: each org fails
    run = run_action(emulator, org=",".join(f"free-{n:02}" for n in range(15)), name="A", value="v")
    errors = run.commands("error")
    assert len(errors) == 10
    assert errors[-1].startswith("6 more error message(s) are in the step's log")
    assert run.stdout.count("error: Organization secrets not written: ") == 6


def test_a_retry_after_a_lost_answer_reports_the_runs_own_change(
    server: WireServer, run_action: RunAction
) -> None:
    """The first PUT and DELETE reach the server, whose answers are lost (the connection
    closes); the retries find the secret there (204) and gone (404): both are this run's."""
    attempts: dict[str, int] = {}
    existing = wire.answer(
        200, {"total_count": 1, "secrets": [{"name": "OLD", "visibility": "all"}]}
    )

    def lost_then_done(conn: socket.socket, request: Request) -> None:
        key = request.method
        attempts[key] = attempts.get(key, 0) + 1
        if attempts[key] == 1:
            conn.close()  # carried out, but the answer never arrives
            return
        wire.answer(204 if key == "PUT" else 404, {})(conn, request)

    server.attack = github_like({"list": existing, "put": lost_then_done, "other": lost_then_done})
    run = run_action(
        None, clock=FakeTime().clock, api_url=server.url, name="NEW", value="v", delete="OLD"
    )
    assert run.exit_code == 0, run.log
    assert [(r["name"], r["status"]) for r in run.results] == [
        ("NEW", "created"),
        ("OLD", "deleted"),
    ]
    assert attempts == {"PUT": 2, "DELETE": 2}


def test_a_signal_while_tokens_work_side_by_side_loses_no_answered_write(
    server: WireServer, tmp_path: Path
) -> None:
    server.attack = github_like(third_write_stalls(server))
    inputs = {
        "token": "",
        "tokens": "\n".join(f"org-{x}=ghp_tokenForOrg{x}{'0' * 30}" for x in "ab"),
        "org": "org-a\norg-b",
        "secrets": "A=1\nB=2\nC=3\nD=4",
    }
    env = runner_env(tmp_path, {**inputs, "api-url": server.url}, {})
    run = run_measured(env, signal_after=(2.0, signal.SIGTERM), timeout=30).run
    assert run.exit_code == 143, run.log
    assert "Traceback" not in run.log
    expected = [("A", "created"), ("B", "created"), ("C", "unknown"), ("D", "failed")]
    assert [(r["org"], r["name"], r["status"]) for r in run.results] == [
        (org, name, status) for org in ("org-a", "org-b") for name, status in expected
    ]
    assert Path(env["GITHUB_OUTPUT"]).read_text().count("status<<") == 1
