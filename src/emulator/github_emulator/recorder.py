"""The log of API requests, so tests can assert on exactly what a client sent."""

from __future__ import annotations

import threading

from .model import RecordedRequest


class RequestLog:
    """Recorded requests in the order they were answered; safe from any thread."""

    def __init__(self, lock: threading.RLock) -> None:
        """Start empty."""
        self._lock = lock
        self._entries: list[RecordedRequest] = []

    def append(self, entry: RecordedRequest) -> None:
        """Record one answered (or dropped) request."""
        with self._lock:
            self._entries.append(entry)

    def snapshot(self) -> list[RecordedRequest]:
        """A copy of the log."""
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        """Forget everything recorded so far."""
        with self._lock:
            self._entries.clear()
