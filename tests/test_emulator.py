"""Tests of the GitHub API emulator itself, over real HTTP(S) on 127.0.0.1.

Every answer that goes through `ApiClient` is checked against GitHub's OpenAPI description,
so the emulator cannot drift from the shapes the product's client will meet on GitHub.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from github_emulator import (
    ADMIN_TOKEN,
    FINE_GRAINED_TOKEN,
    LABS_TOKEN,
    NOSCOPE_TOKEN,
    NOT_OWNER_TOKEN,
    SSO_TOKEN,
    Emulator,
)
from github_emulator.__main__ import main as emulator_main
from github_emulator.openapi import OpenApiSpec
from testkit.apiclient import ApiClient, plain_session, seal

SECRETS = "/orgs/octo-org/codespaces/secrets"


# -- creating and updating secrets ----------------------------------------------------------


def test_put_creates_then_updates_with_the_decrypted_value(
    emulator: Emulator, client: ApiClient
) -> None:
    created = client.put_secret("my_token", "s3cret\nline two ")
    assert (created.status_code, created.json()) == (201, {})
    updated = client.put_secret("MY_TOKEN", "new value")
    assert (updated.status_code, updated.content) == (204, b"")

    stored = emulator.secret("octo-org", "my_token")
    assert stored is not None
    assert (stored.name, stored.value, stored.visibility) == ("MY_TOKEN", "new value", "private")
    assert stored.key_id == client.public_key()["key_id"]
    assert "new value" not in repr(stored)
    puts = [r for r in emulator.requests if r.method == "PUT"]
    assert [(r.path, r.status, r.decrypted_value) for r in puts] == [
        (f"{SECRETS}/my_token", 201, "s3cret\nline two "),
        (f"{SECRETS}/MY_TOKEN", 204, "new value"),
    ]
    got = client.get(f"{SECRETS}/My_Token").json()
    assert (got["name"], got["visibility"]) == ("MY_TOKEN", "private")


def test_value_of_exactly_48_kb_is_accepted_and_one_byte_more_refused(client: ApiClient) -> None:
    assert client.put_secret("BIG", "x" * 49152).status_code == 201
    too_big = client.put_secret("BIGGER", "x" * 49153)
    assert too_big.status_code == 422


def test_an_org_holds_at_most_100_secrets(emulator: Emulator, client: ApiClient) -> None:
    for n in range(100):
        emulator.set_secret("octo-org", f"S{n}", "v")
    refused = client.put_secret("ONE_MORE", "v")
    assert refused.status_code == 422
    assert "100" in refused.json()["message"]
    assert client.put_secret("S0", "updates still work").status_code == 204


def test_stale_key_id_after_rotation_is_refused(emulator: Emulator, client: ApiClient) -> None:
    old = client.public_key()
    new_id = emulator.rotate_key("octo-org")
    assert new_id != old["key_id"]
    body = {
        "encrypted_value": seal(old["key"], "v"),
        "key_id": old["key_id"],
        "visibility": "all",
    }
    refused = client.put(f"{SECRETS}/ROTATED", json=body)
    assert refused.status_code == 422
    assert "key_id" in refused.json()["message"]
    assert client.public_key()["key_id"] == new_id
    assert client.put_secret("ROTATED", "v").status_code == 201


def test_value_sealed_to_another_key_is_refused(client: ApiClient) -> None:
    key = client.public_key()
    other = client.public_key("octo-labs")
    body = {
        "encrypted_value": seal(other["key"], "v"),
        "key_id": key["key_id"],
        "visibility": "all",
    }
    response = client.put(f"{SECRETS}/WRONG_BOX", json=body)
    assert response.status_code == 422
    assert "decrypt" in response.json()["message"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({}, '"visibility" wasn\'t supplied.'),
        ({"visibility": "public"}, "is not a member of"),
        ({"visibility": "all", "encrypted_value": "not base64!", "key_id": "1"}, "pattern"),
        ({"visibility": "all", "encrypted_value": "QUJD", "key_id": 1}, "is not a string"),
        ({"visibility": "selected", "selected_repository_ids": ["web"]}, "is not an integer"),
        (["visibility"], "is not an object"),
    ],
)
def test_body_that_breaks_the_schema_gets_422(
    client: ApiClient, body: object, fragment: str
) -> None:
    response = client.put(f"{SECRETS}/BAD", json=body)
    assert response.status_code == 422
    message = response.json()["message"]
    assert message.startswith("Invalid request.\n\n")
    assert fragment in message
    assert response.json()["status"] == "422"


def test_unparsable_json_gets_400(client: ApiClient) -> None:
    response = client.put(f"{SECRETS}/BAD", data=b"{nope", headers={"content-type": "x"})
    assert (response.status_code, response.json()["message"]) == (400, "Problems parsing JSON")


@pytest.mark.parametrize("name", ["1ABC", "GITHUB_TOKEN", "github_x", "A-B", "ÄBC"])
def test_invalid_secret_names_get_422(client: ApiClient, name: str) -> None:
    assert client.put_secret(name, "v").status_code == 422


def test_create_needs_a_value_but_an_update_may_change_visibility_only(
    emulator: Emulator, client: ApiClient
) -> None:
    assert client.put(f"{SECRETS}/NEW", json={"visibility": "all"}).status_code == 422
    emulator.set_secret("octo-org", "KEPT", "old value")
    assert client.put(f"{SECRETS}/KEPT", json={"visibility": "all"}).status_code == 204
    stored = emulator.secret("octo-org", "KEPT")
    assert stored is not None
    assert (stored.value, stored.visibility) == ("old value", "all")


def test_selected_repository_ids_need_visibility_selected(
    client: ApiClient, emulator: Emulator
) -> None:
    web = emulator.repo_id("octo-org", "web")
    response = client.put_secret("X", "v", visibility="all", selected_repository_ids=[web])
    assert response.status_code == 422


def test_repository_ids_outside_the_org_are_dropped_silently(
    emulator: Emulator, client: ApiClient
) -> None:
    web, api = emulator.repo_id("octo-org", "web"), emulator.repo_id("octo-org", "api")
    foreign = emulator.repo_id("octo-labs", "ml")
    ids = [web, 999_999, foreign, api, web]
    response = client.put_secret("SEL", "v", visibility="selected", selected_repository_ids=ids)
    assert response.status_code == 201
    stored = emulator.secret("octo-org", "SEL")
    assert stored is not None
    assert stored.selected_repository_ids == (web, api)
    listed = client.get(f"{SECRETS}/SEL/repositories").json()
    assert listed["total_count"] == 2
    assert [r["full_name"] for r in listed["repositories"]] == ["octo-org/web", "octo-org/api"]


def test_selected_without_ids_clears_the_list(emulator: Emulator, client: ApiClient) -> None:
    web = emulator.repo_id("octo-org", "web")
    emulator.set_secret("octo-org", "SEL", "v", visibility="selected", repository_ids=[web])
    assert client.put_secret("SEL", "v2", visibility="selected").status_code == 204
    stored = emulator.secret("octo-org", "SEL")
    assert stored is not None
    assert (stored.value, stored.selected_repository_ids) == ("v2", ())


# -- the other secret operations --------------------------------------------------------------


def test_selected_repository_operations(emulator: Emulator, client: ApiClient) -> None:
    web, api, docs = (emulator.repo_id("octo-org", n) for n in ("web", "api", "docs"))
    emulator.set_secret("octo-org", "SEL", "v", visibility="selected", repository_ids=[web])
    emulator.set_secret("octo-org", "PRIV", "v")
    base = f"{SECRETS}/SEL/repositories"

    assert client.put(base, json={"selected_repository_ids": [api, 424242]}).status_code == 204
    assert client.put(f"{base}/{docs}").status_code == 204
    assert client.put(f"{base}/{docs}").status_code == 204  # idempotent
    assert client.delete(f"{base}/{api}").status_code == 204
    stored = emulator.secret("octo-org", "SEL")
    assert stored is not None
    assert stored.selected_repository_ids == (docs,)

    assert client.put(f"{base}/{emulator.repo_id('octo-labs', 'ml')}").status_code == 422
    assert client.delete(f"{base}/424242").status_code == 422
    assert client.put(f"{base}/not-a-number").status_code == 404
    assert client.put(base, json={}).status_code == 422
    priv = f"{SECRETS}/PRIV/repositories"
    assert client.put(priv, json={"selected_repository_ids": [web]}).status_code == 409
    assert client.put(f"{priv}/{web}").status_code == 409
    assert client.delete(f"{priv}/{web}").status_code == 409
    assert client.get(f"{SECRETS}/MISSING/repositories").status_code == 404
    assert client.put(f"{SECRETS}/MISSING/repositories/{web}").status_code == 404


def test_get_and_delete(emulator: Emulator, client: ApiClient) -> None:
    web = emulator.repo_id("octo-org", "web")
    emulator.set_secret("octo-org", "SEL", "v", visibility="selected", repository_ids=[web])
    got = client.get(f"{SECRETS}/sel").json()
    assert got["selected_repositories_url"] == f"{emulator.url}{SECRETS}/SEL/repositories"
    assert "value" not in got
    assert client.delete(f"{SECRETS}/sel").status_code == 204
    assert client.delete(f"{SECRETS}/SEL").status_code == 404
    assert client.get(f"{SECRETS}/SEL").status_code == 404
    assert emulator.secrets("octo-org") == []


def test_secret_list_paginates_with_a_link_header(emulator: Emulator, client: ApiClient) -> None:
    for name in ("E", "B", "D", "A", "C"):
        emulator.set_secret("octo-org", name, "v")
    first = client.get(SECRETS, params={"per_page": 2})
    assert first.json()["total_count"] == 5
    assert [s["name"] for s in first.json()["secrets"]] == ["A", "B"]
    links = requests.utils.parse_header_links(first.headers["link"])
    assert {link["rel"]: link["url"] for link in links} == {
        "next": f"{emulator.url}{SECRETS}?per_page=2&page=2",
        "last": f"{emulator.url}{SECRETS}?per_page=2&page=3",
    }
    last = client.get(SECRETS, params={"per_page": 2, "page": 3})
    assert [s["name"] for s in last.json()["secrets"]] == ["E"]
    rels = {link["rel"] for link in requests.utils.parse_header_links(last.headers["link"])}
    assert rels == {"first", "prev"}
    everything = client.get(SECRETS, params={"per_page": 500})
    assert len(everything.json()["secrets"]) == 5
    assert "link" not in everything.headers


# -- who may do what ----------------------------------------------------------------------------


@pytest.mark.parametrize("header", [None, "Bearer nope", "token nope", "Basic Zm9vOmJhcg=="])
def test_missing_or_unknown_token_gets_401(
    emulator: Emulator, spec: OpenApiSpec, header: str | None
) -> None:
    client = ApiClient(emulator, spec, token=None)
    headers = {"Authorization": header} if header else {}
    response = client.get(f"{SECRETS}/public-key", headers=headers)
    assert response.status_code == 401
    assert response.json() == {
        "message": "Bad credentials",
        "documentation_url": "https://docs.github.com/rest",
        "status": "401",
    }


def test_token_scheme_is_accepted_too(emulator: Emulator, spec: OpenApiSpec) -> None:
    client = ApiClient(emulator, spec, token=None)
    auth = {"Authorization": f"token {ADMIN_TOKEN}"}
    assert client.get(f"{SECRETS}/public-key", headers=auth).status_code == 200


def test_classic_token_without_admin_org_gets_403_with_scope_headers(
    emulator: Emulator, spec: OpenApiSpec
) -> None:
    response = ApiClient(emulator, spec, NOSCOPE_TOKEN).get(f"{SECRETS}/public-key")
    assert response.status_code == 403
    assert response.json()["message"] == "Resource not accessible by personal access token"
    assert response.headers["x-oauth-scopes"] == "repo"
    assert response.headers["x-accepted-oauth-scopes"] == "admin:org"


def test_classic_token_answers_carry_its_scopes(client: ApiClient) -> None:
    response = client.get(f"{SECRETS}/public-key")
    assert response.headers["x-oauth-scopes"] == "admin:org, repo"
    assert response.headers["x-accepted-oauth-scopes"] == "admin:org"
    assert client.get("/repos/octo-org/web").headers["x-accepted-oauth-scopes"] == "repo"


def test_fine_grained_token_works_without_scope_headers(
    emulator: Emulator, spec: OpenApiSpec
) -> None:
    client = ApiClient(emulator, spec, FINE_GRAINED_TOKEN)
    response = client.get(f"{SECRETS}/public-key")
    assert response.status_code == 200
    assert "x-oauth-scopes" not in response.headers
    assert client.put_secret("FROM_FINE_GRAINED", "v").status_code == 201


@pytest.mark.parametrize(
    ("token", "org", "status"),
    [
        (NOT_OWNER_TOKEN, "octo-org", 404),
        (LABS_TOKEN, "octo-org", 404),
        (LABS_TOKEN, "octo-labs", 200),
        (ADMIN_TOKEN, "no-such-org", 404),
        (NOSCOPE_TOKEN, "no-such-org", 404),
        (ADMIN_TOKEN, "free-org", 404),
        (ADMIN_TOKEN, "OCTO-ORG", 200),
    ],
)
def test_org_access(
    emulator: Emulator, spec: OpenApiSpec, token: str, org: str, status: int
) -> None:
    client = ApiClient(emulator, spec, token)
    for path in ("/public-key", ""):
        response = client.get(f"/orgs/{org}/codespaces/secrets{path}")
        assert response.status_code == status
        if status == 404:
            assert response.json()["message"] == "Not Found"


def test_saml_org_needs_an_sso_authorized_token(emulator: Emulator, spec: OpenApiSpec) -> None:
    path = "/orgs/sso-org/codespaces/secrets/public-key"
    refused = ApiClient(emulator, spec).get(path)
    assert refused.status_code == 403
    assert refused.json()["message"].startswith(
        "Resource protected by organization SAML enforcement."
    )
    assert refused.headers["x-github-sso"] == (
        "required; url=https://github.com/orgs/sso-org/sso?authorization_request=EXAMPLE"
    )
    assert ApiClient(emulator, spec).get("/repos/sso-org/app").status_code == 403
    assert ApiClient(emulator, spec, SSO_TOKEN).get(path).status_code == 200


def test_tokens_added_at_run_time(emulator: Emulator, spec: OpenApiSpec) -> None:
    emulator.add_org("acme", repos=["one"])
    emulator.add_token("ghp_acme", owner_of=["ACME"])
    client = ApiClient(emulator, spec, "ghp_acme")
    assert client.put_secret("NEW", "v", org="acme").status_code == 201
    assert client.get(f"{SECRETS}/public-key").status_code == 404


# -- repositories -----------------------------------------------------------------------------


def test_get_repository(emulator: Emulator, spec: OpenApiSpec, client: ApiClient) -> None:
    repo = client.get("/repos/octo-org/WEB").json()
    assert (repo["id"], repo["full_name"], repo["private"]) == (
        emulator.repo_id("octo-org", "web"),
        "octo-org/web",
        True,
    )
    assert repo["owner"]["login"] == "octo-org"
    assert client.get("/repos/octo-org/nope").status_code == 404
    assert client.get("/repos/nobody/web").status_code == 404
    emulator.add_repo("octo-org", "public-site", private=False)
    stranger = ApiClient(emulator, spec, NOT_OWNER_TOKEN)
    assert stranger.get("/repos/octo-org/web").status_code == 404
    assert stranger.get("/repos/octo-org/public-site").status_code == 200


def test_org_repositories_paginate(emulator: Emulator, client: ApiClient) -> None:
    emulator.add_org("big-org")
    ids = [emulator.add_repo("big-org", f"repo-{n:02}", private=n % 2 == 0) for n in range(35)]
    first = client.get("/orgs/big-org/repos")
    assert [r["id"] for r in first.json()] == sorted(ids, reverse=True)[:30]
    links = {x["rel"]: x["url"] for x in requests.utils.parse_header_links(first.headers["link"])}
    assert links == {
        "next": f"{emulator.url}/orgs/big-org/repos?page=2",
        "last": f"{emulator.url}/orgs/big-org/repos?page=2",
    }
    assert len(client.get(links["next"].removeprefix(emulator.url)).json()) == 5
    everything = client.get("/orgs/big-org/repos", params={"per_page": 100, "sort": "full_name"})
    assert [r["name"] for r in everything.json()] == [f"repo-{n:02}" for n in range(35)]
    public = client.get("/orgs/big-org/repos", params={"type": "public", "per_page": 100})
    assert all(not r["private"] for r in public.json())
    assert len(public.json()) == 17
    assert client.get("/orgs/nope/repos").status_code == 404


# -- faults, limits, latency ---------------------------------------------------------------------


def test_injected_answers_come_out_in_order(emulator: Emulator, client: ApiClient) -> None:
    emulator.inject("GET", "/orgs/*/codespaces/secrets/public-key", status=502)
    emulator.inject("*", "/orgs/octo-org/*", status=429, headers={"Retry-After": "1"}, times=2)
    statuses = [client.get(f"{SECRETS}/public-key") for _ in range(4)]
    assert [r.status_code for r in statuses] == [502, 429, 429, 200]
    assert statuses[0].json()["message"] == "Bad Gateway"
    assert statuses[1].headers["retry-after"] == "1"
    assert [r.status for r in emulator.requests] == [502, 429, 429, 200]


def test_injected_text_body_and_custom_json(emulator: Emulator, client: ApiClient) -> None:
    emulator.inject("GET", f"{SECRETS}/public-key", status=503, body="<html>down</html>")
    emulator.inject("PUT", f"{SECRETS}/*", status=500, body={"message": "Server Error"})
    response = plain_session().get(f"{emulator.url}{SECRETS}/public-key", timeout=5)
    assert (response.status_code, response.text) == (503, "<html>down</html>")
    assert response.headers["content-type"].startswith("text/html")
    assert client.put_secret("X", "v").json() == {"message": "Server Error"}


def test_dropped_connection_and_delay(emulator: Emulator, client: ApiClient) -> None:
    emulator.inject("GET", "*/public-key", drop=True)
    with pytest.raises(requests.ConnectionError):
        client.get(f"{SECRETS}/public-key")
    assert emulator.requests[-1].status is None

    emulator.inject("GET", "*/public-key", status=200, body={"late": True}, delay=0.3)
    with pytest.raises(requests.ReadTimeout):
        client.get(f"{SECRETS}/public-key", timeout=0.1)
    assert client.get(f"{SECRETS}/public-key").status_code == 200


def test_latency_is_added_to_every_answer(emulator: Emulator, client: ApiClient) -> None:
    emulator.latency = 0.15
    started = time.monotonic()
    assert client.get(f"{SECRETS}/public-key").status_code == 200
    assert time.monotonic() - started >= 0.15


def test_primary_rate_limit_per_token_and_refill(emulator: Emulator, spec: OpenApiSpec) -> None:
    client = ApiClient(emulator, spec)
    emulator.set_primary_limit(2, limit=10, reset_in=0.4)
    first = client.get(f"{SECRETS}/public-key")
    assert (first.headers["x-ratelimit-remaining"], first.headers["x-ratelimit-used"]) == ("1", "9")
    assert first.headers["x-ratelimit-limit"] == "10"
    assert client.get(f"{SECRETS}/public-key").headers["x-ratelimit-remaining"] == "0"
    refused = client.get(f"{SECRETS}/public-key")
    assert refused.status_code == 403
    assert refused.json()["message"] == "API rate limit exceeded for user ID 1."
    assert refused.headers["x-ratelimit-remaining"] == "0"
    assert time.time() <= int(refused.headers["x-ratelimit-reset"]) <= time.time() + 2
    assert ApiClient(emulator, spec, SSO_TOKEN).get(f"{SECRETS}/public-key").status_code == 200
    time.sleep(0.45)
    refilled = client.get(f"{SECRETS}/public-key")
    assert (refilled.status_code, refilled.headers["x-ratelimit-remaining"]) == (200, "9")


def test_secondary_rate_limit_blocks_writes_for_retry_after(
    emulator: Emulator, client: ApiClient
) -> None:
    emulator.set_secondary_limit(2, retry_after=1)
    assert client.put_secret("A", "v").status_code == 201
    assert client.put_secret("A", "v").status_code == 204
    refused = client.put_secret("A", "v")
    assert refused.status_code == 403
    assert refused.json()["message"].startswith("You have exceeded a secondary rate limit.")
    assert refused.headers["retry-after"] == "1"
    assert refused.headers["x-ratelimit-remaining"] != "0"
    assert client.get(f"{SECRETS}/A").status_code == 200  # reads are not limited
    time.sleep(1.05)
    assert client.put_secret("A", "v").status_code == 204
    emulator.set_secondary_limit(None)
    assert all(client.put_secret("A", "v").status_code == 204 for _ in range(3))


# -- prefix, TLS, recording, admin routes ------------------------------------------------------


def test_prefix_is_stripped_and_required(spec: OpenApiSpec) -> None:
    with Emulator(prefix="api/v3/") as emu:
        assert emu.url.endswith("/api/v3")
        client = ApiClient(emu, spec)
        assert client.get(f"{SECRETS}/public-key").status_code == 200
        outside = client.session.get(emu.url.removesuffix("/api/v3") + SECRETS, timeout=5)
        assert outside.status_code == 404
        assert [r.path for r in emu.requests] == [f"{SECRETS}/public-key", SECRETS]
        link_target = client.get("/orgs/octo-org/repos", params={"per_page": 1}).headers["link"]
        assert f"{emu.url}/orgs/octo-org/repos?per_page=1&page=2" in link_target
        admin = plain_session().get(emu.url.removesuffix("/api/v3") + "/_emulator/requests")
        assert admin.status_code == 200


def test_tls_with_the_emulator_ca(spec: OpenApiSpec) -> None:
    with Emulator(tls=True, prefix="/api/v3") as emu:
        assert emu.url.startswith("https://127.0.0.1:")
        assert emu.ca_file is not None
        ca_file = emu.ca_file
        assert ApiClient(emu, spec).put_secret("OVER_TLS", "v").status_code == 201
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(emu.url, verify=True, timeout=5)
    assert not Path(ca_file).exists()
    assert emu.ca_file is None


def test_recorded_request_fields(emulator: Emulator, client: ApiClient) -> None:
    emulator.clear_requests()
    before = time.monotonic()
    client.get(SECRETS, params={"per_page": "5", "page": "1"})
    client.put(f"{SECRETS}/X", json={"visibility": "all"})
    first, second = emulator.requests
    assert before <= first.time <= second.time <= time.monotonic()
    assert (first.method, first.path, first.query, first.body, first.status) == (
        "GET",
        SECRETS,
        {"per_page": "5", "page": "1"},
        None,
        200,
    )
    assert (second.body, second.status, second.token) == ({"visibility": "all"}, 422, ADMIN_TOKEN)
    emulator.clear_requests()
    assert emulator.requests == []


def test_admin_routes(emulator: Emulator, client: ApiClient) -> None:
    admin = plain_session()
    root = f"{emulator.url}/_emulator"
    client.put_secret("VIA_API", "plain text")
    listed = admin.get(f"{root}/secrets/octo-org", timeout=5).json()
    assert [(s["name"], s["value"]) for s in listed] == [("VIA_API", "plain text")]
    recorded = admin.get(f"{root}/requests", timeout=5).json()
    assert recorded[-1]["decrypted_value"] == "plain text"
    assert set(recorded[-1]) == {
        "method", "path", "query", "body", "status", "decrypted_value", "time", "token"
    }  # fmt: skip
    assert admin.post(f"{root}/reset-requests", json={}, timeout=5).status_code == 204
    assert emulator.requests == []

    fault = {"method": "GET", "path_glob": "*/public-key", "status": 500, "times": 2}
    assert admin.post(f"{root}/inject", json=fault, timeout=5).status_code == 204
    assert [client.get(f"{SECRETS}/public-key").status_code for _ in range(3)] == [500, 500, 200]
    assert admin.post(f"{root}/latency", json={"seconds": 0.01}, timeout=5).status_code == 204
    assert emulator.latency == 0.01
    new_key = admin.post(f"{root}/rotate-key/octo-org", json={}, timeout=5).json()["key_id"]
    assert client.public_key()["key_id"] == new_key
    limit = {"remaining": 0, "reset_in": 30}
    assert admin.post(f"{root}/primary-limit", json=limit, timeout=5).status_code == 204
    assert client.get(f"{SECRETS}/public-key").status_code == 403

    assert admin.get(f"{root}/secrets/nope", timeout=5).status_code == 404
    assert admin.post(f"{root}/inject", json={"path_glob": "/x"}, timeout=5).status_code == 400
    assert admin.post(f"{root}/latency", json={"seconds": -1}, timeout=5).status_code == 400
    assert admin.get(f"{root}/nope", timeout=5).status_code == 404


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:80", "127.0.0.1.evil.example", "[::2]", "localhost.", ""]
)
def test_admin_routes_answer_only_requests_addressed_to_this_machine(
    emulator: Emulator, client: ApiClient, host: str
) -> None:
    client.put_secret("HELD", "secret value")
    admin = plain_session()
    root = f"{emulator.url}/_emulator"
    named = {"Host": host}
    for answer in (
        admin.get(f"{root}/secrets/octo-org", headers=named, timeout=5),
        admin.get(f"{root}/requests", headers=named, timeout=5),
        admin.post(f"{root}/latency", json={"seconds": 3}, headers=named, timeout=5),
    ):
        assert answer.status_code == 421
        assert "secret value" not in answer.text
        assert answer.json()["message"].startswith("admin routes answer only requests addressed")
    assert emulator.latency == 0
    port = emulator.url.rsplit(":", 1)[1]
    for local in (f"localhost:{port}", "127.0.0.1", f"[::1]:{port}"):
        assert admin.get(f"{root}/requests", headers={"Host": local}, timeout=5).ok


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_admin_posts_must_be_json(emulator: Emulator, content_type: str | None) -> None:
    admin = plain_session()
    headers = {} if content_type is None else {"Content-Type": content_type}
    data = '{"seconds": 3}'
    for route, args in (("latency", data), ("reset-requests", ""), ("rotate-key/octo-org", "")):
        answer = admin.post(
            f"{emulator.url}/_emulator/{route}", data=args, headers=headers, timeout=5
        )
        assert answer.status_code == 415, route
        assert answer.json()["message"] == (
            "admin POST routes take only Content-Type: application/json"
        )
    assert emulator.latency == 0
    json_type = {"Content-Type": "Application/JSON; charset=utf-8"}
    assert admin.post(
        f"{emulator.url}/_emulator/latency", data=data, headers=json_type, timeout=5
    ).ok
    assert emulator.latency == 3


def test_unseeded_emulator_starts_empty(spec: OpenApiSpec) -> None:
    with Emulator(seed=False) as emu:
        assert ApiClient(emu, spec).get(f"{SECRETS}/public-key").status_code == 401
        emu.add_org("octo-org")
        emu.add_token(ADMIN_TOKEN)
        assert ApiClient(emu, spec).get(f"{SECRETS}/public-key").status_code == 200


def test_python_api_validates_its_arguments(emulator: Emulator) -> None:
    with pytest.raises(ValueError, match="loopback"):
        Emulator(host="192.0.2.1")
    with pytest.raises(ValueError, match="plan"):
        emulator.add_org("x", plan="gold")
    with pytest.raises(ValueError, match="already exists"):
        emulator.add_org("OCTO-ORG")
    with pytest.raises(KeyError):
        emulator.add_repo("nope", "r")
    with pytest.raises(KeyError):
        emulator.repo_id("octo-org", "nope")
    with pytest.raises(ValueError, match="selected"):
        emulator.set_secret("octo-org", "X", "v", repository_ids=[1])
    with pytest.raises(ValueError, match="status"):
        emulator.inject("GET", "/x", status=42)
    with pytest.raises(RuntimeError):
        emulator.start()


# -- concurrency, life cycle, properties -------------------------------------------------------


def test_concurrent_writes_are_consistent(emulator: Emulator, spec: OpenApiSpec) -> None:
    statuses: list[int] = []
    lock = threading.Lock()

    def writer(n: int) -> None:
        client = ApiClient(emulator, spec)
        for name in (f"OWN_{n}", "SHARED"):
            status = client.put_secret(name, f"value {n}").status_code
            with lock:
                statuses.append(status)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses).count(201) == 13  # 12 own secrets + the first SHARED
    assert statuses.count(204) == 11
    assert len(emulator.secrets("octo-org")) == 13


def test_stop_closes_keep_alive_connections(spec: OpenApiSpec) -> None:
    emu = Emulator()
    emu.start()
    client = ApiClient(emu, spec)
    assert client.get(f"{SECRETS}/public-key").status_code == 200
    url = emu.url
    emu.stop()
    emu.stop()
    with pytest.raises(requests.ConnectionError):
        client.session.get(url + SECRETS, timeout=2)


def test_any_text_round_trips_through_seal_and_put(spec: OpenApiSpec) -> None:
    with Emulator() as emu:
        client = ApiClient(emu, spec)
        key = client.public_key()

        @settings(max_examples=25, deadline=None)
        @given(st.text(max_size=300))
        def round_trip(value: str) -> None:
            body = {
                "encrypted_value": seal(key["key"], value),
                "key_id": key["key_id"],
                "visibility": "private",
            }
            assert client.put(f"{SECRETS}/PROP", json=body).status_code in (201, 204)
            stored = emu.secret("octo-org", "PROP")
            assert stored is not None
            assert stored.value == value

        round_trip()


# -- command line --------------------------------------------------------------------------------


def test_cli_serves_until_sigterm(tmp_path: Path, spec: OpenApiSpec) -> None:
    ready = tmp_path / "ready.json"
    command = [sys.executable, "-m", "github_emulator", "--tls"]
    command += ["--prefix", "/api/v3", "--latency", "0", "--ready-file", str(ready)]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 15
        while not ready.exists():
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the emulator never became ready"
            time.sleep(0.02)
        details = json.loads(ready.read_text())
        assert details["pid"] == process.pid
        assert details["url"].startswith("https://127.0.0.1:")
        assert details["url"].endswith("/api/v3")
        response = requests.get(
            details["url"] + f"{SECRETS}/public-key",
            headers={"Authorization": f"Bearer {details['admin_token']}"},
            verify=details["ca_file"],
            timeout=5,
        )
        assert response.status_code == 200
        assert (
            spec.response_problems(
                "GET", "/orgs/{org}/codespaces/secrets/public-key", 200, response.json()
            )
            == []
        )
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    assert stdout.strip() == f"GitHub API emulator listening on {details['url']}"
    assert not os.path.exists(details["ca_file"])


def test_cli_refuses_a_non_loopback_host(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        emulator_main(["--host", "192.0.2.1"])
    assert exited.value.code == 2
    assert "refusing to listen on '192.0.2.1': only a loopback address" in capsys.readouterr().err


def test_private_hosts_need_an_explicit_opt_in() -> None:
    with pytest.raises(ValueError, match="only a loopback address"):
        Emulator(host="172.17.0.1")
    with pytest.raises(ValueError, match="only a loopback address"):
        Emulator(host="8.8.8.8", allow_private_host=True)
    Emulator(host="172.17.0.1", allow_private_host=True, seed=False)  # constructed, never bound
    Emulator(host="::ffff:127.0.0.1", seed=False)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "", "0:0::0", "::ffff:0.0.0.0"])  # noqa: S104
def test_every_interface_is_refused_even_with_the_private_opt_in(
    host: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for allow in (False, True):
        with pytest.raises(ValueError, match="that is every interface of this machine"):
            Emulator(host=host, allow_private_host=allow, seed=False)
    with pytest.raises(SystemExit) as exited:
        emulator_main(["--host", host, "--allow-private-host"])
    assert exited.value.code == 2
    assert f"refusing to listen on {host!r}: that is every interface" in capsys.readouterr().err
