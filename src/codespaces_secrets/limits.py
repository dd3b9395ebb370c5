"""GitHub's documented limits on Codespaces organization secrets, in one place.

https://docs.github.com/en/codespaces/managing-codespaces-for-your-organization/managing-development-environment-secrets-for-your-repository-or-organization
"""

from __future__ import annotations

MAX_VALUE_BYTES = 48 * 1024  # each secret's value is at most 48 KB
MAX_SECRETS_PER_ORG = 100  # an organization keeps at most 100 Codespaces secrets
