"""A local GitHub REST API emulator for Codespaces organization secrets.

Used by the tests, the demo and the benchmarks: a real HTTP(S) server on loopback with a
real Curve25519 key pair per organization, GitHub's access rules, pagination, rate limits
and injectable faults. Run it alone with `python -m codespaces_secrets.emulator`.
"""

from .emulator import Emulator
from .model import RecordedRequest, StoredSecret
from .seed import (
    ADMIN_TOKEN,
    FINE_GRAINED_TOKEN,
    LABS_TOKEN,
    NOSCOPE_TOKEN,
    NOT_OWNER_TOKEN,
    SEED_ORGS,
    SSO_TOKEN,
)

__all__ = [
    "ADMIN_TOKEN",
    "FINE_GRAINED_TOKEN",
    "LABS_TOKEN",
    "NOSCOPE_TOKEN",
    "NOT_OWNER_TOKEN",
    "SEED_ORGS",
    "SSO_TOKEN",
    "Emulator",
    "RecordedRequest",
    "StoredSecret",
]
