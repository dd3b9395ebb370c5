"""Snapshots the emulator hands to callers: stored secrets and recorded requests.

Both are frozen copies, so a test can hold one while the server keeps mutating its state
from other threads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .stores import DEFAULT_STORE


@dataclass(frozen=True)
class StoredSecret:
    """One organization secret of one store as the emulator holds it, value decrypted."""

    name: str
    # Hidden from repr so an assertion failure in a test log never prints the plaintext.
    value: str = field(repr=False)
    visibility: str
    selected_repository_ids: tuple[int, ...]
    key_id: str
    created_at: str
    updated_at: str
    store: str = DEFAULT_STORE

    def to_json(self) -> dict[str, object]:
        """The admin-route form (it includes the value: the emulator is a test tool)."""
        return {
            "store": self.store,
            "name": self.name,
            "value": self.value,
            "visibility": self.visibility,
            "selected_repository_ids": list(self.selected_repository_ids),
            "key_id": self.key_id,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@dataclass(frozen=True)
class RecordedRequest:
    """One API request as it arrived, with the status it got (None: the connection was dropped).

    `time` is the arrival on the emulator's clock (`time.monotonic` unless one was given).
    """

    method: str
    path: str
    query: dict[str, str]
    body: object
    status: int | None
    decrypted_value: str | None
    time: float
    token: str | None

    def to_json(self) -> dict[str, object]:
        """The admin-route form, field for field."""
        return {
            "method": self.method,
            "path": self.path,
            "query": dict(self.query),
            "body": self.body,
            "status": self.status,
            "decrypted_value": self.decrypted_value,
            "time": self.time,
            "token": self.token,
        }
