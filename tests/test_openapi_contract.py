"""What the action sends matches GitHub's OpenAPI description, checked independently.

The emulator already refuses invalid bodies with 422; this test checks the record
against the four-store description in tests/data (GitHub's own text, a byte-equal copy of
the emulator's), under both REST API versions, so a lenient emulator could not hide a
misspelled field in any store, nor a request one version would refuse.
"""

from __future__ import annotations

import json
from pathlib import Path

from github_emulator import Emulator
from github_emulator.openapi import OpenApiSpec, describe_version
from github_emulator.versions import API_VERSIONS

from conftest import RunAction

SPEC = Path(__file__).parent / "data" / "org-secrets.openapi.json"
ALL_APPS = "codespaces, dependabot, actions, agents"


def test_every_request_is_a_documented_operation_with_a_valid_body(
    emulator: Emulator, run_action: RunAction
) -> None:
    document = json.loads(SPEC.read_text())
    specs = [OpenApiSpec(describe_version(document, version)) for version in API_VERSIONS]
    emulator.set_secret(
        "octo-org",
        "KEPT",
        "v",
        visibility="selected",
        repository_ids=[emulator.repo_id("octo-org", "web")],
    )
    runs = [
        run_action(emulator, secrets="KEPT=1\nNEW=2"),
        run_action(emulator, org="octo-org, octo-labs", secrets="A=1\nB=2", repositories="web"),
        run_action(emulator, name="C", value="3", visibility="all"),
        run_action(emulator, name="D", value="4", repositories="web, api", dry_run="true"),
        run_action(emulator, name="E", value="5", repositories="web", apps=ALL_APPS),
        run_action(emulator, secrets="KEPT=6", apps=ALL_APPS),
    ]
    assert [run.exit_code for run in runs] == [0] * len(runs), [run.log for run in runs]
    seen = set()
    for request in emulator.requests:
        template = specs[0].template_for(request.method, request.path)
        assert template is not None, f"undocumented: {request.method} {request.path}"
        seen.add((request.method, template))
        if request.body is not None:
            for spec in specs:
                assert spec.request_problems(request.method, template, request.body) == []
        if request.method == "PUT":
            assert isinstance(request.body, dict)
            assert set(request.body) <= {
                "encrypted_value",
                "key_id",
                "visibility",
                "selected_repository_ids",
            }
    for store in ("codespaces", "dependabot", "actions", "agents"):
        assert ("PUT", f"/orgs/{{org}}/{store}/secrets/{{secret_name}}") in seen
        assert ("GET", f"/orgs/{{org}}/{store}/secrets/{{secret_name}}/repositories") in seen
    assert ("GET", "/orgs/{org}/repos") in seen
    assert ("GET", "/repos/{owner}/{repo}") in seen
