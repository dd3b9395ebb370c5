"""The emulator's four organization secret stores, over real HTTP on 127.0.0.1.

Actions, Copilot agents, Codespaces and Dependabot share one API shape, but each store has
its own key pair, its own secrets, its own permission and (for some) a count limit. Every
answer is checked against the four-store OpenAPI description by `ApiClient`.
"""

from __future__ import annotations

import itertools

import pytest
import requests

from github_emulator import (
    ALL_STORES_TOKEN,
    FINE_GRAINED_TOKEN,
    NOSCOPE_TOKEN,
    STORE_NAMES,
    Emulator,
)
from github_emulator.openapi import OpenApiSpec
from testkit.apiclient import ApiClient, plain_session, seal, secrets_path

PERMISSIONS = {
    "actions": "organization_secrets",
    "agents": "organization_agent_secrets",
    "codespaces": "organization_codespaces_secrets",
    "dependabot": "organization_dependabot_secrets",
}
OTHER_PAIRS = list(itertools.permutations(STORE_NAMES, 2))


# -- keys and contents ---------------------------------------------------------------------------


def test_the_four_stores_are_served() -> None:
    assert set(STORE_NAMES) == set(PERMISSIONS)


def test_each_store_has_its_own_key_and_its_own_secrets(
    emulator: Emulator, client: ApiClient
) -> None:
    keys = {store: client.public_key("octo-org", store) for store in STORE_NAMES}
    assert len({k["key_id"] for k in keys.values()}) == 4
    assert len({k["key"] for k in keys.values()}) == 4
    for store in STORE_NAMES:
        assert client.put_secret("SHARED", f"for {store}", store=store).status_code == 201
        emulator.set_secret("octo-org", f"ONLY_{store.upper()}", "v", store=store)
    for store in STORE_NAMES:
        stored = emulator.secret("octo-org", "shared", store)
        assert stored is not None
        assert (stored.value, stored.store, stored.key_id) == (
            f"for {store}",
            store,
            keys[store]["key_id"],
        )
        listed = client.get(secrets_path("octo-org", store)).json()
        assert [s["name"] for s in listed["secrets"]] == [f"ONLY_{store.upper()}", "SHARED"]
        assert [s.name for s in emulator.secrets("octo-org", store)] == [
            f"ONLY_{store.upper()}",
            "SHARED",
        ]
    # The default store stays Codespaces for every existing caller.
    assert [s.name for s in emulator.secrets("octo-org")] == ["ONLY_CODESPACES", "SHARED"]


@pytest.mark.parametrize(("sealed_for", "sent_to"), OTHER_PAIRS)
def test_a_value_sealed_to_another_stores_key_is_refused(
    emulator: Emulator, client: ApiClient, sealed_for: str, sent_to: str
) -> None:
    foreign = client.public_key("octo-org", sealed_for)
    own = client.public_key("octo-org", sent_to)
    path = f"{secrets_path('octo-org', sent_to)}/CROSSED"
    wrong_box = {
        "encrypted_value": seal(foreign["key"], "v"),
        "key_id": own["key_id"],
        "visibility": "private",
    }
    refused = client.put(path, json=wrong_box)
    assert refused.status_code == 422
    assert "could not be decrypted" in refused.json()["message"]
    wrong_id = {**wrong_box, "key_id": foreign["key_id"]}
    refused = client.put(path, json=wrong_id)
    assert refused.status_code == 422
    assert "key_id is stale or unknown" in refused.json()["message"]
    assert emulator.secret("octo-org", "CROSSED", sent_to) is None


def test_rotating_one_stores_key_leaves_the_others(emulator: Emulator, client: ApiClient) -> None:
    before = {store: client.public_key("octo-org", store)["key_id"] for store in STORE_NAMES}
    new_id = emulator.rotate_key("octo-org", "dependabot")
    after = {store: client.public_key("octo-org", store)["key_id"] for store in STORE_NAMES}
    assert after == {**before, "dependabot": new_id}
    stale = {
        "encrypted_value": seal(client.public_key("octo-org", "actions")["key"], "v"),
        "key_id": before["actions"],
        "visibility": "all",
    }
    assert client.put(f"{secrets_path('octo-org', 'actions')}/STILL", json=stale).status_code == 201
    assert emulator.rotate_key("octo-org") != before["codespaces"]  # the default store


# -- every operation in every store --------------------------------------------------------------


@pytest.mark.parametrize("store", STORE_NAMES)
def test_every_operation_works_in_each_store(
    emulator: Emulator, client: ApiClient, store: str
) -> None:
    web, api, docs = (emulator.repo_id("octo-org", n) for n in ("web", "api", "docs"))
    base = secrets_path("octo-org", store)
    created = client.put_secret("SEL", "one", store=store, visibility="selected")
    assert (created.status_code, created.json()) == (201, {})
    assert client.put_secret("SEL", "two", store=store, visibility="selected").status_code == 204
    got = client.get(f"{base}/sel").json()
    assert got["selected_repositories_url"] == f"{emulator.url}{base}/SEL/repositories"
    assert client.put(f"{base}/SEL/repositories", json={"selected_repository_ids": [web]}).ok
    assert client.put(f"{base}/SEL/repositories/{api}").status_code == 204
    assert client.delete(f"{base}/SEL/repositories/{web}").status_code == 204
    assert client.put(f"{base}/SEL/repositories/{docs}").status_code == 204
    listed = client.get(f"{base}/SEL/repositories").json()
    assert [r["name"] for r in listed["repositories"]] == ["api", "docs"]
    stored = emulator.secret("octo-org", "SEL", store)
    assert stored is not None
    assert (stored.value, stored.selected_repository_ids) == ("two", (api, docs))
    assert (
        emulator.secret("octo-org", "SEL", "codespaces" if store != "codespaces" else "actions")
        is None
    )

    for name in ("E", "B", "D", "A", "C"):
        emulator.set_secret("octo-org", name, "v", store=store)
    first = client.get(base, params={"per_page": 2})
    assert first.json()["total_count"] == 6
    assert [s["name"] for s in first.json()["secrets"]] == ["A", "B"]
    links = {x["rel"]: x["url"] for x in requests.utils.parse_header_links(first.headers["link"])}
    assert links["next"] == f"{emulator.url}{base}?per_page=2&page=2"

    assert client.delete(f"{base}/SEL").status_code == 204
    assert client.get(f"{base}/SEL").status_code == 404
    assert client.delete(f"{base}/SEL").status_code == 404
    emulator.set_secret("octo-org", "PRIV", "v", store=store)
    assert client.put(f"{base}/PRIV/repositories/{web}").status_code == 409


def test_every_documented_operation_is_served_and_checked(
    emulator: Emulator, client: ApiClient
) -> None:
    web, api = emulator.repo_id("octo-org", "web"), emulator.repo_id("octo-org", "api")
    for store in STORE_NAMES:
        base = secrets_path("octo-org", store)
        client.put_secret(
            "S", "v", store=store, visibility="selected", selected_repository_ids=[web]
        )
        client.put_secret("S", "v", store=store, visibility="selected")
        client.get(base)
        client.get(f"{base}/S")
        client.put(f"{base}/S/repositories", json={"selected_repository_ids": [web]})
        client.put(f"{base}/S/repositories/{api}")
        client.get(f"{base}/S/repositories")
        client.delete(f"{base}/S/repositories/{web}")
        client.delete(f"{base}/S")
    client.get("/repos/octo-org/web")
    client.get("/orgs/octo-org/repos")
    covered = {(method, template) for method, template, _ in client.checked}
    assert covered == set(client.spec.operations())
    assert {status for _, _, status in client.checked} == {200, 201, 204}


# -- limits and plans ----------------------------------------------------------------------------


@pytest.mark.parametrize(("store", "limit"), [("codespaces", 100), ("actions", 1000)])
def test_documented_count_limits_are_enforced(
    emulator: Emulator, client: ApiClient, store: str, limit: int
) -> None:
    for n in range(limit):
        emulator.set_secret("octo-org", f"S{n}", "v", store=store)
    refused = client.put_secret("ONE_MORE", "v", store=store)
    assert refused.status_code == 422
    assert f"at most {limit}" in refused.json()["message"]
    assert client.put_secret("S0", "updates still work", store=store).status_code == 204
    # The limit is per store: another store of the same org still takes new secrets.
    other = "dependabot"
    assert client.put_secret("ONE_MORE", "v", store=other).status_code == 201


@pytest.mark.parametrize("store", ["dependabot", "agents"])
def test_stores_without_a_documented_limit_enforce_none(
    emulator: Emulator, client: ApiClient, store: str
) -> None:
    for n in range(1000):
        emulator.set_secret("octo-org", f"S{n}", "v", store=store)
    assert client.put_secret("ONE_MORE", "v", store=store).status_code == 201
    assert len(emulator.secrets("octo-org", store)) == 1001


def test_a_free_plan_hides_codespaces_only(client: ApiClient) -> None:
    for store in STORE_NAMES:
        response = client.get(f"{secrets_path('free-org', store)}/public-key")
        assert response.status_code == (404 if store == "codespaces" else 200), store
    assert client.put_secret("ON_FREE", "v", org="free-org", store="actions").status_code == 201


# -- repository ids as strings -------------------------------------------------------------------


def test_string_ids_follow_each_stores_description_and_api_version(
    emulator: Emulator, client: ApiClient
) -> None:
    web = emulator.repo_id("octo-org", "web")
    new_version = {"X-GitHub-Api-Version": "2026-03-10"}
    # Dependabot under 2022-11-28: numeric strings count, other text names no repository.
    taken = client.put_secret(
        "IDS",
        "v",
        store="dependabot",
        visibility="selected",
        selected_repository_ids=[str(web), "x"],
    )
    assert taken.status_code == 201
    stored = emulator.secret("octo-org", "IDS", "dependabot")
    assert stored is not None
    assert stored.selected_repository_ids == (web,)
    assert taken.headers["x-github-api-version-selected"] == "2022-11-28"
    key = client.public_key("octo-org", "dependabot")
    body = {
        "encrypted_value": seal(key["key"], "v"),
        "key_id": key["key_id"],
        "visibility": "selected",
        "selected_repository_ids": [web, str(web)],
    }
    dependabot = f"{secrets_path('octo-org', 'dependabot')}/NEWER"
    refused = client.put(dependabot, json=body, headers=new_version)
    assert refused.status_code == 422
    assert "'properties/selected_repository_ids/1', \"" in refused.json()["message"]
    assert refused.headers["x-github-api-version-selected"] == "2026-03-10"
    assert client.put(dependabot, json={**body, "selected_repository_ids": [web]}).ok
    # GitHub's description: the other three stores take integers only, under both versions.
    for store, headers in itertools.product(("actions", "codespaces", "agents"), ({}, new_version)):
        key = client.public_key("octo-org", store)
        body.update(encrypted_value=seal(key["key"], "v"), key_id=key["key_id"])
        refused = client.put(f"{secrets_path('octo-org', store)}/IDS", json=body, headers=headers)
        assert refused.status_code == 422, store
        assert "is not an integer" in refused.json()["message"]
        assert emulator.secret("octo-org", "IDS", store) is None


# -- who may use which store ---------------------------------------------------------------------


def test_the_fine_grained_token_has_the_codespaces_permission_only(
    emulator: Emulator, spec: OpenApiSpec
) -> None:
    client = ApiClient(emulator, spec, FINE_GRAINED_TOKEN)
    allowed = client.get(f"{secrets_path()}/public-key")
    assert allowed.status_code == 200
    assert allowed.headers["x-accepted-github-permissions"] == (
        "organization_codespaces_secrets=read"
    )
    for store in ("actions", "agents", "dependabot"):
        base = secrets_path("octo-org", store)
        for method, path, level in (("GET", base, "read"), ("PUT", f"{base}/X", "write")):
            refused = client.request(method, path, json={"visibility": "all"})
            assert refused.status_code == 403, (store, method)
            assert refused.json()["message"] == "Resource not accessible by personal access token"
            assert refused.headers["x-accepted-github-permissions"] == (
                f"{PERMISSIONS[store]}={level}"
            )
            assert "x-oauth-scopes" not in refused.headers
    assert emulator.secrets("octo-org", "actions") == []


def test_the_all_stores_token_writes_everywhere(emulator: Emulator, spec: OpenApiSpec) -> None:
    client = ApiClient(emulator, spec, ALL_STORES_TOKEN)
    for store in STORE_NAMES:
        written = client.put_secret("EVERYWHERE", "v", store=store)
        assert written.status_code == 201
        assert written.headers["x-accepted-github-permissions"] == f"{PERMISSIONS[store]}=write"
        assert emulator.secret("octo-org", "EVERYWHERE", store) is not None
    assert client.get("/repos/octo-org/web").headers["x-accepted-github-permissions"] == (
        "metadata=read"
    )


def test_tokens_can_be_limited_to_stores(emulator: Emulator, spec: OpenApiSpec) -> None:
    emulator.add_token("github_pat_two", fine_grained=True, stores=["actions", "dependabot"])
    client = ApiClient(emulator, spec, "github_pat_two")
    statuses = {
        s: client.get(f"{secrets_path('octo-org', s)}/public-key").status_code for s in STORE_NAMES
    }
    assert statuses == {"actions": 200, "agents": 403, "codespaces": 403, "dependabot": 200}
    with pytest.raises(ValueError, match="fine-grained"):
        emulator.add_token("ghp_classic", stores=["actions"])
    with pytest.raises(ValueError, match="store must be one of"):
        emulator.add_token("github_pat_bad", fine_grained=True, stores=["pages"])


def test_a_classic_token_without_admin_org_is_refused_by_every_store(
    emulator: Emulator, spec: OpenApiSpec
) -> None:
    client = ApiClient(emulator, spec, NOSCOPE_TOKEN)
    for store in STORE_NAMES:
        refused = client.get(f"{secrets_path('octo-org', store)}/public-key")
        assert refused.status_code == 403
        assert (refused.headers["x-oauth-scopes"], refused.headers["x-accepted-oauth-scopes"]) == (
            "repo",
            "admin:org",
        )
        assert "x-accepted-github-permissions" not in refused.headers


# -- the Python API and the admin routes ---------------------------------------------------------


def test_python_api_refuses_an_unknown_store(emulator: Emulator) -> None:
    for call in (
        lambda: emulator.set_secret("octo-org", "X", "v", store="pages"),
        lambda: emulator.secret("octo-org", "X", "Codespaces"),
        lambda: emulator.secrets("octo-org", "pages"),
        lambda: emulator.rotate_key("octo-org", "pages"),
    ):
        with pytest.raises(ValueError, match="store must be one of actions, agents"):
            call()


def test_admin_routes_take_a_store(emulator: Emulator, client: ApiClient) -> None:
    admin = plain_session()
    root = f"{emulator.url}/_emulator"
    client.put_secret("VIA_API", "for agents", store="agents")
    client.put_secret("VIA_API", "for codespaces")
    listed = admin.get(f"{root}/secrets/octo-org", params={"store": "agents"}, timeout=5).json()
    assert [(s["store"], s["name"], s["value"]) for s in listed] == [
        ("agents", "VIA_API", "for agents")
    ]
    default = admin.get(f"{root}/secrets/octo-org", timeout=5).json()
    assert [(s["store"], s["value"]) for s in default] == [("codespaces", "for codespaces")]
    old = client.public_key("octo-org", "agents")["key_id"]
    rotated = admin.post(f"{root}/rotate-key/octo-org", json={"store": "agents"}, timeout=5)
    assert rotated.json()["key_id"] == client.public_key("octo-org", "agents")["key_id"] != old
    unknown = admin.get(f"{root}/secrets/octo-org", params={"store": "pages"}, timeout=5)
    assert unknown.status_code == 400
