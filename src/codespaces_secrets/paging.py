"""GitHub's paged lists, followed safely: on top of any function that sends one GET.

Shared by every transport (the HTTP one and the tests' in-memory one), so the rules for
following ``Link: rel="next"`` are written and tested once: a next link is followed only
within the API root and never to a page already read, and at most ``max_pages`` pages
are read, whatever the server says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from .apiroot import within_api
from .errors import bad_answer

if TYPE_CHECKING:
    from .seam import Answer

GetPage = Callable[[str, "dict[str, str | int] | None"], "Answer"]
PER_PAGE = 100


def paginate(
    get: GetPage, api_url: str, path: str, key: str, *, operation: str, max_pages: int
) -> Iterator[Any]:
    """Yield the items of every page; ``get(url, params)`` sends one GET and checks it.

    ``key`` names the list inside the JSON object; empty when the body is the list.
    Items are yielded as the server sent them (``github`` checks each one).
    """
    url: str | None = path
    params: dict[str, str | int] | None = {"per_page": PER_PAGE}
    fetched: set[str] = set()
    pages = 0
    while url is not None:
        pages += 1
        if pages > max_pages:
            raise bad_answer(
                operation, f"its pages go on past {max_pages}, beyond GitHub's own limits"
            )
        answer = get(url, params)
        if answer.url in fetched:
            raise bad_answer(operation, "its next-page link leads back to a page already read")
        fetched.add(answer.url)
        yield from page_items(answer, key, operation)
        url, params = _next_page(answer, api_url, fetched, operation), None


def _next_page(answer: Answer, api_url: str, fetched: set[str], operation: str) -> str | None:
    if not answer.next_url:
        return None
    following = urljoin(answer.url, answer.next_url)
    if not within_api(following, api_url):
        # The transport would send the token there.
        raise bad_answer(operation, "its next-page link points outside the API root")
    if following in fetched:
        raise bad_answer(operation, "its next-page link leads back to a page already read")
    return following


def page_items(answer: Answer, key: str, operation: str) -> list[Any]:
    """The list one page holds; a body of any other shape is a bad answer."""
    try:
        body = answer.json()
    except ValueError:
        raise bad_answer(operation, "it is not JSON", answer.status) from None
    items = body.get(key) if key and isinstance(body, dict) else body
    if not isinstance(items, list):
        where = f'"{key}" is not a list' if key else "it is not a list"
        raise bad_answer(operation, where, answer.status)
    return items
