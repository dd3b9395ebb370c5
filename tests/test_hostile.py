"""Hostile input never crashes, hangs, leaks, or reaches GitHub as an invalid request.

Property-based: hypothesis draws every input of the action (random Unicode, control
characters, workflow-command look-alikes, huge strings, malformed JSON and dotenv, path
tricks in ``value-file``). ``inputs.parse`` is also fed what no environment can hold (NUL,
lone surrogates). Every run of the real action must end with exit 0 or 1 and a clear
message: no traceback, no "Internal error" (the last-resort guard in ``action.main``), no
leak of a canary value, and no request the emulator refuses as invalid (it validates
bodies against GitHub's OpenAPI description and answers 400/422).

Two things keep the runs fast and off the network: retry waits go to a fake clock (the
waits are recorded, and must stay within ``retry-wait-limit``), and every non-loopback
host is reached through a dead local proxy, so a hostile ``api-url`` fails at once.

Known product bugs are excluded from the properties by ``_known_bug`` (each with its own
strict xfail test at the end): remove an exclusion when its xfail test starts passing.
Bugs these properties found and that were fixed keep a plain regression test.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from codespaces_secrets import action, transport
from codespaces_secrets.cli import main as cli_main
from codespaces_secrets.inputs import INPUT_NAMES, MAX_VALUE_BYTES, Parsed, parse
from codespaces_secrets.report import MIN_MASKED_LINE
from codespaces_secrets.transport import Clock
from github_emulator import ADMIN_TOKEN, Emulator

from actionrun import ROOT, ActionRun, read_back, runner_env
from conftest import RunAction

# Inside every value and token drawn, so that any echo of one is found. Built at run time:
# hypothesis also draws the string literals of loaded source files, and a canary drawn into
# a plain input (org, name, ...) would be echoed there legitimately.
CANARY = "".join(map(chr, (99, 110, 114, 121, 55, 81)))
OUTSIDE = "0utside" + CANARY.upper()  # a file outside the workspace: never read, never shown
EMU = "@EMU@"  # replaced by the emulator's URL when a run starts
CLOSED = "@CLOSED@"  # replaced by a loopback port nothing listens on
ALLOWED_STATUSES = {200, 201, 204, 401, 403, 404}  # 401 token, 403 SAML, 404 org or path
OWN_COMMANDS = {"add-mask", "error", "warning", "notice", "debug"}
SUMMARY_LIMIT = 1024 * 1024  # GitHub drops a step summary above 1 MiB
PROXY_NAMES = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY")


def hostile(examples: int) -> settings:
    """Hypothesis settings for slow, fixture-using property tests."""
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )


# -- strategies --------------------------------------------------------------------------

# What an environment variable can hold: anything but NUL and lone surrogates.
ENV_CHARS = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
env_text = st.text(ENV_CHARS, max_size=40)
any_text = st.text(max_size=40)  # NUL and lone surrogates too: for inputs.parse only
NASTY = (
    "",
    " ",
    "\t\r\n",
    "%",
    "%0A%0D%25",
    "::error::injected",
    "::add-mask::",
    "::stop-commands::token",
    "\n::warning::line",
    "${{ secrets.X }}",
    "\u202eevil",
    "\ufeffBOM",
    "\x1b[31mred\x1b[0m",
    "\x07\x08\x7f",
    "\u2028\u2029\x85\x0b\x0c\x1c",
    "null",
    "true",
    "{}",
    "[]",
    '{"a":',
    "a=b",
    "'",
    '"',
    "\\",
    "../../etc/passwd",
    "/etc/passwd",
    "~",
    "$HOME",
    "*",
    "[!a]?",
    "0",
    "-1",
    "1e3",
    "0x10",
    "١٢٣",
    "\uff11\uff12",  # full-width digits
    "NaN",
    "https://",
    "http://localhost",
    "octo-org",
    "GITHUB_TOKEN",
    "github_x",
    "<script>alert(1)</script>",
    "| a | b |",
    "İı ß ﬁ Ǆ",
    "🔑" * 8,
)
nasty = st.sampled_from(NASTY)
hostile_text = st.one_of(nasty, env_text)


def with_canary(text: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A value with the canary on each of its lines, wrapped in hostile text."""
    return st.builds(lambda a, b: (a + CANARY + b).replace("\n", "\n" + CANARY), text, text)


VALID_NAMES = ("A", "API_KEY", "a_b", "_x", "X1", "npm_token")
BAD_NAMES = ("1ABC", "MY-KEY", "GITHUB_X", "github_token", "A B", "Ä", "", "A.B")
secret_names = st.one_of(st.sampled_from(VALID_NAMES), st.sampled_from(BAD_NAMES), hostile_text)
values = with_canary(hostile_text)
tokens = st.one_of(
    st.just(ADMIN_TOKEN),
    st.builds(lambda s: "ghp_" + CANARY + s, st.text(ENV_CHARS, max_size=20)),
    st.builds(
        lambda s: "ghp_" + CANARY + s,
        st.text(st.characters(min_codepoint=1, max_codepoint=0xFF), max_size=20),
    ),
    with_canary(nasty),
)
orgs = st.one_of(
    st.sampled_from(["octo-org", "octo-labs", "free-org", "sso-org", "no-such-org"]),
    st.lists(st.sampled_from(["octo-org", "octo-labs", "OCTO-ORG", "free-org", "x--y"])).map(
        ", ".join
    ),
    st.lists(hostile_text, max_size=3).map("\n".join),
)
repositories = st.one_of(
    st.just(""),
    st.lists(
        st.one_of(
            st.sampled_from(["web", "octo-org/api", "docs", "nope", "octo-labs/ml", "a/b/c"]),
            st.integers(min_value=-5, max_value=2**63 - 1).map(str),
            hostile_text,
        ),
        max_size=4,
    ).map(lambda items: "\n".join(items) if len(items) % 2 else ", ".join(items)),
)
api_urls = st.one_of(
    st.sampled_from([EMU, EMU, EMU, EMU + "/", EMU + "//x", EMU + "/api/v3", EMU + "?q=1"]),
    st.sampled_from(
        [
            "https://api.github.com",
            f"http://127.0.0.1:{CLOSED}",
            f"https://127.0.0.1:{CLOSED}",
            "http://[::1]:1",
            "http://localhost.example.com",
            "ftp://127.0.0.1",
            "https://user:pass@example.com",
            "https://example.com#frag",
            "https://example.com:0",
            "https://example.com:99999",
            "http://0.0.0.0",
        ]
    ),
    st.builds(lambda s: "https://" + s, env_text),
    st.builds(lambda s: "http://" + s, env_text),
    hostile_text,
)
switches = st.one_of(
    st.sampled_from(["", "true", "false", "True", "FALSE", "yes", "1", "on", " true ", "t"]),
    hostile_text,
)
retry_limits = st.one_of(
    st.sampled_from(["", "0", "1", "3600", "3601", "-1", "1.5", " 5 ", "٣", "1e3"]),
    st.integers(min_value=0, max_value=10**6).map(str),
    hostile_text,
)
visibilities = st.one_of(
    st.sampled_from(["", "all", "private", "selected", "ALL", " selected ", "public"]),
    hostile_text,
)
includes = st.one_of(
    st.just(""),
    st.lists(st.sampled_from(["A*", "*", "API_?", "[!X]*", "NOPE", "a_b", "**", "[", "]"])).map(
        "\n".join
    ),
    hostile_text,
)


def json_secrets(names: st.SearchStrategy[str] = secret_names) -> st.SearchStrategy[str]:
    """Well-formed JSON objects of hostile names and canary values (either encoding)."""
    return st.builds(
        lambda pairs, ascii_only: json.dumps(dict(pairs), ensure_ascii=ascii_only),
        st.lists(st.tuples(names, values), min_size=1, max_size=5),
        st.booleans(),
    )


def dotenv_quoted(value: str, style: str) -> str:
    """Write a value so that the dotenv reader gives it back exactly."""
    if style == "single" and "'" not in value and "\n" not in value and "\r" not in value:
        return f"'{value}'"
    first_line = value.split("\n", 1)[0]
    if (
        style == "multiline"
        and "\n" in value
        and not {'"', "\\", "\r"} & set(value)
        and first_line == first_line.rstrip()  # known bug: test_dotenv_first_line_whitespace
    ):
        return f'"{value}"'
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\r", "\\r") + '"'


def dotenv_secrets(names: st.SearchStrategy[str] = secret_names) -> st.SearchStrategy[str]:
    """Well-formed dotenv: quoted values, comments, blank lines, ``export``."""
    line = st.builds(
        lambda name, value, style, export: (
            f"{'export ' if export else ''}{name}=" + dotenv_quoted(value, style)
        ),
        names.filter(lambda n: "\n" not in n and "=" not in n and "#" not in n[:1]),
        values,
        st.sampled_from(["double", "single", "multiline"]),
        st.booleans(),
    )
    filler = st.sampled_from(["", "# comment", "   ", "#A=cnry"])
    return st.lists(st.one_of(line, filler), min_size=1, max_size=6).map("\n".join)


BROKEN_JSON = (
    "{",
    '{"A"}',
    '{"A": 1}',
    '{"A": null}',
    '{"A": ["x"]}',
    '{"A": {"b": "c"}}',
    '{"A": "x",}',
    "{'A': 'x'}",
    '{"A": "x"} trailing',
    '{"A": "\\x"}',
    '{"A": "x", "A": "y"}',
    '{"a": "x", "A": "y"}',
    '{"": "x"}',
    '{"GITHUB_X": "y"}',
    "{}",
    '{"a":' * 5000,
    "[" * 5000,
    "{" + '"A": "x",' * 200 + '"B": "y"}',
)
# No "=" in a broken line's value part: a line of a misquoted value that holds "=" becomes
# a key, and keys are echoed (known bug: test_dotenv_key_from_a_value_is_not_echoed).
no_equals = st.text(ENV_CHARS.filter(lambda c: c != "="), max_size=30)
BROKEN_DOTENV_LINES = st.one_of(
    st.sampled_from(
        ["A", "=x", "A = x", "A==", "export", "export A", "A=\\", "\ufeffA=x", "A=x #c", "#"]
    ),
    st.builds(lambda v: f'A="{CANARY}{v}', no_equals),  # never closed
    st.builds(lambda v: f"A='{CANARY}{v}' tail", no_equals),  # text after the quote
    st.builds(lambda v: f"{CANARY}{v}", no_equals),  # an unquoted line of a value
    no_equals,
)


def broken_json() -> st.SearchStrategy[str]:
    """Malformed JSON: fixed cases, and valid objects cut or spliced at random."""
    mutated = st.builds(
        lambda text, cut, junk: text[:cut] + junk + text[cut:][1:],
        json_secrets(),
        st.integers(min_value=1, max_value=200),
        st.sampled_from(["", "}", "{", '"', ",", "\\", "\n", "\x00", "\\u"]),
    )
    return st.one_of(st.sampled_from(BROKEN_JSON), mutated.filter(lambda t: t.startswith("{")))


def broken_dotenv() -> st.SearchStrategy[str]:
    """Malformed dotenv: broken lines among good ones."""
    return st.lists(st.one_of(BROKEN_DOTENV_LINES, dotenv_secrets()), min_size=1, max_size=6).map(
        "\n".join
    )


secrets_texts = st.one_of(json_secrets(), dotenv_secrets(), broken_json(), broken_dotenv())


valid_names = st.one_of(
    st.sampled_from(VALID_NAMES),
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,15}", fullmatch=True).filter(
        lambda n: not n.upper().startswith("GITHUB_")
    ),
)
REPO = "@REPO@"  # replaced by the ID of octo-org/infra
SANE = {
    "token": st.just(ADMIN_TOKEN),
    "org": st.sampled_from(
        [
            "octo-org",
            "octo-org",
            "octo-labs",
            "octo-org, octo-labs",
            "OCTO-ORG",
            "free-org",
            "sso-org",
            "no-such-org",
            "octo-org\nsso-org",
        ]
    ),
    "visibility": st.sampled_from(["", "", "", "all", "private", "selected", "Selected"]),
    "repositories": st.one_of(
        st.just(""),
        st.sampled_from(["web", "octo-org/api, docs", "web\nml", "nope", REPO, f"{REPO}, web"]),
    ),
    "api-url": st.sampled_from([EMU, EMU + "/"]),
    "dry-run": st.sampled_from(["", "false", "true"]),
    "retry-wait-limit": st.sampled_from(["", "0", "30"]),
    "name": valid_names,
    "value": values,
    "value-file": st.just(""),
    "secrets": st.one_of(json_secrets(valid_names), dotenv_secrets(valid_names)),
    "include": st.one_of(st.just(""), st.sampled_from(["A*", "*", "API_?", "a_b\nX*"])),
}
HOSTILE_INPUTS = {
    "token": tokens,
    "org": orgs,
    "visibility": visibilities,
    "repositories": repositories,
    "api-url": api_urls,
    "dry-run": switches,
    "retry-wait-limit": retry_limits,
    "name": secret_names,
    "value": st.one_of(values, st.just("")),
    "value-file": hostile_text,
    "secrets": secrets_texts,
    "include": includes,
}
SINGLE_ONLY = ("name", "value", "value-file")
BATCH_ONLY = ("secrets", "include")


@st.composite
def action_inputs(draw: st.DrawFn) -> dict[str, str]:
    """Each input sane (90%) or hostile; single or batch mode, sometimes everything at once.

    Values are always hostile text (with the canary), so that sane runs write them.
    """
    mode = draw(st.sampled_from(["single"] * 4 + ["batch"] * 4 + ["chaos"]))
    inputs: dict[str, str] = {}
    for name in INPUT_NAMES:
        if (mode == "single" and name in BATCH_ONLY) or (mode == "batch" and name in SINGLE_ONLY):
            inputs[name] = ""
            continue
        hostile_input = draw(st.integers(min_value=0, max_value=99)) < 10
        if hostile_input:
            inputs[name] = draw(HOSTILE_INPUTS[name])
        elif name == "repositories" and inputs["visibility"].lower() in ("all", "private"):
            inputs[name] = ""  # repositories only go with selected: sane means none here
        else:
            inputs[name] = draw(SANE[name])
    return inputs


# -- known product bugs (each has a strict xfail test below) -------------------------------


def _lone_surrogate_in_reserved_json_key(text: str) -> bool:
    """Whether a JSON ``secrets`` object has a GITHUB_ key with a lone surrogate in it."""
    if not text.lstrip().startswith("{"):
        return False
    try:
        pairs = json.loads(text, object_pairs_hook=list)
    except (ValueError, RecursionError):
        return False
    keys = [key for key, _ in pairs if key.upper().startswith("GITHUB_")]
    return any(0xD800 <= ord(char) <= 0xDFFF for key in keys for char in key)


def oracle_parse(inputs: Mapping[str, str]) -> Parsed:
    """What the action decides about these inputs, in a workspace as empty as a test run's."""
    with tempfile.TemporaryDirectory() as workspace:
        return parse(inputs, workspace=Path(workspace))


def _known_bug(raw: Mapping[str, str]) -> str:
    """Why these inputs hit a known product bug ('' when they do not)."""
    if _lone_surrogate_in_reserved_json_key(raw.get("secrets", "")):
        return "lone surrogate in a reserved JSON key"
    return ""


def marked_plain_input(inputs: Mapping[str, str]) -> bool:
    """Whether a plain input (echoed by design) holds a marker the leak check looks for."""
    markers = (CANARY.lower(), OUTSIDE.lower(), ADMIN_TOKEN.lower())
    return any(
        marker in text.lower()
        for name, text in inputs.items()
        if name not in ("token", "value", "secrets")
        for marker in markers
    )


# -- running the action ------------------------------------------------------------------


@dataclass
class Waits:
    """The retry and pacing waits of one run, recorded instead of slept."""

    seconds: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.seconds.append(seconds)


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> Waits:
    """Every Transport the action builds sleeps on a fake clock."""
    recorded = Waits()
    clock = Clock(sleep=recorded.sleep)
    monkeypatch.setattr(transport, "Clock", lambda: clock)
    return recorded


def closed_port() -> int:
    """A loopback port nothing listens on (connections are refused at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Send every non-loopback request to a dead proxy: no DNS, no network, no wait."""
    dead = f"http://127.0.0.1:{closed_port()}"
    for name in PROXY_NAMES:
        value = "127.0.0.1,localhost,::1" if name == "NO_PROXY" else dead
        monkeypatch.setenv(name, value)
        monkeypatch.setenv(name.lower(), value)


def resolve(inputs: Mapping[str, str], emu: Emulator) -> dict[str, str]:
    """The inputs with the emulator's URL and a closed port filled in, NUL (which no
    environment variable can hold) turned into another control character."""
    return {
        name: value.replace(EMU, emu.url)
        .replace(REPO, str(emu.repo_id("octo-org", "infra")))
        .replace(CLOSED, str(closed_port()))
        .replace("\x00", "\x01")
        for name, value in inputs.items()
    }


def secret_pieces(values_: Iterable[str]) -> list[str]:
    """Each value and each of its lines that ``report.mask`` registers on its own."""
    found: list[str] = []
    for value in values_:
        if not value.strip():
            continue
        found.append(value)
        lines = value.splitlines()
        if len(lines) > 1:
            found.extend(line for line in lines if len(line.strip()) >= MIN_MASKED_LINE)
    return found


def escaped(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def check_run(
    run: ActionRun,
    emu: Emulator | None,
    secret_values: Iterable[str],
    *,
    recorded: Waits | None = None,
    retry_limit: float | None = None,
) -> None:
    """Exit 0/1 with a clear message, masks first, no canary elsewhere, valid requests."""
    assert run.exit_code in (0, 1), run.log[-2000:]
    assert "Traceback" not in run.log
    assert "Internal error" not in run.stdout, run.stdout[-2000:]
    assert run.stderr == ""
    errors = run.commands("error")
    if run.exit_code == 1:
        assert errors, "a failure says why"
        assert run.outputs.get("status") in ("failed", "mixed")
    else:
        assert not errors
        assert run.outputs.get("status")
    rest = check_masking(run, [v for v in secret_values if v])
    if emu is not None:
        check_requests(run, emu, rest)
    if recorded is not None and retry_limit is not None:
        assert sum(recorded.seconds) <= retry_limit + 1e-6


def check_masking(run: ActionRun, secret_values: list[str]) -> str:
    """Masks come first and cover every piece; nothing else shows a canary. Returns the rest."""
    lines = run.stdout.split("\n")  # the runner splits on \n only
    masks = [line for line in lines if line.startswith("::add-mask::")]
    assert lines[: len(masks)] == masks, "every ::add-mask:: comes before any other line"
    registered = {line.removeprefix("::add-mask::") for line in masks}
    for piece in secret_pieces(secret_values):
        assert escaped(piece) in registered, f"not masked: {piece[:20]!r}"
    rest_lines = lines[len(masks) :]
    for line in rest_lines:
        if line.startswith("::"):  # user text must never start a workflow command
            command = re.match(r"::([a-z-]+)", line)
            assert command is not None, line[:200]
            assert command.group(1) in OWN_COMMANDS, line[:200]
    rest = "\n".join(rest_lines) + run.stderr + json.dumps(run.outputs) + run.summary
    lowered = rest.lower()
    for marker in (CANARY, OUTSIDE, ADMIN_TOKEN):
        assert marker.lower() not in lowered, f"{marker} leaked"
    for piece in secret_pieces(secret_values):
        # Other pieces may be hostile text that another input legitimately echoes.
        if CANARY in piece:
            assert piece not in rest
    return rest


def check_requests(run: ActionRun, emu: Emulator, rest: str) -> None:
    """No request after an input problem; every answer one the inputs can explain."""
    if any(line.startswith("::error title=Invalid input") for line in run.stdout.split("\n")):
        assert emu.requests == [], "input problems stop the run before any request"
    for request in emu.requests:
        assert request.status in ALLOWED_STATUSES, (request.method, request.path, request.status)
        body = request.body if isinstance(request.body, dict) else {}
        ciphertext = body.get("encrypted_value")
        if isinstance(ciphertext, str):
            assert ciphertext not in rest


def retry_limit_of(inputs: Mapping[str, str]) -> float:
    parsed = oracle_parse(inputs)
    return parsed.config.retry.max_total_wait if parsed.config else 0.0


def stored_as_given(emu: Emulator, inputs: Mapping[str, str], run: ActionRun) -> None:
    """After a successful real run, GitHub holds exactly the values parse accepted."""
    parsed = oracle_parse(inputs)
    if run.exit_code != 0 or parsed.config is None or parsed.config.dry_run:
        return
    for org in parsed.config.orgs:
        for secret in parsed.config.secrets:
            stored = emu.secret(org, secret.name)
            assert stored is not None
            assert stored.value == secret.value


def canary_values(inputs: Mapping[str, str]) -> list[str]:
    """The inputs' secret material: token, value, and every value in ``secrets``."""
    parsed = oracle_parse(inputs)
    found = [inputs.get(name, "") for name in ("token", "value", "secrets")]
    found += parsed.values
    return [value for value in found if value]


# -- every input of the real action ------------------------------------------------------


@pytest.mark.timeout(60)
@hostile(200)
@given(inputs=action_inputs())
def test_action_survives_hostile_inputs(
    run_action: RunAction, waits: Waits, offline: None, inputs: dict[str, str]
) -> None:
    with Emulator() as emu:
        # Existing secrets, so that updates and kept visibilities are exercised too.
        web = emu.repo_id("octo-org", "web")
        emu.set_secret("octo-org", "A", "old", visibility="selected", repository_ids=[web])
        emu.set_secret("octo-org", "API_KEY", "old", visibility="all")
        resolved = resolve(inputs, emu)
        assume(not _known_bug(resolved))
        assume(not marked_plain_input(resolved))
        waits.seconds.clear()
        run = run_action(emu, **{name.replace("-", "_"): v for name, v in resolved.items()})
        check_run(
            run,
            emu,
            canary_values(resolved),
            recorded=waits,
            retry_limit=retry_limit_of(resolved),
        )
        stored_as_given(emu, resolved, run)
        event(f"exit {run.exit_code}, {len(emu.requests)} request(s)")
        event(
            "writes: "
            + ", ".join(sorted({str(r.status) for r in emu.requests if r.method == "PUT"}))
        )


@pytest.mark.timeout(60)
@hostile(40)
@given(
    secrets=st.one_of(json_secrets(), dotenv_secrets()),
    org=st.sampled_from(["octo-org", "octo-org,octo-labs"]),
)
def test_wellformed_batches_round_trip(
    run_action: RunAction, waits: Waits, secrets: str, org: str
) -> None:
    with Emulator() as emu:
        inputs = {"org": org, "secrets": secrets, "api-url": emu.url}
        run = run_action(emu, **inputs)
        check_run(run, emu, canary_values({"token": ADMIN_TOKEN, "value": "", **inputs}))
        stored_as_given(emu, {"token": ADMIN_TOKEN, **inputs}, run)


# -- inputs.parse with what no environment can hold -----------------------------------------


@pytest.mark.timeout(60)
@hostile(300)
@given(
    raw=st.fixed_dictionaries(
        {
            name: st.one_of(any_text, nasty)
            for name in INPUT_NAMES
            if name not in ("value", "token", "secrets")
        }
        | {
            "token": st.one_of(any_text, with_canary(any_text)),
            "value": st.one_of(st.just(""), with_canary(any_text)),
            "secrets": st.one_of(st.just(""), secrets_texts, any_text),
        }
    )
)
def test_parse_never_raises(raw: dict[str, str]) -> None:
    assume(not _known_bug(raw))
    with tempfile.TemporaryDirectory() as workspace:
        parsed = parse(raw, workspace=Path(workspace))
    assert (parsed.config is None) == bool(parsed.problems)
    for problem in parsed.problems:
        assert problem.input in INPUT_NAMES
        assert CANARY.lower() not in problem.message.lower()
    if raw["secrets"]:
        assert raw["secrets"] in parsed.values
    elif raw["value"]:
        assert raw["value"] in parsed.values
    config = parsed.config
    if config is None:
        return
    assert config.token
    assert not any(char.isspace() for char in config.token)
    assert config.api_url.startswith(("https://", "http://"))
    for secret in config.secrets:
        assert re.fullmatch(r"[A-Z_][A-Z0-9_]*", secret.name)
        assert not secret.name.startswith("GITHUB_")
        assert 0 < len(secret.value.encode("utf-8")) <= MAX_VALUE_BYTES
        assert secret.value in parsed.values
    assert 0 <= config.retry.max_total_wait <= 3600


# -- huge inputs -------------------------------------------------------------------------

HUGE = 3 * 1024 * 1024  # several MB: far beyond the 48 KB a value may have


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", INPUT_NAMES)
def test_huge_input(
    emulator: Emulator, run_action: RunAction, waits: Waits, offline: None, name: str
) -> None:
    filler = {"token": "ghp_" + CANARY, "value": CANARY}.get(name, "x")
    huge = filler + "x" * HUGE + ("\n" + "y" * 100) * 50
    inputs = {"api-url": emulator.url, "name": "A", "value": "v" + CANARY, name: huge}
    if name in ("secrets", "include"):
        inputs |= {"name": "", "value": "", "secrets": f'A="{CANARY}"'}
        inputs[name] = huge if name == "include" else f'A="{CANARY}{"x" * HUGE}"'
    started = time.monotonic()
    run = run_action(emulator, **{k.replace("-", "_"): v for k, v in inputs.items()})
    assert time.monotonic() - started < 20
    assert run.exit_code == 1
    check_run(run, emulator, canary_values({"token": ADMIN_TOKEN, **inputs}))


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("unit", "size", "accepted"),
    [
        ("v", MAX_VALUE_BYTES, True),
        ("é", MAX_VALUE_BYTES, True),
        ("🔑", MAX_VALUE_BYTES, True),
        ("v", MAX_VALUE_BYTES + 1, False),
        ("é", MAX_VALUE_BYTES + 1, False),
        ("🔑", MAX_VALUE_BYTES + 3, False),
    ],
)
def test_value_size_boundary(
    emulator: Emulator, run_action: RunAction, unit: str, size: int, accepted: bool
) -> None:
    """48 KB is counted in UTF-8 bytes, whatever the characters."""
    room = size - len(CANARY)
    value = CANARY + "v" * (room % len(unit.encode())) + unit * (room // len(unit.encode()))
    assert len(value.encode()) == size
    run = run_action(emulator, name="BIG", value=value)
    check_run(run, emulator, [value, ADMIN_TOKEN])
    assert run.exit_code == (0 if accepted else 1)
    stored = emulator.secret("octo-org", "BIG")
    assert (stored.value if stored else None) == (value if accepted else None)


@pytest.mark.timeout(60)
def test_largest_batch(emulator: Emulator, run_action: RunAction, waits: Waits) -> None:
    """100 secrets of 48 KB each (GitHub's limits): all written, byte for byte."""
    batch = {f"S{i:03}": f"{CANARY}{i:03}" + "z" * (MAX_VALUE_BYTES - 9) for i in range(100)}
    run = run_action(emulator, secrets=json.dumps(batch))
    check_run(run, emulator, [*batch.values(), ADMIN_TOKEN])
    assert run.exit_code == 0
    assert {s.name: s.value for s in emulator.secrets("octo-org")} == batch
    too_many = {**batch, "S100": CANARY}
    emulator.clear_requests()
    run = run_action(emulator, secrets=json.dumps(too_many))
    check_run(run, emulator, [*too_many.values(), ADMIN_TOKEN])
    assert run.exit_code == 1
    assert "at most 100" in run.stdout


# -- value-file: traversal, absolute paths, symlinks, special files ------------------------


@dataclass(frozen=True)
class Workspace:
    """A populated workspace and, beside it, a directory the action must never read."""

    root: Path
    outside: Path

    def populate(self) -> None:
        root, outside = self.root, self.outside
        outside.mkdir()
        (outside / "secret.txt").write_text(OUTSIDE)
        (root / "sub").mkdir()
        (root / "dir").mkdir()
        (root / "inside.txt").write_text(f"{CANARY}-inside\n  two\r\n")
        (root / "sub" / "inside.txt").write_text(f"{CANARY}-sub")
        (root / "empty.txt").write_text("")
        (root / "latin1.txt").write_bytes(b"caf\xe9 " + CANARY.encode())
        (root / "big.bin").write_bytes(b"b" * (MAX_VALUE_BYTES + 1))
        (root / "ünï cödé\nname.txt").write_text(f"{CANARY}-unicode-name")
        (root / "link-in").symlink_to("inside.txt")
        (root / "link-out").symlink_to(outside / "secret.txt")
        (root / "link-dir-out").symlink_to(outside)
        (root / "sub" / "link-up").symlink_to("../../outside/secret.txt")
        (root / "dangling").symlink_to("nowhere")
        os.mkfifo(root / "fifo")
        (root / "loop").symlink_to("loop")

    def expand(self, text: str) -> str:
        return text.replace("@WS@", str(self.root)).replace("@OUT@", str(self.outside))


SEGMENTS = (
    "..",
    ".",
    "",
    "inside.txt",
    "sub",
    "dir",
    "link-in",
    "link-out",
    "link-dir-out",
    "link-up",
    "dangling",
    "fifo",
    "empty.txt",
    "latin1.txt",
    "big.bin",
    "secret.txt",
    "outside",
    "ünï cödé\nname.txt",
    "~",
    "%2e%2e",
    "loop",
)
value_files = st.one_of(
    st.builds(
        lambda prefix, parts: prefix + "/".join(parts),
        st.sampled_from(["", "", "/", "@WS@/", "@OUT@/", "./", "../", "//"]),
        st.lists(st.one_of(st.sampled_from(SEGMENTS), env_text), min_size=1, max_size=5),
    ),
    nasty,
)


def run_in_workspace(
    workdir: Path,
    inputs: Mapping[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[ActionRun, Workspace]:
    """Like ``run_action``, with a populated workspace that ``value-file`` can point into."""
    env = runner_env(workdir / "run", {}, {})
    space = Workspace(Path(env["GITHUB_WORKSPACE"]), workdir / "outside")
    space.populate()
    env |= {f"INPUT_{k.upper()}": space.expand(v) for k, v in inputs.items()}
    with monkeypatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        capsys.readouterr()
        code = action.main(dict(os.environ))
        captured = capsys.readouterr()
    return read_back(env, code, captured.out, captured.err), space


@pytest.mark.timeout(60)
@hostile(100)
@given(path=value_files)
def test_value_file_stays_inside_the_workspace(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], path: str
) -> None:
    with Emulator() as emu, tempfile.TemporaryDirectory() as tmp:
        inputs = {"token": ADMIN_TOKEN, "org": "octo-org", "api-url": emu.url, "name": "A"}
        run, space = run_in_workspace(
            Path(tmp), {**inputs, "value-file": path}, monkeypatch, capsys
        )
        contents = [
            p.read_bytes().decode("utf-8", errors="replace")
            for p in space.root.rglob("*")
            if p.is_file() and not p.is_symlink()
        ]
        check_run(run, emu, [ADMIN_TOKEN])
        assert OUTSIDE not in run.stdout, "the file outside the workspace was read"
        stored = emu.secret("octo-org", "A")
        if run.exit_code == 0:
            assert stored is not None
            assert stored.value in contents
            assert escaped(stored.value) in run.stdout  # masked, first
            target = (space.root / space.expand(path).strip()).resolve()
            assert target.is_relative_to(space.root.resolve())
        else:
            assert stored is None


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("path", "fragment"),
    [
        ("../outside/secret.txt", "outside the workspace"),
        ("@OUT@/secret.txt", "outside the workspace"),
        ("link-out", "outside the workspace"),
        ("link-dir-out/secret.txt", "outside the workspace"),
        ("sub/link-up", "outside the workspace"),
        ("/etc/passwd", "outside the workspace"),
        ("/dev/zero", "outside the workspace"),
        ("/proc/self/environ", "outside the workspace"),
        ("dangling", "does not exist"),
        ("dir", "not a regular file"),
        ("fifo", "not a regular file"),
        ("empty.txt", "is empty"),
        ("latin1.txt", "not UTF-8"),
        ("big.bin", "at most 49152"),
        ("x" * 5000, ""),  # a name too long for the OS: any clear value-file problem
    ],
)
def test_value_file_refusals(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    path: str,
    fragment: str,
) -> None:
    with Emulator() as emu:
        inputs = {"token": ADMIN_TOKEN, "org": "octo-org", "api-url": emu.url, "name": "A"}
        run, _ = run_in_workspace(tmp_path, {**inputs, "value-file": path}, monkeypatch, capsys)
        check_run(run, emu, [ADMIN_TOKEN])
        assert run.exit_code == 1
        (error,) = run.commands("error")
        assert error.startswith("value-file: ")
        assert fragment in error
        assert emu.requests == []


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("inside.txt", f"{CANARY}-inside\n  two\r\n"),
        ("@WS@/sub/inside.txt", f"{CANARY}-sub"),
        ("sub/../link-in", f"{CANARY}-inside\n  two\r\n"),
        ("./sub//inside.txt", f"{CANARY}-sub"),
        ("ünï cödé\nname.txt", f"{CANARY}-unicode-name"),
    ],
)
def test_value_file_reads_inside(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    path: str,
    expected: str,
) -> None:
    with Emulator() as emu:
        inputs = {"token": ADMIN_TOKEN, "org": "octo-org", "api-url": emu.url, "name": "A"}
        run, _ = run_in_workspace(tmp_path, {**inputs, "value-file": path}, monkeypatch, capsys)
        check_run(run, emu, [ADMIN_TOKEN, expected])
        assert run.exit_code == 0, run.stdout
        stored = emu.secret("octo-org", "A")
        assert stored is not None
        assert stored.value == expected


# -- the real entry point, with bytes no in-process run can carry --------------------------


@pytest.mark.timeout(60)
def test_entrypoint_with_undecodable_environment(emulator: Emulator, tmp_path: Path) -> None:
    """Invalid UTF-8 in INPUT_VALUE reaches Python as surrogate escapes: a clear refusal."""
    env = runner_env(
        tmp_path,
        {"token": ADMIN_TOKEN, "org": "octo-org", "api-url": emulator.url, "name": "A"},
        {"INPUT_VALUE": CANARY + "\udcff\udc80", "PATH": os.environ.get("PATH", "")},
    )
    done = action_process(env)
    assert done.returncode == 1
    out = done.stdout.decode("utf-8", errors="replace")
    assert "value: the value is not valid UTF-8 text." in out
    assert "Traceback" not in out + done.stderr.decode("utf-8", errors="replace")
    shown = [line for line in out.split("\n") if CANARY in line]
    assert all(line.startswith("::add-mask::") for line in shown), "the value is never shown"
    assert emulator.requests == []


def action_process(env: Mapping[str, str]) -> subprocess.CompletedProcess[bytes]:
    """Start entrypoint.py with the image's interpreter flags; output kept as bytes."""
    command = [sys.executable, "-E", "-s", "-B", "-u", "-X", "utf8", str(ROOT / "entrypoint.py")]
    return subprocess.run(command, env=dict(env), capture_output=True, timeout=60, check=False)


# -- TLS is never turned off; plain http only to loopback -------------------------------------


@pytest.fixture
def tls_emulator() -> Iterator[Emulator]:
    with Emulator(tls=True) as emu:
        yield emu


def tls_failure(run: ActionRun, emu: Emulator) -> None:
    check_run(run, emu, [ADMIN_TOKEN, CANARY])
    assert run.exit_code == 1
    (error,) = run.commands("error")
    assert "TLS certificate" in error
    assert "REQUESTS_CA_BUNDLE" in error
    assert emu.requests == [], "the handshake failed: nothing reached the API"


@pytest.mark.timeout(60)
def test_tls_untrusted_certificate_fails_clearly(
    tls_emulator: Emulator, run_action: RunAction
) -> None:
    tls_failure(run_action(tls_emulator, name="A", value=CANARY), tls_emulator)


@pytest.mark.timeout(60)
def test_tls_wrong_ca_fails_clearly(
    tls_emulator: Emulator, run_action: RunAction, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Emulator(tls=True) as other:
        assert other.ca_file is not None
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", other.ca_file)
        tls_failure(run_action(tls_emulator, name="A", value=CANARY), tls_emulator)


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("name", "setting"),
    [
        ("REQUESTS_CA_BUNDLE", ""),
        ("CURL_CA_BUNDLE", ""),
        ("PYTHONHTTPSVERIFY", "0"),
        ("PYTHONHTTPSVERIFY", ""),
    ],
)
def test_tls_verification_cannot_be_switched_off(
    tls_emulator: Emulator,
    run_action: RunAction,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    setting: str,
) -> None:
    monkeypatch.setenv(name, setting)
    tls_failure(run_action(tls_emulator, name="A", value=CANARY), tls_emulator)


@pytest.mark.timeout(60)
def test_tls_with_the_ca_bundle_works(
    tls_emulator: Emulator, run_action: RunAction, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert tls_emulator.ca_file is not None
    assert tls_emulator.url.startswith("https://")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", tls_emulator.ca_file)
    run = run_action(tls_emulator, name="A", value=CANARY)
    check_run(run, tls_emulator, [ADMIN_TOKEN, CANARY])
    assert run.exit_code == 0
    stored = tls_emulator.secret("octo-org", "A")
    assert stored is not None
    assert stored.value == CANARY


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_missing_ca_bundle_is_explained(
    tls_emulator: Emulator, run_action: RunAction, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv(name, "/nonexistent/ca.pem")
    run = run_action(tls_emulator, name="A", value=CANARY)
    check_run(run, tls_emulator, [ADMIN_TOKEN, CANARY])
    assert any(name in error for error in run.commands("error"))


def api_url_problems(url: str) -> list[str]:
    raw = {"token": "ghp_x", "org": "octo-org", "name": "A", "value": "v", "api-url": url}
    return [p.message for p in parse(raw, workspace=None).problems if p.input == "api-url"]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080",
        "http://localhost",
        "http://[::1]:3000/api/v3",
        "http://127.0.0.2/",
        "HTTP://LOCALHOST:1",
    ],
)
def test_plain_http_to_loopback_is_allowed(url: str) -> None:
    assert api_url_problems(url) == []


@pytest.mark.parametrize(
    "url",
    [
        "http://api.github.com",
        "http://10.0.0.1",
        "http://192.168.1.1:8080",
        "http://localhost.example.com",
        "http://127.0.0.1.nip.io",
        "http://0.0.0.0",
        "http://[::]",
        "http://[fe80::1]",
        "HTTP://example.com",
        "http:///127.0.0.1",
        "http:127.0.0.1",
    ],
)
def test_plain_http_elsewhere_is_refused(url: str) -> None:
    assert api_url_problems(url)


HOSTS = st.one_of(
    st.sampled_from(["127.0.0.1", "localhost", "[::1]", "127.9.9.9", "LocalHost", "127.1"]),
    st.ip_addresses(v=4).map(str),
    st.ip_addresses(v=6).map(lambda a: f"[{a}]"),
    st.from_regex(r"[a-z0-9-]{1,12}(\.[a-z0-9-]{1,12}){0,3}", fullmatch=True),
    env_text,
)


@hostile(200)
@given(host=HOSTS, port=st.sampled_from(["", ":1", ":8080", ":0", ":x"]), path=env_text)
def test_plain_http_only_reaches_loopback(host: str, port: str, path: str) -> None:
    url = f"http://{host}{port}/{path}"
    if not api_url_problems(url):
        hostname = urlsplit(url.strip()).hostname or ""
        assert hostname == "localhost" or ipaddress.ip_address(hostname).is_loopback, url


@pytest.mark.timeout(60)
def test_plain_http_action_run_is_refused(emulator: Emulator, run_action: RunAction) -> None:
    run = run_action(emulator, api_url="http://api.github.com", name="A", value=CANARY)
    check_run(run, emulator, [ADMIN_TOKEN, CANARY])
    assert run.exit_code == 1
    assert run.commands("error") == [
        "api-url: 'http://api.github.com' is plain http; use https (http only for loopback)."
    ]


# -- regressions: bugs these properties found, fixed since -----------------------------------

BASE = {"token": "ghp_x", "org": "octo-org", "name": "A", "value": "v"}


@pytest.mark.timeout(60)
def test_token_beyond_latin1(emulator: Emulator, run_action: RunAction) -> None:
    token = f"ghp_{CANARY}🔑"
    run = run_action(emulator, token=token, name="A", value=CANARY + "v")
    check_run(run, emulator, [token, CANARY + "v"])
    assert any("token" in error for error in run.commands("error"))


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "url", ["https://exa mple.invalid", "https://a..b.invalid", f"https://{'a' * 64}.invalid"]
)
def test_api_url_requests_cannot_use(
    run_action: RunAction, waits: Waits, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    for name in PROXY_NAMES:  # no proxy: urllib3 checks the host itself (no DNS is reached)
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    run = run_action(None, api_url=url, name="A", value=CANARY, retry_wait_limit="0")
    check_run(run, None, [ADMIN_TOKEN, CANARY])
    assert run.exit_code == 1


@pytest.mark.parametrize("name", ["repositories", "retry-wait-limit"])
def test_huge_decimal_is_an_input_problem(name: str) -> None:
    parsed = parse({**BASE, name: "9" * 5000}, workspace=None)
    assert [p.input for p in parsed.problems] == [name]


@pytest.mark.timeout(60)
def test_value_file_symlink_loop(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with Emulator() as emu:
        inputs = {"token": ADMIN_TOKEN, "org": "octo-org", "api-url": emu.url, "name": "A"}
        run, _ = run_in_workspace(tmp_path, {**inputs, "value-file": "loop"}, monkeypatch, capsys)
        check_run(run, emu, [ADMIN_TOKEN])
        assert run.exit_code == 1
        assert run.commands("error")[0].startswith("value-file: ")


@pytest.mark.timeout(60)
def test_cli_value_file_symlink_loop(
    emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "loop").symlink_to("loop")
    monkeypatch.setenv("GH_TOKEN", ADMIN_TOKEN)
    argv = ["--org", "octo-org", "--name", "A", "--value-file", str(tmp_path / "loop")]
    assert cli_main([*argv, "--api-url", emulator.url]) == 1


@pytest.mark.timeout(60)
def test_lone_surrogate_from_json_is_an_input_problem(
    emulator: Emulator, run_action: RunAction
) -> None:
    secrets = '{"A": "' + CANARY + '\\ud800"}'
    run = run_action(emulator, secrets=secrets)
    check_run(run, emulator, [secrets])
    assert "secrets: the value of A is not valid UTF-8 text." in run.commands("error")


@pytest.mark.timeout(60)
@pytest.mark.parametrize("line", [f"MIIEv{CANARY}Base64=", f"GITHUB_{CANARY}Piece=x"])
def test_dotenv_key_from_a_value_is_not_echoed(
    emulator: Emulator, run_action: RunAction, line: str
) -> None:
    secrets = f"KEY=-----BEGIN KEY-----\n{line}\n-----END KEY-----\n"
    run = run_action(emulator, secrets=secrets)
    check_run(run, emulator, [secrets])


@pytest.mark.timeout(60)
def test_dotenv_first_line_whitespace(emulator: Emulator, run_action: RunAction) -> None:
    value = f"{CANARY} first \t\nsecond\n"
    run = run_action(emulator, secrets=f'A="{value}"')
    check_run(run, emulator, [value, ADMIN_TOKEN])
    assert run.exit_code == 0
    stored = emulator.secret("octo-org", "A")
    assert stored is not None
    assert stored.value == value


@pytest.mark.parametrize("path", ["a\x00b", "a\ud800b"])
def test_parse_value_file_the_os_cannot_name(path: str, tmp_path: Path) -> None:
    parsed = parse({**BASE, "value": "", "value-file": path}, workspace=tmp_path)
    assert [p.input for p in parsed.problems] == ["value-file"]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("which", ["name", "org", "secrets"])
def test_huge_input_keeps_the_summary_small(
    emulator: Emulator, run_action: RunAction, which: str
) -> None:
    """Problems quote a bounded piece of the input; at most so many are listed."""
    huge = {"name": "N-" * (HUGE // 2), "org": "o" * HUGE, "secrets": "x\n" * (HUGE // 8)}[which]
    inputs = {"name": "A", "value": CANARY, which: huge}
    if which == "secrets":
        inputs |= {"name": "", "value": ""}
    run = run_action(emulator, **inputs)
    check_run(run, emulator, canary_values({"token": ADMIN_TOKEN, **inputs}))
    assert run.exit_code == 1
    assert len(run.summary.encode("utf-8")) <= SUMMARY_LIMIT
    assert len(run.commands("error")) <= 100


# -- regressions: product bugs found by these tests, now fixed -----------------------------


@pytest.mark.timeout(60)
def test_lone_surrogate_in_a_reserved_json_key(emulator: Emulator, run_action: RunAction) -> None:
    secrets = '{"GITHUB_\\ud800": "x", "A": "' + CANARY + '"}'
    run = run_action(emulator, secrets=secrets)
    check_run(run, emulator, [secrets, CANARY])


@pytest.mark.timeout(60)
def test_huge_valid_name_keeps_the_summary_small(emulator: Emulator, run_action: RunAction) -> None:
    run = run_action(emulator, name="N" * HUGE, value=CANARY)
    check_run(run, emulator, [ADMIN_TOKEN, CANARY])
    assert run.exit_code == 1
    assert emulator.requests == []  # an input problem, found before any request
    assert len(run.summary.encode("utf-8")) <= SUMMARY_LIMIT
