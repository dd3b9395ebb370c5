"""Hostile inputs for the action: hypothesis strategies, canaries and run checks.

The strategies are ``tests/test_hostile.py``'s properties (hostile inputs are proved
there, with every ``make test``, not repeated by ``make reliability``); the canary and the
run checks are shared with ``scripts/reliability.py``. Every value and token drawn holds
``CANARY``, so any echo of one is found; ``check_run`` holds what every run must keep:
exit 0 or 1 with a clear message, no traceback, masks first, no canary shown, and only
requests the inputs can explain.
"""

from __future__ import annotations

import json
import socket
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from codespaces_secrets.inputs import INPUT_NAMES, Parsed, parse
from github_emulator import ADMIN_TOKEN, LABS_TOKEN, Emulator

from .fakes import FakeTime
from .leaks import find_leaks, mask_pieces, shown_text
from .runner import ActionRun

# Inside every value and token drawn, so that any echo of one is found. Built at run time:
# hypothesis also draws the string literals of loaded source files, and a canary drawn into
# a plain input (org, name, ...) would be echoed there legitimately.
CANARY = "".join(map(chr, (99, 110, 114, 121, 55, 81)))
OUTSIDE = "0utside" + CANARY.upper()  # a file outside the workspace: never read, never shown
EMU = "@EMU@"  # replaced by the emulator's URL when a run starts
CLOSED = "@CLOSED@"  # replaced by a loopback port nothing listens on
ALLOWED_STATUSES = {200, 201, 204, 401, 403, 404}  # 401 token, 403 SAML, 404 org or path
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
    if style == "multiline" and "\n" in value and not {'"', "\\", "\r"} & set(value):
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
broken_tail = st.text(ENV_CHARS, max_size=30)
BROKEN_DOTENV_LINES = st.one_of(
    st.sampled_from(
        ["A", "=x", "A = x", "A==", "export", "export A", "A=\\", "\ufeffA=x", "A=x #c", "#"]
    ),
    st.builds(lambda v: f'A="{CANARY}{v}', broken_tail),  # never closed
    st.builds(lambda v: f"A='{CANARY}{v}' tail", broken_tail),  # text after the quote
    st.builds(lambda v: f"{CANARY}{v}", broken_tail),  # an unquoted line of a value
    broken_tail,
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
    "tokens": st.sampled_from(
        ["", "", "", f"octo-labs={LABS_TOKEN}", json.dumps({"octo-org": ADMIN_TOKEN})]
    ),
    "apps": st.sampled_from(["", "", "codespaces", "Codespaces"]),
    "delete": st.sampled_from(["", "", "", "OLD", "API_KEY", "old, gone"]),
    "prune": st.sampled_from(["", "", "false", "true"]),
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
    "run-time-limit": st.sampled_from(["", "", "30", "1"]),
    "max-parallel": st.sampled_from(["", "", "8", "1", "2"]),
    "name": valid_names,
    "value": values,
    "value-file": st.just(""),
    "secrets": st.one_of(json_secrets(valid_names), dotenv_secrets(valid_names)),
    "include": st.one_of(st.just(""), st.sampled_from(["A*", "*", "API_?", "a_b\nX*"])),
    "secrets-file": st.just(""),
    "prune-limit": st.sampled_from(["", "", "0", "1", "100"]),
}
HOSTILE_INPUTS = {
    "token": tokens,
    "tokens": st.one_of(
        st.builds(lambda org, token: f"{org}={token}", orgs, tokens),
        st.builds(lambda org, token: json.dumps({org: token}), orgs, tokens),
        hostile_text,
    ),
    "apps": st.one_of(
        st.sampled_from(["dependabot", "codespaces, codespaces", "CODESPACES\nnope"]),
        hostile_text,
    ),
    "delete": st.one_of(secret_names, st.lists(secret_names).map(", ".join)),
    "prune": switches,
    "org": orgs,
    "visibility": visibilities,
    "repositories": repositories,
    "api-url": api_urls,
    "dry-run": switches,
    "retry-wait-limit": retry_limits,
    "run-time-limit": retry_limits,
    "max-parallel": retry_limits,
    "name": secret_names,
    "value": st.one_of(values, st.just("")),
    "value-file": hostile_text,
    "secrets": secrets_texts,
    "include": includes,
    "secrets-file": hostile_text,
    "prune-limit": retry_limits,
}
SINGLE_ONLY = ("name", "value", "value-file")
BATCH_ONLY = ("secrets", "secrets-file", "include", "prune", "prune-limit")


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


def oracle_parse(inputs: Mapping[str, str]) -> Parsed:
    """What the action decides about these inputs, in a workspace as empty as a test run's."""
    with tempfile.TemporaryDirectory() as workspace:
        return parse(inputs, workspace=Path(workspace))


def marked_plain_input(inputs: Mapping[str, str]) -> bool:
    """Whether a plain input (echoed by design) holds a marker the leak check looks for."""
    markers = (CANARY.lower(), OUTSIDE.lower(), ADMIN_TOKEN.lower())
    return any(
        marker in text.lower()
        for name, text in inputs.items()
        if name not in ("token", "tokens", "value", "secrets")
        for marker in markers
    )


def closed_port() -> int:
    """A loopback port nothing listens on (connections are refused at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


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


def check_run(
    run: ActionRun,
    emu: Emulator | None,
    secret_values: Iterable[str],
    *,
    recorded: FakeTime | None = None,
    retry_limit: float | None = None,
) -> None:
    """Exit 0/1 with a clear message, masks first, no canary elsewhere, valid requests."""
    assert run.exit_code in (0, 1), run.log[-2000:]
    assert "Traceback" not in run.log
    assert "::error title=Internal error::" not in run.stdout, run.stdout[-2000:]
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
        assert recorded.waited <= retry_limit + 1e-6


def check_masking(run: ActionRun, secret_values: list[str]) -> str:
    """Masks come first and cover every piece; nothing else shows a canary. Returns the rest.

    Only pieces holding the canary must stay hidden: other pieces may be hostile text
    that another input legitimately echoes.
    """
    canaried = [piece for piece in mask_pieces(secret_values) if CANARY in piece]
    leaks = find_leaks(run, secret_values, hidden=canaried, markers=(CANARY, OUTSIDE, ADMIN_TOKEN))
    assert leaks == [], leaks
    return shown_text(run)


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
    return parsed.config.access.retry.max_total_wait if parsed.config else 0.0


def stored_as_given(emu: Emulator, inputs: Mapping[str, str], run: ActionRun) -> None:
    """After a successful real run, every store holds exactly the values parse accepted,
    and none of the names it was told to delete."""
    parsed = oracle_parse(inputs)
    if run.exit_code != 0 or parsed.config is None or parsed.config.job.dry_run:
        return
    job = parsed.config.job
    for org in job.orgs:
        for store in job.stores:
            for secret in job.secrets:
                stored = emu.secret(org, secret.name, store=store.value)
                assert stored is not None
                assert stored.value == secret.value
            for name in job.deletes:
                assert emu.secret(org, name, store=store.value) is None


def canary_values(inputs: Mapping[str, str]) -> list[str]:
    """The inputs' secret material: token, value, and every value in ``secrets``."""
    parsed = oracle_parse(inputs)
    found = [inputs.get(name, "") for name in ("token", "tokens", "value", "secrets")]
    found += parsed.values
    return [value for value in found if value]
