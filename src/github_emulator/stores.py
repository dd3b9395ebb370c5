"""GitHub's four organization secret stores and the rules that differ between them.

Every store serves the same operations under `/orgs/{org}/{store}/secrets` and seals values
to a key pair of its own; what differs is collected here, once:

- the fine-grained permission a token needs (named in `X-Accepted-GitHub-Permissions`):
  Codespaces `organization_codespaces_secrets`, Dependabot `organization_dependabot_secrets`,
  Actions `organization_secrets`. GitHub documents none for the Copilot agents store; the
  emulator's choice, `organization_agents_secrets`, follows the path-segment pattern of the
  first two.
- the count limit: Codespaces 100 and Actions 1,000 secrets per organization (docs.github.com,
  "Managing development environment secrets…" and "Actions limits"); none is documented for
  Dependabot or agents, so the emulator enforces none.
- plans: only Codespaces org secrets need a Team or Enterprise plan (a Free org answers 404,
  google/go-github issue 3000). Actions and Dependabot org secrets exist on every plan; for
  agents the emulator assumes the same (its choice: GitHub does not document a plan gate).
- repository ids as strings: the 2022-11-28 description lets Actions and Dependabot PUTs send
  them (the schema checks that); REST API version 2026-03-10 makes Dependabot's integers only.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_STORE = "codespaces"
# Versions a client may ask for with X-GitHub-Api-Version; anything else gets the default.
DEFAULT_API_VERSION = "2022-11-28"
API_VERSIONS = (DEFAULT_API_VERSION, "2026-03-10")


@dataclass(frozen=True)
class StoreRules:
    """What sets one store apart from the others."""

    name: str  # the path segment, e.g. "dependabot"
    label: str  # how GitHub's documentation names it
    permission: str  # the fine-grained organization permission a token needs
    max_secrets: int | None  # per organization; None: no documented limit
    paid_plans_only: bool  # a Free-plan org answers 404 on every operation
    # The first API version under which repository ids sent as strings are refused.
    integer_ids_from: str | None = None

    def accepted_permission(self, method: str) -> str:
        """`X-Accepted-GitHub-Permissions` for `method`: reads need read, the rest write."""
        return f"{self.permission}={'read' if method == 'GET' else 'write'}"

    def integer_ids_only(self, api_version: str) -> bool:
        """Whether a request under `api_version` must send repository ids as integers."""
        # ISO dates compare correctly as text.
        return self.integer_ids_from is not None and api_version >= self.integer_ids_from


STORES: dict[str, StoreRules] = {
    rules.name: rules
    for rules in (
        StoreRules("actions", "Actions", "organization_secrets", 1000, False),
        StoreRules("agents", "Copilot agents", "organization_agents_secrets", None, False),
        StoreRules("codespaces", "Codespaces", "organization_codespaces_secrets", 100, True),
        StoreRules(
            "dependabot",
            "Dependabot",
            "organization_dependabot_secrets",
            None,
            False,
            integer_ids_from="2026-03-10",
        ),
    )
}
STORE_NAMES = tuple(STORES)


def store_rules(name: str) -> StoreRules:
    """The rules of the store called `name`, or ValueError naming the stores there are."""
    rules = STORES.get(name)
    if rules is None:
        raise ValueError(f"store must be one of {', '.join(STORE_NAMES)}, not {name!r}")
    return rules


def selected_api_version(requested: str | None) -> str:
    """The version an answer is given under: the one asked for when known, else the default."""
    requested = (requested or "").strip()
    return requested if requested in API_VERSIONS else DEFAULT_API_VERSION
