"""GitHub's page-number pagination: `per_page` (default 30, at most 100), `page`, `Link`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar
from urllib.parse import urlencode

T = TypeVar("T")

DEFAULT_PER_PAGE = 30
MAX_PER_PAGE = 100


def _positive_int(text: str | None, default: int) -> int:
    """GitHub ignores a page parameter it cannot read instead of failing the request."""
    try:
        value = int(text) if text is not None else default
    except ValueError:
        return default
    return value if value >= 1 else default


def paginate(items: Sequence[T], query: Mapping[str, str], url: str) -> tuple[list[T], str | None]:
    """The requested page of `items` and the `Link` header that points to its neighbours."""
    per_page = min(_positive_int(query.get("per_page"), DEFAULT_PER_PAGE), MAX_PER_PAGE)
    page = _positive_int(query.get("page"), 1)
    last = max(1, -(-len(items) // per_page))
    chunk = list(items[(page - 1) * per_page : page * per_page])

    def link(number: int, rel: str) -> str:
        return f'<{url}?{urlencode({**query, "page": str(number)})}>; rel="{rel}"'

    # GitHub's order: next, last, first, prev; a single page gets no header at all.
    links = []
    if page < last:
        links += [link(page + 1, "next"), link(last, "last")]
    if page > 1:
        links += [link(1, "first"), link(min(page - 1, last), "prev")]
    return chunk, ", ".join(links) or None
