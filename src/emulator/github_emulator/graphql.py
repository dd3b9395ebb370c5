"""The one GraphQL query the GitHub CLI sends for `gh secret set --repos`: names to ids.

`gh secret set --org O --repos a,b` looks the repositories' ids up in one query of aliased
`repository(owner: "O", name: "a") { databaseId }` fields, at `/graphql` (github.com) or
`/api/graphql` (an Enterprise server, whose REST root is `/api/v3`). This serves exactly
that: string-literal `owner` and `name` arguments, the `databaseId` field, aliases or not.
Anything else is answered as GitHub answers a query it cannot run (200 with `errors`), so a
client that needs more of GraphQL sees at once that the emulator does not serve it.

As on GitHub, a repository that does not exist or that the token may not see is `null`
with a NOT_FOUND error naming it; the others are still answered.
"""

from __future__ import annotations

import re
from typing import Any

from .auth import can_see
from .messages import ApiResponse, HttpError
from .state import State, Token

GRAPHQL_DOCS = "https://docs.github.com/graphql"
_STRING = r'"((?:[^"\\]|\\.)*)"'
_FIELD = re.compile(
    r"(?:(?P<alias>[_A-Za-z][_0-9A-Za-z]*)\s*:\s*)?repository\s*\(\s*"
    rf"(?P<first>owner|name)\s*:\s*{_STRING}\s*,?\s*"
    rf"(?P<second>owner|name)\s*:\s*{_STRING}\s*\)\s*\{{\s*databaseId\s*\}}"
)
_OPERATION = re.compile(r"\s*(?:query\s*(?:[_A-Za-z][_0-9A-Za-z]*)?\s*)?\{(?P<body>.*)\}\s*", re.S)
_UNSERVED = (
    'The emulator serves only repository(owner: "…", name: "…") { databaseId } lookups '
    "(what `gh secret set --repos` sends)."
)


def graphql_path(prefix: str) -> str:
    """Where GraphQL lives beside a REST root: `/api/v3` → `/api/graphql`, `` → `/graphql`."""
    root = prefix.removesuffix("/v3") if prefix.endswith("/v3") else prefix
    return f"{root}/graphql"


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _lookups(query: str) -> list[tuple[str, str, str]] | None:
    """(response key, owner, name) per field, or None when the query asks for anything else."""
    operation = _OPERATION.fullmatch(query)
    if operation is None:
        return None
    body = operation.group("body")
    lookups: list[tuple[str, str, str]] = []
    position = 0
    for field in _FIELD.finditer(body):
        if body[position : field.start()].strip(" \t\r\n,"):
            return None
        args = {field.group("first"): field.group(3), field.group("second"): field.group(5)}
        if set(args) != {"owner", "name"}:
            return None
        key = field.group("alias") or "repository"
        lookups.append((key, _unescape(args["owner"]), _unescape(args["name"])))
        position = field.end()
    if body[position:].strip(" \t\r\n,") or not lookups:
        return None
    return lookups


def _unserved() -> ApiResponse:
    return ApiResponse(200, {"errors": [{"message": _UNSERVED}]})


def answer_graphql(state: State, token: Token, body: object) -> ApiResponse:
    """The answer to one POST of a GraphQL document (token already authenticated)."""
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        raise HttpError(400, "Problems parsing JSON", documentation_url=GRAPHQL_DOCS)
    lookups = _lookups(body["query"])
    if lookups is None:
        return _unserved()
    data: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    with state.lock:
        for key, owner, name in lookups:
            org = state.org(owner)
            repo = state.repo(owner, name)
            if org is None or repo is None or not can_see(token, org, repo):
                data[key] = None
                errors.append(
                    {
                        "type": "NOT_FOUND",
                        "path": [key],
                        "message": (
                            f"Could not resolve to a Repository with the name '{owner}/{name}'."
                        ),
                    }
                )
            else:
                data[key] = {"databaseId": repo.id}
    answer: dict[str, Any] = {"data": data}
    if errors:
        answer["errors"] = errors
    return ApiResponse(200, answer)
