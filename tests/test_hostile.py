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

The strategies, canaries and checks live in ``testkit.hostile``; ``make reliability``
does not repeat these runs (it shares the canary and the checks). Hostile server text has
its properties here too: whatever a server quotes and wherever the cut falls, no
12-character fragment of a secret survives the scrub. Bugs these properties found keep a
plain regression test.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import assume, event, given
from hypothesis import strategies as st

from codespaces_secrets.cli import main as cli_main
from codespaces_secrets.config import MAX_VALUE_BYTES
from codespaces_secrets.inputs import INPUT_NAMES, parse
from codespaces_secrets.redact import MIN_PREFIX, REDACTED, Redactor, inert
from github_emulator import ADMIN_TOKEN, Emulator
from testkit import ROOT, ActionRun, FakeTime, escaped, run_in_process, runner_env
from testkit.hostile import (
    CANARY,
    OUTSIDE,
    PROXY_NAMES,
    SUMMARY_LIMIT,
    action_inputs,
    any_text,
    canary_values,
    check_run,
    closed_port,
    dotenv_secrets,
    env_text,
    hostile,
    json_secrets,
    marked_plain_input,
    nasty,
    resolve,
    retry_limit_of,
    secrets_texts,
    stored_as_given,
    with_canary,
)
from testkit.leaks import fragments_shown

from conftest import RunAction

# -- running the action ------------------------------------------------------------------


@pytest.fixture
def waits() -> FakeTime:
    """A clock for the action's transport: retry and pacing waits are recorded, not slept."""
    return FakeTime()


@pytest.fixture
def offline() -> dict[str, str]:
    """An environment that sends every non-loopback request to a dead proxy: no DNS, no wait."""
    dead = f"http://127.0.0.1:{closed_port()}"
    env = {}
    for name in PROXY_NAMES:
        value = "127.0.0.1,localhost,::1" if name == "NO_PROXY" else dead
        env[name] = env[name.lower()] = value
    return env


# -- every input of the real action ------------------------------------------------------


@pytest.mark.timeout(60)
@hostile(200)
@given(inputs=action_inputs())
def test_action_survives_hostile_inputs(
    run_action: RunAction, waits: FakeTime, offline: dict[str, str], inputs: dict[str, str]
) -> None:
    with Emulator() as emu:
        # Existing secrets, so that updates and kept visibilities are exercised too.
        web = emu.repo_id("octo-org", "web")
        emu.set_secret("octo-org", "A", "old", visibility="selected", repository_ids=[web])
        emu.set_secret("octo-org", "API_KEY", "old", visibility="all")
        resolved = resolve(inputs, emu)
        assume(not marked_plain_input(resolved))
        waits.sleeps.clear()
        run = run_action(
            emu,
            clock=waits.clock,
            env=offline,
            **{name.replace("-", "_"): v for name, v in resolved.items()},
        )
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
    run_action: RunAction, waits: FakeTime, secrets: str, org: str
) -> None:
    with Emulator() as emu:
        inputs = {"org": org, "secrets": secrets, "api-url": emu.url}
        run = run_action(emu, clock=waits.clock, **inputs)
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
            if name not in ("value", "token", "tokens", "secrets")
        }
        | {
            "token": st.one_of(any_text, with_canary(any_text)),
            "tokens": st.one_of(st.just(""), with_canary(any_text)),
            "value": st.one_of(st.just(""), with_canary(any_text)),
            "secrets": st.one_of(st.just(""), secrets_texts, any_text),
        }
    )
)
def test_parse_never_raises(raw: dict[str, str]) -> None:
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
    assert config.access.token or config.access.org_tokens
    assert not any(char.isspace() for char in config.access.token)
    assert config.access.api_url.startswith(("https://", "http://"))
    for secret in config.job.secrets:
        assert re.fullmatch(r"[A-Z_][A-Z0-9_]*", secret.name)
        assert not secret.name.startswith("GITHUB_")
        assert 0 < len(secret.value.encode("utf-8")) <= MAX_VALUE_BYTES
        assert secret.value in parsed.values
    assert 0 <= config.access.retry.max_total_wait <= 3600


# -- huge inputs -------------------------------------------------------------------------

HUGE = 3 * 1024 * 1024  # several MB: far beyond the 48 KB a value may have


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", INPUT_NAMES)
def test_huge_input(
    emulator: Emulator, run_action: RunAction, waits: FakeTime, offline: dict[str, str], name: str
) -> None:
    filler = {"token": "ghp_" + CANARY, "value": CANARY}.get(name, "x")
    huge = filler + "x" * HUGE + ("\n" + "y" * 100) * 50
    inputs = {"api-url": emulator.url, "name": "A", "value": "v" + CANARY, name: huge}
    if name in ("secrets", "include"):
        inputs |= {"name": "", "value": "", "secrets": f'A="{CANARY}"'}
        inputs[name] = huge if name == "include" else f'A="{CANARY}{"x" * HUGE}"'
    started = time.monotonic()
    run = run_action(
        emulator,
        clock=waits.clock,
        env=offline,
        **{k.replace("-", "_"): v for k, v in inputs.items()},
    )
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
def test_largest_batch(emulator: Emulator, run_action: RunAction, waits: FakeTime) -> None:
    """100 secrets of 48 KB each (GitHub's limits): all written, byte for byte."""
    batch = {f"S{i:03}": f"{CANARY}{i:03}" + "z" * (MAX_VALUE_BYTES - 9) for i in range(100)}
    run = run_action(emulator, clock=waits.clock, secrets=json.dumps(batch))
    check_run(run, emulator, [*batch.values(), ADMIN_TOKEN])
    assert run.exit_code == 0
    assert {s.name: s.value for s in emulator.secrets("octo-org")} == batch
    too_many = {**batch, "S100": CANARY}
    emulator.clear_requests()
    run = run_action(emulator, clock=waits.clock, secrets=json.dumps(too_many))
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


def run_in_workspace(workdir: Path, inputs: Mapping[str, str]) -> tuple[ActionRun, Workspace]:
    """Like ``run_action``, with a populated workspace that ``value-file`` can point into."""
    env = runner_env(workdir / "run", {}, {})
    space = Workspace(Path(env["GITHUB_WORKSPACE"]), workdir / "outside")
    space.populate()
    env |= {f"INPUT_{k.upper()}": space.expand(v) for k, v in inputs.items()}
    return run_in_process(env), space


@pytest.mark.timeout(60)
@hostile(100)
@given(path=value_files)
def test_value_file_stays_inside_the_workspace(path: str) -> None:
    with Emulator() as emu, tempfile.TemporaryDirectory() as tmp:
        inputs = {"token": ADMIN_TOKEN, "org": "octo-org", "api-url": emu.url, "name": "A"}
        run, space = run_in_workspace(Path(tmp), {**inputs, "value-file": path})
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
    tmp_path: Path,
    path: str,
    fragment: str,
) -> None:
    with Emulator() as emu:
        inputs = {"token": ADMIN_TOKEN, "org": "octo-org", "api-url": emu.url, "name": "A"}
        run, _ = run_in_workspace(tmp_path, {**inputs, "value-file": path})
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
    tmp_path: Path,
    path: str,
    expected: str,
) -> None:
    with Emulator() as emu:
        inputs = {"token": ADMIN_TOKEN, "org": "octo-org", "api-url": emu.url, "name": "A"}
        run, _ = run_in_workspace(tmp_path, {**inputs, "value-file": path})
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
        env = {"REQUESTS_CA_BUNDLE": other.ca_file}
        tls_failure(run_action(tls_emulator, env=env, name="A", value=CANARY), tls_emulator)


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
    env = {name: setting}
    tls_failure(run_action(tls_emulator, env=env, name="A", value=CANARY), tls_emulator)


@pytest.mark.timeout(60)
def test_tls_with_the_ca_bundle_works(
    tls_emulator: Emulator, run_action: RunAction, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert tls_emulator.ca_file is not None
    assert tls_emulator.url.startswith("https://")
    env = {"REQUESTS_CA_BUNDLE": tls_emulator.ca_file}
    run = run_action(tls_emulator, env=env, name="A", value=CANARY)
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
    run = run_action(tls_emulator, env={name: "/nonexistent/ca.pem"}, name="A", value=CANARY)
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
def test_api_url_requests_cannot_use(run_action: RunAction, waits: FakeTime, url: str) -> None:
    # No proxy in the action's environment: urllib3 checks the host itself (no DNS).
    run = run_action(
        None, clock=waits.clock, api_url=url, name="A", value=CANARY, retry_wait_limit="0"
    )
    check_run(run, None, [ADMIN_TOKEN, CANARY])
    assert run.exit_code == 1


@pytest.mark.parametrize("name", ["repositories", "retry-wait-limit"])
def test_huge_decimal_is_an_input_problem(name: str) -> None:
    parsed = parse({**BASE, name: "9" * 5000}, workspace=None)
    assert [p.input for p in parsed.problems] == [name]


@pytest.mark.timeout(60)
def test_value_file_symlink_loop(tmp_path: Path) -> None:
    with Emulator() as emu:
        inputs = {"token": ADMIN_TOKEN, "org": "octo-org", "api-url": emu.url, "name": "A"}
        run, _ = run_in_workspace(tmp_path, {**inputs, "value-file": "loop"})
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


# -- hostile server text: scrubbed before any cut -----------------------------------------

SECRET_CHARS = st.characters(
    whitelist_categories=["Lu", "Ll", "Nd"], max_codepoint=0x17F
)  # never in the filler below, so any run of a secret shown comes from the secret
FILLER = st.text(st.sampled_from(' .:;-=xyz{}"\n'), max_size=600)


@hostile(300)
@given(
    secret=st.text(SECRET_CHARS, min_size=1, max_size=700),
    before=FILLER,
    after=FILLER,
    cap=st.integers(min_value=0, max_value=800),
    own_cut=st.integers(min_value=0, max_value=700),
)
def test_no_fragment_survives_scrub_then_cap(
    secret: str, before: str, after: str, cap: int, own_cut: int
) -> None:
    redactor = Redactor([secret])
    # The secret whole, then as a server that cut it itself (a start, then more text).
    for quoted in (secret, secret[:own_cut]):
        shown = redactor.scrub_then_cap(before + quoted + after, cap)
        assert fragments_shown(shown, [secret]) == []
        assert len(shown) <= cap + len(REDACTED)
        tail = shown.removesuffix(REDACTED)
        assert (
            not any(tail.endswith(secret[:size]) for size in range(MIN_PREFIX, len(secret)))
            or tail != shown
        )


@hostile(200)
@given(text=st.text(max_size=80))
def test_inert_text_has_no_control_or_format_character(text: str) -> None:
    shown = inert(text)
    assert all(c in "\t\n\u200b\u200c\u200d" or c.isprintable() for c in shown)
    assert inert(shown) == shown
