"""The emulator's time: one injectable source of seconds for everything it measures.

A caller that drives its client on simulated time (a fake clock whose `sleep` only moves a
counter on) passes the same source as `Emulator(clock=…)`, so the emulator's rate-limit
windows, its primary-limit refill and its request log move with the simulation: thousands
of paced writes take no real waiting. Epoch times the emulator sends (`x-ratelimit-reset`)
are the real epoch at start plus the seconds the source has moved on since.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

TimeSource = Callable[[], float]


@dataclass(frozen=True)
class EmulatorClock:
    """Seconds from one source, and the epoch time that follows from them."""

    source: TimeSource
    origin: float  # the source's reading at start
    epoch: float  # the real epoch time at start

    @classmethod
    def create(cls, source: TimeSource | None = None) -> EmulatorClock:
        """A clock on `source` (seconds, never going back), or on `time.monotonic`."""
        source = source or time.monotonic
        return cls(source=source, origin=source(), epoch=time.time())

    def now(self) -> float:
        """The source's seconds: what windows and the request log measure."""
        return self.source()

    def wall(self) -> float:
        """Epoch seconds on this clock: the start's epoch plus the time gone by since."""
        return self.epoch + (self.source() - self.origin)
