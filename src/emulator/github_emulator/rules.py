"""GitHub's documented rules shared by every organization secret store.

Source: docs.github.com, "Managing your account-specific secrets for GitHub Codespaces", the
Actions "Using secrets" page and the organization-secrets REST pages of each store. What
differs between the stores (count limits, plans, permissions) is in `stores`.
"""

from __future__ import annotations

import re

VISIBILITIES = ("all", "private", "selected")
PLANS = ("free", "team", "enterprise")
MAX_SECRET_BYTES = 48 * 1024

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def secret_name_problem(name: str) -> str | None:
    """Why GitHub would refuse this secret name, or None when it is acceptable."""
    if not _NAME.fullmatch(name):
        return (
            "Secret names can only contain alphanumeric characters ([a-z], [A-Z], [0-9]) "
            "or underscores (_), and must not start with a number."
        )
    if name.upper().startswith("GITHUB_"):
        return "Secret names must not start with GITHUB_."
    return None
