"""Turn SIGINT and SIGTERM into ``Interrupted`` for the length of a run.

The runner sends SIGINT, then SIGTERM, to a cancelled job's step; a user presses Ctrl-C
in the CLI. Python's default would be a ``KeyboardInterrupt`` traceback, or for SIGTERM
no clean-up at all. Raising ``Interrupted`` instead lets the run stop at the next line,
report what it finished and exit 130/143. Only the first signal raises: a second one
while the results are being reported is ignored, so reporting finishes.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from .errors import Interrupted

SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def interruptible() -> Iterator[None]:
    """Within the block, the first SIGINT/SIGTERM raises ``Interrupted`` (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return
    raised = False

    def handler(signum: int, frame: FrameType | None) -> None:
        nonlocal raised
        if not raised:
            raised = True
            raise Interrupted(signum)

    previous = {signum: signal.signal(signum, handler) for signum in SIGNALS}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)
