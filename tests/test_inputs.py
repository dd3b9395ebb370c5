"""Every validation rule, each named by its input, all reported together."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from codespaces_secrets.config import MAX_VALUE_BYTES, RepoRef, Visibility
from codespaces_secrets.inputs import INPUT_NAMES, Parsed, Terms, parse

BASE = {"token": "ghp_x", "org": "octo-org", "name": "API_KEY", "value": "s3cret"}


def problems_of(parsed: Parsed) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for problem in parsed.problems:
        found.setdefault(problem.input, []).append(problem.message)
    return found


def check(workspace: Path | None = None, **changes: str) -> Parsed:
    raw = {**BASE, **{k.replace("_", "-"): v for k, v in changes.items()}}
    return parse(raw, workspace=workspace)


def test_valid_single_secret_keeps_value_verbatim() -> None:
    parsed = check(value="  two\nlines \n")
    assert parsed.problems == ()
    assert parsed.config is not None
    (secret,) = parsed.config.job.secrets
    assert secret.value == "  two\nlines \n"
    assert parsed.config.job.visibility is None
    assert parsed.config.access.api_url == "https://api.github.com"
    assert "  two\nlines \n" in parsed.values


def test_config_repr_hides_token_and_values() -> None:
    parsed = check(token="ghp_CANARYTOKEN", value="CANARYVALUE")
    assert parsed.config is not None
    text = repr(parsed.config)
    assert "CANARYTOKEN" not in text
    assert "CANARYVALUE" not in text


@pytest.mark.parametrize(
    ("changes", "input_name", "fragment"),
    [
        ({"token": ""}, "token", "required"),
        ({"token": "ghp a"}, "token", "whitespace"),
        ({"org": ""}, "org", "required"),
        ({"org": "-bad-"}, "org", "not a valid organization"),
        ({"org": "a,A"}, "org", "listed twice"),
        ({"name": ""}, "name", "required"),
        ({"name": "1ABC"}, "name", "not a valid secret name"),
        ({"name": "MY-KEY"}, "name", "not a valid secret name"),
        ({"name": "github_thing"}, "name", "GITHUB_"),
        ({"value": ""}, "value", "does not exist or is not available"),
        ({"value": "x" * (MAX_VALUE_BYTES + 1)}, "value", "at most 49152"),
        ({"value": "\udcff"}, "value", "UTF-8"),
        ({"value-file": "v.txt"}, "value", "not both"),
        ({"visibility": "public"}, "visibility", "not one of"),
        ({"repositories": "web", "visibility": "private"}, "repositories", "only applies"),
        ({"repositories": "bad name!"}, "repositories", "not a repository"),
        ({"repositories": "other-org/web"}, "repositories", "not an org being written"),
        ({"repositories": "0"}, "repositories", "not a repository"),
        ({"org": "a,b", "repositories": "123"}, "repositories", "ambiguous"),
        ({"api-url": "http://api.example.com"}, "api-url", "plain http"),
        ({"api-url": "ftp://x"}, "api-url", "https://"),
        ({"api-url": "https://user:pw@ghe.example.com/api/v3"}, "api-url", "credentials"),
        ({"api-url": "not a url"}, "api-url", "not an API root"),
        ({"api-url": "https://x/api?y=1"}, "api-url", "not an API root"),
        ({"dry-run": "yes"}, "dry-run", "YAML 1.2"),
        ({"retry-wait-limit": "-1"}, "retry-wait-limit", "whole number"),
        ({"retry-wait-limit": "9999"}, "retry-wait-limit", "9999 is more than 3600"),
        ({"run-time-limit": "0"}, "run-time-limit", "0 is less than 1 (minutes, 1-360)"),
        ({"run-time-limit": "1.5"}, "run-time-limit", "whole number of minutes"),
        ({"include": "A*"}, "include", "only applies with the secrets"),
        ({"secrets": '{"A": "1"}'}, "name", "cannot be combined"),
    ],
)
def test_each_rule_names_its_input(changes: dict[str, str], input_name: str, fragment: str) -> None:
    parsed = parse({**BASE, **changes}, workspace=None)
    assert parsed.config is None
    messages = problems_of(parsed).get(input_name, [])
    assert any(fragment in m for m in messages), parsed.problems


def test_all_problems_are_reported_together() -> None:
    parsed = check(token="", org="-x-", name="1BAD", visibility="public", dry_run="maybe")
    assert set(problems_of(parsed)) == {"token", "org", "name", "visibility", "dry-run"}


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080", "http://localhost:1/api/v3", "http://[::1]:9"]
)
def test_plain_http_is_allowed_for_loopback_only(url: str) -> None:
    parsed = check(api_url=url)
    assert parsed.config is not None
    assert parsed.config.access.api_url == url


def test_api_url_default_comes_from_the_runner() -> None:
    raw = {**BASE, "api-url": ""}
    parsed = parse(raw, workspace=None, default_api_url="https://ghe.example.com/api/v3/")
    assert parsed.config is not None
    assert parsed.config.access.api_url == "https://ghe.example.com/api/v3"


@pytest.mark.parametrize(
    ("text", "expected"), [("true", True), ("TRUE", True), ("False", False), ("", False)]
)
def test_dry_run_accepts_yaml_booleans(text: str, expected: bool) -> None:
    parsed = check(dry_run=text)
    assert parsed.config is not None
    assert parsed.config.job.dry_run is expected


def test_visibility_and_repositories() -> None:
    parsed = check(visibility="Selected", repositories="web\nocto-org/api, 42")
    assert parsed.config is not None
    assert parsed.config.job.visibility is Visibility.SELECTED
    assert parsed.config.job.repositories == (
        RepoRef("web", name="web"),
        RepoRef("octo-org/api", owner="octo-org", name="api"),
        RepoRef("42", id=42),
    )


def test_value_file_is_read_exactly(tmp_path: Path) -> None:
    (tmp_path / "v.pem").write_bytes(b"-----BEGIN-----\r\nabc\n\n")
    parsed = check(tmp_path, value="", value_file="v.pem")
    assert parsed.config is not None
    assert parsed.config.job.secrets[0].value == "-----BEGIN-----\r\nabc\n\n"


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("../outside.txt", None, "outside the workspace"),
        ("/etc/hostname", None, "outside the workspace"),
        ("missing.txt", None, "does not exist"),
        ("empty.txt", b"", "is empty"),
        ("latin1.txt", b"\xff\xfe", "not UTF-8"),
        ("big.txt", b"x" * (MAX_VALUE_BYTES + 1), "at most"),
    ],
)
def test_value_file_problems(
    tmp_path: Path, name: str, content: bytes | None, fragment: str
) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (tmp_path / "outside.txt").write_text("secret")
    if content is not None:
        (workspace / name).write_bytes(content)
    parsed = check(workspace, value="", value_file=name)
    assert any(fragment in m for m in problems_of(parsed)["value-file"])


def test_value_file_symlink_out_of_the_workspace_is_refused(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (tmp_path / "target.txt").write_text("secret")
    (workspace / "link.txt").symlink_to(tmp_path / "target.txt")
    parsed = check(workspace, value="", value_file="link.txt")
    assert "outside the workspace" in problems_of(parsed)["value-file"][0]


def test_orgs_list() -> None:
    parsed = check(org="octo-org\nocto-labs, other")
    assert parsed.config is not None
    assert parsed.config.job.orgs == ("octo-org", "octo-labs", "other")


BATCH = {"token": "ghp_x", "org": "octo-org"}


def batch(text: str, include: str = "") -> Parsed:
    return parse({**BATCH, "secrets": text, "include": include}, workspace=None)


def test_batch_json_skips_reserved_names_with_a_notice() -> None:
    parsed = batch('{"github_token": "ghs_x", "GITHUB_FOO": "1", "api_key": "k", "DB": "d"}')
    assert parsed.config is not None
    assert [s.name for s in parsed.config.job.secrets] == ["API_KEY", "DB"]
    assert len(parsed.notices) == 2
    assert "ghs_x" in parsed.values  # masked although skipped


def test_batch_include_filters_and_warns_on_unmatched_patterns() -> None:
    parsed = batch('{"API_KEY": "1", "API_URL": "2", "DB": "3"}', include="api_*\nnothing*")
    assert parsed.config is not None
    assert [s.name for s in parsed.config.job.secrets] == ["API_KEY", "API_URL"]
    assert parsed.warnings == ("include pattern 'nothing*' matches no secret.",)  # as given


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"A": "1", "a": "2"}', "appears twice"),
        ('{"BAD-NAME": "1"}', "'BAD-NAME' (key #1): not a valid secret name"),
        ('{"A": 1}', "must be a JSON string"),
        ('{"A": {"B": "c"}}', "nested"),
        ('{"A": "1"', "not valid JSON"),
        ("A=1\nnot a pair", "line 2: expected NAME=value"),
        ('A="never closed\nB=2', 'line 1: the " quote is never closed'),
        ("A=", "the name on line 1 has an empty value"),
        ('{"github_token": "x"}', "no secrets to write"),
    ],
)
def test_batch_problems(text: str, fragment: str) -> None:
    parsed = batch(text)
    assert parsed.config is None
    assert any(fragment in m for m in problems_of(parsed)["secrets"]), parsed.problems


def test_batch_problems_never_quote_the_text() -> None:
    parsed = batch("LEAKY-PART-OF-A-VALUE=rest\n{broken")
    text = " ".join(p.message for p in parsed.problems)
    assert "LEAKY" not in text
    assert "broken" not in text


def test_batch_limit_of_one_hundred_secrets() -> None:
    text = "\n".join(f"S{i}=v" for i in range(101))
    assert "at most 100" in problems_of(batch(text))["secrets"][0]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"name": "API-KEY"}, ("name", "Did you mean API_KEY?")),
        ({"name": "db.password"}, ("name", "Did you mean db_password?")),
        ({"delete": "OLD KEY"}, ("delete", "Did you mean OLD_KEY?")),
        ({"org": "https://github.com/octo-org"}, ("org", "Use the login alone: octo-org.")),
        ({"org": "github.com/octo-org/"}, ("org", "Use the login alone: octo-org.")),
    ],
)
def test_a_near_miss_gets_a_suggestion(raw: dict[str, str], expected: tuple[str, str]) -> None:
    parsed = parse({**BASE, **raw}, workspace=None)
    assert any(p.input == expected[0] and p.message.endswith(expected[1]) for p in parsed.problems)


def test_problems_come_in_the_order_of_the_inputs() -> None:
    parsed = check(token="a b", org="", name="1x", visibility="nope", dry_run="maybe")
    order = [p.input for p in parsed.problems]
    assert order == sorted(order, key=INPUT_NAMES.index)


# -- warnings: once per kind, user text quoted inertly, never case-folded ------------------


def test_many_unmatched_include_patterns_are_one_capped_warning() -> None:
    patterns = "\n".join(f"nope_{i}*" for i in range(3000))
    parsed = batch('{"A": "1"}', include=f"a\n{patterns}")
    (warning,) = parsed.warnings
    assert warning.startswith("include patterns 'nope_0*', 'nope_1*'")
    assert "and 2995 more match no secret." in warning


def test_an_echoed_pattern_is_inert_and_as_given() -> None:
    parsed = batch('{"A": "1"}', include="a\nx\u202eY\x1b[31m*")
    (warning,) = parsed.warnings
    assert "\u202e" not in warning
    assert "\x1b" not in warning
    assert "'x?Y?[31m*'" in warning  # quoted as typed, not upper-cased


def test_with_prune_an_unmatched_pattern_is_not_called_harmless() -> None:
    parsed = parse(
        {**BATCH, "secrets": "NPM_TOKEN=1", "include": "NPM_*\nSENTRY_*", "prune": "true"},
        workspace=None,
    )
    (warning,) = parsed.warnings
    assert "'SENTRY_*' matches no secret in the secrets input" in warning
    assert "every existing secret it matches will be deleted" in warning


def test_a_tokens_line_written_backwards_shows_and_masks_nothing_wrong() -> None:
    token = "AbCdEf123TokenLike"  # looks like a login: the case that used to be echoed
    parsed = parse(
        {"token": "", "org": "octo-org", "tokens": f"{token}=octo-org", "name": "A", "value": "v"},
        workspace=None,
    )
    messages = [p.message for p in parsed.problems] + list(parsed.warnings)
    assert any("entry 1 is written the wrong way round (token=org)" in m for m in messages)
    for message in messages:
        assert token.lower() not in message.lower()
    assert token in parsed.values  # the token is masked...
    assert "octo-org" not in parsed.values  # ...and the org name is not


def test_unused_tokens_entries_are_one_warning_naming_positions_only() -> None:
    lines = "\n".join(f"other-{i}=tok_{i}" for i in range(8))
    parsed = parse({**BASE, "tokens": f"octo-org=tok\n{lines}"}, workspace=None)
    (warning,) = parsed.warnings
    assert warning == (
        "tokens: entries 2, 3, 4, 5, 6 and 3 more name an org that is not in org; unused."
    )
    assert "other-" not in warning


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ({"value": "v\n"}, "the value ends with a newline, which is kept as part of it"),
        ({"value": "  \n"}, "the value is only whitespace"),
        ({"visibility": "selected"}, "a new secret would be usable by no repository"),
    ],
)
def test_quiet_surprises_are_warned_about_once(raw: dict[str, str], fragment: str) -> None:
    parsed = parse({**BASE, **raw}, workspace=None)
    assert parsed.config is not None
    assert [w for w in parsed.warnings if fragment in w] == [
        next(w for w in parsed.warnings if fragment in w)
    ]


def test_batch_values_with_newlines_or_blanks_are_one_warning_each() -> None:
    parsed = batch(json_text := '{"A": "1\\n", "B": "2\\n", "C": " ", "D": "ok"}')
    assert json_text
    assert parsed.warnings == (
        "the values of A, B end with a newline, which is kept as part of them.",
        "the value of C is only whitespace; written as it is.",
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"visibility": "public"}, ("visibility", "Did you mean 'all'?")),
        ({"visibility": "privat"}, ("visibility", "Did you mean 'private'?")),
        ({"apps": "codespace"}, ("apps", "Did you mean 'codespaces'?")),
        ({"apps": "dependabott"}, ("apps", "Did you mean 'dependabot'?")),
        ({"org": "@octo-org"}, ("org", "Did you mean octo-org?")),
        ({"org": "octo-org/"}, ("org", "Did you mean octo-org?")),
    ],
)
def test_near_misses_in_words_get_suggestions(
    raw: dict[str, str], expected: tuple[str, str]
) -> None:
    parsed = parse({**BASE, **raw}, workspace=None)
    assert any(p.input == expected[0] and p.message.endswith(expected[1]) for p in parsed.problems)


def test_apps_keep_the_case_they_were_given_in_messages() -> None:
    parsed = check(apps="CodeSpace")
    assert "'CodeSpace' is not one of" in problems_of(parsed)["apps"][0]


def test_messages_use_the_callers_terms() -> None:
    terms = Terms({"secrets": "--secrets-file", "include": "--include", "prune": "--prune"}, True)
    parsed = parse({**BATCH, "secrets": "A=1", "prune": "true"}, workspace=None, terms=terms)
    assert problems_of(parsed)["prune"] == [
        "needs --include: its patterns say which existing secrets prune may delete."
    ]
    parsed = parse({"org": "octo-org", "name": "A", "value": "v"}, workspace=None, terms=terms)
    (message,) = problems_of(parsed)["token"]
    assert "GH_TOKEN" in message
    assert "from a secret" not in message


# -- secrets-file and prune-limit -----------------------------------------------------------


def test_secrets_file_reads_a_batch_from_the_workspace(tmp_path: Path) -> None:
    (tmp_path / "prod.env").write_text("A=1\nB='two'\n")
    parsed = parse({**BATCH, "secrets-file": "prod.env"}, workspace=tmp_path)
    assert parsed.config is not None
    assert [(s.name, s.value) for s in parsed.config.job.secrets] == [("A", "1"), ("B", "two")]
    assert "two" in parsed.values


@pytest.mark.parametrize(
    ("setup", "fragment"),
    [
        ("outside", "outside the workspace"),
        ("fifo", "not a regular file"),
        ("missing", "does not exist"),
        ("both", "not both"),
    ],
)
def test_secrets_file_problems(tmp_path: Path, setup: str, fragment: str) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (tmp_path / "out.env").write_text("A=1\n")
    os.mkfifo(workspace / "pipe")
    path = {"outside": "../out.env", "fifo": "pipe", "missing": "no.env", "both": "x"}[setup]
    raw = {**BATCH, "secrets-file": path}
    if setup == "both":
        raw["secrets"] = "A=1"
    parsed = parse(raw, workspace=workspace)  # a FIFO must not hang this
    assert any(fragment in m for m in problems_of(parsed)["secrets-file"]), parsed.problems


@pytest.mark.parametrize(("text", "limit"), [("", None), ("0", 0), ("25", 25)])
def test_prune_limit_reaches_the_job(text: str, limit: int | None) -> None:
    raw = {**BATCH, "secrets": "A=1", "include": "A*", "prune": "true", "prune-limit": text}
    parsed = parse(raw, workspace=None)
    assert parsed.config is not None
    assert parsed.config.job.prune_limit == limit


@pytest.mark.parametrize(("text", "fragment"), [("-1", "whole number"), ("1001", "more than")])
def test_prune_limit_problems(text: str, fragment: str) -> None:
    raw = {**BATCH, "secrets": "A=1", "include": "A*", "prune": "true", "prune-limit": text}
    assert fragment in problems_of(parse(raw, workspace=None))["prune-limit"][0]
