"""Where a server sends the client next: `Link: rel="next"` pages and redirects.

"Foreign" targets are given as a URL (`to`): in a test, start a second Emulator and pass
its `url` for another port of the same host, or that URL with `localhost` in place of
`127.0.0.1` for another host name; its request log then shows whether the client followed
and what it sent there (the token is recorded). Nothing here reaches beyond that URL.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from ..messages import DOCS_ROOT, ApiResponse
from .base import FaultRequest, Real, checked_target

REDIRECTS = (301, 302, 303, 307, 308)


def _with_next(answer: ApiResponse, url: str) -> ApiResponse:
    return replace(answer, headers={**answer.headers, "link": f'<{url}>; rel="next"'})


@dataclass(frozen=True)
class LoopingNextLink:
    """The real page with `Link: <this very URL>; rel="next"`: paging never ends."""

    name: ClassVar[str] = "looping-next-link"

    def respond(self, request: FaultRequest, real: Real) -> ApiResponse:
        """The real answer, pointing back at itself."""
        return _with_next(real(), request.own_url)


@dataclass(frozen=True)
class ForeignNextLink:
    """The real page with its `rel="next"` link under another API root `to`, page + 1."""

    name: ClassVar[str] = "foreign-next-link"
    to: str

    def __post_init__(self) -> None:
        """Refuse a target that is not an absolute URL."""
        checked_target(self.to)

    def respond(self, request: FaultRequest, real: Real) -> ApiResponse:
        """The real answer, pointing elsewhere for the next page."""
        return _with_next(real(), request.url_under(self.to, next_page=True))


@dataclass(frozen=True)
class Redirect:
    """A 301/302/303/307/308 to the same URL (`to` None) or the same path under `to`.

    Nothing is handled or stored: a PUT that is redirected wrote nothing. Once the fault
    is used up, a client that follows a same-origin redirect reaches the real handler.
    """

    name: ClassVar[str] = "redirect"
    status: int = 301
    to: str | None = None

    def __post_init__(self) -> None:
        """Refuse a status that is no redirect, or a target that is not an absolute URL."""
        if self.status not in REDIRECTS:
            raise ValueError(f"status must be one of {REDIRECTS}")
        if self.to is not None:
            checked_target(self.to)

    def respond(self, request: FaultRequest, real: Real) -> ApiResponse:
        """GitHub's shape for a moved resource, with the Location header."""
        location = request.own_url if self.to is None else request.url_under(self.to)
        body = {"message": "Moved Permanently", "url": location, "documentation_url": DOCS_ROOT}
        return ApiResponse(self.status, body, headers={"location": location})
