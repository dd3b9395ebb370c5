"""Send one HTTP attempt and translate whatever happens into the action's own terms.

The one place that knows requests' exceptions: an attempt ends with an ``Answer`` (any
HTTP status, body read), a ``NoAnswer`` (the network failed in a way a retry may fix),
or an ``ApiError`` (a failure no retry fixes, with its remedy). Retrying is not decided
here but in ``retry``; ``transport`` puts the two together.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests

from .errors import ApiError
from .retry import Fault


@dataclass(frozen=True)
class Answer:
    """What the server answered to one attempt."""

    status: int
    headers: Mapping[str, str]  # case-insensitive, as requests gives them
    body: bytes
    next_url: str | None  # the ``Link: rel="next"`` target, if any

    def json(self) -> Any:
        """The body as JSON (raises ``ValueError`` when it is not)."""
        return json.loads(self.body)

    def github_message(self) -> str:
        """GitHub's own ``message`` and ``errors[]`` text, short; never the raw body."""
        try:
            body = self.json()
        except ValueError:
            return ""
        if not isinstance(body, dict):
            return ""
        details = [
            str(error.get("message") or error.get("code") or "")
            for error in body.get("errors", [])
            if isinstance(error, dict)
        ]
        text = "; ".join(part for part in [str(body.get("message", "")), *details] if part)
        return text[:500]

    def fault(self) -> Fault:
        """The answer as a failed attempt, for the retry rules."""
        return Fault(f"HTTP {self.status}", self.status, self.headers, self.github_message())


class NoAnswer(Exception):  # noqa: N818 - an outcome, not a programming error
    """The attempt got no HTTP answer (refused, dropped, timed out): a retry may help."""

    def __init__(self, fault: Fault) -> None:
        super().__init__(fault.what)
        self.fault = fault


def send_once(
    session: requests.Session,
    method: str,
    url: str,
    *,
    operation: str,
    api_url: str,
    timeout: tuple[float, float],
    json_body: Mapping[str, Any] | None = None,
    params: Mapping[str, str | int] | None = None,
) -> Answer:
    """Make one attempt; return the answer or raise ``NoAnswer`` / ``ApiError``."""
    try:
        response = session.request(method, url, json=json_body, params=params, timeout=timeout)
        body = response.content
    except requests.exceptions.SSLError as exc:
        # A certificate problem does not go away by retrying; say what fixes it.
        raise ApiError(
            f"Could not {operation}: the TLS certificate of {api_url} could not be verified.",
            remedy="For a private CA, set REQUESTS_CA_BUNDLE to the CA's PEM file. "
            "Verification is never turned off.",
        ) from exc
    except (requests.ConnectionError, requests.Timeout) as exc:
        what = "timed out" if isinstance(exc, requests.Timeout) else "connection failed"
        raise NoAnswer(Fault(what)) from exc
    except requests.RequestException as exc:
        raise ApiError(
            f"Could not {operation}: the request could not be made ({type(exc).__name__}).",
            remedy="Check that api-url is the REST API root, e.g. https://api.github.com.",
        ) from exc
    except OSError as exc:
        # requests reports an unreadable REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE this way.
        raise ApiError(
            f"Could not {operation}: the CA certificate bundle cannot be read.",
            remedy="REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE names a file that does not "
            "exist; point it at the CA's PEM file or unset it.",
        ) from exc
    following = response.links.get("next", {}).get("url")
    return Answer(response.status_code, response.headers, body, following)
