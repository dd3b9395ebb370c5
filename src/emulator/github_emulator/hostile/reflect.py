"""Error text that reflects the request, as careless servers and proxies produce it.

A client that copies server messages into logs, annotations or outputs would then print
the token or the ciphertext it sent; these answers let a test prove it does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from ..messages import ApiResponse, error_body
from .base import FaultRequest, Real


@dataclass(frozen=True)
class Reflect:
    """An error whose `message` (and `errors[0].message`) echoes the request.

    `echo` picks what: the Authorization header as sent, the request body as text, or both.
    The state is not touched.
    """

    name: ClassVar[str] = "reflect"
    status: int = 422
    echo: Literal["authorization", "body", "both"] = "both"

    def __post_init__(self) -> None:
        """Refuse what cannot be served."""
        if not 400 <= self.status <= 599:
            raise ValueError("status must be an error status (400-599)")
        if self.echo not in ("authorization", "body", "both"):
            raise ValueError("echo must be 'authorization', 'body' or 'both'")

    def respond(self, request: FaultRequest, real: Real) -> ApiResponse:
        """The error, built from what the client sent."""
        parts = []
        if self.echo in ("authorization", "both"):
            parts.append(f"Authorization: {request.raw.headers.get('authorization', '')}")
        if self.echo in ("body", "both"):
            parts.append(f"body: {request.raw.body.decode('utf-8', errors='replace')}")
        echoed = "; ".join(parts)
        body = error_body(self.status, f"Could not process the request ({echoed})")
        body["errors"] = [{"resource": "Secret", "code": "custom", "message": echoed}]
        return ApiResponse(self.status, body)
