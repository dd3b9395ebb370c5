"""One API request in, one answer out: prefix, injected faults, auth, rate limits, route.

The order mirrors what a client of GitHub observes: an injected fault stands for trouble in
front of GitHub (a proxy, a load balancer), so it wins over everything; then credentials,
then budgets, then the operation itself. A misbehaviour (see `hostile`) may still ask for
that real answer in order to spoil it or send it badly.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from http import HTTPStatus
from urllib.parse import parse_qsl, unquote, urlsplit

from . import org_secrets, repos
from .auth import access_headers, bad_credentials, bearer_token
from .backend import Backend
from .faults import Fault
from .graphql import GRAPHQL_DOCS, answer_graphql, graphql_path
from .hostile import FaultRequest
from .messages import (
    DOCS_ROOT,
    JSON_TYPE,
    ApiResponse,
    HttpError,
    RawRequest,
    error_body,
    not_found,
)
from .model import RecordedRequest
from .routing import Ctx, Route
from .versions import requested_version

logger = logging.getLogger(__name__)
_WRITES = ("PUT", "DELETE", "POST", "PATCH")


def _request_id() -> str:
    """An id in the shape of GitHub's x-github-request-id (hex groups)."""
    return ":".join(secrets.token_hex(n).upper() for n in (2, 2, 3, 3, 4))


def _fault_response(fault: Fault, rate_headers: dict[str, str]) -> ApiResponse:
    """The injected answer: the given body (JSON, or text when a str), else GitHub's error."""
    response = ApiResponse(fault.status, headers=dict(rate_headers), drop=fault.drop)
    if isinstance(fault.body, str):
        response.text = fault.body
        response.headers["content-type"] = "text/html; charset=utf-8"
    elif fault.body is not None:
        response.body = fault.body
    elif fault.status >= 400:
        try:
            message = HTTPStatus(fault.status).phrase
        except ValueError:  # a code Python does not name, e.g. 599
            message = "Injected fault"
        response.body = error_body(fault.status, message)
    elif fault.status not in (204, 304):
        response.body = {}
    response.headers.update(fault.headers)
    return response


class Pipeline:
    """Answers API requests for one emulator (its prefix and backend)."""

    def __init__(self, backend: Backend, prefix: str) -> None:
        """Build the route table once; `prefix` is "" or like "/api/v3"."""
        self._backend = backend
        self._prefix = prefix
        self._graphql = graphql_path(prefix)
        self._routes: list[Route] = [*org_secrets.routes(), *repos.routes()]

    def handle(self, raw: RawRequest) -> ApiResponse:
        """Answer, wait the configured latency, record, and hand back for sending."""
        arrival = self._backend.clock.now()
        split = urlsplit(raw.target)
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        token_value = bearer_token(raw.headers)
        body, body_is_json = self._parse_body(raw.body)
        inside = split.path == self._prefix or split.path.startswith(self._prefix + "/")
        path = (split.path[len(self._prefix) :] or "/") if inside else split.path

        fault = self._backend.faults.take(raw.method, unquote(path)) if inside else None
        if fault is not None and fault.misbehaviour is not None:
            request = FaultRequest(raw, path, raw.origin + self._prefix)
            response = fault.misbehaviour.respond(
                request, lambda: self._versioned(raw, path, query, token_value, body, body_is_json)
            )
            time.sleep(fault.delay)
        elif fault is not None:
            response = _fault_response(fault, self._backend.limits.peek(token_value or ""))
            time.sleep(fault.delay)
        elif raw.method == "POST" and split.path == self._graphql:
            response = self._graphql_answer(token_value, body, body_is_json)
        elif not inside:
            response = not_found().to_response(DOCS_ROOT)
            response.headers.update(self._backend.limits.peek(token_value or ""))
        else:
            response = self._versioned(raw, path, query, token_value, body, body_is_json)
        response.headers.setdefault("x-github-request-id", _request_id())
        if response.body is not None:
            response.headers.setdefault("content-type", JSON_TYPE)
        time.sleep(self._backend.latency)
        self._backend.log.append(
            RecordedRequest(
                method=raw.method,
                path=unquote(path),
                query=query,
                body=body,
                status=None if response.drop else response.status,
                decrypted_value=response.decrypted_value,
                time=arrival,
                token=token_value,
            )
        )
        return response

    @staticmethod
    def _parse_body(data: bytes) -> tuple[object, bool]:
        """The JSON body (None when empty) and whether it parsed."""
        if not data.strip():
            return None, True
        try:
            return json.loads(data), True
        except ValueError:
            return None, False

    def _graphql_answer(
        self, token_value: str | None, body: object, body_is_json: bool
    ) -> ApiResponse:
        """POST /graphql: the repository-id lookups `gh secret set --repos` sends, no more."""
        token = self._backend.state.token(token_value) if token_value else None
        try:
            if token is None:
                raise HttpError(401, "Bad credentials")
            if not body_is_json:
                raise HttpError(400, "Problems parsing JSON")
            return answer_graphql(self._backend.state, token, body)
        except HttpError as error:
            return error.to_response(GRAPHQL_DOCS)

    def _versioned(
        self,
        raw: RawRequest,
        path: str,
        query: dict[str, str],
        token_value: str | None,
        body: object,
        body_is_json: bool,
    ) -> ApiResponse:
        """The answer under the version asked for; GitHub refuses others before any auth."""
        try:
            version = requested_version(raw.headers)
        except HttpError as error:
            response = error.to_response(DOCS_ROOT)
            response.headers.update(self._backend.limits.peek(token_value or ""))
            return response
        response = self._answer(raw, path, query, token_value, body, body_is_json, version)
        response.headers["x-github-api-version-selected"] = version
        return response

    def _answer(
        self,
        raw: RawRequest,
        path: str,
        query: dict[str, str],
        token_value: str | None,
        body: object,
        body_is_json: bool,
        version: str,
    ) -> ApiResponse:
        backend = self._backend
        token = backend.state.token(token_value) if token_value else None
        if token is None:
            response = bad_credentials().to_response(DOCS_ROOT)
            response.headers.update(backend.limits.peek(""))
            return response
        admission = backend.limits.admit(token.value, write=raw.method in _WRITES)
        found = next(
            ((r, p) for r in self._routes if (p := r.match(raw.method, path)) is not None), None
        )
        if admission.refusal is not None:
            response = admission.refusal.to_response(DOCS_ROOT)
        elif found is None:
            response = not_found().to_response(DOCS_ROOT)
        else:
            target, params = found
            ctx = Ctx(
                state=backend.state,
                spec=backend.specs[version],
                token=token,
                method=raw.method,
                template=target.template,
                params=params,
                query=query,
                body=body,
                body_is_json=body_is_json,
                api_url=raw.origin + self._prefix,
                origin=raw.origin,
                path=path,
                api_version=version,
            )
            response = self._run(target, ctx)
        if found is not None:
            target = found[0]
            response.headers.update(
                access_headers(token, target.accepted_scopes, target.accepted_permissions)
            )
        response.headers.update(admission.headers)
        return response

    def _run(self, target: Route, ctx: Ctx) -> ApiResponse:
        """Call the handler under the state lock, rendering errors as GitHub would."""
        docs = ctx.spec.documentation_url(ctx.method, ctx.template)
        try:
            with self._backend.state.lock:
                return target.handler(ctx)
        except HttpError as error:
            return error.to_response(docs)
        except Exception:
            # A bug in the emulator must show up as a 500 the test can see, not a hang.
            logger.exception("emulator handler failed for %s %s", ctx.method, ctx.path)
            return ApiResponse(500, error_body(500, "Emulator internal error", docs))
