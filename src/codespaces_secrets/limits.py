"""GitHub's documented limits on organization secrets, in one place.

Codespaces: 100 secrets per organization, each at most 48 KB
https://docs.github.com/en/codespaces/managing-codespaces-for-your-organization/managing-development-environment-secrets-for-your-repository-or-organization
Actions: 1,000 secrets per organization, 48 KB each
https://docs.github.com/en/actions/reference/limits
Dependabot and Copilot agents: no documented count limit was found, so none is checked
before writing (GitHub's own refusal is reported if one exists).
"""

from __future__ import annotations

from .config import Store

MAX_VALUE_BYTES = 48 * 1024  # each secret's value is at most 48 KB, in every store
STORE_LIMITS: dict[Store, int] = {Store.CODESPACES: 100, Store.ACTIONS: 1000}
