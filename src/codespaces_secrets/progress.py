"""Progress lines for long runs: done/total, where the run is, and the time left.

A paced run can last an hour; without a line now and then the log looks hung. A line
comes at most every ``EVERY`` seconds, when a write or delete is answered, so a run of a
few requests prints none. It names counts, the org and store, never a secret's value.
"""

from __future__ import annotations

import threading

from .clock import Clock
from .config import Store
from .events import Events
from .plan import duration

EVERY = 10.0


class Progress:
    """Counts answered changes and says how far the run is, at a steady rhythm."""

    def __init__(self, total: int, estimate: float, clock: Clock, events: Events) -> None:
        self.total, self.estimate, self.clock, self.events = total, estimate, clock, events
        self.start = clock.monotonic()
        self.next = self.start + EVERY
        self.count = 0
        self._lock = threading.Lock()

    def done(self, org: str, store: Store) -> None:
        """One change answered (or failed) in ``org``'s ``store``."""
        with self._lock:
            self.count += 1
            now = self.clock.monotonic()
            if now < self.next or self.count >= self.total:
                return
            self.next = now + EVERY
            left = max(0.0, self.estimate - (now - self.start))
            self.events.info(
                f"Progress: {self.count}/{self.total} writes done; now in {org} "
                f"({store.label}); about {duration(left)} left by the plan's estimate."
            )
