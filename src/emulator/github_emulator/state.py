"""The emulated GitHub data: organizations, repositories, tokens and secrets, behind one lock.

Every public method takes the lock itself; route handlers hold it (it is re-entrant) for a
whole request so each answer sees one consistent state.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .keys import OrgKey
from .model import StoredSecret
from .rules import PLANS, VISIBILITIES, secret_name_problem
from .stores import DEFAULT_STORE, STORE_NAMES, StoreRules, store_rules


def utc_now() -> str:
    """A timestamp in GitHub's format (second resolution, `Z` suffix)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Token:
    """An access token and what GitHub would let it do."""

    value: str = field(repr=False)
    scopes: tuple[str, ...]
    # Lower-case org logins the token's user owns; None means every org.
    owner_of: frozenset[str] | None
    sso_authorized: bool
    fine_grained: bool
    # The stores whose fine-grained permission the token holds (classic tokens: every store,
    # since admin:org covers them all and the scope check decides).
    stores: frozenset[str] = frozenset(STORE_NAMES)

    def owns(self, org_login: str) -> bool:
        """Whether the token's user is an owner of the org."""
        return self.owner_of is None or org_login.lower() in self.owner_of

    def may_manage(self, store: StoreRules) -> bool:
        """Whether the token holds the store's permission (the scope is checked apart)."""
        return store.name in self.stores


@dataclass(frozen=True)
class Repo:
    """A repository of an emulated organization."""

    id: int
    owner: str
    name: str
    private: bool
    created_at: str

    @property
    def full_name(self) -> str:
        """`owner/name`, as GitHub spells it."""
        return f"{self.owner}/{self.name}"


@dataclass
class SecretRecord:
    """The mutable form of a stored secret (the lock guards it)."""

    name: str
    value: str = field(repr=False)
    visibility: str
    selected_ids: list[int]
    key_id: str
    created_at: str
    updated_at: str

    def snapshot(self, store: str) -> StoredSecret:
        """A frozen copy for callers outside the lock."""
        return StoredSecret(
            name=self.name,
            value=self.value,
            visibility=self.visibility,
            selected_repository_ids=tuple(self.selected_ids),
            key_id=self.key_id,
            created_at=self.created_at,
            updated_at=self.updated_at,
            store=store,
        )


@dataclass
class SecretStore:
    """One store of one org: its current sealing key and its secrets by upper-case name."""

    key: OrgKey
    secrets: dict[str, SecretRecord] = field(default_factory=dict)


@dataclass
class Org:
    """An organization: its plan, SAML enforcement, and one SecretStore per secret store."""

    login: str
    id: int
    plan: str
    saml: bool
    created_at: str
    # Each store seals to its own key, as on GitHub: a value sealed for one is refused by another.
    stores: dict[str, SecretStore] = field(
        default_factory=lambda: {name: SecretStore(OrgKey.generate()) for name in STORE_NAMES}
    )

    def offers(self, store: StoreRules) -> bool:
        """Whether the org's plan has this store (Codespaces needs Team or Enterprise)."""
        return not store.paid_plans_only or self.plan != "free"

    def store(self, name: str) -> SecretStore:
        """The org's store called `name` (ValueError for an unknown store)."""
        return self.stores[store_rules(name).name]


class State:
    """All emulated data; safe to use from tests while the server threads serve."""

    def __init__(self, lock: threading.RLock) -> None:
        """Start empty; `lock` is shared with the emulator's other parts."""
        self.lock = lock
        self._orgs: dict[str, Org] = {}
        self._repos: dict[tuple[str, str], Repo] = {}
        self._repos_by_id: dict[int, Repo] = {}
        self._tokens: dict[str, Token] = {}
        self._repo_ids = itertools.count(1000)
        self._org_ids = itertools.count(100)

    # -- organizations and repositories ---------------------------------------------------

    def add_org(
        self, login: str, *, plan: str = "team", repos: Sequence[str] = (), saml: bool = False
    ) -> None:
        """Create an org with a fresh key pair per store, then its repositories."""
        if plan not in PLANS:
            raise ValueError(f"plan must be one of {PLANS}, not {plan!r}")
        with self.lock:
            if login.lower() in self._orgs:
                raise ValueError(f"org {login!r} already exists")
            self._orgs[login.lower()] = Org(
                login=login,
                id=next(self._org_ids),
                plan=plan,
                saml=saml,
                created_at=utc_now(),
            )
            for name in repos:
                self.add_repo(login, name)

    def add_repo(self, owner: str, name: str, *, private: bool = True) -> int:
        """Create a repository in an existing org and return its new unique id."""
        with self.lock:
            org = self.require_org(owner)
            key = (owner.lower(), name.lower())
            if key in self._repos:
                raise ValueError(f"repository {owner}/{name} already exists")
            repo = Repo(
                id=next(self._repo_ids),
                owner=org.login,
                name=name,
                private=private,
                created_at=utc_now(),
            )
            self._repos[key] = repo
            self._repos_by_id[repo.id] = repo
            return repo.id

    def org(self, login: str) -> Org | None:
        """The org (case-insensitive), or None; hold the lock while using it."""
        with self.lock:
            return self._orgs.get(login.lower())

    def require_org(self, login: str) -> Org:
        """The org, or KeyError for a Python caller's typo."""
        org = self.org(login)
        if org is None:
            raise KeyError(f"unknown org {login!r}")
        return org

    def repo(self, owner: str, name: str) -> Repo | None:
        """The repository (case-insensitive), or None."""
        with self.lock:
            return self._repos.get((owner.lower(), name.lower()))

    def repo_by_id(self, repo_id: int) -> Repo | None:
        """The repository with that id, or None."""
        with self.lock:
            return self._repos_by_id.get(repo_id)

    def repo_id(self, owner: str, name: str) -> int:
        """The id of an existing repository (KeyError when unknown)."""
        repo = self.repo(owner, name)
        if repo is None:
            raise KeyError(f"unknown repository {owner}/{name}")
        return repo.id

    def repos_of(self, org: Org) -> list[Repo]:
        """The org's repositories in creation order."""
        with self.lock:
            return [r for r in self._repos_by_id.values() if r.owner == org.login]

    def org_repo_ids(self, org: Org, candidates: Sequence[int]) -> list[int]:
        """The candidates that are repositories of the org, de-duplicated, order kept."""
        with self.lock:
            return [
                rid
                for rid in dict.fromkeys(candidates)
                if (repo := self._repos_by_id.get(rid)) is not None and repo.owner == org.login
            ]

    def rotate_key(self, org_login: str, store: str = DEFAULT_STORE) -> str:
        """Replace one store's key pair; values sealed to the old key are refused from now on."""
        with self.lock:
            target = self.require_org(org_login).store(store)
            target.key = OrgKey.generate(avoid=target.key.key_id)
            return target.key.key_id

    # -- tokens ---------------------------------------------------------------------------

    def add_token(
        self,
        token: str,
        *,
        scopes: Sequence[str] = ("admin:org", "repo"),
        owner_of: Sequence[str] | None = None,
        sso_authorized: bool = False,
        fine_grained: bool = False,
        stores: Sequence[str] | None = None,
    ) -> None:
        """Register (or replace) a token.

        `stores` names the stores whose permission a fine-grained token holds (None: only
        Codespaces, the permission such tokens were first seeded with). A classic token's
        reach is its scopes, the same for every store, so it takes no `stores`.
        """
        if stores is not None and not fine_grained:
            raise ValueError("stores apply to fine-grained tokens; classic ones have scopes")
        names = (DEFAULT_STORE,) if stores is None else tuple(stores)
        permitted = frozenset(store_rules(name).name for name in names)
        owned = None if owner_of is None else frozenset(o.lower() for o in owner_of)
        with self.lock:
            self._tokens[token] = Token(
                value=token,
                scopes=tuple(scopes),
                owner_of=owned,
                sso_authorized=sso_authorized,
                fine_grained=fine_grained,
                stores=permitted if fine_grained else frozenset(STORE_NAMES),
            )

    def token(self, value: str) -> Token | None:
        """The registered token, or None."""
        with self.lock:
            return self._tokens.get(value)

    # -- secrets --------------------------------------------------------------------------

    def set_secret(
        self,
        org_login: str,
        name: str,
        value: str,
        *,
        store: str = DEFAULT_STORE,
        visibility: str = "private",
        repository_ids: Sequence[int] = (),
    ) -> None:
        """Store a secret directly, as if an earlier run had written it (no count limit)."""
        problem = secret_name_problem(name)
        if problem:
            raise ValueError(problem)
        if visibility not in VISIBILITIES:
            raise ValueError(f"visibility must be one of {VISIBILITIES}")
        if repository_ids and visibility != "selected":
            raise ValueError("repository_ids need visibility 'selected'")
        with self.lock:
            target = self.require_org(org_login).store(store)
            now = utc_now()
            old = target.secrets.get(name.upper())
            target.secrets[name.upper()] = SecretRecord(
                name=name.upper(),
                value=value,
                visibility=visibility,
                selected_ids=list(dict.fromkeys(repository_ids)),
                key_id=target.key.key_id,
                created_at=old.created_at if old else now,
                updated_at=now,
            )

    def secret(self, org_login: str, name: str, store: str = DEFAULT_STORE) -> StoredSecret | None:
        """A snapshot of one secret of one store, or None."""
        with self.lock:
            record = self.require_org(org_login).store(store).secrets.get(name.upper())
            return record.snapshot(store) if record else None

    def secrets(self, org_login: str, store: str = DEFAULT_STORE) -> list[StoredSecret]:
        """Snapshots of one store's secrets, sorted by name."""
        with self.lock:
            held = self.require_org(org_login).store(store).secrets
            return [held[n].snapshot(store) for n in sorted(held)]
