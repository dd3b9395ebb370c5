"""Time as a seam: the transport waits and measures through a ``Clock``.

A test or a benchmark passes a clock whose ``sleep`` advances a counter instead of
waiting, so retry and pacing rules are exercised in milliseconds; the product passes
``SYSTEM_CLOCK``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import NamedTuple


class Clock(NamedTuple):
    """Where the transport reads time and how it waits."""

    monotonic: Callable[[], float] = time.monotonic
    wall: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep


SYSTEM_CLOCK = Clock()
