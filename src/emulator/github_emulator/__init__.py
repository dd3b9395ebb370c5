"""A local GitHub REST API emulator for organization secrets in all four stores.

A test tool for any client of these endpoints (this project's tests, demo and benchmarks
among them): a real HTTP(S) server on loopback serving the Actions, Copilot agents,
Codespaces and Dependabot stores, with a real Curve25519 key pair per organization and
store, GitHub's access rules, pagination, rate limits and injectable faults. It is a
project of its own (`github-emulator`, src/emulator in the action's repository) and
imports nothing from the action. Run it alone with `python -m github_emulator`.
"""

from .emulator import Emulator
from .model import RecordedRequest, StoredSecret
from .seed import (
    ADMIN_TOKEN,
    ALL_STORES_TOKEN,
    FINE_GRAINED_TOKEN,
    LABS_TOKEN,
    NOSCOPE_TOKEN,
    NOT_OWNER_TOKEN,
    SEED_ORGS,
    SSO_TOKEN,
)
from .stores import DEFAULT_STORE, STORE_NAMES

__all__ = [
    "ADMIN_TOKEN",
    "ALL_STORES_TOKEN",
    "DEFAULT_STORE",
    "FINE_GRAINED_TOKEN",
    "LABS_TOKEN",
    "NOSCOPE_TOKEN",
    "NOT_OWNER_TOKEN",
    "SEED_ORGS",
    "SSO_TOKEN",
    "STORE_NAMES",
    "Emulator",
    "RecordedRequest",
    "StoredSecret",
]
