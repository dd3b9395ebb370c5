"""Unauthenticated control routes under /_emulator/, outside any API prefix.

They let a demo or a benchmark running in another process drive the emulator the way a
test drives it through the Python API:

- GET  /_emulator/requests               recorded requests (RecordedRequest fields)
- POST /_emulator/reset-requests         forget them
- POST /_emulator/inject                 {method, path_glob, status?, headers?, body?,
                                          times?, drop?, delay?}  (Emulator.inject's names)
- POST /_emulator/misbehave              {method, path_glob, mode, times?, ...the mode's
                                          options}  (Emulator.misbehave; modes: hostile.MODES)
- POST /_emulator/clear-faults           forget pending injections
- POST /_emulator/latency                {"seconds": x}
- GET  /_emulator/secrets/{org}          stored secrets, decrypted values included
                                         (?store=dependabot: that store; default codespaces)
- POST /_emulator/rotate-key/{org}       {store?}; answers {"key_id": new id}
- POST /_emulator/primary-limit          {remaining, limit?, reset_in?}
- POST /_emulator/secondary-limit        {writes_per_minute (null: off), retry_after?,
                                          writes_per_hour? (null: no hourly window)}

They have no authentication, so two checks keep a web page in the user's browser away from
them: the `Host` a request names must be this machine's (localhost, 127.0.0.1, ::1, or the
address the emulator was bound to), which defeats DNS rebinding (answer 421); and a POST
must say `Content-Type: application/json` (answer 415), which a cross-site form or a
"simple" fetch cannot send without a CORS preflight this server never grants.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from .backend import Backend
from .faults import make_fault
from .hostile import misbehaviour
from .hosts import host_name
from .messages import JSON_TYPE, ApiResponse, RawRequest
from .stores import DEFAULT_STORE

ADMIN_ROOT = "/_emulator/"
_LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})

_Action = Callable[[Backend, dict[str, Any], str], ApiResponse]


def _ok(body: object = None) -> ApiResponse:
    return ApiResponse(200 if body is not None else 204, body)


def _requests(backend: Backend, _: dict[str, Any], __: str) -> ApiResponse:
    return _ok([entry.to_json() for entry in backend.log.snapshot()])


def _reset_requests(backend: Backend, _: dict[str, Any], __: str) -> ApiResponse:
    backend.log.clear()
    return _ok()


def _inject(backend: Backend, args: dict[str, Any], _: str) -> ApiResponse:
    times = args.pop("times", 1)
    backend.faults.add(make_fault(**args), times)
    return _ok()


def _misbehave(backend: Backend, args: dict[str, Any], _: str) -> ApiResponse:
    method, path_glob, mode = args.pop("method"), args.pop("path_glob"), args.pop("mode")
    times = args.pop("times", 1)
    fault = make_fault(method, path_glob, misbehaviour=misbehaviour(mode, args))
    backend.faults.add(fault, times)
    return _ok()


def _clear_faults(backend: Backend, _: dict[str, Any], __: str) -> ApiResponse:
    backend.faults.clear()
    return _ok()


def _latency(backend: Backend, args: dict[str, Any], _: str) -> ApiResponse:
    seconds = float(args["seconds"])
    if seconds < 0:
        raise ValueError("seconds must be >= 0")
    backend.latency = seconds
    return _ok()


def _store(args: dict[str, Any]) -> str:
    store = args.get("store", DEFAULT_STORE)
    if not isinstance(store, str):
        raise TypeError("store must be a string")
    return store


def _secrets(backend: Backend, args: dict[str, Any], org: str) -> ApiResponse:
    return _ok([s.to_json() for s in backend.state.secrets(org, _store(args))])


def _rotate_key(backend: Backend, args: dict[str, Any], org: str) -> ApiResponse:
    return _ok({"key_id": backend.state.rotate_key(org, _store(args))})


def _primary_limit(backend: Backend, args: dict[str, Any], _: str) -> ApiResponse:
    backend.limits.set_primary(**args)
    return _ok()


def _secondary_limit(backend: Backend, args: dict[str, Any], _: str) -> ApiResponse:
    backend.limits.set_secondary(**args)
    return _ok()


# (method, first path segment after /_emulator/, takes an {org} segment, action)
_ACTIONS: tuple[tuple[str, str, bool, _Action], ...] = (
    ("GET", "requests", False, _requests),
    ("POST", "reset-requests", False, _reset_requests),
    ("POST", "inject", False, _inject),
    ("POST", "misbehave", False, _misbehave),
    ("POST", "clear-faults", False, _clear_faults),
    ("POST", "latency", False, _latency),
    ("GET", "secrets", True, _secrets),
    ("POST", "rotate-key", True, _rotate_key),
    ("POST", "primary-limit", False, _primary_limit),
    ("POST", "secondary-limit", False, _secondary_limit),
)


def admin_routes() -> list[str]:
    """Every control route as "METHOD /_emulator/name" (with "/{org}" where it takes one)."""
    return [
        f"{method} {ADMIN_ROOT}{name}{'/{org}' if takes_org else ''}"
        for method, name, takes_org, _ in _ACTIONS
    ]


def _error(status: int, message: str) -> ApiResponse:
    return ApiResponse(status, {"message": message})


def _refusal(raw: RawRequest, bound_host: str) -> ApiResponse | None:
    """421 for a Host that is not this machine, 415 for a POST that is not JSON; else None."""
    named = host_name(raw.headers.get("host"))
    if named not in _LOCAL_NAMES | {bound_host.lower()}:
        return _error(
            421,
            "admin routes answer only requests addressed to this machine "
            f"(Host localhost, 127.0.0.1, ::1 or {bound_host})",
        )
    media_type = raw.headers.get("content-type", "").partition(";")[0].strip().lower()
    if raw.method == "POST" and media_type != "application/json":
        return _error(415, "admin POST routes take only Content-Type: application/json")
    return None


def handle_admin(backend: Backend, raw: RawRequest, bound_host: str) -> ApiResponse:
    """Answer one control request (no auth, no latency, no faults, not recorded).

    Its arguments are the JSON body's members, or without a body the query's parameters.
    `bound_host` is the address the server listens on, the one other name a Host may give.
    """
    refused = _refusal(raw, bound_host)
    if refused is not None:
        refused.headers["content-type"] = JSON_TYPE
        return refused
    target, _, query = raw.target.partition("?")
    path = target[len(ADMIN_ROOT) :]
    name, _, org = path.partition("/")
    action = next(
        (
            action
            for method, action_name, takes_org, action in _ACTIONS
            if name == action_name and bool(org) == takes_org and raw.method == method
        ),
        None,
    )
    if action is None:
        return _error(404, f"no admin route {raw.method} {ADMIN_ROOT}{path}")
    try:
        args = json.loads(raw.body) if raw.body.strip() else dict(parse_qsl(query))
        if not isinstance(args, dict):
            raise TypeError("the body must be a JSON object")
        response = action(backend, args, org)
    except KeyError as exc:
        return _error(404 if org else 400, f"unknown: {exc}")
    except (TypeError, ValueError) as exc:
        return _error(400, str(exc))
    if response.body is not None:
        response.headers["content-type"] = JSON_TYPE
    return response
