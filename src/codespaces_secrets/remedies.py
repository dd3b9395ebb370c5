"""What to do about each way GitHub refuses a request: one message per cause.

The causes come from GitHub's documentation and from behaviour reported on public
issue trackers: a 404 that hides an org from a non-owner or a plan without Codespaces
(google/go-github#3000), SAML enforcement with ``X-GitHub-SSO`` (cli/cli#2661).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .apiroot import is_github_host
from .config import Store

if TYPE_CHECKING:
    from .config import RetryPolicy
    from .retry import Decision, Fault

REQUIRED_SCOPE = "admin:org"
CHECK_API_URL = (
    "Check that api-url is the REST API root itself, e.g. https://api.github.com, and that no "
    "proxy or load balancer in between redirects or alters requests."
)
PROXY_AUTH = (
    "The proxy asks for credentials: put them in HTTPS_PROXY (http://user:password@host:port) "
    "or add the API host to NO_PROXY."
)
# What each store asks of a fine-grained token or a GitHub App, as GitHub names it: the
# organization permission's name in the token settings, and its key (the same key for
# fine-grained tokens and Apps, and the one X-Accepted-GitHub-Permissions names). The
# short names in GitHub's API prose, `secrets` and `dependabot_secrets`, are the
# repository permissions: naming them here would send users to the wrong setting.
STORE_PERMISSIONS: dict[Store, tuple[str, str]] = {
    Store.CODESPACES: ("Organization codespaces secrets", "organization_codespaces_secrets"),
    Store.DEPENDABOT: ("Organization dependabot secrets", "organization_dependabot_secrets"),
    Store.ACTIONS: ("Secrets", "organization_secrets"),
    Store.AGENTS: ("Agent secrets", "organization_agent_secrets"),
}
ORG_NOT_FOUND = (
    "GitHub answers 404 when the organization does not exist, when its plan has no "
    "{label} organization secrets{plan}, when the token's owner is not an owner of the "
    "organization, or when a fine-grained or App token lacks the store's permission "
    "(GitHub hides what a token may not see). Check the org input, the plan, and the token."
)


def auth_help(store: Store) -> str:
    """Which tokens work for ``store``, by GitHub's names for its permission."""
    fine, key = STORE_PERMISSIONS[store]
    return (
        "Use a classic personal access token with the admin:org scope, or a fine-grained "
        f'token or GitHub App with the organization permission "{fine}: write" ({key}=write) '
        '(and "Metadata: read" to look up repository names), owned by an organization owner. '
        "The workflow's own GITHUB_TOKEN cannot manage organization secrets."
    )


def remedy_for(
    status: int,
    headers: Mapping[str, str],
    github_message: str,
    store: Store | None = Store.CODESPACES,
    *,
    api_host: str = "",
    fields: tuple[str, ...] = (),
) -> str:
    """The advice for an HTTP failure, from its status, headers and GitHub's message.

    ``api_host``: the API's own host, the only one besides GitHub's whose URLs are shown.
    ``store``: the secret store addressed (None for repository look-ups: Codespaces' words).
    """
    store = store or Store.CODESPACES
    # GitHub's own word comes first: the header names exactly what this endpoint checked.
    wanted = _accepted_permissions(headers)
    if status == 401:
        return f"The token is invalid, expired or revoked. {auth_help(store)}"
    if status == 403:
        return wanted + _forbidden(headers, github_message, store, api_host)
    if status == 407:
        return PROXY_AUTH
    if status == 404:
        plan = " (they need Team or Enterprise)" if store is Store.CODESPACES else ""
        return wanted + ORG_NOT_FOUND.format(label=store.label, plan=plan)
    if status == 409:
        return (
            "The secret's current state conflicts with the request (a repository list can "
            "only be set while visibility is selected). Set visibility: selected."
        )
    if status == 422:
        return _invalid(fields)
    if not 400 <= status <= 599:
        return f"HTTP {status} is not an answer GitHub gives here. {CHECK_API_URL}"
    return "Re-run the job; if it keeps failing, check https://www.githubstatus.com."


# What to change when a 422 names a field (GitHub's errors[].field).
_FIELD_REMEDIES = {
    "selected_repository_ids": "Check repositories: each must be a repository of the org "
    "that the token can see.",
    "visibility": "Check visibility: all, private or selected (repositories go with selected).",
    "encrypted_value": "The value could not be used as sent; run again to seal it anew, and "
    "check it is at most 48 KB.",
    "key_id": "The public key changed; run again to fetch it anew.",
    "name": "Check the secret's name: letters, digits and underscores.",
    "secret_name": "Check the secret's name: letters, digits and underscores.",
}


def _invalid(fields: tuple[str, ...]) -> str:
    """What to change for a 422, by the fields GitHub names."""
    advice = list(dict.fromkeys(_FIELD_REMEDIES[f] for f in fields if f in _FIELD_REMEDIES))
    if advice:
        return " ".join(advice)
    # Server text: only field names of GitHub's shape are repeated.
    named = ", ".join(f for f in fields if re.fullmatch(r"[a-z_]{1,40}", f))
    if named:
        return f"GitHub refused the field(s) {named}; change what its message names."
    return "GitHub rejected the request as invalid; change what its message names."


# What the scope headers may quote: a classic scope ("admin:org", "read:packages") in
# X-OAuth-Scopes and X-Accepted-OAuth-Scopes, a permission and its level
# ("organization_codespaces_secrets=write") in X-Accepted-GitHub-Permissions. Anything
# else a header holds (a URL, markup, 20 KB of text) is server text that is not repeated.
SCOPE = re.compile(r"[a-z][a-z_:]{0,49}")
PERMISSION = re.compile(r"[a-z][a-z_]{0,79}=(?:read|write|admin)")
MAX_SCOPE_WORDS = 20  # GitHub's classic scopes number about 40; a token rarely holds half


def scope_words(header: str, shape: re.Pattern[str] = SCOPE) -> list[str]:
    """The words of a scope header that have ``shape``, in order, at most MAX_SCOPE_WORDS.

    Words are separated by commas, semicolons or spaces, as GitHub writes them; a word of
    any other shape is left out, never quoted. The header is read word by word, never cut
    (a cut could leave the start of a word), and no further than a few words past the cap.
    """
    found: dict[str, None] = {}
    for seen, match in enumerate(re.finditer(r"[^,;\s]+", header)):
        if len(found) >= MAX_SCOPE_WORDS or seen >= 10 * MAX_SCOPE_WORDS:
            break
        if shape.fullmatch(match.group(0)):
            found[match.group(0)] = None
    return list(found)


def _accepted_permissions(headers: Mapping[str, str]) -> str:
    """GitHub's own word on the fine-grained permission an endpoint needs, when it sends it.

    GitHub separates alternatives with ";" and permissions needed together with ",";
    the structure is kept, the words are only the permission-shaped ones.
    """
    alternatives = headers.get("x-accepted-github-permissions", "").split(";", MAX_SCOPE_WORDS)
    groups: dict[str, None] = {}  # each alternative once, at most MAX_SCOPE_WORDS words in all
    left = MAX_SCOPE_WORDS
    for alternative in alternatives[:MAX_SCOPE_WORDS]:
        words = scope_words(alternative, PERMISSION)[:left]
        if words:
            groups[", ".join(words)] = None
            left -= len(words)
    accepted = "; ".join(groups)
    if not accepted:
        return ""
    return f"GitHub says this endpoint needs the permission {accepted}. "


def _forbidden(headers: Mapping[str, str], github_message: str, store: Store, api_host: str) -> str:
    sso = headers.get("x-github-sso", "")
    if sso or "SAML" in github_message:
        match = re.search(r"url=(\S+)", sso)
        shown = match is not None and _trusted_url(match.group(1), api_host)
        where = f" at {match.group(1)}" if match and shown else ""
        return (
            "The organization enforces SAML single sign-on: authorize the token for it"
            f"{where} (Settings > Developer settings > Tokens > Configure SSO)."
        )
    accepted = _scopes(headers.get("x-accepted-oauth-scopes", ""))
    if "x-oauth-scopes" in headers:
        held = _scopes(headers["x-oauth-scopes"])
        needed = accepted or {REQUIRED_SCOPE}
        if not needed & held:
            has = ", ".join(sorted(held)) or "no scopes"
            wanted = " or ".join(sorted(needed))
            return (
                f"This operation needs the {wanted} scope; the token has {has}. {auth_help(store)}"
            )
    return f"The token is not allowed to do this. {auth_help(store)}"


def _scopes(text: str) -> set[str]:
    return set(scope_words(text))


def _trusted_url(url: str, api_host: str) -> bool:
    """Whether a URL from a header is GitHub's (or the API host's) own, https, no userinfo.

    Anything else is not repeated: the advice must not send the user to a page the
    server chose.
    """
    if not url.isprintable():
        return False  # a control or bidi character: shown, it would act on the terminal
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return False
    if parts.scheme != "https" or parts.username is not None or not host:
        return False
    own = host if port is None else f"{host}:{port}"
    return is_github_host(host) or own == api_host.lower()


def refused_redirect(operation: str, status: int, host: str, *, write: bool) -> str:
    """Why a redirect was not followed: a write never is; a read only within the API root."""
    if write:
        return (
            f"Could not {operation}: the server answered HTTP {status} (a redirect). A "
            "write is never redirected, so nothing was written."
        )
    return (
        f"Could not {operation}: the server answered HTTP {status}, redirecting away from "
        f"the API root on {host}; not followed, so the token was not sent elsewhere."
    )


def gave_up(fault: Fault, decision: Decision, policy: RetryPolicy, host: str) -> str:
    """Why the run stopped trying (attempts or wait limit), and what helps."""
    if decision.limit == "name":
        return (
            f"The name {host} was not found: check api-url for a typo (GitHub's API is "
            "https://api.github.com; GitHub Enterprise Cloud's is https://api.<name>.ghe.com)."
        )
    if decision.limit == "wait":
        stopped = (
            f"The run's retry-wait-limit ({policy.max_total_wait:g}s) is spent: failed "
            "attempts and the waits between them count against it. Raise retry-wait-limit "
            "to keep trying longer."
        )
    else:
        stopped = f"Each request is tried at most {policy.max_attempts} times."
    if fault.status is None:
        cause = (
            f"{host} could not be reached ({fault.kind}). Check api-url and the runner's "
            "network (DNS, firewall, HTTPS_PROXY/NO_PROXY), then re-run the job."
        )
    elif fault.rate_limited:
        cause = "GitHub is rate-limiting this token. Re-run the job later."
    else:
        cause = (
            f"The server kept answering HTTP {fault.status}. Re-run the job later; for "
            "GitHub, see https://www.githubstatus.com."
        )
    return f"{cause} {stopped}"
