"""Where the emulator answers as GitHub does, not as a client library's copy says it does.

GitHub's own REST description (not Octokit's rewrite of it), both REST API versions with
their differences, 400 for a version GitHub does not serve, GitHub's documentation URLs,
and absolute URLs built from the name the client used. Over real HTTP on 127.0.0.1.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from github_emulator import Emulator
from github_emulator.openapi import OpenApiSpec, describe_version, read_description
from github_emulator.versions import API_VERSIONS
from testkit.apiclient import ApiClient, plain_session, seal, secrets_path

DATA = Path(__file__).parent / "data" / "org-secrets.openapi.json"
NEW = {"X-GitHub-Api-Version": "2026-03-10"}


def test_the_projects_copy_is_the_description_the_emulator_validates_against() -> None:
    shipped = resources.files("github_emulator").joinpath("data", "openapi.json").read_bytes()
    assert DATA.read_bytes() == shipped
    assert not DATA.is_symlink()
    assert json.loads(shipped) == read_description()


def test_the_description_is_githubs_not_octokits() -> None:
    document = read_description()
    actions = document["paths"]["/orgs/{org}/actions/secrets/{secret_name}"]["put"]
    schema = actions["requestBody"]["content"]["application/json"]["schema"]
    assert sorted(schema["required"]) == ["encrypted_value", "key_id", "visibility"]
    assert schema["properties"]["selected_repository_ids"]["items"] == {"type": "integer"}
    urls = [
        operation["externalDocs"]["url"]
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "externalDocs" in operation
    ]
    assert len(urls) == 38
    assert all(url.startswith("https://docs.github.com/rest/") for url in urls)
    assert not [url for url in urls if "/rest/reference/" in url]


def test_each_version_has_its_own_description() -> None:
    document = read_description()
    old, new = (describe_version(document, version) for version in API_VERSIONS)
    dependabot = "/orgs/{org}/dependabot/secrets/{secret_name}"

    def ids(described: dict[str, object]) -> object:
        schema = described["paths"][dependabot]["put"]["requestBody"]  # type: ignore[index]
        return schema["content"]["application/json"]["schema"]["properties"][
            "selected_repository_ids"
        ]["items"]

    assert ids(old) == {"anyOf": [{"type": "string"}, {"type": "integer"}]}
    assert ids(new) == {"type": "integer"}
    for name in ("full-repository", "minimal-repository", "repository"):
        assert "has_downloads" in old["components"]["schemas"][name]["properties"]
        assert "has_downloads" not in new["components"]["schemas"][name]["properties"]
    assert "x-github-breaking-changes" not in json.dumps(new)
    with pytest.raises(ValueError, match="version must be one of 2022-11-28, 2026-03-10"):
        describe_version(document, "2024-01-01")


@pytest.mark.parametrize("asked", ["2021-01-01", "v3", "", "2026-03-10,2022-11-28"])
def test_an_unsupported_version_is_refused_with_400_before_anything_else(
    emulator: Emulator, spec: OpenApiSpec, asked: str
) -> None:
    anonymous = ApiClient(emulator, spec, token=None)
    for client in (anonymous, ApiClient(emulator, spec)):
        answer = client.get(secrets_path(), headers={"X-GitHub-Api-Version": asked})
        assert answer.status_code == 400
        message = answer.json()["message"]
        assert f'request header, "{asked}", is not a supported version' in message
        assert '"2026-03-10" (most recent), "2022-11-28"' in message
        assert "x-github-api-version-selected" not in answer.headers


@pytest.mark.parametrize(("headers", "selected"), [({}, "2022-11-28"), (NEW, "2026-03-10")])
def test_the_version_asked_for_is_the_one_answered(
    client: ApiClient, headers: dict[str, str], selected: str
) -> None:
    answer = client.get(secrets_path(), headers=headers)
    assert answer.status_code == 200
    assert answer.headers["x-github-api-version-selected"] == selected


@pytest.mark.parametrize("headers", [{}, NEW])
def test_an_actions_put_needs_the_value_and_integer_ids(
    emulator: Emulator, client: ApiClient, headers: dict[str, str]
) -> None:
    path = f"{secrets_path(store='actions')}/ONLY_VISIBILITY"
    refused = client.put(path, json={"visibility": "all"}, headers=headers)
    assert refused.status_code == 422
    assert refused.json()["message"] == (
        'Invalid request.\n\n"encrypted_value" wasn\'t supplied.\n"key_id" wasn\'t supplied.'
    )
    assert refused.json()["documentation_url"] == (
        "https://docs.github.com/rest/actions/secrets#create-or-update-an-organization-secret"
    )
    emulator.set_secret("octo-org", "EXISTING", "kept", store="actions")
    # An update without a value is refused too: GitHub's description requires all three.
    existing = f"{secrets_path(store='actions')}/EXISTING"
    assert client.put(existing, json={"visibility": "private"}, headers=headers).status_code == 422
    key = client.public_key(store="actions")
    web = str(emulator.repo_id("octo-org", "web"))
    body: dict[str, object] = {"encrypted_value": seal(key["key"], "v"), "key_id": key["key_id"]}
    body |= {"visibility": "selected", "selected_repository_ids": [web]}
    refused = client.put(path, json=body, headers=headers)
    assert refused.status_code == 422
    assert "is not an integer" in refused.json()["message"]
    assert emulator.secret("octo-org", "ONLY_VISIBILITY", "actions") is None
    stored = emulator.secret("octo-org", "EXISTING", "actions")
    assert stored is not None
    assert (stored.value, stored.visibility) == ("kept", "private")


def test_errors_link_githubs_documentation(client: ApiClient) -> None:
    documented = {
        "dependabot": "https://docs.github.com/rest/dependabot/secrets#get-an-organization-secret",
        "codespaces": (
            "https://docs.github.com/rest/codespaces/organization-secrets"
            "#get-an-organization-secret"
        ),
    }
    for store, url in documented.items():
        answer = client.get(f"{secrets_path(store=store)}/MISSING")
        assert answer.status_code == 404
        assert answer.json()["documentation_url"] == url


def test_absolute_urls_follow_the_host_the_client_used(
    emulator: Emulator, client: ApiClient
) -> None:
    emulator.add_org("many-org", repos=[f"r{i}" for i in range(3)])
    web = emulator.repo_id("octo-org", "web")
    emulator.set_secret("octo-org", "PICKED", "v", visibility="selected", repository_ids=[web])
    port = emulator.url.rsplit(":", 1)[1]
    for host in (f"ghe.example.test:{port}", "host.docker.internal", f"[::1]:{port}"):
        origin = f"http://{host}"
        named = {"Host": host}
        listed = client.get("/orgs/many-org/repos", params={"per_page": 1}, headers=named)
        assert listed.headers["link"].startswith(
            f"<{origin}/orgs/many-org/repos?per_page=1&page=2>"
        )
        assert listed.json()[0]["url"] == f"{origin}/repos/many-org/r2"
        assert listed.json()[0]["owner"]["url"] == f"{origin}/users/many-org"
        secret = client.get(f"{secrets_path()}/PICKED", headers=named).json()
        assert secret["selected_repositories_url"] == (
            f"{origin}/orgs/octo-org/codespaces/secrets/PICKED/repositories"
        )
    # A Host header that is no host name never reaches an answer: the bound address stands in.
    odd = client.get(f"{secrets_path()}/PICKED", headers={"Host": "a>, <http://b"}).json()
    assert odd["selected_repositories_url"].startswith(emulator.url + "/orgs/")


def test_urls_under_an_enterprise_prefix_follow_the_host_too(spec: OpenApiSpec) -> None:
    with Emulator(prefix="/api/v3") as emu:
        emu.add_org("many-org", repos=["a", "b"])
        answer = ApiClient(emu, spec).get(
            "/orgs/many-org/repos", params={"per_page": 1}, headers={"Host": "ghe.example.test"}
        )
        assert answer.headers["link"].startswith(
            "<http://ghe.example.test/api/v3/orgs/many-org/repos?per_page=1&page=2>"
        )
        assert plain_session().get(emu.url + "/", timeout=5).status_code == 401


@pytest.mark.parametrize("version", API_VERSIONS)
def test_repositories_carry_has_downloads_only_under_2022_11_28(
    emulator: Emulator, version: str
) -> None:
    client = ApiClient(emulator, OpenApiSpec.load(version))
    headers = {"X-GitHub-Api-Version": version}
    emulator.set_secret(
        "octo-org",
        "PICKED",
        "v",
        visibility="selected",
        repository_ids=[emulator.repo_id("octo-org", "web")],
    )
    answers = {
        "full-repository": [client.get("/repos/octo-org/web", headers=headers).json()],
        "minimal-repository": client.get("/orgs/octo-org/repos", headers=headers).json(),
    }
    selected = client.get(f"{secrets_path()}/PICKED/repositories", headers=headers).json()
    answers["minimal-repository"] += selected["repositories"]
    for repositories in answers.values():
        for repository in repositories:
            assert ("has_downloads" in repository) == (version == "2022-11-28")
