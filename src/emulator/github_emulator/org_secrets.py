"""The nine organization-secret operations, served for each of the four stores.

Every store has the same operations under `/orgs/{org}/{store}/secrets`, its own key pair and
its own secrets; `stores` holds what differs (limits, plans, permissions, id types).
Besides the OpenAPI description, these follow what users have reported of GitHub on public
issue trackers: repository ids outside the org are dropped silently, and `selected` without
`selected_repository_ids` clears the list (external-secrets/external-secrets issue 6514).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from .auth import ORG_SECRETS_SCOPE, org_secrets_access
from .keys import UndecryptableError
from .messages import ApiResponse, HttpError, not_found
from .pagination import paginate
from .routing import Ctx, Route, route
from .rules import MAX_SECRET_BYTES, secret_name_problem
from .state import Org, SecretRecord, SecretStore, utc_now
from .stores import STORES, StoreRules
from .views import public_key_json, repo_json, secret_json

_StoreHandler = Callable[[StoreRules, Ctx], ApiResponse]


def routes() -> list[Route]:
    """Every store's operations, literal paths before placeholders (`public-key` is no secret)."""
    return [r for store in STORES.values() for r in _store_routes(store)]


def _store_routes(store: StoreRules) -> list[Route]:
    base = f"/orgs/{{org}}/{store.name}/secrets"
    name = f"{base}/{{secret_name}}"
    operations: list[tuple[str, str, _StoreHandler]] = [
        ("GET", base, list_secrets),
        ("GET", f"{base}/public-key", get_public_key),
        ("GET", name, get_secret),
        ("PUT", name, put_secret),
        ("DELETE", name, delete_secret),
        ("GET", f"{name}/repositories", list_selected_repos),
        ("PUT", f"{name}/repositories", set_selected_repos),
        ("PUT", f"{name}/repositories/{{repository_id}}", add_repo),
        ("DELETE", f"{name}/repositories/{{repository_id}}", remove_repo),
    ]
    return [
        route(
            method,
            template,
            partial(handler, store),
            ORG_SECRETS_SCOPE,
            store.accepted_permission(method),
        )
        for method, template, handler in operations
    ]


def _org(store: StoreRules, ctx: Ctx) -> tuple[Org, SecretStore]:
    org = org_secrets_access(ctx.state, ctx.token, ctx.params["org"], store)
    return org, org.stores[store.name]


def _existing(store: StoreRules, ctx: Ctx) -> tuple[Org, SecretStore, SecretRecord]:
    org, held = _org(store, ctx)
    record = held.secrets.get(ctx.params["secret_name"].upper())
    if record is None:
        raise not_found()
    return org, held, record


def _require_selected(record: SecretRecord) -> None:
    if record.visibility != "selected":
        raise HttpError(
            409, "The secret's visibility must be 'selected' to manage its repositories."
        )


def list_secrets(store: StoreRules, ctx: Ctx) -> ApiResponse:
    """GET the store's secrets, sorted by name, one page at a time."""
    org, held = _org(store, ctx)
    records = [held.secrets[name] for name in sorted(held.secrets)]
    page, link = paginate(records, ctx.query, ctx.api_url + ctx.path)
    body = {
        "total_count": len(records),
        "secrets": [secret_json(ctx.api_url, org, store.name, r) for r in page],
    }
    return ApiResponse(200, body, {"link": link} if link else {})


def get_public_key(store: StoreRules, ctx: Ctx) -> ApiResponse:
    """GET the store's current sealing key."""
    return ApiResponse(200, public_key_json(_org(store, ctx)[1].key))


def get_secret(store: StoreRules, ctx: Ctx) -> ApiResponse:
    """GET one secret's metadata (never its value)."""
    org, _, record = _existing(store, ctx)
    return ApiResponse(200, secret_json(ctx.api_url, org, store.name, record))


def _decrypt(held: SecretStore, body: dict[str, object]) -> str:
    """Open the sealed value the way GitHub does, refusing a stale key or a bad box.

    Only this store's key opens it: a value sealed to another store's key fails here.
    """
    if body.get("key_id") != held.key.key_id:
        raise HttpError(422, "Bad request - key_id is stale or unknown.")
    try:
        plaintext = held.key.open(str(body["encrypted_value"]))
    except UndecryptableError as exc:
        raise HttpError(422, "Bad request - encrypted_value could not be decrypted.") from exc
    if len(plaintext) > MAX_SECRET_BYTES:
        raise HttpError(422, f"Secret value is too large: the limit is {MAX_SECRET_BYTES} bytes.")
    # Clients seal UTF-8 text; anything else is kept readable rather than refused.
    return plaintext.decode("utf-8", errors="replace")


def _repository_ids(ids: list[object]) -> list[int]:
    """The ids as integers, numeric strings included where the version's schema let them in.

    Text that is no number names no repository and is dropped like an unknown id.
    """
    return [
        int(item)
        for item in ids
        if isinstance(item, int) or (isinstance(item, str) and item.isascii() and item.isdigit())
    ]


def put_secret(store: StoreRules, ctx: Ctx) -> ApiResponse:
    """PUT: create (201, `{}`) or update (204) a secret."""
    org, held = _org(store, ctx)
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
    wanted = _repository_ids(ids or [])
    existing = held.secrets.get(name.upper())
    value = _decrypt(held, body) if "encrypted_value" in body else None
    selected = ctx.state.org_repo_ids(org, wanted) if visibility == "selected" else []
    now = utc_now()
    if existing is None:
        if value is None:
            raise HttpError(422, "encrypted_value and key_id are required to create a secret.")
        if store.max_secrets is not None and len(held.secrets) >= store.max_secrets:
            raise HttpError(
                422,
                f"An organization can have at most {store.max_secrets} {store.label} secrets.",
            )
        held.secrets[name.upper()] = SecretRecord(
            name=name.upper(),
            value=value,
            visibility=visibility,
            selected_ids=selected,
            key_id=held.key.key_id,
            created_at=now,
            updated_at=now,
        )
        return ApiResponse(201, {}, decrypted_value=value)
    if value is not None:
        existing.value = value
        existing.key_id = held.key.key_id
    existing.visibility = visibility
    existing.selected_ids = selected
    existing.updated_at = now
    return ApiResponse(204, decrypted_value=value)


def delete_secret(store: StoreRules, ctx: Ctx) -> ApiResponse:
    """DELETE a secret."""
    _, held, record = _existing(store, ctx)
    del held.secrets[record.name]
    return ApiResponse(204)


def list_selected_repos(store: StoreRules, ctx: Ctx) -> ApiResponse:
    """GET the repositories a `selected` secret is available to."""
    org, _, record = _existing(store, ctx)
    repos = [r for rid in record.selected_ids if (r := ctx.state.repo_by_id(rid)) is not None]
    page, link = paginate(repos, ctx.query, ctx.api_url + ctx.path)
    body = {
        "total_count": len(repos),
        "repositories": [
            repo_json(
                ctx.api_url, ctx.origin, org, r, ctx.token, full=False, api_version=ctx.api_version
            )
            for r in page
        ],
    }
    return ApiResponse(200, body, {"link": link} if link else {})


def set_selected_repos(store: StoreRules, ctx: Ctx) -> ApiResponse:
    """PUT the whole repository list (409 unless the secret is `selected`)."""
    org, _, record = _existing(store, ctx)
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


def add_repo(store: StoreRules, ctx: Ctx) -> ApiResponse:
    """PUT one repository into a `selected` secret's list."""
    org, _, record = _existing(store, ctx)
    _require_selected(record)
    repo_id = _org_repo_id(ctx, org)
    if repo_id not in record.selected_ids:
        record.selected_ids.append(repo_id)
        record.updated_at = utc_now()
    return ApiResponse(204)


def remove_repo(store: StoreRules, ctx: Ctx) -> ApiResponse:
    """DELETE one repository from a `selected` secret's list."""
    org, _, record = _existing(store, ctx)
    _require_selected(record)
    repo_id = _org_repo_id(ctx, org)
    if repo_id in record.selected_ids:
        record.selected_ids.remove(repo_id)
        record.updated_at = utc_now()
    return ApiResponse(204)
