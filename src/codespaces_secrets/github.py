"""GitHub's REST endpoints that the action calls: one small method each, typed results.

The four organization secret stores share one API shape under ``/orgs/{org}/{store}/``:
https://docs.github.com/en/rest/codespaces/organization-secrets (and the Actions,
Dependabot and Copilot agents equivalents). Each store has its own public key.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .config import Repository, Store, Visibility
from .errors import ApiError

if TYPE_CHECKING:
    from .transport import Transport


@dataclass(frozen=True)
class PublicKey:
    """An organization's public key for one store: values must be sealed to it."""

    key_id: str
    key: str


@dataclass(frozen=True)
class ExistingSecret:
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
        answer = self.transport.request(
            "GET",
            f"{_secrets_path(org, store)}/public-key",
            operation=f"fetch the {store.label} public key of {org}",
            store=store,
        )
        body = answer.json()
        return PublicKey(key_id=str(body["key_id"]), key=str(body["key"]))

    def list_secrets(self, org: str, store: Store) -> dict[str, ExistingSecret]:
        """``GET /orgs/{org}/{store}/secrets``, every page, keyed by upper-case name."""
        items = self.transport.paginate(
            _secrets_path(org, store),
            "secrets",
            operation=f"list the {store.label} secrets of {org}",
            store=store,
        )
        secrets = (
            ExistingSecret(
                str(i["name"]).upper(), Visibility(i["visibility"]), str(i.get("updated_at", ""))
            )
            for i in items
        )
        return {secret.name: secret for secret in secrets}

    def selected_repositories(self, org: str, store: Store, name: str) -> list[Repository]:
        """``GET /orgs/{org}/{store}/secrets/{name}/repositories``, every page."""
        items = self.transport.paginate(
            f"{_secrets_path(org, store)}/{_segment(name)}/repositories",
            "repositories",
            operation=f"read the repositories of {store.label} secret {name} in {org}",
            store=store,
        )
        return [_repository(item) for item in items]

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
        try:
            answer = self.transport.request(
                "GET",
                f"/repos/{_segment(owner)}/{_segment(name)}",
                operation=f"look up the repository {owner}/{name}",
            )
        except ApiError as exc:
            if exc.status == 404:
                return None
            raise
        return _repository(answer.json())

    def org_repositories(self, org: str) -> Iterator[Repository]:
        """``GET /orgs/{org}/repos``, lazily page by page, so callers can stop early."""
        items = self.transport.paginate(
            f"/orgs/{_segment(org)}/repos",
            "",
            operation=f"list the repositories of {org}",
        )
        return (_repository(item) for item in items)


def _repository(item: dict[str, Any]) -> Repository:
    return Repository(id=int(item["id"]), full_name=str(item["full_name"]))
