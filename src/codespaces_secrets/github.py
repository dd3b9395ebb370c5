"""GitHub's REST endpoints that the action calls: one small method each, typed results.

The four organization secret stores share one API shape under ``/orgs/{org}/{store}/``:
https://docs.github.com/en/rest/codespaces/organization-secrets (and the Actions,
Dependabot and Copilot agents equivalents). Each store has its own public key.
Every answer is checked by ``answers`` before use.

Page caps come from GitHub's documented limits at 100 items a page, plus one page of
slack for a list that grows while it is read: at most 1,000 secrets per org in the
largest store (Actions; Codespaces allows 100), so 11 pages; at most 100,000 repositories
per organization ("Repository limits" in GitHub's docs), so 1,001 pages of repositories.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import quote

from . import answers
from .config import Repository, Store, Visibility
from .errors import ApiError

if TYPE_CHECKING:
    from .send import Answer
    from .transport import Transport


SECRET_PAGES = 1_000 // 100 + 1
REPOSITORY_PAGES = 100_000 // 100 + 1


class PublicKey(NamedTuple):
    """An organization's public key for one store: values must be sealed to it."""

    key_id: str
    key: str


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
        key_id, key = answers.public_key(_json(answer, operation), operation)
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
        found = (answers.secret_item(item, operation) for item in items)
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
    ) -> bool:
        """``PUT /orgs/{org}/{store}/secrets/{name}``; True when GitHub created it (201)."""
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
        return answer.status == 201

    def delete_secret(self, org: str, store: Store, name: str) -> bool:
        """``DELETE /orgs/{org}/{store}/secrets/{name}``; False when it was already gone."""
        try:
            self.transport.request(
                "DELETE",
                f"{_secrets_path(org, store)}/{_segment(name)}",
                operation=f"delete {store.label} secret {name} from {org}",
                store=store,
                expect=(204,),
            )
        except ApiError as exc:
            if exc.status == 404:
                return False
            raise
        return True

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
        repo_id, full_name = answers.repository_item(item, operation)
        return Repository(id=repo_id, full_name=self.transport.redactor.scrub(full_name))


def _json(answer: Answer, operation: str) -> Any:
    try:
        return answer.json()
    except ValueError:
        raise answers.bad_answer(operation, "it is not JSON", answer.status) from None
