"""Who may call what: token parsing and GitHub's access checks, in GitHub's order.

GitHub hides what a token may not see behind 404 (an org the user does not own), but tells
a classic token which scope it lacks (403 plus the X-OAuth-Scopes / X-Accepted-OAuth-Scopes
pair the GitHub CLI reads), tells a fine-grained token which permission it lacks (403 plus
X-Accepted-GitHub-Permissions, which its answers always carry), and names SAML enforcement
with an X-GitHub-SSO header.
"""

from __future__ import annotations

from collections.abc import Mapping

from .messages import HttpError, not_found
from .state import Org, Repo, State, Token
from .stores import StoreRules

ORG_SECRETS_SCOPE = "admin:org"
REPO_SCOPE = "repo"

NO_SCOPE_MESSAGE = "Resource not accessible by personal access token"
SAML_MESSAGE = (
    "Resource protected by organization SAML enforcement. "
    "You must grant your Personal Access token access to this organization."
)


def bearer_token(headers: Mapping[str, str]) -> str | None:
    """The token of an `Authorization: Bearer T` or `token T` header, else None."""
    scheme, _, value = headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() in ("bearer", "token") and value.strip():
        return value.strip()
    return None


def bad_credentials() -> HttpError:
    """GitHub's 401 for a missing or unknown token."""
    return HttpError(401, "Bad credentials", documentation_url="https://docs.github.com/rest")


def access_headers(token: Token, accepted_scopes: str, accepted_permissions: str) -> dict[str, str]:
    """The scope pair for a classic token, the fine-grained permission for a fine-grained one.

    GitHub names the permission with its level, e.g. `organization_secrets=write`.
    """
    if token.fine_grained:
        return {"x-accepted-github-permissions": accepted_permissions}
    return {"x-oauth-scopes": ", ".join(token.scopes), "x-accepted-oauth-scopes": accepted_scopes}


def _require_sso(org: Org, token: Token) -> None:
    if org.saml and not token.sso_authorized:
        sso_url = f"https://github.com/orgs/{org.login}/sso?authorization_request=EXAMPLE"
        raise HttpError(403, SAML_MESSAGE, headers={"x-github-sso": f"required; url={sso_url}"})


def org_secrets_access(state: State, token: Token, org_login: str, store: StoreRules) -> Org:
    """The org whose secrets of `store` the token may manage, or the error GitHub gives."""
    org = state.org(org_login)
    if org is None:
        raise not_found()
    if token.fine_grained:
        # The pipeline adds the X-Accepted-GitHub-Permissions header naming what is missing.
        if not token.may_manage(store):
            raise HttpError(403, NO_SCOPE_MESSAGE)
    elif ORG_SECRETS_SCOPE not in token.scopes:
        raise HttpError(403, NO_SCOPE_MESSAGE)
    _require_sso(org, token)
    # Not an owner, or a plan without this store: GitHub answers as if nothing exists.
    if not token.owns(org.login) or not org.offers(store):
        raise not_found()
    return org


def org_repos_access(state: State, token: Token, org_login: str) -> Org:
    """The org whose repositories the token may list, or the error GitHub gives."""
    org = state.org(org_login)
    if org is None:
        raise not_found()
    _require_sso(org, token)
    return org


def can_see(token: Token, org: Org, repo: Repo) -> bool:
    """Public repositories are visible to all; private ones need membership and `repo`."""
    if not repo.private:
        return True
    return token.owns(org.login) and (token.fine_grained or REPO_SCOPE in token.scopes)
