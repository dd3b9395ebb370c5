"""What every misbehaviour gets and gives: the request it answers, and an ApiResponse.

A misbehaviour answers one request in place of the emulator. It may call `real()` to get
the answer the emulator would have given (access checks, state changes and all) and then
spoil it, or answer on its own without touching the state. The helpers build the URLs a
misbehaving server points clients at.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit

from ..messages import ApiResponse, RawRequest


@dataclass(frozen=True)
class FaultRequest:
    """One API request as a misbehaviour sees it."""

    raw: RawRequest
    path: str  # without the API prefix
    api_url: str  # scheme://host:port + prefix of this emulator

    @property
    def own_url(self) -> str:
        """The absolute URL the client asked for, query included."""
        return self.raw.origin + self.raw.target

    @property
    def query(self) -> str:
        """The raw query string ("" when none)."""
        return urlsplit(self.raw.target).query

    def url_under(self, api_root: str, *, next_page: bool = False) -> str:
        """The same path and query under another API root (optionally one page further)."""
        query = self.query
        if next_page:
            params = dict(parse_qsl(query, keep_blank_values=True))
            page = params.get("page", "1")
            params["page"] = str(int(page) + 1 if page.isdigit() else 2)
            query = urlencode(params)
        return api_root.rstrip("/") + self.path + (f"?{query}" if query else "")


Real = Callable[[], ApiResponse]


class Misbehaviour(Protocol):
    """One way to answer badly; `name` is how the admin route selects it."""

    name: ClassVar[str]

    def respond(self, request: FaultRequest, real: Real) -> ApiResponse:
        """The answer to send instead of the emulator's own."""


def checked_target(to: str) -> str:
    """An absolute http(s) URL (an origin or an API root), or ValueError."""
    parts = urlsplit(to)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"'to' must be an absolute http(s) URL, not {to!r}")
    return to
