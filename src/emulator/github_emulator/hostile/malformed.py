"""Malformed answers: the status is right, the document is not what the client may assume.

Most take the emulator's real answer (so its state changes and access checks still happen)
and spoil the document; each one is a shape a broken proxy or a changed API could produce.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, replace
from typing import ClassVar

from ..messages import JSON_TYPE, ApiResponse
from .base import FaultRequest, Real

ZERO_KEY = base64.b64encode(bytes(32)).decode("ascii")
LOGIN_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>Sign in</title></head>"
    '<body><form action="/login" method="post"><input name="password"></form></body></html>\n'
)


def _spoil(answer: ApiResponse, body: object) -> ApiResponse:
    return replace(answer, body=body, text=None, raw=None)


@dataclass(frozen=True)
class ListForObject:
    """A list where an object belongs (`[{…}]`), or an object (`{"items": […]}`) for a list."""

    name: ClassVar[str] = "list-for-object"

    def respond(self, request: FaultRequest, real: Real) -> ApiResponse:
        """The real document wrapped the other way round."""
        answer = real()
        if isinstance(answer.body, list):
            return _spoil(answer, {"items": answer.body})
        return _spoil(answer, [answer.body if answer.body is not None else {}])


def _nulled(node: object) -> object:
    if isinstance(node, dict):
        return dict.fromkeys(node)
    if isinstance(node, list):
        return [_nulled(item) for item in node]
    return None


@dataclass(frozen=True)
class NullFields:
    """Every field of the answer's object(s) set to `null` (`{"key_id": null, "key": null}`)."""

    name: ClassVar[str] = "null-fields"

    def respond(self, request: FaultRequest, real: Real) -> ApiResponse:
        """The real document with its values replaced by null."""
        answer = real()
        return _spoil(answer, _nulled(answer.body if answer.body is not None else {}))


@dataclass(frozen=True)
class HtmlOk:
    """200 with an HTML login page, as a captive portal or an SSO proxy answers."""

    name: ClassVar[str] = "html-200"

    def respond(self, request: FaultRequest, real: Real) -> ApiResponse:
        """The page; the state is not touched."""
        return ApiResponse(
            200, headers={"content-type": "text/html; charset=utf-8"}, text=LOGIN_PAGE
        )


@dataclass(frozen=True)
class MissingKeyId:
    """The public key answer without `key_id`."""

    name: ClassVar[str] = "missing-key-id"

    def respond(self, request: FaultRequest, real: Real) -> ApiResponse:
        """The real document minus its `key_id`."""
        answer = real()
        body = answer.body
        if isinstance(body, dict):
            body = {k: v for k, v in body.items() if k != "key_id"}
        return _spoil(answer, body)


@dataclass(frozen=True)
class ZeroKey:
    """The public key answer with a key of 32 zero bytes (sealing to it protects nothing)."""

    name: ClassVar[str] = "zero-key"

    def respond(self, request: FaultRequest, real: Real) -> ApiResponse:
        """The real document with `key` replaced."""
        answer = real()
        body = answer.body
        if isinstance(body, dict):
            body = {**body, "key": ZERO_KEY}
        return _spoil(answer, body)


@dataclass(frozen=True)
class DeeplyNested:
    """200 with `depth` nested JSON arrays (`[[[…]]]`): a recursive parser runs out of stack."""

    name: ClassVar[str] = "deeply-nested"
    depth: int = 100_000

    def __post_init__(self) -> None:
        """Refuse what cannot be served."""
        if not 1 <= self.depth <= 10_000_000:
            raise ValueError("depth must be between 1 and 10000000")

    def respond(self, request: FaultRequest, real: Real) -> ApiResponse:
        """The nested document; the state is not touched."""
        document = b"[" * self.depth + b"]" * self.depth
        return ApiResponse(200, headers={"content-type": JSON_TYPE}, raw=document)


def _revisited(node: object, value: str) -> object:
    if isinstance(node, dict):
        return {k: value if k == "visibility" else _revisited(v, value) for k, v in node.items()}
    if isinstance(node, list):
        return [_revisited(item, value) for item in node]
    return node


@dataclass(frozen=True)
class UnknownVisibility:
    """Every `visibility` in the answer (secrets, repositories) replaced by `value`."""

    name: ClassVar[str] = "unknown-visibility"
    value: str = "everyone"

    def respond(self, request: FaultRequest, real: Real) -> ApiResponse:
        """The real document with the visibilities replaced."""
        answer = real()
        return _spoil(answer, _revisited(answer.body, self.value))
