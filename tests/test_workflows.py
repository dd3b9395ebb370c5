"""The repository's workflows keep their supply-chain rules: pins, permissions, timeouts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
# The project's workflows, and the one `make e2e` and `make release-test` run under act.
WORKFLOWS = [
    *sorted((ROOT / ".github" / "workflows").glob("*.yml")),
    ROOT / "scripts" / "container" / "e2e-workflow.yml",
]
# owner/repo[/path]@<40 hex> # vMAJOR.MINOR.PATCH
PINNED = re.compile(r"uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return data


def uses_lines(path: Path) -> list[str]:
    return [
        line.strip().removeprefix("- ")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip().removeprefix("- ").startswith("uses:")
    ]


def test_there_are_workflows() -> None:
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "release.yml"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_by_sha_with_its_version(path: Path) -> None:
    remote = [line for line in uses_lines(path) if not line.startswith("uses: ./")]
    assert remote
    assert [line for line in remote if not PINNED.fullmatch(line)] == []


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_checkout_leaves_the_token_in_the_workspace(path: Path) -> None:
    """zizmor's artipacked: a later step or artifact could read a persisted token."""
    checkouts = [
        step
        for job in load(path)["jobs"].values()
        for step in job["steps"]
        if str(step.get("uses", "")).startswith("actions/checkout@")
    ]
    assert checkouts
    assert [s for s in checkouts if s.get("with", {}).get("persist-credentials") is not False] == []


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_least_privilege_and_a_timeout_on_every_job(path: Path) -> None:
    workflow = load(path)
    assert workflow["permissions"] == {}
    for name, job in workflow["jobs"].items():
        assert isinstance(job.get("timeout-minutes"), int), name
        assert "permissions" in job, name
        assert "write-all" not in str(job["permissions"]), name


def test_release_builds_both_platforms_and_pins_with_the_program() -> None:
    release = load(ROOT / ".github" / "workflows" / "release.yml")
    assert release["on"] == {"push": {"tags": ["v[0-9]+.[0-9]+.[0-9]+"]}}
    jobs = release["jobs"]
    build = next(s for s in jobs["image"]["steps"] if s.get("id") == "build")
    assert "scripts/release/image.py" in build["run"]
    assert "--arch" not in build["run"]  # both architectures
    push = next(s for s in jobs["image"]["steps"] if s.get("name") == "Push")
    assert "--preserve-digests" in push["run"]
    attest = [s for s in jobs["image"]["steps"] if "attest" in s.get("uses", "")]
    assert attest
    assert attest[0]["with"]["push-to-registry"] is True
    pin_steps = [s for s in jobs["release-commit"]["steps"] if "run" in s]
    assert any("scripts/release/pin_image.py" in s["run"] for s in pin_steps)
    assert (ROOT / "scripts" / "release" / "pin_image.py").is_file()
    # Only the jobs that must write have write permissions.
    writers = {
        name
        for name, job in jobs.items()
        if any(v == "write" for v in (job.get("permissions") or {}).values())
    }
    assert writers == {"image", "release-commit", "publish"}
    assert jobs["publish"]["needs"] == ["release-commit", "verify"]
