"""Nothing the network sends can mislead a run or make it leak; runs end cleanly.

Bad answers become errors of their org, server text is scrubbed and inert, the token is
the only credential, connection failures say what failed, and signals or unwritable
runner files end a run with one clear line. Real sockets throughout.
"""

from __future__ import annotations

import io
import json
import signal
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from codespaces_secrets.action import main, runner_from
from codespaces_secrets.apiroot import check_api_root, normal_path, within_api
from codespaces_secrets.attempt import failure_kind
from codespaces_secrets.clock import SYSTEM_CLOCK
from codespaces_secrets.config import Access, RetryPolicy, Store
from codespaces_secrets.errors import ApiError, RetriesExhaustedError
from codespaces_secrets.github import GitHub, public_key_fields, repository_item, secret_item
from codespaces_secrets.netenv import network_from
from codespaces_secrets.redact import inert
from codespaces_secrets.remedies import MAX_SCOPE_WORDS, remedy_for, scope_words
from codespaces_secrets.report import Runner, inert_line
from codespaces_secrets.retry import Fault, Retrier
from codespaces_secrets.transport import HttpTransport
from github_emulator import ADMIN_TOKEN, Emulator
from github_emulator.hostile import (
    DeeplyNested,
    HtmlOk,
    ListForObject,
    Misbehaviour,
    MissingKeyId,
    NullFields,
    Reflect,
    UnknownVisibility,
    ZeroKey,
)
from testkit import (
    ActionRun,
    FakeTime,
    Recorder,
    attacks,
    find_leaks,
    run_measured,
    runner_env,
    wire,
)
from testkit.hostile import closed_port
from testkit.wire import Request, WireServer

from conftest import RunAction

KEY = "/orgs/octo-org/codespaces/secrets/public-key"
LISTING = "/orgs/octo-org/codespaces/secrets"


@pytest.fixture
def server() -> Iterator[WireServer]:
    """A wire server whose attack the test sets (``server.attack = ...``)."""
    with WireServer(wire.answer(404, {"message": "Not Found"})) as found:
        yield found


# -- 5. every answer checked --------------------------------------------------------------

MALFORMED_KEYS: dict[str, Misbehaviour] = {
    "a list for the object": ListForObject(),
    "null fields": NullFields(),
    "no key_id": MissingKeyId(),
    "an all-zero key": ZeroKey(),
    "HTML with 200": HtmlOk(),
    "JSON nested deep": DeeplyNested(),
}
BAD_KEYS = {
    "an empty key_id": {"key_id": "", "key": wire.KEY},
    "a short key": {"key_id": "1", "key": "AAAA"},
    "not base64": {"key_id": "1", "key": "not base64 at all!"},
    "a JSON string": "<html>Sign in</html>",
}


def assert_octo_org_alone_failed(run: ActionRun) -> None:
    """octo-org's bad answer failed octo-org, clearly; octo-labs was written all the same."""
    assert run.exit_code == 1
    assert "Internal error" not in run.log
    (error,) = run.commands("error")
    assert "not what GitHub's API documents" in error
    results = {r["org"]: r["status"] for r in run.results}
    assert results == {"octo-org": "failed", "octo-labs": "created"}


@pytest.mark.parametrize("mode", MALFORMED_KEYS.values(), ids=MALFORMED_KEYS.keys())
def test_a_malformed_key_answer_fails_its_org_only(
    emulator: Emulator, run_action: RunAction, mode: Misbehaviour
) -> None:
    emulator.misbehave("GET", KEY, mode)
    assert_octo_org_alone_failed(
        run_action(emulator, org="octo-org\nocto-labs", name="A", value="v")
    )


@pytest.mark.parametrize("body", BAD_KEYS.values(), ids=BAD_KEYS.keys())
def test_a_bad_key_answer_fails_its_org_only(
    emulator: Emulator, run_action: RunAction, body: object
) -> None:
    emulator.inject("GET", KEY, status=200, body=body)
    assert_octo_org_alone_failed(
        run_action(emulator, org="octo-org\nocto-labs", name="A", value="v")
    )


BAD_LISTINGS = {
    "secrets not a list": {"total_count": 1, "secrets": {"name": "A"}},
    "a null name": {"total_count": 1, "secrets": [{"name": None, "visibility": "all"}]},
    "an item that is a list": {"total_count": 1, "secrets": [["A", "all"]]},
}


@pytest.mark.parametrize("body", BAD_LISTINGS.values(), ids=BAD_LISTINGS.keys())
def test_a_bad_listing_fails_its_org_only(
    emulator: Emulator, run_action: RunAction, body: object
) -> None:
    emulator.inject("GET", LISTING, status=200, body=body)
    run = run_action(emulator, org="octo-org\nocto-labs", name="A", value="v", dry_run="true")
    assert run.exit_code == 1
    assert "Internal error" not in run.log
    assert any("not what GitHub's API documents" in e for e in run.commands("error"))
    results = {r["org"]: r["status"] for r in run.results}
    assert results["octo-labs"] == "would-create"


def test_an_unknown_visibility_fails_its_org_only(
    emulator: Emulator, run_action: RunAction
) -> None:
    emulator.set_secret("octo-org", "A", "old")
    emulator.misbehave("GET", LISTING, UnknownVisibility())
    run = run_action(emulator, org="octo-org\nocto-labs", name="A", value="v")
    assert run.exit_code == 1
    assert "Internal error" not in run.log
    assert any("unknown visibility" in e for e in run.commands("error"))
    results = {r["org"]: r["status"] for r in run.results}
    assert results == {"octo-org": "failed", "octo-labs": "created"}


@pytest.mark.parametrize(
    "raw",
    [b"<html><body>Sign in</body></html>", b"[" * 100_000, b'{"key_id": "1", "key"'],
    ids=["html", "deeply nested", "truncated"],
)
def test_a_body_that_is_not_json_is_a_clear_error(server: WireServer, raw: bytes) -> None:
    server.attack = wire.answer(200, raw, {"Content-Type": "text/html"})
    transport = HttpTransport(Access(server.url, "tok"), clock=SYSTEM_CLOCK, events=Recorder())
    with pytest.raises(ApiError, match="it is not JSON"):
        GitHub(transport).public_key("octo-org", Store.CODESPACES)


@pytest.mark.parametrize("name", ["", "A B", "[x](https://e.example)", "A\n::error::x", "Ä"])
def test_a_listed_name_github_would_refuse_is_a_bad_answer(name: str) -> None:
    with pytest.raises(ApiError, match="not a secret name"):
        secret_item({"name": name, "visibility": "all"}, "list")
    assert secret_item({"name": "API_KEY", "visibility": "all"}, "list") == (
        "API_KEY",
        "all",
        "",
    )


@pytest.mark.parametrize(
    ("item", "problem"),
    [
        ({"id": 1, "full_name": "octo-org/<b>x</b>"}, "full_name"),
        ({"id": 1, "full_name": "no-slash"}, "full_name"),
        ({"id": "1", "full_name": "octo-org/web"}, "id"),
        ({"id": True, "full_name": "octo-org/web"}, "id"),
        ({"id": -5, "full_name": "octo-org/web"}, "id"),
        ({"id": 2**64, "full_name": "octo-org/web"}, "id"),
    ],
)
def test_a_repository_is_checked_field_by_field(item: dict[str, object], problem: str) -> None:
    with pytest.raises(ApiError, match=f"a repository's {problem}"):
        repository_item(item, "look up")


def test_http_999_is_not_retried_as_a_server_error(server: WireServer) -> None:
    server.attack = wire.answer(999, {"message": "what"})
    transport = HttpTransport(Access(server.url, "tok"), clock=FakeTime().clock, events=Recorder())
    with pytest.raises(ApiError) as caught:
        transport.request("GET", KEY, operation="fetch")
    assert not isinstance(caught.value, RetriesExhaustedError)
    assert "not an answer GitHub gives" in str(caught.value)
    assert len(server.requests) == 1


# -- 6. no reflected secrets; server text inert --------------------------------------------


def reflect_everything(value: str) -> wire.Attack:
    """A key and an empty listing, then a 422 to the write quoting its Authorization, its
    body and ``value``."""

    def attack(conn: socket.socket, request: Request) -> None:
        if request.method == "GET":
            wire.answer(200, {"total_count": 0, "secrets": []})(conn, request)
            return
        body = request.body.decode("utf-8", "replace")
        quote = (
            f"{request.headers.get('authorization', '')} {body} {value} "
            "[click](https://evil.example/x) ![img](https://evil.example/i.png) <b>bold</b> "
            "https://evil.example/bare\n::warning::injected ##[error]old"
        )
        wire.answer(422, {"message": quote, "errors": [{"message": value}]})(conn, request)

    return wire.after_key(attack)


def test_an_emulator_reflecting_the_request_leaks_nothing(
    emulator: Emulator, run_action: RunAction
) -> None:
    # Twice: the echoed body names key_id, which reads as a stale key, so the write is
    # sealed again and sent once more.
    emulator.misbehave("PUT", f"{LISTING}/*", Reflect(echo="both"), times=2)
    run = run_action(emulator, name="A", value="a value to seal")
    assert run.exit_code == 1
    puts = [r for r in emulator.requests if r.method == "PUT"]
    ciphertexts = [str(r.body["encrypted_value"]) for r in puts]  # type: ignore[index]
    assert find_leaks(run, ["a value to seal", ADMIN_TOKEN], ciphertexts=ciphertexts) == []
    assert "Authorization: Bearer ***" in run.commands("error")[0]


def test_reflected_token_ciphertext_and_value_are_scrubbed(
    server: WireServer, run_action: RunAction
) -> None:
    value = "line one of the value\nsecond line here"
    server.attack = reflect_everything(value)
    run = run_action(None, api_url=server.url, token="ghp_reflectedToken123", name="A", value=value)
    assert run.exit_code == 1
    put = next(r for r in server.requests if r.method == "PUT")
    ciphertext = json.loads(put.body)["encrypted_value"]
    assert find_leaks(run, [value, "ghp_reflectedToken123"], ciphertexts=[ciphertext]) == []
    assert "***" in run.commands("error")[0]


def test_server_text_is_inert_in_the_summary_and_the_log(
    server: WireServer, run_action: RunAction
) -> None:
    server.attack = reflect_everything("v")
    run = run_action(None, api_url=server.url, name="A", value="value-xyz")
    summary = run.summary
    assert "[click](" not in summary
    assert "![img](" not in summary
    assert "<b>" not in summary
    assert "&lt;b&gt;" in summary
    assert "https://evil" not in summary  # a bare URL is broken up, not linked
    assert not any(line.startswith("::warning::injected") for line in run.stdout.split("\n"))
    assert inert_line("::error::x") == "> ::error::x"
    assert inert_line("a ##[error]b\nc") == "a ## [error]b c"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://github.com/orgs/octo-org/sso?authorization_request=1", True),
        ("https://evil.example/sso", False),
        ("http://github.com/orgs/octo-org/sso", False),
        ("https://user:pw@github.com/sso", False),
    ],
)
def test_an_sso_url_is_repeated_only_when_it_is_githubs(url: str, shown: bool) -> None:
    headers = {"x-github-sso": f"required; url={url}"}
    remedy = remedy_for(403, headers, "Resource protected by SAML", api_host="api.github.com")
    assert (url in remedy) is shown
    assert "SAML single sign-on" in remedy


# -- 7. credentials only from the token -----------------------------------------------------


def test_netrc_never_replaces_the_token(
    server: WireServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login someone password netrc-password\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".netrc").write_text(netrc.read_text())
    (tmp_path / ".netrc").chmod(0o600)
    server.attack = wire.key_answer()
    transport = HttpTransport(
        Access(server.url, "the-token"), clock=SYSTEM_CLOCK, events=Recorder()
    )
    transport.request("GET", KEY, operation="fetch")
    assert server.requests[0].headers["authorization"] == "Bearer the-token"


def test_a_loopback_api_never_goes_through_the_proxy(
    emulator: Emulator, server: WireServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxied = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy")
    env = dict.fromkeys(proxied, server.url)
    network = network_from(env, emulator.url)
    assert network.proxies  # the environment names a proxy for it ...
    access = Access(emulator.url, ADMIN_TOKEN, network=network)
    transport = HttpTransport(access, clock=SYSTEM_CLOCK, events=Recorder())
    assert transport.request("GET", KEY, operation="fetch").status == 200
    assert server.requests == []


def test_the_environments_proxy_is_used_for_other_hosts(
    server: WireServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The "proxy" on loopback refuses the tunnel: nothing ever leaves the machine.
    server.attack = wire.answer(407, b"", {"Proxy-Authenticate": "Basic"})
    api = "https://api.github.com"
    access = Access(api, "tok", network=network_from({"HTTPS_PROXY": server.url}, api))
    transport = HttpTransport(access, clock=FakeTime().clock, events=Recorder())
    with pytest.raises(ApiError, match="proxy") as caught:
        transport.request("GET", KEY, operation="fetch")
    assert "HTTPS_PROXY" in str(caught.value)
    assert server.requests[0].method == "CONNECT"
    assert server.requests[0].path == "api.github.com:443"
    assert "authorization" not in server.requests[0].headers  # the token is not for it
    assert "HTTPS_PROXY" in remedy_for(407, {}, "")  # a plain-http proxy's 407 answer


@pytest.mark.parametrize(
    "url", ["https://user:s3cr3tpw@api.github.com", "https://user:s3cr3tpw@[not a url"]
)
def test_a_url_with_userinfo_is_never_echoed(url: str) -> None:
    _, problem = check_api_root(url)
    assert problem is not None
    assert "s3cr3tpw" not in problem


@pytest.mark.parametrize(
    "url", ["https://github.com", "https://github.com/", "https://www.github.com"]
)
def test_the_website_url_gets_a_hint(url: str) -> None:
    _, problem = check_api_root(url)
    assert problem is not None
    assert "https://api.github.com" in problem


# -- issue 16: connection failures say what failed ---------------------------------------


def test_a_refused_connection_names_the_host_the_kind_and_the_limit(run_action: RunAction) -> None:
    port = closed_port()
    run = run_action(
        None, api_url=f"http://127.0.0.1:{port}", name="A", value="v", clock=FakeTime().clock
    )
    (error,) = run.commands("error")
    assert f"127.0.0.1:{port}: connection refused" in error
    assert "tried at most 5 times" in error
    assert "rate" not in error.lower().replace("separate", "")
    assert run.commands("warning")  # the run failed: its retries are shown as warnings


def test_a_name_not_found_on_a_custom_host_is_a_likely_typo_at_once() -> None:
    fault = Fault("api.exmaple.com: name not found", kind="name not found")
    custom = Retrier(RetryPolicy(), FakeTime().clock, custom_host=True)
    decision = custom.decide(fault, 1)
    assert decision.limit == "name"
    github = Retrier(RetryPolicy(), FakeTime().clock, custom_host=False)
    assert not github.decide(fault, 1).give_up  # runner DNS does hiccup: retry
    custom.answered = True  # the name did resolve earlier in this run: a hiccup too
    assert not custom.decide(fault, 1).give_up


def test_failure_kinds_are_found_in_the_chain_of_causes() -> None:
    name = requests.ConnectionError(OSError("wrapped"))
    name.__cause__ = socket.gaierror(-2, "Name or service not known")
    assert failure_kind(name) == "name not found"
    assert failure_kind(requests.ConnectionError(ConnectionRefusedError())) == "connection refused"
    assert failure_kind(requests.ReadTimeout()) == "timed out"
    assert failure_kind(requests.ConnectionError("other")) == ""


# -- 8. clean ends --------------------------------------------------------------------------


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_ends_the_action_cleanly(
    server: WireServer, tmp_path: Path, signum: int, code: int
) -> None:
    server.attack = wire.stall(server.stopped)
    inputs = {"token": "tok", "org": "octo-org", "name": "A", "value": "v", "api-url": server.url}
    env = runner_env(tmp_path, inputs, {})
    measured = run_measured(env, signal_after=(1.5, signum), timeout=30)
    run = measured.run
    assert run.exit_code == code, run.log
    assert "Traceback" not in run.log
    assert any("Interrupted by SIG" in e for e in run.commands("error"))
    assert run.outputs["status"] == "failed"
    assert measured.seconds < 10


def test_a_signal_reports_the_results_so_far(server: WireServer, tmp_path: Path) -> None:
    normal = attacks.github_like({})
    stalled = wire.stall(server.stopped)

    def org_b_write_stalls(conn: socket.socket, request: Request) -> None:
        org_b_write = request.method == "PUT" and "/orgs/org-b/" in request.path
        (stalled if org_b_write else normal)(conn, request)

    server.attack = org_b_write_stalls  # every org is planned first, then written in turn
    inputs = {"token": "tok", "org": "org-a\norg-b", "name": "A", "value": "v"}
    env = runner_env(tmp_path, {**inputs, "api-url": server.url, "visibility": "private"}, {})
    run = run_measured(env, signal_after=(2.0, signal.SIGTERM), timeout=30).run
    assert run.exit_code == 143, run.log
    assert "Traceback" not in run.log
    results = run.results
    assert {"org": "org-a", "status": "created"}.items() <= results[0].items()
    assert "Interrupted" in run.summary


def test_a_signal_ends_the_cli_cleanly(server: WireServer, tmp_path: Path) -> None:
    server.attack = wire.stall(server.stopped)
    value = tmp_path / "value"
    value.write_text("v")
    argv = [sys.executable, "-m", "codespaces_secrets", "--org", "octo-org", "--name", "A"]
    argv += ["--value-file", str(value), "--api-url", server.url]
    env = runner_env(tmp_path / "cli", {}, {"GH_TOKEN": "tok"})
    measured = run_measured(env, argv, signal_after=(1.5, signal.SIGINT), timeout=30)
    assert measured.run.exit_code == 130
    assert "interrupted (SIGINT)" in measured.run.stderr
    assert "Traceback" not in measured.run.log


def test_an_unwritable_output_file_is_one_clear_error(emulator: Emulator, tmp_path: Path) -> None:
    inputs = {"token": ADMIN_TOKEN, "org": "octo-org", "name": "A", "value": "v"}
    missing = tmp_path / "no-such-dir" / "output"
    env = runner_env(tmp_path, {**inputs, "api-url": emulator.url}, {"GITHUB_OUTPUT": str(missing)})
    log = io.StringIO()
    assert main(env, runner_from(env, log=log)) == 1
    errors = [line for line in log.getvalue().splitlines() if line.startswith("::error")]
    assert len(errors) == 1
    assert "Cannot write $GITHUB_OUTPUT" in errors[0]
    assert "Internal error" not in log.getvalue()
    assert emulator.secret("octo-org", "A") is not None  # the run itself went through


class BrokenLog(io.StringIO):
    """A log stream that fails on every write (the runner's pipe is gone)."""

    def write(self, text: str) -> int:
        raise OSError("broken pipe")


def test_the_last_guard_never_raises(tmp_path: Path) -> None:
    env = runner_env(tmp_path, {"token": "t", "org": "octo-org", "name": "A", "value": "v"}, {})
    runner = Runner(log=BrokenLog(), output=None, summary=None)
    assert main(env, runner) == 1


# -- issue 23.5: every server-supplied field checked before use or display ------------------

BAD_KEY_IDS = {
    "a line break and a command": "1\n::warning::injected",
    "longer than 64": "1" * 65,
    "20 KB": "k" * 20_000,
    "a space": "12 34",
    "a path": "../1",
    "markup": "<b>1</b>",
    "a digit beyond ASCII": "١٢٣",
    "a negative number": -1,
    "true": True,
    "beyond int64": 2**64,
    "a float": 1.5,
}


@pytest.mark.parametrize("key_id", BAD_KEY_IDS.values(), ids=BAD_KEY_IDS.keys())
def test_a_key_id_that_is_not_a_short_id_is_a_bad_answer(key_id: object) -> None:
    with pytest.raises(ApiError, match="key_id is missing or not a short ID"):
        public_key_fields({"key_id": key_id, "key": wire.KEY}, "fetch the key")


@pytest.mark.parametrize(
    ("key_id", "kept"),
    [("012345678912345678", "012345678912345678"), ("a-B_9", "a-B_9"), (568250167, "568250167")],
)
def test_a_key_id_of_githubs_shape_is_kept(key_id: object, kept: str) -> None:
    assert public_key_fields({"key_id": key_id, "key": wire.KEY}, "fetch")[0] == kept


def test_a_key_id_carrying_a_command_fails_its_org_and_never_reaches_the_log(
    emulator: Emulator, run_action: RunAction
) -> None:
    emulator.inject(
        "GET", KEY, status=200, body={"key_id": "1\n::warning::injected", "key": wire.KEY}
    )
    run = run_action(emulator, org="octo-org\nocto-labs", name="A", value="v")
    assert_octo_org_alone_failed(run)
    assert "injected" not in run.log + json.dumps(run.outputs) + run.summary
    assert emulator.secret("octo-org", "A") is None


HOSTILE_SCOPES = (
    "repo, https://evil.example/phish, <b>x</b>, " + "w" * 20_000 + ", admin:org\x1b[31m"
)


def test_scope_headers_are_quoted_only_as_scope_words() -> None:
    headers = {
        "x-oauth-scopes": HOSTILE_SCOPES,
        "x-accepted-oauth-scopes": "admin:org, " + HOSTILE_SCOPES,
    }
    remedy = remedy_for(403, headers, "")
    assert "needs the admin:org or repo scope" not in remedy  # "repo" is held: not wanted
    assert "evil" not in remedy
    assert "<b>" not in remedy
    assert "\x1b" not in remedy
    assert len(remedy) < 1000
    held = remedy_for(403, {"x-oauth-scopes": HOSTILE_SCOPES}, "")
    assert "the token has repo." in held


def test_scope_words_are_capped() -> None:
    many = ", ".join(f"scope_{chr(97 + i % 26)}{i // 26}" for i in range(500)).replace("0", "a")
    words = scope_words(many)
    assert len(words) == MAX_SCOPE_WORDS
    assert scope_words("read:org,  admin:org;repo gist") == [
        "read:org",
        "admin:org",
        "repo",
        "gist",
    ]
    assert scope_words("https://x.example, a b=c, ADMIN") == ["a"]


@pytest.mark.parametrize(
    ("header", "shown"),
    [
        ("organization_codespaces_secrets=write", "organization_codespaces_secrets=write"),
        (
            "secrets=write; organization_secrets=read, x=admin",
            "secrets=write; organization_secrets=read, x=admin",
        ),
        ("a=read; https://evil.example/=write", "a=read"),
        ("a=read;" * 10_000, "a=read"),
        ("b=write, " * 10_000, "b=write"),
        ("secrets=own", ""),
    ],
)
def test_accepted_permissions_are_quoted_only_as_permission_words(header: str, shown: str) -> None:
    remedy = remedy_for(404, {"x-accepted-github-permissions": header}, "")
    if shown:
        # GitHub's own word comes first, then the advice.
        assert remedy.startswith(f"GitHub says this endpoint needs the permission {shown}. ")
    else:
        assert "GitHub says" not in remedy
    assert len(remedy) < 1200


def test_hostile_scope_headers_over_the_wire(server: WireServer, run_action: RunAction) -> None:
    refusal = wire.answer(
        403,
        {"message": "Must have admin rights to Repository."},
        {
            "X-OAuth-Scopes": HOSTILE_SCOPES.replace("\x1b", "%1b"),
            "X-Accepted-OAuth-Scopes": "https://evil.example/accept, admin:org",
            "X-Accepted-GitHub-Permissions": "https://evil.example/p=write; " + "z=read;" * 3000,
        },
    )
    server.attack = attacks.github_like({"key": refusal})
    run = run_action(None, api_url=server.url, name="A", value="v")
    assert run.exit_code == 1
    (error,) = run.commands("error")
    assert "needs the admin:org scope; the token has repo." in error
    assert "needs the permission z=read." in error
    assert "evil" not in run.log + run.summary
    assert len(error) < 2000


ROOT_PATH = "/api/v3"


@pytest.mark.parametrize(
    ("path", "inside"),
    [
        ("/api/v3/orgs/o/codespaces/secrets?page=2", True),
        ("/api/v3/orgs/./o/../o/secrets", True),
        ("/api/v3", True),
        ("/api/v3/../v3-other/orgs/o", False),
        ("/api/v3/%2e%2e/v3-other/orgs/o", False),
        ("/api/v3/%2E%2E/v3-other", False),
        ("/api/v3/.%2e/v3-other", False),
        ("/api/v3/orgs/../../v3-other", False),
        ("/api/v3/%252e%252e/v3-other", False),  # decoded twice by some proxies: refused
        ("/api/v3/..%2fv3-other", False),
        ("/api/v3/x\\..\\..\\v3-other", False),
        ("/api/v3/%ff", False),
        ("/api/v3-other", False),
        ("/api/v3/orgs/\x1b[31m", False),
        ("/api/v3/orgs/\u202eo", False),
        ("/api/v3/orgs/a b", False),
    ],
)
def test_the_api_root_check_reads_paths_as_the_server_will(path: str, inside: bool) -> None:
    root = "https://ghe.example" + ROOT_PATH
    assert within_api("https://ghe.example" + path, root) is inside


def test_normal_path_removes_dot_segments() -> None:
    assert normal_path("/a/b/../c/./d/") == "/a/c/d/"
    assert normal_path("/a/b/..") == "/a/"
    assert normal_path("/../../x") == "/x"
    assert normal_path("/a%2Fb/%41") == "/a/b/A"
    assert normal_path("/a%252e") is None


@pytest.mark.parametrize(
    "link",
    [
        "/api/v3/../v3-other/orgs/octo-org/codespaces/secrets",
        "/api/v3/%2e%2e/v3-other/orgs/x/secrets",
    ],
    ids=["dot segments", "escaped dots"],
)
def test_a_next_link_leaving_the_root_by_dot_segments_is_not_followed(
    server: WireServer, run_action: RunAction, link: str
) -> None:
    listing = wire.answer(
        200, {"total_count": 0, "secrets": []}, {"Link": f'<{server.url}{link}?page=2>; rel="next"'}
    )
    server.attack = attacks.github_like({"list": listing})
    run = run_action(None, api_url=server.url + ROOT_PATH, name="A", value="v")
    assert run.exit_code == 1
    assert [r.path.split("?")[0].startswith(ROOT_PATH + "/") for r in server.requests] == [
        True,
        True,
    ]
    assert "next-page link points outside the API root" in run.commands("error")[0]


CONTROL_TEXT = "\x1b[2J\x1b]0;owned\x07 \u202etxt.exe\u202c \x9b31m \u2066x\u2069 \ufeff\x00 \r\x08"


def shown_controls(run: ActionRun) -> set[str]:
    """The control and invisible format characters a run showed (log, outputs, summary)."""
    shown = run.log + json.dumps(run.outputs, ensure_ascii=False) + run.summary
    return {c for c in shown if c not in "\n\t\u200b" and not (c.isprintable() or c == " ")}


def test_control_bytes_from_the_server_never_reach_the_log(
    server: WireServer, run_action: RunAction
) -> None:
    refusal = wire.answer(
        403,
        {"message": f"Forbidden {CONTROL_TEXT}", "errors": [{"message": CONTROL_TEXT}]},
        {"X-OAuth-Scopes": "repo", "X-GitHub-SSO": "required; url=https://github.com/\x1b[31m"},
    )
    server.attack = attacks.github_like({"key": refusal})
    run = run_action(None, api_url=server.url, name="A", value="v", env={"RUNNER_DEBUG": "1"})
    assert run.exit_code == 1
    assert shown_controls(run) == set()


def test_a_next_link_with_control_bytes_is_refused_unshown(
    server: WireServer, run_action: RunAction
) -> None:
    link = f"{server.url}/orgs/octo-org/codespaces/secrets?page=2\x1b[31m\u202e"
    link = link.encode().decode("latin-1")  # header bytes as they go on the wire: UTF-8
    listing = wire.answer(200, {"total_count": 0, "secrets": []}, {"Link": f'<{link}>; rel="next"'})
    server.attack = attacks.github_like({"list": listing})
    run = run_action(None, api_url=server.url, name="A", value="v", env={"RUNNER_DEBUG": "1"})
    assert run.exit_code == 1
    assert "next-page link points outside the API root" in run.commands("error")[0]
    assert shown_controls(run) == set()


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b[31mred", "\\x1b[31mred"),
        ("a\u202eb", "a\\u202eb"),
        ("\x00\x07\x7f\x85\x9b", "\\x00\\x07\\x7f\\x85\\x9b"),
        ("\u2028\u2029\ufeff\u2066", "\\u2028\\u2029\\ufeff\\u2066"),
        ("lone \udcff", "lone \\udcff"),
        ("tab\tand\nline", "tab\tand\nline"),
        ("ünï 🔑 ключ https://x\u200by", "ünï 🔑 ключ https://x\u200by"),
        ("\r", "\\x0d"),
    ],
)
def test_inert_shows_controls_as_escapes(text: str, shown: str) -> None:
    assert inert(text) == shown
    assert inert(inert(text)) == inert(text)  # already inert text stays as it is
