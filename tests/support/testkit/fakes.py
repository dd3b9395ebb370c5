"""Stand-ins for the core's seams: a clock that never really waits, an event recorder,
and transport factories with other timeouts or pacing."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from codespaces_secrets.attempt import Limits
from codespaces_secrets.clock import Clock
from codespaces_secrets.config import Access
from codespaces_secrets.events import Events
from codespaces_secrets.redact import Redactor
from codespaces_secrets.retry import Retrier, WritePacer
from codespaces_secrets.seam import Connect
from codespaces_secrets.transport import HttpTransport


@dataclass
class FakeTime:
    """Simulated time: ``sleep`` records the wait and moves the clock on at once.

    The wall clock is real time plus every simulated wait, so epoch times a server sends
    (``x-ratelimit-reset``) still make sense. With ``real=True`` waits also really pass:
    for a server whose own limits run on real time.
    """

    real: bool = False
    now: float = 1_000.0
    sleeps: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        """Record a wait and advance the clock by it."""
        self.sleeps.append(seconds)
        self.now += seconds
        if self.real:
            time.sleep(seconds)

    def monotonic(self) -> float:
        """The simulated monotonic time."""
        return self.now

    def wall(self) -> float:
        """Real epoch seconds plus every simulated wait."""
        return time.time() + self.waited

    @property
    def clock(self) -> Clock:
        """This fake as the core's ``Clock`` seam."""
        return Clock(monotonic=self.monotonic, wall=self.wall, sleep=self.sleep)

    @property
    def waited(self) -> float:
        """Seconds waited in all."""
        return sum(self.sleeps)


class LaneTime:
    """Simulated time for tokens side by side: a lane's waits move only its own clock.

    ``FakeTime`` is one clock: two lanes waiting 60 s each would move it 120 s. Here each
    thread other than the main one keeps its own time, starting from the main thread's;
    the main thread, when it next looks, is as late as the latest lane. So a run's
    simulated duration is what lanes working at the same time would take.
    """

    def __init__(self, start: float = 1_000.0) -> None:
        self.start = start
        self._main = [start]
        self._lanes: list[list[float]] = []
        self._local = threading.local()
        self._lock = threading.Lock()

    def _box(self) -> list[float]:
        with self._lock:
            if threading.current_thread() is threading.main_thread():
                self._main[0] = max([self._main[0], *(box[0] for box in self._lanes)])
                return self._main
            box: list[float] | None = getattr(self._local, "box", None)
            if box is None:
                box = [self._main[0]]
                self._local.box = box
                self._lanes.append(box)
            return box

    def sleep(self, seconds: float) -> None:
        """Move the calling lane's clock on (never really waits)."""
        box = self._box()
        box[0] += seconds

    def monotonic(self) -> float:
        """The calling lane's time."""
        return self._box()[0]

    def wall(self) -> float:
        """Real epoch seconds plus the calling lane's simulated waits."""
        return time.time() + self.monotonic() - self.start

    @property
    def clock(self) -> Clock:
        """This fake as the core's ``Clock`` seam."""
        return Clock(monotonic=self.monotonic, wall=self.wall, sleep=self.sleep)

    @property
    def elapsed(self) -> float:
        """Simulated seconds since the start, as the main thread sees them."""
        return self.monotonic() - self.start


@dataclass
class Recorder:
    """Collects the core's events instead of printing them."""

    infos: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    retries: list[str] = field(default_factory=list)
    debugs: list[str] = field(default_factory=list)

    def info(self, message: str) -> None:
        """Record a progress line."""
        self.infos.append(message)

    def warning(self, message: str) -> None:
        """Record a warning."""
        self.warnings.append(message)

    def retry(self, message: str) -> None:
        """Record a retried fault."""
        self.retries.append(message)

    def debug(self, message: str) -> None:
        """Record a debug line."""
        self.debugs.append(message)


def connect_with(
    *,
    timeout: float | None = None,
    connect: float | None = None,
    max_body: int | None = None,
    pacer: Callable[[], WritePacer] = WritePacer,
) -> Connect:
    """A transport factory with other limits or pacing (a fresh pacer per run).

    ``timeout``: the whole attempt's deadline in seconds; ``connect``: the connect
    timeout; ``max_body``: the largest answer read, in bytes.
    """
    default = Limits()
    limits = Limits(
        connect=default.connect if connect is None else connect,
        deadline=default.deadline if timeout is None else timeout,
        max_body=default.max_body if max_body is None else max_body,
    )

    def make(
        access: Access,
        *,
        clock: Clock,
        events: Events,
        redactor: Redactor | None = None,
        retrier: Retrier | None = None,
    ) -> HttpTransport:
        return HttpTransport(
            access,
            clock=clock,
            events=events,
            limits=limits,
            pacer=pacer(),
            redactor=redactor,
            retrier=retrier,
        )

    return make
