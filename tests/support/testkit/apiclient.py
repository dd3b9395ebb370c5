"""A client for the emulator's API that checks every answer against GitHub's description.

Shared by the emulator's tests: each answer must have the documented shape for its
operation and status, so the emulator cannot drift from what a client meets on GitHub.
Store-aware helpers (`public_key`, `put_secret`) seal values the way a real client does.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlsplit

import requests
from nacl.public import PublicKey, SealedBox

from github_emulator import ADMIN_TOKEN, DEFAULT_STORE, Emulator
from github_emulator.openapi import OpenApiSpec

JSON_TYPE = "application/json; charset=utf-8"


def seal(public_key_b64: str, value: str) -> str:
    """`value` sealed to a base64 Curve25519 public key, base64-encoded, as GitHub wants it."""
    box = SealedBox(PublicKey(base64.b64decode(public_key_b64)))
    return base64.b64encode(box.encrypt(value.encode("utf-8"))).decode("ascii")


def plain_session() -> requests.Session:
    """A session without the spec check, for answers that are not GitHub's (injected, admin)."""
    session = requests.Session()
    session.trust_env = False
    return session


def secrets_path(org: str = "octo-org", store: str = DEFAULT_STORE) -> str:
    """`/orgs/{org}/{store}/secrets`."""
    return f"/orgs/{org}/{store}/secrets"


class ApiClient:
    """A requests session on one emulator that checks every answer against the spec."""

    def __init__(
        self, emulator: Emulator, spec: OpenApiSpec, token: str | None = ADMIN_TOKEN
    ) -> None:
        """Authenticate with `token` (None: no Authorization header); check every answer."""
        self.emulator = emulator
        self.spec = spec
        self.checked: set[tuple[str, str, int]] = set()
        self.session = requests.Session()
        # Loopback only: no proxies, and no REQUESTS_CA_BUNDLE overriding `verify`.
        self.session.trust_env = False
        self.session.verify = emulator.ca_file or True
        if token is not None:
            self.session.headers["Authorization"] = f"Bearer {token}"
        self.session.hooks["response"].append(self._check)

    def _check(self, response: requests.Response, *args: object, **kwargs: object) -> None:
        method = str(response.request.method)
        path = urlsplit(response.url).path
        prefix = urlsplit(self.emulator.url).path
        template = self.spec.template_for(method, path.removeprefix(prefix))
        body = response.json() if response.content else None
        assert response.status_code == 204 or response.headers["content-type"] == JSON_TYPE
        for header in ("x-github-request-id", "x-ratelimit-limit", "x-ratelimit-remaining"):
            assert header in response.headers
        if template is None:
            assert response.status_code == 404
            return
        problems = self.spec.response_problems(method, template, response.status_code, body)
        assert problems == [], f"{method} {template} {response.status_code}: {problems}"
        self.checked.add((method, template, response.status_code))

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """One request to `path` under the emulator's API root."""
        kwargs.setdefault("timeout", 5)
        return self.session.request(method, self.emulator.url + path, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        """GET `path`."""
        return self.request("GET", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        """PUT `path`."""
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        """DELETE `path`."""
        return self.request("DELETE", path, **kwargs)

    def public_key(self, org: str = "octo-org", store: str = DEFAULT_STORE) -> dict[str, str]:
        """The store's public key of `org` (asserting a 200)."""
        response = self.get(f"{secrets_path(org, store)}/public-key")
        assert response.status_code == 200, response.text
        key: dict[str, str] = response.json()
        return key

    def put_secret(
        self,
        name: str,
        value: str,
        *,
        org: str = "octo-org",
        store: str = DEFAULT_STORE,
        **fields: object,
    ) -> requests.Response:
        """Seal `value` to the store's current key and PUT it (visibility private unless given)."""
        key = self.public_key(org, store)
        body = {
            "encrypted_value": seal(key["key"], value),
            "key_id": key["key_id"],
            "visibility": "private",
            **fields,
        }
        return self.put(f"{secrets_path(org, store)}/{name}", json=body)
