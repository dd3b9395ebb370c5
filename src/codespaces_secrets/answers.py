"""Check GitHub's answers before anything uses them.

A server that is not GitHub, a broken proxy or a GitHub bug can answer 200 with
anything: HTML, ``null`` fields, a list where an object belongs, a key that is not a
key. Each reader here takes the parsed JSON, checks the types and ranges of exactly the
fields the action reads (as GitHub's OpenAPI description documents them) and returns a
typed value, or raises an ``ApiError`` that says what was wrong. That error belongs to
its org or secret like any other API error, so the rest of the run goes on.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from .errors import ApiError

KEY_BYTES = 32  # a Curve25519 public key, as libsodium's sealed boxes use
VISIBILITIES = ("all", "private", "selected")
MAX_ID = 2**63 - 1  # GitHub's IDs are int64
# What GitHub allows in names; checking it also keeps markup and control characters that
# a hostile server could put in a name out of the log and the summary.
SECRET_NAME = re.compile(r"[A-Za-z0-9_]{1,255}")
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)")
FULL_NAME = re.compile(r"[A-Za-z0-9-]{1,39}/[A-Za-z0-9_.-]{1,100}")


def bad_answer(operation: str, problem: str, status: int | None = None) -> ApiError:
    """The error for an answer that is not what GitHub's API documents."""
    return ApiError(
        f"Could not {operation}: the server's answer is not what GitHub's API documents "
        f"({problem}).",
        remedy="Check that api-url is GitHub's REST API root and that no proxy alters "
        "answers; if it is GitHub, re-run the job.",
        status=status,
    )


def json_object(body: Any, operation: str) -> dict[str, Any]:
    """The answer as a JSON object."""
    if not isinstance(body, dict):
        raise bad_answer(operation, f"expected a JSON object, got {_kind(body)}")
    return body


def public_key(body: Any, operation: str) -> tuple[str, str]:
    """``key_id`` (a non-empty string or an integer) and ``key`` (32 bytes, base64)."""
    found = json_object(body, operation)
    key_id, key = found.get("key_id"), found.get("key")
    if isinstance(key_id, bool) or not isinstance(key_id, str | int) or key_id == "":
        raise bad_answer(operation, "key_id is missing or not a string")
    if not isinstance(key, str):
        raise bad_answer(operation, "key is missing or not a string")
    try:
        raw = base64.b64decode(key, validate=True)
    except (binascii.Error, ValueError):
        raise bad_answer(operation, "key is not base64") from None
    if len(raw) != KEY_BYTES:
        raise bad_answer(operation, f"key is {len(raw)} bytes, not {KEY_BYTES}")
    if raw == bytes(KEY_BYTES):
        raise bad_answer(operation, "key is all zeros")
    return str(key_id), key


def secret_item(item: Any, operation: str) -> tuple[str, str, str]:
    """A listed secret's ``name``, ``visibility`` and ``updated_at`` ('' when missing).

    The visibility is one of GitHub's three; the time is ISO 8601, as GitHub sends it.
    """
    found = json_object(item, operation)
    name, visibility = found.get("name"), found.get("visibility")
    if not isinstance(name, str) or not SECRET_NAME.fullmatch(name):
        raise bad_answer(operation, "a secret's name is missing or not a secret name")
    if visibility not in VISIBILITIES:
        raise bad_answer(operation, f"secret {name} has an unknown visibility")
    updated = found.get("updated_at")
    if updated is not None and not (isinstance(updated, str) and TIME.fullmatch(updated)):
        raise bad_answer(operation, f"secret {name} has an updated_at that is not a time")
    return name, str(visibility), updated or ""


def repository_item(item: Any, operation: str) -> tuple[int, str]:
    """A repository's ``id`` (a positive integer) and ``full_name`` (``owner/name``)."""
    found = json_object(item, operation)
    repo_id, full_name = found.get("id"), found.get("full_name")
    if isinstance(repo_id, bool) or not isinstance(repo_id, int) or not 0 < repo_id <= MAX_ID:
        raise bad_answer(operation, "a repository's id is missing or not a positive integer")
    if not isinstance(full_name, str) or not FULL_NAME.fullmatch(full_name):
        raise bad_answer(operation, "a repository's full_name is missing or not owner/name")
    return repo_id, full_name


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", type(None): "null"}
    return names.get(type(value), "a " + type(value).__name__)
