"""What to do about each way GitHub refuses a request: one message per cause.

The causes come from GitHub's documentation and from behaviour reported on public
issue trackers: a 404 that hides an org from a non-owner or a plan without Codespaces
(google/go-github#3000), SAML enforcement with ``X-GitHub-SSO`` (cli/cli#2661).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

REQUIRED_SCOPE = "admin:org"
AUTH_HELP = (
    "Use a classic personal access token with the admin:org scope, or a fine-grained token "
    'with the organization permission "Codespaces secrets: write" (and repository '
    '"Metadata: read" to look up repository names), owned by an organization owner. '
    "The workflow's own GITHUB_TOKEN cannot manage organization secrets."
)
ORG_NOT_FOUND = (
    "GitHub answers 404 when the organization does not exist, when its plan has no "
    "Codespaces organization secrets (they need Team or Enterprise), or when the token's "
    "owner is not an owner of the organization (GitHub hides the organization then). "
    "Check the org input, the plan, and that the token belongs to an organization owner."
)


def remedy_for(status: int, headers: Mapping[str, str], github_message: str) -> str:
    """The advice for an HTTP failure, from its status, headers and GitHub's message."""
    if status == 401:
        return f"The token is invalid, expired or revoked. {AUTH_HELP}"
    if status == 403:
        return _forbidden(headers, github_message)
    if status == 404:
        return ORG_NOT_FOUND
    if status == 409:
        return (
            "The secret's current state conflicts with the request (a repository list can "
            "only be set while visibility is selected). Set visibility: selected."
        )
    if status == 422:
        return "GitHub rejected the request as invalid; see its message above."
    return "Re-run the job; if it keeps failing, check https://www.githubstatus.com."


def _forbidden(headers: Mapping[str, str], github_message: str) -> str:
    sso = headers.get("x-github-sso", "")
    if sso or "SAML" in github_message:
        match = re.search(r"url=(\S+)", sso)
        where = f" at {match.group(1)}" if match else ""
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
