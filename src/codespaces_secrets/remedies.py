"""What to do about each way GitHub refuses a request: one message per cause.

The causes come from GitHub's documentation and from behaviour reported on public
issue trackers: a 404 that hides an org from a non-owner or a plan without Codespaces
(google/go-github#3000), SAML enforcement with ``X-GitHub-SSO`` (cli/cli#2661).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from .apiroot import is_github_host

REQUIRED_SCOPE = "admin:org"
AUTH_HELP = (
    "Use a classic personal access token with the admin:org scope, or a fine-grained token "
    'with the organization permission "Codespaces secrets: write" (and repository '
    '"Metadata: read" to look up repository names), owned by an organization owner. '
    "The workflow's own GITHUB_TOKEN cannot manage organization secrets."
)
CHECK_API_URL = (
    "Check that api-url is the REST API root itself, e.g. https://api.github.com, and that no "
    "proxy or load balancer in between redirects or alters requests."
)
PROXY_AUTH = (
    "The proxy asks for credentials: put them in HTTPS_PROXY (http://user:password@host:port) "
    "or add the API host to NO_PROXY."
)
ORG_NOT_FOUND = (
    "GitHub answers 404 when the organization does not exist, when its plan has no "
    "Codespaces organization secrets (they need Team or Enterprise), or when the token's "
    "owner is not an owner of the organization (GitHub hides the organization then). "
    "Check the org input, the plan, and that the token belongs to an organization owner."
)


def remedy_for(
    status: int, headers: Mapping[str, str], github_message: str, *, api_host: str = ""
) -> str:
    """The advice for an HTTP failure, from its status, headers and GitHub's message.

    ``api_host``: the API's own host, the only one besides GitHub's whose URLs are shown.
    """
    if status == 401:
        return f"The token is invalid, expired or revoked. {AUTH_HELP}"
    if status == 403:
        return _forbidden(headers, github_message, api_host)
    if status == 407:
        return PROXY_AUTH
    if status == 404:
        return ORG_NOT_FOUND
    if status == 409:
        return (
            "The secret's current state conflicts with the request (a repository list can "
            "only be set while visibility is selected). Set visibility: selected."
        )
    if status == 422:
        return "GitHub rejected the request as invalid; see its message above."
    if not 400 <= status <= 599:
        return f"HTTP {status} is not an answer GitHub gives here. {CHECK_API_URL}"
    return "Re-run the job; if it keeps failing, check https://www.githubstatus.com."


def _forbidden(headers: Mapping[str, str], github_message: str, api_host: str) -> str:
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
            return f"This operation needs the {wanted} scope; the token has {has}. {AUTH_HELP}"
    return f"The token is not allowed to do this. {AUTH_HELP}"


def _scopes(text: str) -> set[str]:
    return {scope.strip() for scope in text.split(",") if scope.strip()}


def _trusted_url(url: str, api_host: str) -> bool:
    """Whether a URL from a header is GitHub's (or the API host's) own, https, no userinfo.

    Anything else is not repeated: the advice must not send the user to a page the
    server chose.
    """
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
