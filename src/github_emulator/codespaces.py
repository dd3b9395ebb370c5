"""The nine Codespaces organization-secret operations.

Besides the OpenAPI description, these follow what users have reported of GitHub on public
issue trackers: repository ids outside the org are dropped silently, and `selected` without
`selected_repository_ids` clears the list (external-secrets/external-secrets issue 6514).
"""

from __future__ import annotations

from .auth import ORG_SECRETS_SCOPE, org_secrets_access
from .keys import UndecryptableError
from .messages import ApiResponse, HttpError, not_found
from .pagination import paginate
from .routing import Ctx, Route, route
from .rules import MAX_SECRET_BYTES, MAX_SECRETS_PER_ORG, secret_name_problem
from .state import Org, SecretRecord, utc_now
from .views import public_key_json, repo_json, secret_json

_BASE = "/orgs/{org}/codespaces/secrets"


def routes() -> list[Route]:
    """The operations, literal paths before placeholders (`public-key` is not a secret)."""
    s = ORG_SECRETS_SCOPE
    return [
        route("GET", _BASE, list_secrets, s),
        route("GET", f"{_BASE}/public-key", get_public_key, s),
        route("GET", f"{_BASE}/{{secret_name}}", get_secret, s),
        route("PUT", f"{_BASE}/{{secret_name}}", put_secret, s),
        route("DELETE", f"{_BASE}/{{secret_name}}", delete_secret, s),
        route("GET", f"{_BASE}/{{secret_name}}/repositories", list_selected_repos, s),
        route("PUT", f"{_BASE}/{{secret_name}}/repositories", set_selected_repos, s),
        route("PUT", f"{_BASE}/{{secret_name}}/repositories/{{repository_id}}", add_repo, s),
        route("DELETE", f"{_BASE}/{{secret_name}}/repositories/{{repository_id}}", remove_repo, s),
    ]


def _org(ctx: Ctx) -> Org:
    return org_secrets_access(ctx.state, ctx.token, ctx.params["org"])


def _existing(ctx: Ctx) -> tuple[Org, SecretRecord]:
    org = _org(ctx)
    record = org.secrets.get(ctx.params["secret_name"].upper())
    if record is None:
        raise not_found()
    return org, record


def _require_selected(record: SecretRecord) -> None:
    if record.visibility != "selected":
        raise HttpError(
            409, "The secret's visibility must be 'selected' to manage its repositories."
        )


def list_secrets(ctx: Ctx) -> ApiResponse:
    """GET the org's secrets, sorted by name, one page at a time."""
    org = _org(ctx)
    records = [org.secrets[name] for name in sorted(org.secrets)]
    page, link = paginate(records, ctx.query, ctx.api_url + ctx.path)
    body = {
        "total_count": len(records),
        "secrets": [secret_json(ctx.api_url, org, r) for r in page],
    }
    return ApiResponse(200, body, {"link": link} if link else {})


def get_public_key(ctx: Ctx) -> ApiResponse:
    """GET the org's current sealing key."""
    return ApiResponse(200, public_key_json(_org(ctx).key))


def get_secret(ctx: Ctx) -> ApiResponse:
    """GET one secret's metadata (never its value)."""
    org, record = _existing(ctx)
    return ApiResponse(200, secret_json(ctx.api_url, org, record))


def _decrypt(org: Org, body: dict[str, object]) -> str:
    """Open the sealed value the way GitHub does, refusing a stale key or a bad box."""
    if body.get("key_id") != org.key.key_id:
        raise HttpError(422, "Bad request - key_id is stale or unknown.")
    try:
        plaintext = org.key.open(str(body["encrypted_value"]))
    except UndecryptableError as exc:
        raise HttpError(422, "Bad request - encrypted_value could not be decrypted.") from exc
    if len(plaintext) > MAX_SECRET_BYTES:
        raise HttpError(422, f"Secret value is too large: the limit is {MAX_SECRET_BYTES} bytes.")
    # Clients seal UTF-8 text; anything else is kept readable rather than refused.
    return plaintext.decode("utf-8", errors="replace")


def put_secret(ctx: Ctx) -> ApiResponse:
    """PUT: create (201, `{}`) or update (204) a secret."""
    org = _org(ctx)
    body = ctx.checked_body()
    name = ctx.params["secret_name"]
    problem = secret_name_problem(name)
    if problem:
        raise HttpError(422, problem)
    visibility = str(body["visibility"])
    ids = body.get("selected_repository_ids")
    if ids is not None and visibility != "selected":
        raise HttpError(
            422, "selected_repository_ids can only be given when visibility is 'selected'."
        )
    existing = org.secrets.get(name.upper())
    value = _decrypt(org, body) if "encrypted_value" in body else None
    selected = ctx.state.org_repo_ids(org, ids or []) if visibility == "selected" else []
    now = utc_now()
    if existing is None:
        if value is None:
            raise HttpError(422, "encrypted_value and key_id are required to create a secret.")
        if len(org.secrets) >= MAX_SECRETS_PER_ORG:
            raise HttpError(
                422, f"An organization can have at most {MAX_SECRETS_PER_ORG} Codespaces secrets."
            )
        org.secrets[name.upper()] = SecretRecord(
            name=name.upper(),
            value=value,
            visibility=visibility,
            selected_ids=selected,
            key_id=org.key.key_id,
            created_at=now,
            updated_at=now,
        )
        return ApiResponse(201, {}, decrypted_value=value)
    if value is not None:
        existing.value = value
        existing.key_id = org.key.key_id
    existing.visibility = visibility
    existing.selected_ids = selected
    existing.updated_at = now
    return ApiResponse(204, decrypted_value=value)


def delete_secret(ctx: Ctx) -> ApiResponse:
    """DELETE a secret."""
    org, record = _existing(ctx)
    del org.secrets[record.name]
    return ApiResponse(204)


def list_selected_repos(ctx: Ctx) -> ApiResponse:
    """GET the repositories a `selected` secret is available to."""
    org, record = _existing(ctx)
    repos = [r for rid in record.selected_ids if (r := ctx.state.repo_by_id(rid)) is not None]
    page, link = paginate(repos, ctx.query, ctx.api_url + ctx.path)
    body = {
        "total_count": len(repos),
        "repositories": [
            repo_json(ctx.api_url, ctx.origin, org, r, ctx.token, full=False) for r in page
        ],
    }
    return ApiResponse(200, body, {"link": link} if link else {})


def set_selected_repos(ctx: Ctx) -> ApiResponse:
    """PUT the whole repository list (409 unless the secret is `selected`)."""
    org, record = _existing(ctx)
    body = ctx.checked_body()
    _require_selected(record)
    record.selected_ids = ctx.state.org_repo_ids(org, body["selected_repository_ids"])
    record.updated_at = utc_now()
    return ApiResponse(204)


def _org_repo_id(ctx: Ctx, org: Org) -> int:
    repo_id = ctx.int_param("repository_id")
    if not ctx.state.org_repo_ids(org, [repo_id]):
        raise HttpError(422, f"Repository {repo_id} is not a repository of {org.login}.")
    return repo_id


def add_repo(ctx: Ctx) -> ApiResponse:
    """PUT one repository into a `selected` secret's list."""
    org, record = _existing(ctx)
    _require_selected(record)
    repo_id = _org_repo_id(ctx, org)
    if repo_id not in record.selected_ids:
        record.selected_ids.append(repo_id)
        record.updated_at = utc_now()
    return ApiResponse(204)


def remove_repo(ctx: Ctx) -> ApiResponse:
    """DELETE one repository from a `selected` secret's list."""
    org, record = _existing(ctx)
    _require_selected(record)
    repo_id = _org_repo_id(ctx, org)
    if repo_id in record.selected_ids:
        record.selected_ids.remove(repo_id)
        record.updated_at = utc_now()
    return ApiResponse(204)
