"""An in-memory transport for tests of decisions, in the manner of httpx's MockTransport.

``MemoryTransport(handler)`` answers each request with ``handler(request)``: a plain
function, no socket. It implements ``seam.Transport`` as the HTTP transport does for
what the core can see: an answer with an expected status is returned, any other raises
``ApiError`` with that status, and paged lists are followed by the product's own
``paging``. ``Org`` is a handler that keeps one organization's stores in dictionaries.
Wire, TLS and hostile-server behaviour stay with the emulator and ``wire``.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from nacl.public import PrivateKey, SealedBox

from codespaces_secrets import paging
from codespaces_secrets.config import Store
from codespaces_secrets.errors import ApiError
from codespaces_secrets.redact import Redactor
from codespaces_secrets.seam import Answer

API = "https://api.memory.test"


class Request(NamedTuple):
    """One request as the handler sees it."""

    method: str
    path: str  # without the API root and the query
    json: Mapping[str, Any] | None


Handler = Callable[[Request], Answer]


def answer(status: int, body: Any = None, *, url: str = API, next_url: str | None = None) -> Answer:
    """An answer with a JSON body (none for ``None``)."""
    raw = b"" if body is None else json.dumps(body).encode()
    return Answer(status, {"content-type": "application/json"}, raw, url, next_url)


class MemoryTransport:
    """A ``seam.Transport`` whose answers come from ``handler``; it records every request."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.redactor = Redactor()
        self.requests: list[Request] = []
        self.closed = False

    def request(
        self,
        method: str,
        path: str,
        *,
        operation: str,
        json: Mapping[str, Any] | None = None,
        params: Mapping[str, str | int] | None = None,
        expect: tuple[int, ...] = (200,),
        store: Store | None = None,
    ) -> Answer:
        """Record the request and answer it; an unexpected status is an ``ApiError``."""
        local = path.removeprefix(API).partition("?")[0]
        self.requests.append(Request(method, local, json))
        got = self.handler(Request(method, local, json))
        if got.status not in expect:
            raise ApiError(f"Could not {operation}: HTTP {got.status}.", status=got.status)
        return got._replace(url=API + local)

    def paginate(
        self, path: str, key: str, *, operation: str, max_pages: int, store: Store | None = None
    ) -> Iterator[Any]:
        """Every item of a paged list, by the product's own paging rules."""

        def get(url: str, params: dict[str, str | int] | None) -> Answer:
            return self.request("GET", url, operation=operation, store=store)

        return paging.paginate(get, API, path, key, operation=operation, max_pages=max_pages)

    def close(self) -> None:
        """Nothing to release."""
        self.closed = True

    @property
    def changes(self) -> list[str]:
        """The writes in the order they were sent: ``PUT NAME``, ``DELETE NAME``."""
        return [
            f"{r.method} {r.path.rpartition('/')[2]}"
            for r in self.requests
            if r.method in ("PUT", "DELETE")
        ]


@dataclass
class Org:
    """One organization's secret stores as a handler: keys, secrets, repository lists.

    ``limit``: GitHub's count limit per store (refused with 422 past it, like GitHub);
    ``fail``: names whose PUT is answered with that status; ``unattached``: repository IDs
    a PUT's list silently loses, as GitHub does with one it will not attach.
    """

    name: str = "octo-org"
    limit: int | None = None
    secrets: dict[str, dict[str, str]] = field(default_factory=dict)  # store → name → vis
    lists: dict[str, list[int]] = field(default_factory=dict)  # name → repository IDs
    values: dict[str, str] = field(default_factory=dict)  # name → decrypted value
    fail: dict[str, int] = field(default_factory=dict)
    unattached: set[int] = field(default_factory=set)  # IDs GitHub drops from a list, silently
    key: PrivateKey = field(default_factory=PrivateKey.generate)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, request: Request) -> Answer:
        """Answer one request as GitHub would, for the routes the action uses."""
        parts = request.path.strip("/").split("/")
        with self.lock:
            if parts[:2] != ["orgs", self.name] or len(parts) < 4:
                return answer(404, {"message": "Not Found"})
            store = self.secrets.setdefault(parts[2], {})
            rest = parts[4:]
            if rest == ["public-key"]:
                key = base64.b64encode(bytes(self.key.public_key)).decode()
                return answer(200, {"key_id": "k1", "key": key})
            if not rest:
                listed = [{"name": n, "visibility": v} for n, v in sorted(store.items())]
                return answer(200, {"total_count": len(listed), "secrets": listed})
            if len(rest) == 2 and rest[1] == "repositories":
                repos = [
                    {"id": i, "full_name": f"{self.name}/r{i}"} for i in self.lists.get(rest[0], [])
                ]
                return answer(200, {"total_count": len(repos), "repositories": repos})
            return self._change(request, store, rest[0])

    def _change(self, request: Request, store: dict[str, str], name: str) -> Answer:
        if request.method == "DELETE":
            return answer(204 if store.pop(name, None) else 404)
        if name in self.fail:
            return answer(self.fail[name], {"message": "refused"})
        body = request.json or {}
        created = name not in store
        if created and self.limit is not None and len(store) >= self.limit:
            return answer(422, {"message": "Too many secrets"})
        store[name] = str(body["visibility"])
        sent = body.get("selected_repository_ids", [])
        self.lists[name] = [i for i in sent if i not in self.unattached]
        sealed = base64.b64decode(str(body["encrypted_value"]))
        self.values[name] = SealedBox(self.key).decrypt(sealed).decode()
        return answer(201 if created else 204)
