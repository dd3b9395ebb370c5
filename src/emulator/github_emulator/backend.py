"""The parts every server thread and the Python API share, under one re-entrant lock."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from .clock import EmulatorClock, TimeSource
from .faults import FaultQueue
from .limits import RateLimits
from .openapi import OpenApiSpec
from .recorder import RequestLog
from .state import State
from .versions import API_VERSIONS


@dataclass
class Backend:
    """State, faults, rate limits, request log, the description per version, clock, latency."""

    state: State
    specs: dict[str, OpenApiSpec]
    faults: FaultQueue
    limits: RateLimits
    log: RequestLog
    clock: EmulatorClock
    # Seconds slept before every API answer; a float store is atomic, so no lock is needed.
    latency: float = 0.0

    @classmethod
    def create(cls, clock: TimeSource | None = None) -> Backend:
        """Empty parts sharing one lock, timed by `clock` (None: `time.monotonic`)."""
        lock = threading.RLock()
        timer = EmulatorClock.create(clock)
        return cls(
            state=State(lock),
            specs={version: OpenApiSpec.load(version) for version in API_VERSIONS},
            faults=FaultQueue(lock),
            limits=RateLimits(lock, timer),
            log=RequestLog(lock),
            clock=timer,
        )
