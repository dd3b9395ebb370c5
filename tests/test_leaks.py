"""Canary values never reach a log line, an output or the summary, on any path.

The only place a value may appear is an ``::add-mask::`` command, and those come before
every other line, so the runner masks the values before anything could show them.
"""

from __future__ import annotations

import base64
import json
import socket
from collections.abc import Iterable, Iterator

import pytest
import requests

from codespaces_secrets.attempt import Limits, make_attempt
from codespaces_secrets.redact import MIN_PREFIX, MIN_START, REDACTED, Redactor
from codespaces_secrets.seam import MAX_ERRORS, MAX_FIELD, MESSAGE_CAP, Answer
from github_emulator import ADMIN_TOKEN, Emulator
from testkit import ActionRun, find_leaks, wire
from testkit.leaks import fragments_shown
from testkit.wire import Request, WireServer

from conftest import RunAction

SINGLE = "CANARY-single-7f3a%25:colon::%0A"
MULTI = "CANARY-multi-first-line\nCANARY-multi-second-ünïcødé\n  CANARY-multi-indented\n"
UNICODE = "CANARY-ключ-🔑-%-value"
TOKEN_CANARY = "ghp_CANARYtoken0000000000000000000000"


def assert_no_leak(run: ActionRun, values: Iterable[str], emu: Emulator | None = None) -> None:
    requests = emu.requests if emu is not None else []
    sent = [str(r.body.get("encrypted_value", "")) for r in requests if isinstance(r.body, dict)]
    assert find_leaks(run, values, ciphertexts=sent) == []


@pytest.mark.parametrize("value", [SINGLE, MULTI, UNICODE])
def test_single_secret_success(emulator: Emulator, run_action: RunAction, value: str) -> None:
    emulator.add_token(TOKEN_CANARY)
    run = run_action(emulator, token=TOKEN_CANARY, name="CANARY", value=value)
    assert run.exit_code == 0, run.log
    assert_no_leak(run, [value, TOKEN_CANARY], emulator)


def test_batch_success_and_debug_logging(emulator: Emulator, run_action: RunAction) -> None:
    secrets = json.dumps(
        {"github_token": "ghs_CANARYrunner", "A": SINGLE, "B": MULTI, "C": UNICODE}
    )
    run = run_action(
        emulator, env={"RUNNER_DEBUG": "1"}, org="octo-org\nocto-labs", secrets=secrets
    )
    assert run.exit_code == 0, run.log
    assert run.commands("debug"), "debug lines are printed with RUNNER_DEBUG=1"
    assert_no_leak(run, [SINGLE, MULTI, UNICODE, "ghs_CANARYrunner", ADMIN_TOKEN], emulator)


def test_input_failure(emulator: Emulator, run_action: RunAction) -> None:
    dotenv = f'A="{MULTI}"\nBAD-NAME={SINGLE}\n{UNICODE}\n'
    run = run_action(emulator, token=TOKEN_CANARY, secrets=dotenv, visibility="nope")
    assert run.exit_code == 1
    assert emulator.requests == []
    assert_no_leak(run, [MULTI, SINGLE, UNICODE, TOKEN_CANARY, dotenv])


def test_api_failures_and_partial_failure(emulator: Emulator, run_action: RunAction) -> None:
    emulator.inject("PUT", "/orgs/octo-org/codespaces/secrets/B", status=422, body={"message": "x"})
    run = run_action(
        emulator, org="octo-org, free-org", secrets=json.dumps({"A": SINGLE, "B": MULTI})
    )
    assert run.exit_code == 1
    assert_no_leak(run, [SINGLE, MULTI, ADMIN_TOKEN], emulator)


def test_retries(emulator: Emulator, run_action: RunAction) -> None:
    emulator.inject("PUT", "/orgs/octo-org/codespaces/secrets/*", status=502, times=1)
    emulator.inject("GET", "/orgs/octo-org/codespaces/secrets/public-key", drop=True, times=1)
    run = run_action(emulator, name="A", value=MULTI)
    assert run.exit_code == 0, run.log
    # A survived fault is a log line, and the run one notice: no yellow warnings
    # (but the one about the value's trailing newline).
    assert [w for w in run.commands("warning") if "ends with a newline" not in w] == []
    assert run.stdout.count("retrying in") == 2
    assert run.commands("notice") == ["2 transient fault(s) were retried and survived."]
    assert_no_leak(run, [MULTI, ADMIN_TOKEN], emulator)


def test_bad_credentials(emulator: Emulator, run_action: RunAction) -> None:
    run = run_action(emulator, token=TOKEN_CANARY, name="A", value=UNICODE)
    assert run.exit_code == 1
    assert_no_leak(run, [UNICODE, TOKEN_CANARY])


# -- issue 23.1: no fragment of a secret anywhere -----------------------------------------
#
# Server text is scrubbed before it is cut (``Redactor.scrub_then_cap``), and a text that
# ends with the start of a secret has that start replaced. The secrets here are longer
# than the cap, and every offset that makes one straddle the cut is tried.

CAP = MESSAGE_CAP
LONG_TOKEN = "ghp_" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z0AbC"  # 40 characters
LONG_VALUE = "".join(f"v{i:03d}-" for i in range(126))  # 630 characters, one line
LONG_LINES = "\n".join(f"line {i:02d} of a long multi-line value" for i in range(20))
CIPHERTEXT = base64.b64encode(bytes(range(256)) * 2).decode()  # 684 characters, base64
LONG_SECRETS = {
    "token": LONG_TOKEN,
    "value": LONG_VALUE,
    "multi-line value": LONG_LINES,
    "ciphertext": CIPHERTEXT,
}


@pytest.mark.parametrize("secret", LONG_SECRETS.values(), ids=LONG_SECRETS.keys())
def test_a_secret_straddling_the_cut_leaves_no_fragment(secret: str) -> None:
    redactor = Redactor([secret])
    for start in range(max(0, CAP - len(secret)), CAP + 1):
        shown = redactor.scrub_then_cap("x" * start + secret + " and more", CAP)
        assert fragments_shown(shown, [secret]) == [], start
        assert len(shown) <= CAP + len(REDACTED)
    # What the old order did: cut, then scrub whole pieces only.
    cut_first = ("x" * (CAP - 20) + secret)[:CAP]
    assert fragments_shown(cut_first.replace(secret, REDACTED), [secret])


def test_a_line_straddling_the_cut_leaves_no_fragment() -> None:
    line = LONG_LINES.splitlines()[3]
    redactor = Redactor([LONG_LINES])
    for start in range(CAP - len(line), CAP + 1):
        shown = redactor.scrub_then_cap("y" * start + line + " tail", CAP)
        assert line[: MIN_PREFIX + 1] not in shown[start:], start


@pytest.mark.parametrize("secret", [LONG_TOKEN, LONG_VALUE], ids=["token", "value"])
def test_a_text_ending_with_the_start_of_a_secret_loses_that_start(secret: str) -> None:
    redactor = Redactor([secret])
    for size in range(MIN_PREFIX, len(secret)):
        assert redactor.scrub("GitHub said: " + secret[:size]) == "GitHub said: " + REDACTED
    # Shorter starts are left (a trailing "ghp" means nothing), as documented.
    short = secret[: MIN_PREFIX - 1]
    assert redactor.scrub("GitHub said: " + short) == "GitHub said: " + short
    # Elsewhere a start counts from MIN_START characters on (a server that cut the secret
    # and went on); a shorter one followed by other text is left.
    for size in range(MIN_START, len(secret)):
        assert redactor.scrub(f"({secret[:size]}) and more") == "(***) and more"
    start = secret[: MIN_START - 1]
    assert redactor.scrub(f"({start}) and more") == f"({start}) and more"


def test_long_error_fields_are_left_out_whole_never_cut(server: WireServer) -> None:
    long = "z" * (MAX_FIELD + 1)
    answer = answer_from(server, {"message": long, "errors": [{"message": "short"}] * 100})
    assert answer.github_message() == "; ".join(["short"] * MAX_ERRORS)


def test_a_short_secret_has_no_start_to_drop() -> None:
    redactor = Redactor(["abc"])
    assert redactor.scrub("x abc y ab") == "x *** y ab"


def message_server(body: dict[str, object]) -> wire.Attack:
    """A 422 answer with ``body`` to every request."""
    return wire.answer(422, body)


def answer_from(server: WireServer, body: dict[str, object]) -> Answer:
    """One real attempt at ``server`` answering a 422 with ``body``."""
    server.attack = message_server(body)
    with requests.Session() as session:
        return make_attempt(
            session,
            "GET",
            server.url + "/x",
            operation="fetch",
            host="server",
            limits=Limits(),
            proxies={},
            verify=True,
        )


@pytest.fixture
def server() -> Iterator[WireServer]:
    """A wire server; each test sets its answer."""
    with WireServer(wire.answer(404, {})) as found:
        yield found


def test_github_message_is_scrubbed_part_by_part_before_the_cut(server: WireServer) -> None:
    secrets = [LONG_TOKEN, LONG_VALUE, CIPHERTEXT]
    body: dict[str, object] = {
        # The server cut its own message inside the token, then lists errors after it.
        "message": "Bad credentials for " + LONG_TOKEN[:30],
        "errors": [
            {"field": "value", "code": "invalid", "message": LONG_VALUE[:400]},
            {"message": "x" * 100 + CIPHERTEXT},
        ],
    }
    answer = answer_from(server, body)
    shown = answer.github_message(Redactor(secrets))
    assert fragments_shown(shown, secrets) == []
    assert shown.startswith("Bad credentials for ***; value: invalid (***)")
    assert len(shown) <= CAP + len(REDACTED)
    assert answer.fault(Redactor(secrets)).github_message == shown
    # Without a redactor nothing is cut: the caller scrubs first (a cut first would leak).
    assert len(answer.github_message()) > CAP


def straddling_reflector(piece: str, value: str) -> wire.Attack:
    """A key and an empty listing, then a 422 to the write whose message puts ``piece``
    (the token, the ciphertext sent, the value or one of its lines) across the cut."""

    def attack(conn: socket.socket, request: Request) -> None:
        if request.method == "GET":
            wire.answer(200, {"total_count": 0, "secrets": []})(conn, request)
            return
        known = {
            "token": request.headers.get("authorization", "").removeprefix("Bearer "),
            "ciphertext": str(json.loads(request.body)["encrypted_value"]),
            "value": value,
            "line": value.splitlines()[-1],
        }[piece]
        pad = "p" * (CAP - len(known) // 2)
        message = f"{pad}{known} and the rest of a long text " + "q" * 300
        wire.answer(422, {"message": message, "errors": [{"message": pad + known}]})(conn, request)

    return wire.after_key(attack)


@pytest.mark.parametrize("piece", ["token", "ciphertext", "value", "line"])
def test_secrets_straddling_the_cut_over_the_wire_leave_no_fragment(
    server: WireServer, run_action: RunAction, piece: str
) -> None:
    value = "first line of a value\n" + LONG_VALUE
    server.attack = straddling_reflector(piece, value)
    run = run_action(None, api_url=server.url, token=LONG_TOKEN, name="A", value=value)
    assert run.exit_code == 1
    sent = [str(json.loads(r.body)["encrypted_value"]) for r in server.requests if r.body]
    secrets = [value, *value.splitlines(), LONG_TOKEN, *sent]
    assert find_leaks(run, [value, LONG_TOKEN], ciphertexts=sent, fragments_of=secrets) == []
    assert "GitHub says" in run.commands("error")[0]


def test_quoted_server_text_is_capped(server: WireServer, run_action: RunAction) -> None:
    server.attack = straddling_reflector("value", LONG_VALUE)
    run = run_action(None, api_url=server.url, name="A", value=LONG_VALUE)
    error = run.commands("error")[0]
    quoted = error.split('GitHub says: "', 1)[1].split('".', 1)[0]
    assert len(quoted) <= CAP + len(REDACTED)
