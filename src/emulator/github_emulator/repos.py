"""The two repository operations clients use to turn names into ids."""

from __future__ import annotations

from .auth import REPO_SCOPE, can_see, org_repos_access
from .messages import ApiResponse, not_found
from .pagination import paginate
from .routing import Ctx, Route, route
from .state import Repo
from .views import repo_json

# What a fine-grained token needs to read repositories, as X-Accepted-GitHub-Permissions names it.
METADATA_PERMISSION = "metadata=read"


def routes() -> list[Route]:
    """GET /repos/{owner}/{repo} and GET /orgs/{org}/repos."""
    return [
        route("GET", "/repos/{owner}/{repo}", get_repo, REPO_SCOPE, METADATA_PERMISSION),
        route("GET", "/orgs/{org}/repos", list_org_repos, REPO_SCOPE, METADATA_PERMISSION),
    ]


def get_repo(ctx: Ctx) -> ApiResponse:
    """One repository; 404 when unknown or not visible to the token (GitHub hides it)."""
    org = ctx.state.org(ctx.params["owner"])
    repo = ctx.state.repo(ctx.params["owner"], ctx.params["repo"])
    if org is None or repo is None:
        raise not_found()
    org = org_repos_access(ctx.state, ctx.token, org.login)
    if not can_see(ctx.token, org, repo):
        raise not_found()
    return ApiResponse(
        200,
        repo_json(
            ctx.api_url, ctx.origin, org, repo, ctx.token, full=True, api_version=ctx.api_version
        ),
    )


def _sorted(repos: list[Repo], sort: str, direction: str | None) -> list[Repo]:
    """GitHub's ordering: `created` by default; `desc` unless sorting by full_name."""
    if sort == "full_name":
        ordered = sorted(repos, key=lambda r: r.full_name.lower())
        return ordered[::-1] if direction == "desc" else ordered
    # Ids grow with creation, and timestamps have one-second resolution.
    ordered = sorted(repos, key=lambda r: r.id)
    return ordered if direction == "asc" else ordered[::-1]


def list_org_repos(ctx: Ctx) -> ApiResponse:
    """The org's repositories the token can see, one page at a time."""
    org = org_repos_access(ctx.state, ctx.token, ctx.params["org"])
    kind = ctx.query.get("type", "all")
    repos = [
        r
        for r in ctx.state.repos_of(org)
        if can_see(ctx.token, org, r)
        and (kind != "private" or r.private)
        and (kind != "public" or not r.private)
    ]
    repos = _sorted(repos, ctx.query.get("sort", "created"), ctx.query.get("direction"))
    page, link = paginate(repos, ctx.query, ctx.api_url + ctx.path)
    body = [
        repo_json(
            ctx.api_url, ctx.origin, org, r, ctx.token, full=False, api_version=ctx.api_version
        )
        for r in page
    ]
    return ApiResponse(200, body, {"link": link} if link else {})
