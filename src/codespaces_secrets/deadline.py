"""A total deadline for one HTTP attempt: connect, TLS handshake, headers and whole body.

requests' timeouts apply to each socket operation, so a server that sends one byte every
few seconds, in its headers or its body, never trips them. Here a watchdog timer shuts
down the sockets of the current attempt when its deadline passes; the blocked read then
fails at once, whatever layer (TLS, http.client, urllib3) it is in. The sockets are
found through the connection classes of ``DeadlineAdapter``, which report each socket
they open or reuse to the attempt that is running (a context variable, so nothing is
shared between threads). One watchdog thread serves every attempt of the process: a
thread started per attempt cost about a quarter of a millisecond each time.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from contextvars import ContextVar
from types import TracebackType
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import PoolManager, ProxyManager

_CURRENT: ContextVar[Deadline | None] = ContextVar("codespaces_secrets_deadline", default=None)


class _Watchdog:
    """One daemon thread that expires each attempt's deadline when it passes."""

    def __init__(self) -> None:
        self._wake = threading.Condition()
        self._pending: dict[int, Deadline] = {}
        self._thread: threading.Thread | None = None

    def add(self, deadline: Deadline) -> None:
        with self._wake:
            self._pending[id(deadline)] = deadline
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="attempt-deadlines", daemon=True
                )
                self._thread.start()
            self._wake.notify()

    def remove(self, deadline: Deadline) -> None:
        with self._wake:
            self._pending.pop(id(deadline), None)

    def _run(self) -> None:
        with self._wake:
            while True:
                now = time.monotonic()
                for key, deadline in list(self._pending.items()):
                    if deadline.due <= now:
                        del self._pending[key]
                        deadline.expire()
                due = min((d.due for d in self._pending.values()), default=None)
                self._wake.wait(None if due is None else max(0.0, due - now))


_WATCHDOG = _Watchdog()


class Deadline:
    """Ends the sockets of one attempt when ``seconds`` have passed (a context manager)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.due = 0.0
        self.expired = False
        self._lock = threading.Lock()
        self._watched: list[socket.socket] = []

    def watch(self, sock: socket.socket) -> None:
        """Shut ``sock`` down when the deadline passes (at once if it already has)."""
        # A duplicate descriptor: the TLS layer detaches the original socket object while
        # it wraps it, but shutting down any descriptor ends the connection itself.
        try:
            duplicate = socket.fromfd(sock.fileno(), sock.family, sock.type)
        except OSError:
            return
        with self._lock:
            self._watched.append(duplicate)
            if self.expired:
                _shut(duplicate)

    def expire(self) -> None:
        """The deadline has passed: end every socket of the attempt."""
        with self._lock:
            self.expired = True
            for sock in self._watched:
                _shut(sock)

    def __enter__(self) -> Deadline:
        self._token = _CURRENT.set(self)
        self.due = time.monotonic() + self.seconds
        _WATCHDOG.add(self)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        _WATCHDOG.remove(self)
        _CURRENT.reset(self._token)
        with self._lock:
            for sock in self._watched:
                sock.close()
            self._watched.clear()


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by the other side: nothing to end
        sock.shutdown(socket.SHUT_RDWR)


def _watch(sock: socket.socket | None) -> None:
    deadline = _CURRENT.get()
    if deadline is not None and sock is not None:
        deadline.watch(sock)


class _WatchedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _watch(sock)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch(self.sock)  # a kept-alive connection opened by an earlier attempt
        super().request(*args, **kwargs)


class _WatchedHTTPSConnection(_WatchedHTTPConnection, HTTPSConnection):
    """The same watching; ``super()`` in it reaches ``HTTPSConnection`` first (TLS)."""


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class DeadlineAdapter(HTTPAdapter):
    """requests' adapter whose connections (direct or through a proxy) obey ``Deadline``."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        """The standard pool manager, with watched connection pools."""
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> ProxyManager:
        """The standard proxy manager, with watched connection pools."""
        manager: PoolManager = super().proxy_manager_for(proxy, **kwargs)
        manager.pool_classes_by_scheme = _POOLS
        return manager  # type: ignore[return-value]
