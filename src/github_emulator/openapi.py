"""GitHub's own OpenAPI description, used to check request bodies and (in tests) answers.

GitHub validates request bodies against these schemas and answers 422 "Invalid request";
checking ours against the same file keeps the emulator from being more lenient than GitHub,
and lets the tests prove every answer the emulator produces has the documented shape.
The file is OpenAPI 3.0, so it is rewritten into JSON Schema draft 4 first (`nullable`,
and `$ref`s made absolute so one registry resolves them).

`data/openapi.json` is the subset of GitHub's description for the operations served here
(the organization secrets of the Actions, Copilot agents, Codespaces and Dependabot stores,
`GET /repos/{owner}/{repo}` and `GET /orgs/{org}/repos`), taken from the npm package
`@octokit/openapi` 23.0.2 without Octokit's `x-octokit` keys; every `$ref` resolves inside
the file. The project's tests read the same file (`tests/data/org-secrets.openapi.json`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import jsonschema  # type: ignore[import-untyped]  # jsonschema ships no type information
from referencing import Registry
from referencing.jsonschema import DRAFT4

from .messages import DOCS_ROOT

SPEC_URI = "urn:github-emulator:openapi"
_METHODS = ("get", "put", "post", "patch", "delete")
_BASIC_ERROR = {"$ref": f"{SPEC_URI}#/components/schemas/basic-error"}


def _to_json_schema(node: object) -> object:
    """Rewrite an OpenAPI 3.0 schema tree into JSON Schema draft 4."""
    if isinstance(node, list):
        return [_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _to_json_schema(value) for key, value in node.items()}
    ref = out.get("$ref")
    if isinstance(ref, str) and ref.startswith("#"):
        out["$ref"] = SPEC_URI + ref
    # Only the boolean keyword: a *property* called "nullable" would map to a schema dict.
    if isinstance(out.get("nullable"), bool) and out.pop("nullable"):
        kind = out.get("type")
        if isinstance(kind, str):
            out["type"] = [kind, "null"]
            members = out.get("enum")
            if isinstance(members, list):
                out["enum"] = [*members, None]
        else:
            return {"anyOf": [out, {"type": "null"}]}
    return out


def _is_date_time(value: object) -> bool:
    """RFC 3339 date-time, as GitHub writes it (`2024-01-02T03:04:05Z`)."""
    if isinstance(value, str):
        if "T" not in value:
            raise ValueError(value)
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


def _is_uri(value: object) -> bool:
    """An absolute URI with a scheme and a host."""
    if isinstance(value, str):
        parts = urlsplit(value)
        if not (parts.scheme and parts.netloc):
            raise ValueError(value)
    return True


def _format_checker() -> Any:
    """Checks for the two formats the description uses; jsonschema's need optional packages."""
    checker = jsonschema.FormatChecker(formats=())
    checker.checks("date-time", raises=ValueError)(_is_date_time)
    checker.checks("uri", raises=ValueError)(_is_uri)
    return checker


def _short(value: object) -> str:
    """A JSON rendering of a (possibly 64 KB) offending value, cut for an error message."""
    text = json.dumps(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _describe(error: Any) -> list[str]:
    """The lines of a 422 message for one error, in the style of GitHub's "Invalid request"."""
    if error.validator == "required":
        # Draft 4 reports every missing key with the whole list; name each one once.
        return [
            f'"{key}" wasn\'t supplied.'
            for key in error.validator_value
            if key not in error.instance
        ]
    return [_describe_value(error)]


def _describe_value(error: Any) -> str:
    """The line for an error about one value."""
    where = "/".join(str(part) for part in error.absolute_path)
    prefix = f"For 'properties/{where}', " if where else ""
    if error.validator == "type":
        kinds = error.validator_value
        kind = kinds if isinstance(kinds, str) else " or ".join(kinds)
        article = "an" if kind[:1] in "aeiou" else "a"
        return f"{prefix}{_short(error.instance)} is not {article} {kind}."
    if error.validator == "enum":
        members = json.dumps(error.validator_value)
        return f"{prefix}{_short(error.instance)} is not a member of {members}."
    if error.validator == "pattern":
        return f"{prefix}{_short(error.instance)} does not match the expected pattern."
    return f"{prefix}{error.message}"


class OpenApiSpec:
    """Validators and documentation links for every operation in the description."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        """Prepare validators for every request body and documented answer."""
        converted = _to_json_schema(dict(document))
        if not isinstance(converted, dict):
            raise TypeError("an OpenAPI document is a JSON object")
        self._registry: Registry[Any] = Registry().with_resource(
            SPEC_URI, DRAFT4.create_resource(converted)
        )
        self._formats = _format_checker()
        self._operations: dict[tuple[str, str], dict[str, Any]] = {}
        self._patterns: list[tuple[re.Pattern[str], str]] = []
        for template, item in converted["paths"].items():
            for method in _METHODS:
                if method in item:
                    self._operations[(method.upper(), template)] = item[method]
            regex = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
            self._patterns.append((re.compile(regex), template))
        # Literal segments win over placeholders ("public-key" before "{secret_name}").
        self._patterns.sort(key=lambda pair: pair[1].count("{"))

    @classmethod
    def load(cls) -> OpenApiSpec:
        """Read the description shipped in the package's data folder."""
        text = resources.files(__package__).joinpath("data", "openapi.json").read_text("utf-8")
        return cls(json.loads(text))

    def operations(self) -> list[tuple[str, str]]:
        """Every (METHOD, path template) the description defines."""
        return sorted(self._operations)

    def template_for(self, method: str, path: str) -> str | None:
        """The path template of the operation that serves `method path`, if any."""
        for pattern, template in self._patterns:
            if pattern.fullmatch(path) and (method.upper(), template) in self._operations:
                return template
        return None

    def documentation_url(self, method: str, template: str) -> str:
        """GitHub's documentation page for the operation, as its errors link to it."""
        operation = self._operations.get((method.upper(), template), {})
        url = operation.get("externalDocs", {}).get("url")
        return url if isinstance(url, str) else DOCS_ROOT

    def request_problems(self, method: str, template: str, body: object) -> list[str]:
        """Why GitHub would refuse this request body (empty when it is valid)."""
        content = self._operations[(method.upper(), template)]["requestBody"]["content"]
        return self._problems(content["application/json"]["schema"], body)

    def response_problems(
        self, method: str, template: str, status: int, body: object | None
    ) -> list[str]:
        """How an answer departs from the description; body None means "no body"."""
        answers = self._operations[(method.upper(), template)]["responses"]
        answer = answers.get(str(status))
        content = self._resolve(answer).get("content", {}) if answer is not None else {}
        if "application/json" in content:
            schema: object = content["application/json"]["schema"]
        elif status >= 400:
            # Undocumented errors (401, 403, 5xx) and bodiless ones (the 409s) still carry
            # GitHub's error object.
            schema = _BASIC_ERROR
        elif answer is None:
            return [f"status {status} is not documented for {method} {template}"]
        else:
            return [] if body is None else [f"status {status} must have no body"]
        if body is None:
            return [f"status {status} must have a JSON body"]
        return self._problems(schema, body)

    def _resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        """Follow a `$ref` between response objects (not schemas)."""
        ref = node.get("$ref")
        if not isinstance(ref, str):
            return node
        resolved = self._registry.resolver().lookup(ref).contents
        if not isinstance(resolved, dict):
            raise TypeError(f"{ref} does not name an object")
        return resolved

    def _problems(self, schema: object, instance: object) -> list[str]:
        validator = jsonschema.Draft4Validator(
            schema, registry=self._registry, format_checker=self._formats
        )
        errors = sorted(validator.iter_errors(instance), key=lambda e: str(list(e.absolute_path)))
        return list(dict.fromkeys(line for error in errors for line in _describe(error)))
