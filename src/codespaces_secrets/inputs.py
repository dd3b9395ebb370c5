"""Turn raw input strings into a validated ``Config``, collecting every problem at once.

Nothing here touches the network or prints. ``parse`` returns the problems and every
secret value it came across (even from invalid input) so that the caller can mask the
values *before* it reports anything.

Messages are written in the caller's words from the start: ``Terms`` says how to call
each input (the action's input names, or the command line's flags), so that no message
has to be rewritten afterwards. User text echoed in a message is always ``quoted`` (one
line, printable, short) and never case-folded; a token is never echoed in any form.
Warnings of one kind are one line, with a count, however many times the kind occurs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from fnmatch import fnmatchcase
from pathlib import Path
from types import MappingProxyType
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
from .suggest import did_you_mean
from .valuefile import MAX_SECRETS_FILE_BYTES, read_value_file

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
    "secrets-file",
    "include",
    "delete",
    "prune",
    "prune-limit",
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
MAX_PRUNE_LIMIT = 1000  # GitHub's largest store (Actions) holds 1,000 secrets
SHOWN_ITEMS = 5  # items one warning lists before "and N more"

_SECRET_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ORG_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")
_REPO_NAME = re.compile(r"[A-Za-z0-9._-]{1,100}")
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_NOT_AVAILABLE = (
    "An empty value usually means the expression that should supply it (for example "
    "${{ secrets.NAME }}) names a secret that does not exist or is not available to this run."
)


class Terms(NamedTuple):
    """How messages name the inputs: the action's names, or another adapter's (the CLI's).

    ``names`` maps an input to how a message calls it (missing: the input's own name);
    ``cli`` picks the few sentences that differ beyond a name (where a token or an empty
    value comes from).
    """

    names: Mapping[str, str] = MappingProxyType({"secrets": "the secrets input"})
    cli: bool = False

    def __call__(self, input_name: str) -> str:
        """How a message names ``input_name``."""
        return self.names.get(input_name, input_name)


ACTION_TERMS = Terms()


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

    def __init__(self, terms: Terms) -> None:
        self.n = terms
        self.problems: list[InputProblem] = []
        self.notices: list[str] = []
        self.warnings: list[str] = []
        self.values: list[str] = []

    def problem(self, input_name: str, message: str) -> None:
        self.problems.append(InputProblem(input_name, message))

    def warn_once(self, what: str, items: Sequence[str], tail: str) -> None:
        """One warning for every item of a kind: ``what`` the first few, a count, ``tail``."""
        if not items:
            return
        shown = ", ".join(items[:SHOWN_ITEMS])
        more = len(items) - SHOWN_ITEMS
        listed = f"{shown} and {more} more" if more > 0 else shown
        self.warnings.append(f"{what} {listed} {tail}")


def parse(
    raw: Mapping[str, str],
    *,
    workspace: Path | None,
    default_api_url: str | None = None,
    listing: bool = False,
    terms: Terms = ACTION_TERMS,
) -> Parsed:
    """Validate every input; ``workspace`` confines ``value-file`` (None: no confinement).

    Problems come in the order of the inputs in action.yml. ``listing``: only the orgs,
    stores and access are needed (the CLI's ``list``), so no secret is required.
    ``terms``: how messages name the inputs.
    """
    out = _Collector(terms)
    token = raw.get("token", "").strip()
    if token:
        _check_token(token, "token", out)
    org_tokens = _parse_tokens(raw.get("tokens", ""), split_list(raw.get("org", "")), out)
    orgs = _parse_orgs(raw.get("org", ""), out)
    _check_token_coverage(token, org_tokens, orgs, out)
    stores = _parse_stores(raw.get("apps", ""), out)
    deleting = bool(split_list(raw.get("delete", "")))
    raw = _with_secrets_file(raw, workspace, out)
    batch = bool(raw.get("secrets", ""))
    writing = batch or any(raw.get(name, "") for name in ("name", "value", "value-file"))
    secrets: list[Secret] = []
    if batch:
        secrets = _parse_batch(raw, stores, out)
    elif writing or not (deleting or listing):
        secrets = _parse_single(raw, workspace, out)
    elif raw.get("include", "").strip():
        out.problem("include", f"only applies with {out.n('secrets')} (batch mode).")
    _warn_about_values(secrets, batch, out)
    deletes = _parse_deletes(raw.get("delete", ""), secrets, out)
    prune = _parse_prune(raw, batch, out)
    prune_limit = _parse_whole(
        "prune-limit", raw.get("prune-limit", ""), "secrets", 0, MAX_PRUNE_LIMIT, out
    )
    if prune_limit is not None and not prune:
        out.warnings.append(f"{out.n('prune-limit')} only matters with {out.n('prune')}; unused.")
    visibility = _parse_visibility(raw.get("visibility", ""), out)
    repositories = _parse_repositories(raw.get("repositories", ""), visibility, orgs, out)
    if visibility is Visibility.SELECTED and not repositories and secrets:
        out.warnings.append(
            f"{out.n('visibility')} is selected but {out.n('repositories')} is empty: a new "
            "secret would be usable by no repository (an existing one keeps its list)."
        )
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
            prune_limit=prune_limit,
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


def _parse_tokens(text: str, org_list: list[str], out: _Collector) -> dict[str, str]:
    """``tokens``: a JSON object or ``org=token`` lines mapping an org to its own token.

    ``org_list``: the org input's entries, to recognise a pair written the wrong way round
    (``token=org``): its token is then masked and its org is not, and the problem names
    the entry by position. No entry's text is ever echoed: the left side may be a token.
    """
    if not text.strip():
        return {}
    out.values.append(text)
    pairs = _token_pairs(text, out)
    orgs = {org.lower() for org in org_list}
    found: dict[str, str] = {}
    unused: list[str] = []
    for index, (org, token) in enumerate(pairs, start=1):
        if not isinstance(token, str) or not token:
            out.problem("tokens", f"entry {index}: the token must be a non-empty string.")
            continue
        if token.lower() in orgs and org.lower() not in orgs:
            out.values.append(org)  # the token is on the left: mask it, not the org
            out.problem(
                "tokens",
                f"entry {index} is written the wrong way round (token=org); write org=token.",
            )
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
            if org.lower() not in orgs:
                unused.append(str(index))
    out.warn_once(
        f"{out.n('tokens')}: entr{'y' if len(unused) == 1 else 'ies'}",
        unused,
        f"name{'s' if len(unused) == 1 else ''} an org that is not in {out.n('org')}; unused.",
    )
    return found


def _token_pairs(text: str, out: _Collector) -> list[tuple[str, object]]:
    if text.lstrip().startswith("{"):
        try:
            found: list[tuple[str, object]] = json.loads(text, object_pairs_hook=list)
        except (ValueError, RecursionError):
            out.problem("tokens", "is not a valid JSON object of org: token pairs.")
            return []
        return found
    pairs: list[tuple[str, object]] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        org, equals, given = line.partition("=")
        if not line.strip():
            continue
        if not equals:
            out.problem("tokens", f"line {lineno} is not org=token.")
            continue
        pairs.append((org.strip(), given.strip()))
    return pairs


def _check_token_coverage(
    token: str, org_tokens: Mapping[str, str], orgs: list[str], out: _Collector
) -> None:
    if token:
        return
    uncovered = [org for org in orgs if org.lower() not in org_tokens]
    if uncovered or not orgs:
        which = f" (needed for {', '.join(uncovered)})" if org_tokens else ""
        where = "set GH_TOKEN or GITHUB_TOKEN to" if out.n.cli else "pass"
        source = "" if out.n.cli else " from a secret"
        out.problem(
            "token",
            f"is required{which}: {where} a token with the admin:org scope{source}, or "
            f"give each org its own in {out.n('tokens')}.",
        )


def _parse_stores(text: str, out: _Collector) -> list[Store]:
    names = split_list(text)
    if not names:
        return [Store.CODESPACES]
    stores: list[Store] = []
    choices = [s.value for s in Store]
    for name in names:
        try:
            store = Store(name.lower())
        except ValueError:
            out.problem(
                "apps",
                f"{quoted(name)} is not one of {', '.join(choices)}.{did_you_mean(name, choices)}",
            )
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
        out.problem("prune", f"only applies with {out.n('secrets')} (batch mode).")
    elif not patterns:
        out.problem(
            "prune",
            f"needs {out.n('include')}: its patterns say which existing secrets prune may delete.",
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
    """The login to use for an org given as a URL, or with a stray ``@`` or ``/``.

    ``https://github.com/octo-org``, ``@octo-org`` (a mention) and ``octo-org/`` (a path).
    """
    match = re.fullmatch(r"(?:https?://)?(?:www\.)?github\.com/([^/\s]+)/?", text.strip())
    if match and _ORG_LOGIN.fullmatch(match.group(1)):
        return f" Use the login alone: {match.group(1)}."
    stripped = text.strip().lstrip("@").strip("/")
    if stripped != text.strip() and _ORG_LOGIN.fullmatch(stripped):
        return f" Did you mean {stripped}?"
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
            "name",
            f"is required (or several secrets in {out.n('secrets')}, or names to remove "
            f"with {out.n('delete')}).",
        )
    elif _check_name(name, "name", out):
        name = name.upper()
    if value and value_file:
        out.problem("value", f"give {out.n('value')} or {out.n('value-file')}, not both.")
        return []
    if value_file:
        read, problem = read_value_file(value_file, workspace)
        if read is None:
            out.problem("value-file", problem)
        value = read or ""
        if value:
            out.values.append(value)
    elif not value:
        if out.n.cli:
            out.problem("value", f"is empty: give a value, or {out.n('value-file')}.")
        else:
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
            out.problem(other, f"cannot be combined with {out.n('secrets')}; use one mode.")
    text = raw["secrets"]
    out.values.append(text)
    parsed = parse_secrets_text(text)
    out.values.extend(entry.value for entry in parsed.entries if entry.value)
    for problem in parsed.problems:
        out.problem("secrets", problem)
    out.warnings.extend(f"{out.n('secrets')}: {warning}" for warning in parsed.warnings)
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
    pruning = raw.get("prune", "").strip() in _TRUE
    selected = _apply_include(list(chosen.values()), raw.get("include", ""), pruning, out)
    if not parsed.problems and not selected:
        out.problem(
            "secrets", f"no secrets to write after skipping reserved names and {out.n('include')}."
        )
    for store in stores:
        limit = STORE_LIMITS.get(store)
        if limit is not None and len(selected) > limit:
            out.problem(
                "secrets",
                f"{len(selected)} secrets; an organization holds at most {limit} "
                f"{store.label} secrets.",
            )
    return selected


def _apply_include(
    secrets: list[Secret], text: str, pruning: bool, out: _Collector
) -> list[Secret]:
    given = split_list(text)
    patterns = [pattern.upper() for pattern in given]
    if not patterns:
        return secrets
    if any(len(pattern) > MAX_PATTERN_LENGTH for pattern in patterns):
        out.problem("include", f"a pattern is longer than {MAX_PATTERN_LENGTH} characters.")
        return []
    # Quoted as given (never upper-cased, never raw), and one warning for all of them.
    unmatched = [
        quoted(text)
        for text, pattern in zip(given, patterns, strict=True)
        if not any(fnmatchcase(secret.name, pattern) for secret in secrets)
    ]
    one = len(unmatched) == 1
    kind = f"{out.n('include')} pattern{'' if one else 's'}"
    if pruning:
        # Such a pattern still selects existing secrets for prune to delete.
        out.warn_once(
            kind,
            unmatched,
            f"match{'es' if one else ''} no secret in {out.n('secrets')}; with "
            f"{out.n('prune')}, every existing secret {'it matches' if one else 'they match'} "
            "will be deleted.",
        )
    else:
        out.warn_once(kind, unmatched, f"match{'es' if one else ''} no secret.")
    return [s for s in secrets if any(fnmatchcase(s.name, p) for p in patterns)]


def _with_secrets_file(
    raw: Mapping[str, str], workspace: Path | None, out: _Collector
) -> Mapping[str, str]:
    """``secrets-file``: the batch read from a file in the workspace, as ``secrets``."""
    path = raw.get("secrets-file", "").strip()
    if not path:
        return raw
    if raw.get("secrets", ""):
        out.problem(
            "secrets-file", f"give {out.n('secrets')} or {out.n('secrets-file')}, not both."
        )
        return raw
    text, problem = read_value_file(path, workspace, MAX_SECRETS_FILE_BYTES)
    if text is None:
        out.problem("secrets-file", problem)
        return raw
    return {**raw, "secrets": text}


def _warn_about_values(secrets: list[Secret], batch: bool, out: _Collector) -> None:
    """Values that are kept exactly but are probably not what was meant: one line a kind."""
    newline = [s.name for s in secrets if s.value.endswith("\n") and s.value.strip()]
    blank = [s.name for s in secrets if not s.value.strip()]
    if not batch:
        if newline:
            hint = _NEWLINE_HINT[out.n.cli]
            out.warnings.append(f"the value ends with a newline, which is kept as part of it{hint}")
        if blank:
            out.warnings.append("the value is only whitespace; it is written as it is.")
        return
    out.warn_once(
        "the values of" if len(newline) > 1 else "the value of",
        newline,
        f"end{'s' if len(newline) == 1 else ''} with a newline, which is kept as part of "
        f"{'it' if len(newline) == 1 else 'them'}.",
    )
    out.warn_once(
        "the values of" if len(blank) > 1 else "the value of",
        blank,
        f"{'is' if len(blank) == 1 else 'are'} only whitespace; written as "
        f"{'it is' if len(blank) == 1 else 'they are'}.",
    )


_NEWLINE_HINT = {
    False: " (a YAML block scalar | adds one: use |- to leave it out).",
    True: " (use printf '%s' or echo -n to leave it out).",
}


def _parse_visibility(text: str, out: _Collector) -> Visibility | None:
    text = text.strip()
    if not text:
        return None
    try:
        return Visibility(text.lower())
    except ValueError:
        hint = did_you_mean(text, [v.value for v in Visibility])
        out.problem(
            "visibility",
            f"{quoted(text)} is not one of all, private, selected (or empty).{hint}",
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
            f"only applies with {out.n('visibility')} selected (or empty), not {visibility}.",
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
