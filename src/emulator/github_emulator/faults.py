"""Injected answers, served before normal handling, so tests can exercise a client's retries.

An injection either names the answer (status, headers, body, a dropped connection, a delay)
or hands the request to a misbehaviour (see `hostile`), which may spoil the real answer or
send it badly on the wire.

Each injection is a slot in one FIFO list: the first slot whose method and path glob match a
request answers it and is used up, so injections for the same route come out in the order
they were made. Globs use fnmatch (case-sensitive; `*` also matches `/`) on the path without
the API prefix.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase

from .hostile import Misbehaviour


@dataclass(frozen=True)
class Fault:
    """What to answer instead of the real handler."""

    method: str
    path_glob: str
    status: int = 502
    headers: tuple[tuple[str, str], ...] = ()
    body: object = None
    drop: bool = False
    delay: float = 0.0
    misbehaviour: Misbehaviour | None = None

    def matches(self, method: str, path: str) -> bool:
        """Whether this fault answers `method path`."""
        return self.method in ("*", method.upper()) and fnmatchcase(path, self.path_glob)


def make_fault(
    method: str,
    path_glob: str,
    *,
    status: int = 502,
    headers: Mapping[str, str] | None = None,
    body: object = None,
    drop: bool = False,
    delay: float = 0.0,
    misbehaviour: Misbehaviour | None = None,
) -> Fault:
    """A checked Fault (shared by the Python API and the admin route)."""
    if not 100 <= status <= 599:
        raise ValueError(f"status must be an HTTP status code, not {status}")
    if delay < 0:
        raise ValueError("delay must be >= 0")
    if not path_glob.startswith(("/", "*")):
        raise ValueError("path_glob must start with '/' (or '*')")
    return Fault(
        method=method.upper(),
        path_glob=path_glob,
        status=status,
        headers=tuple((k.lower(), str(v)) for k, v in (headers or {}).items()),
        body=body,
        drop=drop,
        delay=delay,
        misbehaviour=misbehaviour,
    )


@dataclass
class _Slot:
    fault: Fault
    left: int


class FaultQueue:
    """Pending injected answers; safe from any thread."""

    def __init__(self, lock: threading.RLock) -> None:
        """Start with nothing injected."""
        self._lock = lock
        self._slots: list[_Slot] = []

    def add(self, fault: Fault, times: int = 1) -> None:
        """Answer the next `times` matching requests with `fault`."""
        if times < 1:
            raise ValueError("times must be >= 1")
        with self._lock:
            self._slots.append(_Slot(fault, times))

    def take(self, method: str, path: str) -> Fault | None:
        """Use up the first matching slot, if any."""
        with self._lock:
            for slot in self._slots:
                if slot.fault.matches(method, path):
                    slot.left -= 1
                    if slot.left == 0:
                        self._slots.remove(slot)
                    return slot.fault
            return None

    def clear(self) -> None:
        """Forget every pending injection."""
        with self._lock:
            self._slots.clear()
