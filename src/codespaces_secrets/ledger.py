"""Every outcome of a run, recorded the moment it is known, in the order of the inputs.

A run can end at any instant: a cancelled job's step gets SIGINT, then SIGTERM. So no
outcome waits for its store or org to finish before it is kept. Before anything is
applied, the core gives every planned change a slot holding "not attempted"; a write
that is sent marks its slot "unknown" (it may reach GitHub whatever happens next), and
its answer replaces that with what GitHub said. Whatever stops the run, ``results``
then says exactly what is known, in the order the inputs named orgs, stores and
secrets, whichever token finished first. Slots are filled from several threads when
tokens work in parallel, hence the lock.
"""

from __future__ import annotations

import threading

from .config import Store
from .results import SecretResult, Status

NOT_ATTEMPTED = "not attempted: the run was stopped first"
IN_FLIGHT = "in flight when the run was stopped: it may have been written; check and re-run"

Slot = tuple[str, Store, str]  # org, store, secret name


class Ledger:
    """The run's outcomes, slot by slot."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._slots: dict[Slot, SecretResult] = {}
        self._closed = False

    def close(self) -> tuple[SecretResult, ...]:
        """Keep what is known now, and nothing recorded later; return it.

        When a run stops, a lane may still be inside a request: whatever it makes of that
        request afterwards (an error as its connection is closed) must not replace the
        "unknown" the report says of it.
        """
        with self._lock:
            self._closed = True
            return tuple(self._slots.values())

    def expect(self, org: str, store: Store, name: str) -> None:
        """Reserve the slot of a planned change: "not attempted" until told otherwise."""
        with self._lock:
            self._slots.setdefault(
                (org, store, name),
                SecretResult(org, store, name, Status.FAILED, error=NOT_ATTEMPTED),
            )

    def sending(self, result: SecretResult) -> None:
        """A write is about to be sent: until its answer, the slot says "unknown"."""
        unknown = result._replace(status=Status.UNKNOWN, error=IN_FLIGHT)
        self.record(unknown)

    def record(self, result: SecretResult) -> None:
        """What is known now of one change (its slot keeps its place in the order)."""
        with self._lock:
            if not self._closed:
                self._slots[(result.org, result.store, result.name)] = result

    def results(self) -> tuple[SecretResult, ...]:
        """Every slot, in the order the slots were reserved."""
        with self._lock:
            return tuple(self._slots.values())
