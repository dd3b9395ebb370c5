"""Routes and the per-request context their handlers receive."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import unquote

from .messages import ApiResponse, HttpError, not_found
from .openapi import OpenApiSpec
from .state import State, Token


@dataclass(frozen=True)
class Ctx:
    """One authenticated API request, as a handler sees it."""

    state: State
    spec: OpenApiSpec
    token: Token
    method: str
    template: str
    params: Mapping[str, str]
    query: Mapping[str, str]
    body: object
    body_is_json: bool
    api_url: str  # scheme://host:port + prefix, for URLs in answers
    origin: str  # scheme://host:port
    path: str  # without the prefix
    api_version: str  # the REST API version the answer is given under

    def checked_body(self) -> dict[str, Any]:
        """The JSON body, refused the way GitHub refuses it (400 unparsable, 422 invalid)."""
        if not self.body_is_json:
            raise HttpError(400, "Problems parsing JSON")
        problems = self.spec.request_problems(self.method, self.template, self.body)
        if problems:
            raise HttpError(422, "Invalid request.\n\n" + "\n".join(problems))
        return cast(dict[str, Any], self.body)

    def int_param(self, name: str) -> int:
        """A numeric path parameter; GitHub's router answers 404 for anything else."""
        text = self.params[name]
        if not text.isascii() or not text.isdigit():
            raise not_found()
        return int(text)


Handler = Callable[[Ctx], ApiResponse]


@dataclass(frozen=True)
class Route:
    """One operation: method, OpenAPI path template, handler, and what a token needs for it.

    `accepted_scopes` is the classic scope, `accepted_permissions` the fine-grained
    permission with its level, both as GitHub names them in its headers.
    """

    method: str
    template: str
    handler: Handler
    accepted_scopes: str
    accepted_permissions: str
    pattern: re.Pattern[str]

    def match(self, method: str, path: str) -> dict[str, str] | None:
        """The decoded path parameters when this route serves `method path`."""
        found = self.pattern.fullmatch(path)
        if found is None or method != self.method:
            return None
        return {name: unquote(value) for name, value in found.groupdict().items()}


def route(
    method: str, template: str, handler: Handler, accepted_scopes: str, accepted_permissions: str
) -> Route:
    """A Route whose pattern is compiled from its `{placeholder}` template."""
    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
    return Route(
        method, template, handler, accepted_scopes, accepted_permissions, re.compile(regex)
    )
