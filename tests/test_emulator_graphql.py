"""The one GraphQL query the emulator serves: repository ids by name, as `gh secret set` asks.

Anything beyond it is answered with an error naming what is served, never guessed at.
"""

from __future__ import annotations

import pytest
import requests

from github_emulator import ADMIN_TOKEN, NOT_OWNER_TOKEN, Emulator
from github_emulator.graphql import graphql_path
from testkit.apiclient import plain_session

GH_QUERY = (
    'query MapRepositoryNames { \n\t\t\trepo_000: repository(owner: "octo-org", name: "web")'
    ' {\n\t\t\t\tdatabaseId\n\t\t\t}\n\t\t\n\t\t\trepo_001: repository(owner: "octo-org",'
    ' name: "api") {\n\t\t\t\tdatabaseId\n\t\t\t}\n\t\t }'
)


def post(emu: Emulator, query: object, token: str | None = ADMIN_TOKEN) -> requests.Response:
    root = emu.url.split("/")[0] + "//" + emu.url.split("/")[2]
    headers = {"Authorization": f"bearer {token}"} if token else {}
    body = {"query": query, "variables": None}
    return plain_session().post(f"{root}/graphql", json=body, headers=headers, timeout=5)


def test_gh_lookup_of_repository_ids(emulator: Emulator) -> None:
    answer = post(emulator, GH_QUERY)
    assert answer.status_code == 200
    assert answer.json() == {
        "data": {
            "repo_000": {"databaseId": emulator.repo_id("octo-org", "web")},
            "repo_001": {"databaseId": emulator.repo_id("octo-org", "api")},
        }
    }
    (recorded,) = emulator.requests
    assert (recorded.method, recorded.path, recorded.status) == ("POST", "/graphql", 200)


def test_unknown_and_invisible_repositories_are_not_found(emulator: Emulator) -> None:
    query = (
        'query { a: repository(name: "web", owner: "octo-org") { databaseId } '
        'b: repository(owner: "octo-org", name: "nope") { databaseId } }'
    )
    answer = post(emulator, query).json()
    assert answer["data"] == {"a": {"databaseId": emulator.repo_id("octo-org", "web")}, "b": None}
    assert answer["errors"] == [
        {
            "type": "NOT_FOUND",
            "path": ["b"],
            "message": "Could not resolve to a Repository with the name 'octo-org/nope'.",
        }
    ]
    hidden = post(
        emulator, '{ repository(owner: "octo-org", name: "web") { databaseId } }', NOT_OWNER_TOKEN
    )
    assert hidden.json()["data"] == {"repository": None}


@pytest.mark.parametrize(
    "query",
    [
        '{ repository(owner: "octo-org", name: "web") { databaseId name } }',
        '{ repository(owner: "octo-org", name: "web") { id } }',
        "{ viewer { login } }",
        'mutation { repository(owner: "octo-org", name: "web") { databaseId } }',
        'query($o: String!) { repository(owner: $o, name: "web") { databaseId } }',
        '{ repository(owner: "octo-org", name: "web") { databaseId } } { viewer { login } }',
        "",
    ],
)
def test_nothing_else_is_served(emulator: Emulator, query: str) -> None:
    answer = post(emulator, query)
    assert answer.status_code == 200
    (error,) = answer.json()["errors"]
    assert error["message"].startswith("The emulator serves only repository(owner:")
    assert "data" not in answer.json()


def test_graphql_needs_a_token_and_a_json_body(emulator: Emulator) -> None:
    refused = post(emulator, GH_QUERY, token=None)
    assert refused.status_code == 401
    assert refused.json()["documentation_url"] == "https://docs.github.com/graphql"
    root = emulator.url
    session = plain_session()
    headers = {"Authorization": f"bearer {ADMIN_TOKEN}"}
    assert session.post(f"{root}/graphql", data="{", headers=headers, timeout=5).status_code == 400
    assert session.post(f"{root}/graphql", json=[1], headers=headers, timeout=5).status_code == 400
    assert session.get(f"{root}/graphql", headers=headers, timeout=5).status_code == 404


def test_graphql_lives_beside_the_rest_root() -> None:
    assert graphql_path("") == "/graphql"
    assert graphql_path("/api/v3") == "/api/graphql"
    assert graphql_path("/github") == "/github/graphql"
    with Emulator(prefix="/api/v3") as emu:
        origin = emu.url.removesuffix("/api/v3")
        headers = {"Authorization": f"bearer {ADMIN_TOKEN}"}
        body = {"query": GH_QUERY}
        session = plain_session()
        assert session.post(f"{origin}/api/graphql", json=body, headers=headers, timeout=5).ok
        assert (
            session.post(f"{origin}/graphql", json=body, headers=headers, timeout=5).status_code
            == 404
        )
