"""Turn SIGINT and SIGTERM into ``Interrupted`` for the length of a run.

The runner sends SIGINT, then SIGTERM, to a cancelled job's step; a user presses Ctrl-C
in the CLI. Python's default would be a ``KeyboardInterrupt`` traceback, or for SIGTERM
no clean-up at all. Raising ``Interrupted`` instead lets the run stop at the next line
(the front door returns what it finished), report it and exit 130/143. Only the first
signal raises: a second one while the results are being reported is ignored, so
reporting finishes. And once the adapter starts writing the outputs (``Stop.reporting``),
even a first signal only is noted: the outputs are written once, complete, never
followed by a second, contradicting set (the runner keeps the last value of an output).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from .errors import Interrupted

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Stop:
    """Which signal stopped the run, if one did."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self.reporting = False  # set while the outputs are written: a signal only is noted

    @property
    def exit_code(self) -> int:
        """The shell's convention for a process ended by a signal: 128 + its number."""
        return 128 + (self.signum or 0)


@contextmanager
def interruptible() -> Iterator[Stop]:
    """Within the block, the first SIGINT/SIGTERM raises ``Interrupted`` (main thread only)."""
    stop = Stop()
    if threading.current_thread() is not threading.main_thread():
        yield stop  # signal handlers can only be set from the main thread
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        if stop.signum is None:
            stop.signum = signum
            if not stop.reporting:
                raise Interrupted(signum)

    previous = {signum: signal.signal(signum, handler) for signum in SIGNALS}
    try:
        yield stop
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)
