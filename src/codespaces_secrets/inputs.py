"""Turn raw input strings into a validated ``Config``, collecting every problem at once.

Nothing here touches the network or prints. ``parse`` returns the problems and every
secret value it came across (even from invalid input) so that the caller can mask the
values *before* it reports anything.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from fnmatch import fnmatchcase
from pathlib import Path
from typing import NamedTuple

from .apiroot import DEFAULT_API_URL, check_api_root
from .config import (
    MAX_VALUE_BYTES,
    STORE_LIMITS,
    Access,
    Config,
    Job,
    RepoRef,
    RetryPolicy,
    Secret,
    Store,
    Visibility,
)
from .errors import QUOTE_LIMIT, InputProblem, quoted
from .secrets_text import parse_secrets_text
from .valuefile import read_value_file

# The inputs of action.yml, in order; a test keeps the two in step.
INPUT_NAMES = (
    "token",
    "tokens",
    "org",
    "apps",
    "name",
    "value",
    "value-file",
    "secrets",
    "include",
    "delete",
    "prune",
    "visibility",
    "repositories",
    "api-url",
    "dry-run",
    "retry-wait-limit",
    "run-time-limit",
    "max-parallel",
)
DEFAULT_RUN_MINUTES = 30  # longer belongs in a matrix of jobs, one token each
# Tokens worked at the same time, each token's requests one at a time: so also the most
# requests in flight at once, far below the 100 concurrent requests GitHub allows.
DEFAULT_PARALLEL = 8
MAX_PARALLEL = 32

MAX_NAME_LENGTH = 255  # our bound (GitHub documents none): the name goes into the URL
MAX_PATTERN_LENGTH = 255
MAX_ID_DIGITS = 19  # GitHub IDs are int64; also keeps int() below Python's digit limit

_SECRET_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ORG_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")
_REPO_NAME = re.compile(r"[A-Za-z0-9._-]{1,100}")
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_NOT_AVAILABLE = (
    "An empty value usually means the expression that should supply it (for example "
    "${{ secrets.NAME }}) names a secret that does not exist or is not available to this run."
)


class Parsed(NamedTuple):
    """The outcome of validation: a config or the problems, and always the values to mask."""

    config: Config | None
    problems: tuple[InputProblem, ...]
    values: tuple[str, ...]
    notices: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def split_list(text: str) -> list[str]:
    """Split a newline- or comma-separated input into its non-empty, trimmed items."""
    return [item.strip() for item in re.split(r"[\n,]", text) if item.strip()]


def is_reserved_name(name: str) -> bool:
    """Whether GitHub reserves this name, so it can never be a Codespaces secret."""
    return name.upper().startswith("GITHUB_")


class _Collector:
    """Gathers problems, notices and warnings while the inputs are checked."""

    def __init__(self) -> None:
        self.problems: list[InputProblem] = []
        self.notices: list[str] = []
        self.warnings: list[str] = []
        self.values: list[str] = []

    def problem(self, input_name: str, message: str) -> None:
        self.problems.append(InputProblem(input_name, message))


def parse(
    raw: Mapping[str, str],
    *,
    workspace: Path | None,
    default_api_url: str | None = None,
    listing: bool = False,
) -> Parsed:
    """Validate every input; ``workspace`` confines ``value-file`` (None: no confinement).

    Problems come in the order of the inputs in action.yml. ``listing``: only the orgs,
    stores and access are needed (the CLI's ``list``), so no secret is required.
    """
    out = _Collector()
    token = raw.get("token", "").strip()
    if token:
        _check_token(token, "token", out)
    org_tokens = _parse_tokens(raw.get("tokens", ""), out)
    orgs = _parse_orgs(raw.get("org", ""), out)
    _check_token_coverage(token, org_tokens, orgs, out)
    stores = _parse_stores(raw.get("apps", ""), out)
    deleting = bool(split_list(raw.get("delete", "")))
    batch = bool(raw.get("secrets", ""))
    writing = batch or any(raw.get(name, "") for name in ("name", "value", "value-file"))
    secrets: list[Secret] = []
    if batch:
        secrets = _parse_batch(raw, stores, out)
    elif writing or not (deleting or listing):
        secrets = _parse_single(raw, workspace, out)
    elif raw.get("include", "").strip():
        out.problem("include", "only applies with the secrets input (batch mode).")
    deletes = _parse_deletes(raw.get("delete", ""), secrets, out)
    prune = _parse_prune(raw, batch, out)
    visibility = _parse_visibility(raw.get("visibility", ""), out)
    repositories = _parse_repositories(raw.get("repositories", ""), visibility, orgs, out)
    api_url, api_problem = check_api_root(
        raw.get("api-url", "") or default_api_url or DEFAULT_API_URL
    )
    if api_problem:
        out.problem("api-url", api_problem)
    dry_run = _parse_bool("dry-run", raw.get("dry-run", ""), out)
    retry = _parse_retry(raw.get("retry-wait-limit", ""), out)
    minutes = _parse_whole("run-time-limit", raw.get("run-time-limit", ""), "minutes", 1, 360, out)
    width = _parse_whole(
        "max-parallel", raw.get("max-parallel", ""), "tokens", 1, MAX_PARALLEL, out
    )
    config = None
    if not out.problems:
        job = Job(
            tuple(orgs),
            tuple(secrets),
            visibility,
            tuple(repositories),
            dry_run,
            stores=tuple(stores),
            deletes=tuple(deletes),
            prune_patterns=tuple(prune),
            run_time_limit=60.0 * (minutes or DEFAULT_RUN_MINUTES),
            max_parallel=width or DEFAULT_PARALLEL,
        )
        config = Config(job, Access(api_url, token, retry, tuple(org_tokens.items())))
    return Parsed(
        config, tuple(out.problems), tuple(out.values), tuple(out.notices), tuple(out.warnings)
    )


def _check_token(token: str, input_name: str, out: _Collector, whose: str = "") -> None:
    if any(char.isspace() for char in token):
        out.problem(input_name, f"{whose}contains whitespace; pass the token alone.")
    elif not (token.isascii() and token.isprintable()):
        # HTTP headers are Latin-1 at most; GitHub tokens are plain ASCII.
        out.problem(
            input_name, f"{whose}contains characters a GitHub token never has; check the secret."
        )


def _parse_tokens(text: str, out: _Collector) -> dict[str, str]:
    """``tokens``: a JSON object or ``org=token`` lines mapping an org to its own token."""
    if not text.strip():
        return {}
    out.values.append(text)
    pairs: list[tuple[str, object]]
    if text.lstrip().startswith("{"):
        try:
            pairs = json.loads(text, object_pairs_hook=list)
        except (ValueError, RecursionError):
            out.problem("tokens", "is not a valid JSON object of org: token pairs.")
            return {}
    else:
        pairs = []
        for lineno, line in enumerate(text.splitlines(), start=1):
            org, equals, given = line.partition("=")
            if not line.strip():
                continue
            if not equals:
                out.problem("tokens", f"line {lineno} is not org=token.")
                continue
            pairs.append((org.strip(), given.strip()))
    # Entries are named by position, never quoted: a line written the wrong way round
    # (token=org) would otherwise put the token in the log.
    found: dict[str, str] = {}
    for index, (org, token) in enumerate(pairs, start=1):
        if not isinstance(token, str) or not token:
            out.problem("tokens", f"entry {index}: the token must be a non-empty string.")
            continue
        out.values.append(token)
        if not _ORG_LOGIN.fullmatch(org):
            out.problem(
                "tokens", f"entry {index}: not a valid organization login before the token."
            )
        elif org.lower() in found:
            out.problem("tokens", f"entry {index}: the org is listed twice.")
        else:
            _check_token(token, "tokens", out, whose=f"entry {index}: the token ")
            found[org.lower()] = token
    return found


def _check_token_coverage(
    token: str, org_tokens: Mapping[str, str], orgs: list[str], out: _Collector
) -> None:
    wanted = {org.lower() for org in orgs}
    for org in org_tokens:
        if org not in wanted:
            out.warnings.append(f"tokens has an entry for {org}, which is not in org; unused.")
    if token:
        return
    uncovered = [org for org in orgs if org.lower() not in org_tokens]
    if uncovered or not orgs:
        which = f" (needed for {', '.join(uncovered)})" if org_tokens else ""
        out.problem(
            "token",
            f"is required{which}: pass a token with the admin:org scope from a secret, or "
            "give each org its own in tokens.",
        )


def _parse_stores(text: str, out: _Collector) -> list[Store]:
    names = split_list(text.lower())
    if not names:
        return [Store.CODESPACES]
    stores: list[Store] = []
    for name in names:
        try:
            store = Store(name)
        except ValueError:
            choices = ", ".join(s.value for s in Store)
            out.problem("apps", f"{quoted(name)} is not one of {choices}.")
            continue
        if store in stores:
            out.problem("apps", f"{quoted(name)} is listed twice.")
        else:
            stores.append(store)
    return stores


def _parse_deletes(text: str, secrets: list[Secret], out: _Collector) -> list[str]:
    written = {secret.name for secret in secrets}
    names: list[str] = []
    for name in split_list(text):
        if not _check_name(name, "delete", out):
            continue
        upper = name.upper()
        if upper in names:
            out.problem("delete", f"{quoted(name)} is listed twice (names are not case-sensitive).")
        elif upper in written:
            out.problem("delete", f"{quoted(name)} is also being written; do one or the other.")
        else:
            names.append(upper)
    return names


def _parse_prune(raw: Mapping[str, str], batch: bool, out: _Collector) -> list[str]:
    if not _parse_bool("prune", raw.get("prune", ""), out):
        return []
    patterns = [pattern.upper() for pattern in split_list(raw.get("include", ""))]
    if not batch:
        out.problem("prune", "only applies with the secrets input (batch mode).")
    elif not patterns:
        out.problem(
            "prune",
            "needs include: its patterns say which existing secrets prune may delete.",
        )
    return patterns


def _parse_orgs(text: str, out: _Collector) -> list[str]:
    orgs = split_list(text)
    if not orgs:
        out.problem("org", "is required: the login of the organization to write to.")
    seen: set[str] = set()
    for org in orgs:
        if not _ORG_LOGIN.fullmatch(org):
            out.problem(
                "org", f"{quoted(org)} is not a valid organization login.{_login_hint(org)}"
            )
        elif org.lower() in seen:
            out.problem("org", f"{quoted(org)} is listed twice.")
        seen.add(org.lower())
    return orgs


def _login_hint(text: str) -> str:
    """For an org given as a URL (https://github.com/octo-org), the login to use instead."""
    match = re.fullmatch(r"(?:https?://)?(?:www\.)?github\.com/([^/\s]+)/?", text.strip())
    if match and _ORG_LOGIN.fullmatch(match.group(1)):
        return f" Use the login alone: {match.group(1)}."
    return ""


def _name_hint(name: str) -> str:
    """A valid name close to an invalid one (API-KEY -> API_KEY), when there is one."""
    near = re.sub(r"[^A-Za-z0-9_]", "_", name.strip())
    if near and near[0].isdigit():
        near = f"_{near}"
    short = len(near) <= QUOTE_LIMIT  # a suggestion is read, so it stays short
    if short and near != name and _SECRET_NAME.fullmatch(near) and near.isascii():
        return f" Did you mean {near}?"
    return ""


def _check_name(name: str, input_name: str, out: _Collector) -> bool:
    if not _SECRET_NAME.fullmatch(name):
        out.problem(
            input_name,
            f"{quoted(name)} is not a valid secret name: use letters, digits and underscores, "
            f"not starting with a digit.{_name_hint(name)}",
        )
        return False
    if len(name) > MAX_NAME_LENGTH:
        out.problem(input_name, f"{quoted(name)} is longer than {MAX_NAME_LENGTH} characters.")
        return False
    if is_reserved_name(name):
        out.problem(input_name, f"{quoted(name)} starts with GITHUB_, a prefix GitHub reserves.")
        return False
    return True


def _check_value(value: str, input_name: str, label: str, out: _Collector) -> bool:
    try:
        size = len(value.encode("utf-8"))
    except UnicodeEncodeError:
        out.problem(input_name, f"{label} is not valid UTF-8 text.")
        return False
    if size > MAX_VALUE_BYTES:
        out.problem(
            input_name, f"{label} is {size} bytes; GitHub accepts at most {MAX_VALUE_BYTES}."
        )
        return False
    return True


def _parse_single(raw: Mapping[str, str], workspace: Path | None, out: _Collector) -> list[Secret]:
    if raw.get("include", "").strip():
        out.problem("include", "only applies with the secrets input (batch mode).")
    name = raw.get("name", "").strip()
    value = raw.get("value", "")  # verbatim: spaces and newlines are part of the secret
    value_file = raw.get("value-file", "").strip()
    if value:
        out.values.append(value)
    if not name:
        out.problem(
            "name", "is required (or several secrets in secrets, or names to remove in delete)."
        )
    elif _check_name(name, "name", out):
        name = name.upper()
    if value and value_file:
        out.problem("value", "give value or value-file, not both.")
        return []
    if value_file:
        read, problem = read_value_file(value_file, workspace)
        if read is None:
            out.problem("value-file", problem)
        value = read or ""
        if value:
            out.values.append(value)
    elif not value:
        out.problem("value", f"is required (or value-file). {_NOT_AVAILABLE}")
        return []
    if not value or not _check_value(
        value, "value-file" if value_file else "value", "the value", out
    ):
        return []
    return [Secret(name, value)]


def _parse_batch(raw: Mapping[str, str], stores: list[Store], out: _Collector) -> list[Secret]:
    for other in ("name", "value", "value-file"):
        if raw.get(other, ""):
            out.problem(other, "cannot be combined with the secrets input; use one mode.")
    text = raw["secrets"]
    out.values.append(text)
    parsed = parse_secrets_text(text)
    out.values.extend(entry.value for entry in parsed.entries if entry.value)
    for problem in parsed.problems:
        out.problem("secrets", problem)
    out.warnings.extend(f"secrets: {warning}" for warning in parsed.warnings)
    chosen: dict[str, Secret] = {}
    for entry in parsed.entries:
        # entry.label is the key for JSON, "the name on line N" for dotenv: a dotenv "key"
        # may be a piece of a misquoted multi-line value, so it is never echoed.
        if entry.key.lower() == "github_token" or is_reserved_name(entry.key):
            out.notices.append(
                f"Skipped {quoted(entry.label)}: GitHub reserves the GITHUB_ prefix."
            )
            continue
        if not _SECRET_NAME.fullmatch(entry.key) or len(entry.key) > MAX_NAME_LENGTH:
            # A JSON key is a name, so it is quoted; a dotenv "key" may be a piece of a
            # misquoted multi-line value, so only its line is named.
            which = f"{quoted(entry.key)} ({entry.where})" if entry.named else entry.where
            out.problem("secrets", f"{which}: not a valid secret name (use A-Z, 0-9, _).")
            continue
        name = entry.key.upper()
        if name in chosen:
            out.problem("secrets", f"{entry.label} appears twice (names are not case-sensitive).")
            continue
        if not entry.value:
            out.problem("secrets", f"{entry.label} has an empty value.")
            continue
        if _check_value(entry.value, "secrets", f"the value of {entry.label}", out):
            chosen[name] = Secret(name, entry.value)
    selected = _apply_include(list(chosen.values()), raw.get("include", ""), out)
    if not parsed.problems and not selected:
        out.problem("secrets", "no secrets to write after skipping reserved names and include.")
    for store in stores:
        limit = STORE_LIMITS.get(store)
        if limit is not None and len(selected) > limit:
            out.problem(
                "secrets",
                f"{len(selected)} secrets; an organization holds at most {limit} "
                f"{store.label} secrets.",
            )
    return selected


def _apply_include(secrets: list[Secret], text: str, out: _Collector) -> list[Secret]:
    patterns = [pattern.upper() for pattern in split_list(text)]
    if not patterns:
        return secrets
    if any(len(pattern) > MAX_PATTERN_LENGTH for pattern in patterns):
        out.problem("include", f"a pattern is longer than {MAX_PATTERN_LENGTH} characters.")
        return []
    for pattern in patterns:
        if not any(fnmatchcase(secret.name, pattern) for secret in secrets):
            out.warnings.append(f"include pattern '{pattern}' matches no secret.")
    return [s for s in secrets if any(fnmatchcase(s.name, p) for p in patterns)]


def _parse_visibility(text: str, out: _Collector) -> Visibility | None:
    text = text.strip().lower()
    if not text:
        return None
    try:
        return Visibility(text)
    except ValueError:
        out.problem(
            "visibility", f"{quoted(text)} is not one of all, private, selected (or empty)."
        )
        return None


def _parse_repositories(
    text: str, visibility: Visibility | None, orgs: list[str], out: _Collector
) -> list[RepoRef]:
    entries = split_list(text)
    if not entries:
        return []
    if visibility not in (None, Visibility.SELECTED):
        out.problem(
            "repositories",
            f"only applies with visibility selected (or empty), not {visibility}.",
        )
        return []
    known_orgs = {org.lower() for org in orgs}
    refs: list[RepoRef] = []
    for entry in entries:
        ref = _parse_repo_ref(entry)
        if ref is None:
            out.problem(
                "repositories",
                f"{quoted(entry)} is not a repository name, owner/name, or numeric ID.",
            )
        elif ref.owner is not None and ref.owner.lower() not in known_orgs:
            out.problem(
                "repositories",
                f"{quoted(entry)} belongs to {ref.owner}, which is not an org being written to.",
            )
        elif ref.id is not None and len(orgs) > 1:
            out.problem(
                "repositories",
                f"{quoted(entry)}: a numeric ID is ambiguous with several orgs; use owner/name.",
            )
        else:
            refs.append(ref)
    return refs


def _parse_repo_ref(entry: str) -> RepoRef | None:
    if entry.isdecimal() and entry.isascii():
        if len(entry) > MAX_ID_DIGITS or not 0 < int(entry) < 2**63:
            return None
        return RepoRef(entry, id=int(entry))
    owner, slash, name = entry.rpartition("/")
    if slash and not _ORG_LOGIN.fullmatch(owner):
        return None
    if not _REPO_NAME.fullmatch(name) or name in (".", ".."):
        return None
    return RepoRef(entry, owner=owner or None, name=name)


def _parse_bool(input_name: str, text: str, out: _Collector) -> bool:
    text = text.strip()
    if not text or text in _FALSE:
        return False
    if text in _TRUE:
        return True
    out.problem(input_name, f"{quoted(text)} is not a YAML 1.2 boolean (true/false).")
    return False


def _parse_whole(
    input_name: str, text: str, unit: str, low: int, high: int, out: _Collector
) -> int | None:
    """A whole number in ``low``..``high``; None when empty or wrong (a problem is noted)."""
    text = text.strip()
    if not text:
        return None
    if not (text.isdecimal() and text.isascii()) or len(text) > 9:
        out.problem(input_name, f"{quoted(text)} is not a whole number of {unit}.")
        return None
    number = int(text)
    if number > high:
        out.problem(input_name, f"{number} is more than {high} ({unit}, {low}-{high}).")
    elif number < low:
        out.problem(input_name, f"{number} is less than {low} ({unit}, {low}-{high}).")
    else:
        return number
    return None


def _parse_retry(text: str, out: _Collector) -> RetryPolicy:
    seconds = _parse_whole("retry-wait-limit", text, "seconds", 0, 3600, out)
    return RetryPolicy() if seconds is None else RetryPolicy(max_total_wait=float(seconds))
