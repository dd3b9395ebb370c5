"""The validated, typed configuration of one run: what to do, and how to reach GitHub.

Split in two on purpose: a ``Job`` says what to write where and is all that planning and
writing see; an ``Access`` holds the credentials, the API root and the retry policy and
goes only to the transport. Immutable records, so nothing downstream can alter a
decision made during validation; the token and secret values are hidden from ``repr`` so
that a stray debug print or a traceback's locals cannot show them.

The action's records are ``typing.NamedTuple``s rather than frozen dataclasses: just as
typed and immutable, but the dataclass decorator compiles code for every class when it
is imported, and with ``dataclasses`` (which loads ``inspect``) that cost about 15 ms of
every run's start-up before the first request.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class Visibility(StrEnum):
    """Which repositories of the organization can use a Codespaces secret."""

    ALL = "all"
    PRIVATE = "private"
    SELECTED = "selected"


class Store(StrEnum):
    """One of GitHub's organization secret stores; the value is its path segment."""

    CODESPACES = "codespaces"
    DEPENDABOT = "dependabot"
    ACTIONS = "actions"
    AGENTS = "agents"

    @property
    def label(self) -> str:
        """How GitHub's documentation names the store."""
        return _STORE_LABELS[self]


_STORE_LABELS = {
    Store.CODESPACES: "Codespaces",
    Store.DEPENDABOT: "Dependabot",
    Store.ACTIONS: "Actions",
    Store.AGENTS: "Copilot agents",
}


class Secret(NamedTuple):
    """One secret to write: its (upper-cased) name and its exact value."""

    name: str
    value: str

    def __repr__(self) -> str:
        return f"Secret(name={self.name!r}, value=<hidden>)"


class RepoRef(NamedTuple):
    """One entry of the ``repositories`` input: a name, ``owner/name``, or a numeric ID."""

    text: str
    owner: str | None = None
    name: str | None = None
    id: int | None = None

    def applies_to(self, org: str) -> bool:
        """Whether this entry selects a repository of ``org`` (unqualified names apply to all)."""
        return self.owner is None or self.owner.lower() == org.lower()


class Repository(NamedTuple):
    """A repository as far as the action cares: its ID and how to name it to a user."""

    id: int
    full_name: str


class RetryPolicy(NamedTuple):
    """How long and how often transient GitHub faults are retried (see ``retry``)."""

    max_attempts: int = 5
    max_total_wait: float = 300.0


class Job(NamedTuple):
    """What one run does: in which orgs and stores to write and delete which secrets."""

    orgs: tuple[str, ...]
    secrets: tuple[Secret, ...]
    visibility: Visibility | None
    repositories: tuple[RepoRef, ...]
    dry_run: bool
    stores: tuple[Store, ...] = (Store.CODESPACES,)
    deletes: tuple[str, ...] = ()  # upper-case names to delete from every org and store
    prune_patterns: tuple[str, ...] = ()  # upper-case include patterns; empty: no pruning
    run_time_limit: float = 1800.0  # seconds the writes may take under GitHub's limits
    max_parallel: int = 8  # tokens worked at the same time (each token's requests: serial)
    prune_limit: int | None = None  # most deletions a prune may make per store (prune.py)


class Network(NamedTuple):
    """How the machine reaches the API: read from the environment by the adapters only.

    ``ca_bundle``: a PEM file of trusted CAs (REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE, or the
    CLI's ``--ca``); None for the bundle that ships with requests (certifi). ``proxies``:
    scheme → proxy URL for the API root, after NO_PROXY; empty for a direct connection.
    """

    ca_bundle: str | None = None
    proxies: tuple[tuple[str, str], ...] = ()


class Access(NamedTuple):
    """How to reach GitHub: seen by the transport only, never by planning or writing."""

    api_url: str
    token: str  # for orgs without their own; may be empty then
    retry: RetryPolicy = RetryPolicy()
    org_tokens: tuple[tuple[str, str], ...] = ()  # (org, token)
    network: Network = Network()

    def __repr__(self) -> str:
        orgs = [org for org, _ in self.org_tokens]
        return f"Access(api_url={self.api_url!r}, token=<hidden>, org_tokens for {orgs})"

    def token_for(self, org: str) -> str:
        """The org's own token (fine-grained and App tokens are per org), else ``token``."""
        return next((t for o, t in self.org_tokens if o.lower() == org.lower()), self.token)

    def for_org(self, org: str) -> Access:
        """The access narrowed to one org's token: what one transport needs."""
        return self._replace(token=self.token_for(org), org_tokens=())

    def token_id(self, org: str) -> int:
        """An opaque number for the org's token: orgs with the same token get the same one.

        The core groups orgs by token (each token has its own limits, and its requests
        are sent one at a time) without ever holding a token itself.
        """
        tokens = [self.token, *dict.fromkeys(token for _, token in self.org_tokens)]
        return tokens.index(self.token_for(org))


class Config(NamedTuple):
    """Everything one run needs, validated; built only by ``inputs.parse``."""

    job: Job
    access: Access


# GitHub's documented limits on organization secrets.
# Codespaces: 100 secrets per organization, each at most 48 KB
# https://docs.github.com/en/codespaces/managing-codespaces-for-your-organization/managing-development-environment-secrets-for-your-repository-or-organization
# Actions: 1,000 secrets per organization, 48 KB each
# https://docs.github.com/en/actions/reference/limits
# Dependabot and Copilot agents: no documented count limit was found, so none is checked
# before writing (GitHub's own refusal is reported if one exists).
MAX_VALUE_BYTES = 48 * 1024  # each secret's value is at most 48 KB, in every store
STORE_LIMITS: dict[Store, int] = {Store.CODESPACES: 100, Store.ACTIONS: 1000}
