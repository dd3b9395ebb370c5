"""GitHub's REST endpoints that the action calls: one small method each, typed results.

The four organization secret stores share one API shape under ``/orgs/{org}/{store}/``:
https://docs.github.com/en/rest/codespaces/organization-secrets (and the Actions,
Dependabot and Copilot agents equivalents). Each store has its own public key.
Every answer is checked before use (the readers at the end of this file): a server that
is not GitHub, a broken proxy or a GitHub bug can answer 200 with anything — HTML,
``null`` fields, a list where an object belongs, a key that is not a key. Each reader
checks the types and ranges of exactly the fields the action reads, as GitHub's OpenAPI
description documents them, and returns a typed value or raises ``bad_answer``'s error,
which belongs to its org or secret like any other API error.

Page caps come from GitHub's documented limits at 100 items a page, plus one page of
slack for a list that grows while it is read: at most 1,000 secrets per org in the
largest store (Actions; Codespaces allows 100), so 11 pages; at most 100,000 repositories
per organization ("Repository limits" in GitHub's docs), so 1,001 pages of repositories.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import quote

from .config import Repository, Store, Visibility
from .errors import ApiError, bad_answer

if TYPE_CHECKING:
    from .seam import Answer, Transport


SECRET_PAGES = 1_000 // 100 + 1
REPOSITORY_PAGES = 100_000 // 100 + 1


class PublicKey(NamedTuple):
    """An organization's public key for one store: values must be sealed to it."""

    key_id: str
    key: str


class Outcome(NamedTuple):
    """What a write did: ``done`` (created, or deleted), and whether it was retried.

    ``retried``: an earlier attempt got no answer, so it may have done the change itself;
    a retried PUT answered "updated" or DELETE answered "not found" may be this run's own.
    """

    done: bool
    retried: bool = False


class ExistingSecret(NamedTuple):
    """What GitHub tells about a secret that already exists (never its value)."""

    name: str
    visibility: Visibility
    updated_at: str = ""


def _segment(text: str) -> str:
    return quote(text, safe="")


def _secrets_path(org: str, store: Store) -> str:
    return f"/orgs/{_segment(org)}/{store.value}/secrets"


class GitHub:
    """The organization secret endpoints of every store, and the repository look-ups."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    def public_key(self, org: str, store: Store) -> PublicKey:
        """``GET /orgs/{org}/{store}/secrets/public-key``."""
        operation = f"fetch the {store.label} public key of {org}"
        answer = self.transport.request(
            "GET", f"{_secrets_path(org, store)}/public-key", operation=operation, store=store
        )
        key_id, key = public_key_fields(_json(answer, operation), operation)
        return PublicKey(key_id=key_id, key=key)

    def list_secrets(self, org: str, store: Store) -> dict[str, ExistingSecret]:
        """``GET /orgs/{org}/{store}/secrets``, every page, keyed by upper-case name."""
        operation = f"list the {store.label} secrets of {org}"
        items = self.transport.paginate(
            _secrets_path(org, store),
            "secrets",
            operation=operation,
            max_pages=SECRET_PAGES,
            store=store,
        )
        found = (secret_item(item, operation) for item in items)
        secrets = (
            ExistingSecret(name.upper(), Visibility(seen), updated) for name, seen, updated in found
        )
        return {secret.name: secret for secret in secrets}

    def selected_repositories(self, org: str, store: Store, name: str) -> list[Repository]:
        """``GET /orgs/{org}/{store}/secrets/{name}/repositories``, every page."""
        operation = f"read the repositories of {store.label} secret {name} in {org}"
        items = self.transport.paginate(
            f"{_secrets_path(org, store)}/{_segment(name)}/repositories",
            "repositories",
            operation=operation,
            max_pages=REPOSITORY_PAGES,
            store=store,
        )
        return [self._repository(item, operation) for item in items]

    def put_secret(
        self,
        org: str,
        store: Store,
        name: str,
        *,
        encrypted_value: str,
        key_id: str,
        visibility: Visibility,
        repository_ids: tuple[int, ...],
    ) -> Outcome:
        """``PUT /orgs/{org}/{store}/secrets/{name}``; done when GitHub created it (201)."""
        body: dict[str, Any] = {
            "encrypted_value": encrypted_value,
            "key_id": key_id,
            "visibility": visibility.value,
        }
        if visibility is Visibility.SELECTED:
            # Always sent with selected: a PUT without the list clears it on GitHub.
            body["selected_repository_ids"] = list(repository_ids)
        answer = self.transport.request(
            "PUT",
            f"{_secrets_path(org, store)}/{_segment(name)}",
            operation=f"write {store.label} secret {name} to {org}",
            store=store,
            json=body,
            expect=(201, 204),
        )
        return Outcome(answer.status == 201, answer.retried)

    def delete_secret(self, org: str, store: Store, name: str) -> Outcome:
        """``DELETE /orgs/{org}/{store}/secrets/{name}``; not done when it was already gone."""
        answer = self.transport.request(
            "DELETE",
            f"{_secrets_path(org, store)}/{_segment(name)}",
            operation=f"delete {store.label} secret {name} from {org}",
            store=store,
            expect=(204, 404),
        )
        return Outcome(answer.status == 204, answer.retried)

    def repository(self, owner: str, name: str) -> Repository | None:
        """``GET /repos/{owner}/{repo}``; None when it does not exist or the token cannot see it."""
        operation = f"look up the repository {owner}/{name}"
        try:
            answer = self.transport.request(
                "GET", f"/repos/{_segment(owner)}/{_segment(name)}", operation=operation
            )
        except ApiError as exc:
            if exc.status == 404:
                return None
            raise
        return self._repository(_json(answer, operation), operation)

    def org_repositories(self, org: str) -> Iterator[Repository]:
        """``GET /orgs/{org}/repos``, lazily page by page, so callers can stop early."""
        operation = f"list the repositories of {org}"
        items = self.transport.paginate(
            f"/orgs/{_segment(org)}/repos", "", operation=operation, max_pages=REPOSITORY_PAGES
        )
        return (self._repository(item, operation) for item in items)

    def _repository(self, item: Any, operation: str) -> Repository:
        """A checked repository; its name is shown, so no secret may ride in it."""
        repo_id, full_name = repository_item(item, operation)
        return Repository(id=repo_id, full_name=self.transport.redactor.scrub(full_name))


def _json(answer: Answer, operation: str) -> Any:
    try:
        return answer.json()
    except ValueError:
        raise bad_answer(operation, "it is not JSON", answer.status) from None


# -- checks: each reader takes parsed JSON, checks exactly the fields the action reads

KEY_BYTES = 32  # a Curve25519 public key, as libsodium's sealed boxes use
VISIBILITIES = ("all", "private", "selected")
MAX_ID = 2**63 - 1  # GitHub's IDs are int64
# What GitHub allows in names; checking it also keeps markup and control characters that
# a hostile server could put in a name out of the log and the summary.
SECRET_NAME = re.compile(r"[A-Za-z0-9_]{1,255}")
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)")
# GitHub sends a key's ID as a string of digits ("012345678912345678"); letters, "_" and
# "-" are allowed too, but nothing else: the ID is echoed in the key-id output and the
# log, so a line break, a workflow command or a 20 KB text must not ride in it.
KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
FULL_NAME = re.compile(r"[A-Za-z0-9-]{1,39}/[A-Za-z0-9_.-]{1,100}")


def json_object(body: Any, operation: str) -> dict[str, Any]:
    """The answer as a JSON object."""
    if not isinstance(body, dict):
        raise bad_answer(operation, f"expected a JSON object, got {_kind(body)}")
    return body


def public_key_fields(body: Any, operation: str) -> tuple[str, str]:
    """``key_id`` (a short ID, ``KEY_ID``) and ``key`` (32 bytes, base64).

    An integer ``key_id`` is taken as its digits.
    """
    found = json_object(body, operation)
    key_id, key = found.get("key_id"), found.get("key")
    if isinstance(key_id, int) and not isinstance(key_id, bool) and 0 <= key_id <= MAX_ID:
        key_id = str(key_id)
    if not isinstance(key_id, str) or not KEY_ID.fullmatch(key_id):
        raise bad_answer(operation, "key_id is missing or not a short ID")
    if not isinstance(key, str):
        raise bad_answer(operation, "key is missing or not a string")
    try:
        raw = base64.b64decode(key, validate=True)
    except (binascii.Error, ValueError):
        raise bad_answer(operation, "key is not base64") from None
    if len(raw) != KEY_BYTES:
        raise bad_answer(operation, f"key is {len(raw)} bytes, not {KEY_BYTES}")
    if raw == bytes(KEY_BYTES):
        raise bad_answer(operation, "key is all zeros")
    return key_id, key


def secret_item(item: Any, operation: str) -> tuple[str, str, str]:
    """A listed secret's ``name``, ``visibility`` and ``updated_at`` ('' when missing).

    The visibility is one of GitHub's three; the time is ISO 8601, as GitHub sends it.
    """
    found = json_object(item, operation)
    name, visibility = found.get("name"), found.get("visibility")
    if not isinstance(name, str) or not SECRET_NAME.fullmatch(name):
        raise bad_answer(operation, "a secret's name is missing or not a secret name")
    if visibility not in VISIBILITIES:
        raise bad_answer(operation, f"secret {name} has an unknown visibility")
    updated = found.get("updated_at")
    if updated is not None and not (isinstance(updated, str) and TIME.fullmatch(updated)):
        raise bad_answer(operation, f"secret {name} has an updated_at that is not a time")
    return name, str(visibility), updated or ""


def repository_item(item: Any, operation: str) -> tuple[int, str]:
    """A repository's ``id`` (a positive integer) and ``full_name`` (``owner/name``)."""
    found = json_object(item, operation)
    repo_id, full_name = found.get("id"), found.get("full_name")
    if isinstance(repo_id, bool) or not isinstance(repo_id, int) or not 0 < repo_id <= MAX_ID:
        raise bad_answer(operation, "a repository's id is missing or not a positive integer")
    if not isinstance(full_name, str) or not FULL_NAME.fullmatch(full_name):
        raise bad_answer(operation, "a repository's full_name is missing or not owner/name")
    return repo_id, full_name


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", type(None): "null"}
    return names.get(type(value), "a " + type(value).__name__)
