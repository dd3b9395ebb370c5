"""GitHub's own OpenAPI description, used to check request bodies and (in tests) answers.

GitHub validates request bodies against these schemas and answers 422 "Invalid request";
checking ours against the same file keeps the emulator from being more lenient than GitHub,
and lets the tests prove every answer the emulator produces has the documented shape.
The file is OpenAPI 3.0, so it is rewritten into JSON Schema draft 4 first (`nullable`,
and `$ref`s made absolute so one registry resolves them).

`data/openapi.json` is the subset of GitHub's description (github/rest-api-description,
`api.github.com.2022-11-28.json`) for the operations served here: the organization secrets
of the Actions, Copilot agents, Codespaces and Dependabot stores, `GET /repos/{owner}/{repo}`
and `GET /orgs/{org}/repos`, with every component they reference. It was cut from the npm
package `@octokit/openapi` 23.0.2 and then corrected back to GitHub's text where Octokit
rewrites it (the Actions PUT requires `encrypted_value`, `key_id` and `visibility` and takes
integer repository ids; the documentation URLs are GitHub's `docs.github.com/rest/...`).

Version 2026-03-10 is the same file with GitHub's `x-github-breaking-changes` for that
version applied (JSON merge patches on schemas, JSON Patch on examples), plus the one
change the subset does not carry: Dependabot's PUT takes integer repository ids only.
"""

from __future__ import annotations

import copy
import functools
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
from .versions import API_VERSIONS, DEFAULT_API_VERSION

SPEC_URI = "urn:github-emulator:openapi"
_METHODS = ("get", "put", "post", "patch", "delete")
_BASIC_ERROR = {"$ref": f"{SPEC_URI}#/components/schemas/basic-error"}
_CHANGES = "x-github-breaking-changes"
_DEPENDABOT_PUT = "/orgs/{org}/dependabot/secrets/{secret_name}"
# GitHub's changelog for 2026-03-10 (Dependabot's ids become integers only), in the form
# of GitHub's own breaking-change entries, for the request body that lacks one in the file.
_MISSING_CHANGES: tuple[tuple[tuple[str, ...], dict[str, Any]], ...] = (
    (
        ("paths", _DEPENDABOT_PUT, "put", "requestBody", "content", "application/json", "schema"),
        {
            "changeset": "dependabot_secret_repository_ids_integers",
            "version": "2026-03-10",
            "patch": {
                "properties": {
                    "selected_repository_ids": {"items": {"anyOf": None, "type": "integer"}}
                }
            },
        },
    ),
)


def _merge_patch(target: dict[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """RFC 7386: objects merge member by member, null removes, anything else replaces."""
    merged = dict(target)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict):
            current = merged.get(key)
            merged[key] = _merge_patch(current if isinstance(current, dict) else {}, value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _json_patch(target: dict[str, Any], operations: list[dict[str, Any]]) -> None:
    """The RFC 6902 operations GitHub's entries use on examples: remove, add, replace."""
    for operation in operations:
        *parents, last = [
            part.replace("~1", "/").replace("~0", "~")
            for part in str(operation["path"]).split("/")[1:]
        ]
        node: Any = target
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if operation["op"] == "remove":
            node.pop(int(last) if isinstance(node, list) else last, None)
        else:
            node[last] = copy.deepcopy(operation["value"])


def _apply_changes(node: object, version: str) -> object:
    """A copy of `node` with every breaking change up to `version` applied, the keys dropped."""
    if isinstance(node, list):
        return [_apply_changes(item, version) for item in node]
    if isinstance(node, dict):
        return _changed_object(node, version)
    return node


def _changed_object(node: Mapping[str, Any], version: str) -> dict[str, Any]:
    out = {k: _apply_changes(v, version) for k, v in node.items() if k != _CHANGES}
    # ISO dates compare correctly as text; entries apply oldest first.
    for change in sorted(node.get(_CHANGES, []), key=lambda c: str(c["version"])):
        if str(change["version"]) > version:
            continue
        if isinstance(change["patch"], list):
            _json_patch(out, change["patch"])
        else:
            out = _merge_patch(out, change["patch"])
    return out


def describe_version(document: Mapping[str, Any], version: str) -> dict[str, Any]:
    """The description as GitHub serves it under REST API `version` (ValueError if unknown)."""
    if version not in API_VERSIONS:
        raise ValueError(f"version must be one of {', '.join(API_VERSIONS)}, not {version!r}")
    annotated = copy.deepcopy(dict(document))
    for where, change in _MISSING_CHANGES:
        node: Any = annotated
        for part in where:
            node = node[part]
        node.setdefault(_CHANGES, []).append(change)
    return _changed_object(annotated, version)


def read_description() -> dict[str, Any]:
    """The description file as shipped in the package (version 2022-11-28, with its changes)."""
    text = resources.files(__package__).joinpath("data", "openapi.json").read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


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
    def load(cls, version: str = DEFAULT_API_VERSION) -> OpenApiSpec:
        """The shipped description under `version` (built once per process, then shared)."""
        return _loaded(version)

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


@functools.cache
def _loaded(version: str) -> OpenApiSpec:
    """Validators are read-only once built, so every emulator in a process can share them."""
    return OpenApiSpec(describe_version(read_description(), version))
