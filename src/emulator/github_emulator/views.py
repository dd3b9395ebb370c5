"""The JSON GitHub answers with: secrets, public keys, users and repositories.

Repository objects carry every field the description marks required for `full-repository`
and `minimal-repository`, so strict clients (and the tests' schema checks) accept them.
"""

from __future__ import annotations

from .keys import OrgKey
from .state import Org, Repo, SecretRecord, Token
from .versions import DEFAULT_API_VERSION, NO_HAS_DOWNLOADS_FROM

# URL fields of a repository: (field, path after the repository's API URL).
_REPO_API_URLS = (
    ("archive_url", "/{archive_format}{/ref}"),
    ("assignees_url", "/assignees{/user}"),
    ("blobs_url", "/git/blobs{/sha}"),
    ("branches_url", "/branches{/branch}"),
    ("collaborators_url", "/collaborators{/collaborator}"),
    ("comments_url", "/comments{/number}"),
    ("commits_url", "/commits{/sha}"),
    ("compare_url", "/compare/{base}...{head}"),
    ("contents_url", "/contents/{+path}"),
    ("contributors_url", "/contributors"),
    ("deployments_url", "/deployments"),
    ("downloads_url", "/downloads"),
    ("events_url", "/events"),
    ("forks_url", "/forks"),
    ("git_commits_url", "/git/commits{/sha}"),
    ("git_refs_url", "/git/refs{/sha}"),
    ("git_tags_url", "/git/tags{/sha}"),
    ("hooks_url", "/hooks"),
    ("issue_comment_url", "/issues/comments{/number}"),
    ("issue_events_url", "/issues/events{/number}"),
    ("issues_url", "/issues{/number}"),
    ("keys_url", "/keys{/key_id}"),
    ("labels_url", "/labels{/name}"),
    ("languages_url", "/languages"),
    ("merges_url", "/merges"),
    ("milestones_url", "/milestones{/number}"),
    ("notifications_url", "/notifications{?since,all,participating}"),
    ("pulls_url", "/pulls{/number}"),
    ("releases_url", "/releases{/id}"),
    ("stargazers_url", "/stargazers"),
    ("statuses_url", "/statuses/{sha}"),
    ("subscribers_url", "/subscribers"),
    ("subscription_url", "/subscription"),
    ("tags_url", "/tags"),
    ("teams_url", "/teams"),
    ("trees_url", "/git/trees{/sha}"),
)


def public_key_json(key: OrgKey) -> dict[str, object]:
    """`codespaces-public-key`, `actions-public-key`, `dependabot-public-key`: one shape."""
    return {"key_id": key.key_id, "key": key.public_b64}


def secret_json(api_url: str, org: Org, store: str, record: SecretRecord) -> dict[str, object]:
    """`codespaces-org-secret` or its twin in another store; the repositories URL if needed."""
    body: dict[str, object] = {
        "name": record.name,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "visibility": record.visibility,
    }
    if record.visibility == "selected":
        body["selected_repositories_url"] = (
            f"{api_url}/orgs/{org.login}/{store}/secrets/{record.name}/repositories"
        )
    return body


def org_user_json(api_url: str, origin: str, org: Org) -> dict[str, object]:
    """`simple-user` for an organization (the owner of its repositories)."""
    url = f"{api_url}/users/{org.login}"
    return {
        "login": org.login,
        "id": org.id,
        "node_id": f"O_emulated{org.id}",
        "avatar_url": f"{origin}/avatars/{org.login}",
        "gravatar_id": "",
        "url": url,
        "html_url": f"{origin}/{org.login}",
        "followers_url": f"{url}/followers",
        "following_url": f"{url}/following{{/other_user}}",
        "gists_url": f"{url}/gists{{/gist_id}}",
        "starred_url": f"{url}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{url}/subscriptions",
        "organizations_url": f"{url}/orgs",
        "repos_url": f"{api_url}/orgs/{org.login}/repos",
        "events_url": f"{url}/events{{/privacy}}",
        "received_events_url": f"{url}/received_events",
        "type": "Organization",
        "site_admin": False,
    }


def repo_json(
    api_url: str,
    origin: str,
    org: Org,
    repo: Repo,
    token: Token,
    *,
    full: bool,
    api_version: str = DEFAULT_API_VERSION,
) -> dict[str, object]:
    """`full-repository` (GET /repos/…) or `minimal-repository` (lists), per API version.

    2022-11-28 answers carry `has_downloads`; from 2026-03-10 on GitHub leaves it out.
    """
    url = f"{api_url}/repos/{repo.full_name}"
    html_url = f"{origin}/{repo.full_name}"
    authority = origin.split("://", 1)[1]
    owner = org_user_json(api_url, origin, org)
    admin = token.owns(org.login)
    body: dict[str, object] = {
        "id": repo.id,
        "node_id": f"R_emulated{repo.id}",
        "name": repo.name,
        "full_name": repo.full_name,
        "owner": owner,
        "private": repo.private,
        "visibility": "private" if repo.private else "public",
        "html_url": html_url,
        "description": None,
        "fork": False,
        "url": url,
        **{name: url + suffix for name, suffix in _REPO_API_URLS},
        "git_url": f"git://{authority}/{repo.full_name}.git",
        "ssh_url": f"git@{authority}:{repo.full_name}.git",
        "clone_url": f"{html_url}.git",
        "svn_url": html_url,
        "mirror_url": None,
        "homepage": None,
        "language": None,
        "default_branch": "main",
        "archived": False,
        "disabled": False,
        "created_at": repo.created_at,
        "updated_at": repo.created_at,
        "pushed_at": repo.created_at,
        "permissions": {
            "admin": admin,
            "maintain": admin,
            "push": admin,
            "triage": admin,
            "pull": True,
        },
        "license": None,
        **{
            k: 0
            for k in (
                "forks",
                "forks_count",
                "open_issues",
                "open_issues_count",
                "size",
                "stargazers_count",
                "watchers",
                "watchers_count",
            )
        },
    }
    # ISO dates compare correctly as text.
    if api_version < NO_HAS_DOWNLOADS_FROM:
        body["has_downloads"] = True
    if full:
        body.update(
            organization=owner,
            has_issues=True,
            has_projects=True,
            has_wiki=True,
            has_pages=False,
            has_discussions=False,
            network_count=0,
            subscribers_count=0,
        )
    return body
