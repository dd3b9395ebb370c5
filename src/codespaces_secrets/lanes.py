"""Tokens at the same time, each token's requests one at a time.

GitHub asks for a token's requests to be made serially, not concurrently (its best
practices for the REST API), and each token has its own rate and write limits. So the
orgs of one token form a lane worked through in order, while lanes of other tokens run
at the same time: 50 orgs with 50 tokens take about as long as the slowest org, not 50
times one. At most ``width`` lanes run at once (``max-parallel``), which bounds the run's
concurrent requests far below GitHub's 100.

One lane runs in the calling (main) thread, so a signal interrupts its request at once.
Several run in daemon threads: the main thread waits in short joins, where a signal
raises ``Interrupted``; ``stop`` then tells every lane to send nothing more (``apply``
checks before each write), and the event sink goes quiet, so no lane's line lands after
the report. A request a lane has in flight is left to finish or time out on its own,
after the process has reported it as unknown.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable

from .errors import Interrupted
from .events import Events

JOIN_STEP = 0.1  # seconds between the main thread's checks for a signal while lanes run


class SharedEvents:
    """The run's event sink, safe to call from every lane; silent once the run stops."""

    def __init__(self, events: Events) -> None:
        self.inner = events
        self.quiet = False
        self._lock = threading.Lock()

    def _say(self, say: Callable[[str], None], message: str) -> None:
        with self._lock:
            if not self.quiet:
                say(message)

    def info(self, message: str) -> None:
        """A line of progress."""
        self._say(self.inner.info, message)

    def warning(self, message: str) -> None:
        """Something the user should look at."""
        self._say(self.inner.warning, message)

    def retry(self, message: str) -> None:
        """A transient fault that will be retried."""
        self._say(self.inner.retry, message)

    def debug(self, message: str) -> None:
        """Detail for troubleshooting."""
        self._say(self.inner.debug, message)


class Lanes:
    """Runs work for each org, one lane per token, at most ``width`` lanes at once."""

    def __init__(self, width: int, events: SharedEvents) -> None:
        self.width = max(1, width)
        self.events = events
        self.stopped = threading.Event()

    def stop(self) -> None:
        """Send nothing more, say nothing more."""
        self.stopped.set()
        self.events.quiet = True

    def run(
        self, orgs: Iterable[str], token_of: Callable[[str], int], work: Callable[[str], None]
    ) -> None:
        """``work(org)`` for every org: in order within a token, tokens side by side."""
        grouped: dict[int, list[str]] = {}
        for org in orgs:
            grouped.setdefault(token_of(org), []).append(org)
        lanes = deque(grouped.values())
        if len(lanes) == 1 or self.width == 1:
            for lane in lanes:
                for org in lane:
                    work(org)
            return
        failures: list[BaseException] = []
        lock = threading.Lock()

        def worker() -> None:
            while not self.stopped.is_set():
                with lock:
                    if not lanes:
                        return
                    lane = lanes.popleft()
                try:
                    for org in lane:
                        if self.stopped.is_set():
                            return
                        work(org)
                except Interrupted:
                    return
                except BaseException as exc:  # noqa: BLE001 - handed to the main thread
                    failures.append(exc)
                    self.stopped.set()
                    return

        threads = [
            threading.Thread(target=worker, name=f"lane-{n}", daemon=True)
            for n in range(min(self.width, len(lanes)))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            while thread.is_alive():
                thread.join(JOIN_STEP)
        if failures:
            raise failures[0]
