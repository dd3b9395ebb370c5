"""GitHub's four organization secret stores and the rules that differ between them.

Every store serves the same operations under `/orgs/{org}/{store}/secrets` and seals values
to a key pair of its own; what differs is collected here, once:

- the fine-grained permission a token needs (named in `X-Accepted-GitHub-Permissions`):
  Codespaces `organization_codespaces_secrets`, Dependabot `organization_dependabot_secrets`,
  Actions `organization_secrets`, Copilot agents `organization_agent_secrets` (the keys of
  GitHub's permission data; `secrets` and `dependabot_secrets` are the repository-level ones).
- the count limit: Codespaces 100 and Actions 1,000 secrets per organization (docs.github.com,
  "Managing development environment secrets…" and "Actions limits"); none is documented for
  Dependabot or agents, so the emulator enforces none.
- plans: only Codespaces org secrets need a Team or Enterprise plan (a Free org answers 404,
  google/go-github issue 3000). Actions and Dependabot org secrets exist on every plan; for
  agents the emulator assumes the same (its choice: GitHub does not document a plan gate).
- repository ids as strings: only Dependabot's PUT takes them, and only under REST API version
  2022-11-28; the description of each version says so, and `openapi` checks it.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_STORE = "codespaces"


@dataclass(frozen=True)
class StoreRules:
    """What sets one store apart from the others."""

    name: str  # the path segment, e.g. "dependabot"
    label: str  # how GitHub's documentation names it
    permission: str  # the fine-grained organization permission a token needs
    max_secrets: int | None  # per organization; None: no documented limit
    paid_plans_only: bool  # a Free-plan org answers 404 on every operation

    def accepted_permission(self, method: str) -> str:
        """`X-Accepted-GitHub-Permissions` for `method`: reads need read, the rest write."""
        return f"{self.permission}={'read' if method == 'GET' else 'write'}"


STORES: dict[str, StoreRules] = {
    rules.name: rules
    for rules in (
        StoreRules("actions", "Actions", "organization_secrets", 1000, False),
        StoreRules("agents", "Copilot agents", "organization_agent_secrets", None, False),
        StoreRules("codespaces", "Codespaces", "organization_codespaces_secrets", 100, True),
        StoreRules("dependabot", "Dependabot", "organization_dependabot_secrets", None, False),
    )
}
STORE_NAMES = tuple(STORES)


def store_rules(name: str) -> StoreRules:
    """The rules of the store called `name`, or ValueError naming the stores there are."""
    rules = STORES.get(name)
    if rules is None:
        raise ValueError(f"store must be one of {', '.join(STORE_NAMES)}, not {name!r}")
    return rules
