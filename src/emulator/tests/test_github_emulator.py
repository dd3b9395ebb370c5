"""The emulator's own tests: they need only this project and pytest, nothing of the action.

A client written here with the standard library and PyNaCl (a dependency of the emulator)
drives a running emulator over real HTTP on 127.0.0.1 the way any user's client would.
"""

from __future__ import annotations

import ast
import base64
import json
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from nacl.public import PublicKey, SealedBox

import github_emulator
from github_emulator import ADMIN_TOKEN, Emulator

PACKAGE = Path(github_emulator.__file__).parent
# What the emulator may import besides itself: the standard library and its dependencies.
DEPENDENCIES = {"nacl", "jsonschema", "referencing", "trustme"}


def call(
    url: str, method: str = "GET", body: object = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], object]:
    """One request; the status, lower-case headers and the JSON body (None when empty)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            status, raw, header_items = answer.status, answer.read(), answer.headers.items()
    except urllib.error.HTTPError as error:
        status, raw, header_items = error.code, error.read(), error.headers.items()
    return status, {k.lower(): v for k, v in header_items}, json.loads(raw) if raw else None


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator() as running:
        yield running


AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def test_the_emulator_imports_nothing_but_itself_the_standard_library_and_its_dependencies() -> (
    None
):
    for source in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(), str(source))):
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                roots = [node.module.split(".")[0]]
            else:
                continue
            for root in roots:
                allowed = root in sys.stdlib_module_names or root in DEPENDENCIES
                assert allowed or root == "github_emulator", f"{source.name} imports {root}"


def test_a_client_seals_writes_and_the_emulator_decrypts(emu: Emulator) -> None:
    for store in ("actions", "agents", "codespaces", "dependabot"):
        base = f"{emu.url}/orgs/octo-org/{store}/secrets"
        status, _, key = call(f"{base}/public-key", headers=AUTH)
        assert status == 200
        assert isinstance(key, dict)
        box = SealedBox(PublicKey(base64.b64decode(key["key"])))
        sealed = base64.b64encode(box.encrypt(f"value for {store}".encode())).decode()
        ids = [emu.repo_id("octo-org", "web")]
        body = {"encrypted_value": sealed, "key_id": key["key_id"], "visibility": "selected"}
        status, _, _ = call(
            f"{base}/TOKEN", "PUT", {**body, "selected_repository_ids": ids}, headers=AUTH
        )
        assert status == 201
        stored = emu.secret("octo-org", "TOKEN", store)
        assert stored is not None
        assert (stored.value, stored.selected_repository_ids) == (f"value for {store}", (ids[0],))
    _, _, listed = call(f"{emu.url}/_emulator/secrets/octo-org?store=agents")
    assert isinstance(listed, list)
    assert [(s["name"], s["value"]) for s in listed] == [("TOKEN", "value for agents")]


def test_an_unsupported_api_version_is_refused(emu: Emulator) -> None:
    url = f"{emu.url}/orgs/octo-org/codespaces/secrets"
    status, _, body = call(url, headers={**AUTH, "X-GitHub-Api-Version": "2020-01-01"})
    assert status == 400
    assert isinstance(body, dict)
    assert "is not a supported version" in body["message"]
    status, headers, _ = call(url, headers={**AUTH, "X-GitHub-Api-Version": "2026-03-10"})
    assert (status, headers["x-github-api-version-selected"]) == (200, "2026-03-10")


def test_admin_routes_refuse_foreign_hosts_and_non_json_posts(emu: Emulator) -> None:
    admin = f"{emu.url}/_emulator"
    assert call(f"{admin}/requests", headers={"Host": "attacker.example"})[0] == 421
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    request = urllib.request.Request(f"{admin}/latency", b"seconds=5", form, method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 415
    assert emu.latency == 0


@pytest.mark.parametrize("host", ["0.0.0.0", "::"])
def test_every_interface_is_refused(host: str) -> None:
    with pytest.raises(ValueError, match="every interface"):
        Emulator(host=host, allow_private_host=True)
