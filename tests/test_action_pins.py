"""Every action used or documented here is pinned to a recorded release of its current major.

The record (tests/data/action-pins.json: tag → commit, and each release's action.yml under
tests/data/actions/) is written by scripts/action_pins.py from the actions' own
repositories; these tests read it offline. Dependabot's `github-actions` updates move the
pins in the workflows and in .github/actions/doc-pins; a pin the record does not hold fails
here until the record is refreshed, and so does documentation left on an older pin.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
RECORD: dict[str, dict[str, str]] = json.loads((DATA / "action-pins.json").read_text())
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
DOC_PINS = ROOT / ".github" / "actions" / "doc-pins" / "action.yml"
DOCUMENTS = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").rglob("*.md")),
    *sorted((ROOT / "docs").rglob("*.yml")),
]
EVERY_FILE = [*WORKFLOWS, DOC_PINS, ROOT / "action.yml", *DOCUMENTS]
# Any `uses:` of another repository's action, as written (a comment may follow).
USES = re.compile(r"^\s*(?:- )?uses: (?P<ref>[^\s#]+)(?P<rest>.*)$", re.MULTILINE)
PINNED = re.compile(r"(?P<repo>[\w.-]+/[\w.-]+)(?:/[\w./-]+)?@(?P<sha>[0-9a-f]{40})")
VERSION_COMMENT = re.compile(r"\s+# (?P<tag>v\d+\.\d+\.\d+)")
# Runtimes of the Node 24 era: GitHub's runners dropped Node 20 on 2026-09-16.
CURRENT_RUNTIMES = {"node24", "composite", "docker"}


def remote_uses(path: Path) -> list[tuple[str, str]]:
    """(reference, what follows it) for each `uses:` of another repository's action."""
    found = []
    for match in USES.finditer(path.read_text(encoding="utf-8")):
        ref = match["ref"].strip("'\"")
        # This repository's own action (./, or ACTION_REPO in the docs) and images are not pins.
        if ref.startswith(("./", "$/", "docker://", "ACTION_REPO@")):
            continue
        found.append((ref, match["rest"]))
    return found


def pins(paths: list[Path]) -> dict[str, set[tuple[str, str]]]:
    """owner/repo → every (tag, sha) the files pin it at."""
    out: dict[str, set[tuple[str, str]]] = {}
    for path in paths:
        for ref, rest in remote_uses(path):
            pinned, comment = PINNED.fullmatch(ref), VERSION_COMMENT.match(rest)
            assert pinned, f"{path.name}: {ref} is not pinned by commit"
            assert comment, f"{path.name}: {ref} has no `# vX.Y.Z` comment"
            out.setdefault(pinned["repo"], set()).add((comment["tag"], pinned["sha"]))
    return out


def metadata(repo: str, tag: str) -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe").load(
        (DATA / "actions" / repo / tag / "action.yml").read_text(encoding="utf-8")
    )
    return data


def mismatches(path: Path) -> list[str]:
    """The pins of ``path`` whose commit is not the one the record holds for their tag."""
    return [
        f"{repo}@{sha} is not {tag}"
        for repo, found in pins([path]).items()
        for tag, sha in sorted(found)
        if RECORD.get(repo, {}).get(tag) != sha
    ]


@pytest.mark.parametrize("path", EVERY_FILE, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_pin_is_the_commit_its_comment_names(path: Path) -> None:
    assert mismatches(path) == []


def test_the_files_pin_something() -> None:
    assert pins(WORKFLOWS)
    assert pins([ROOT / "README.md"])
    assert pins(sorted((ROOT / "docs").rglob("*.yml")))


def test_each_action_is_pinned_at_one_version_everywhere() -> None:
    everywhere = pins(EVERY_FILE)
    assert {repo: len(found) for repo, found in everywhere.items() if len(found) > 1} == {}


def test_the_documentation_uses_only_pins_dependabot_keeps_current() -> None:
    """README and docs/ pins are those of the workflows or of doc-pins (Dependabot's)."""
    kept = pins([*WORKFLOWS, DOC_PINS])
    for repo, found in pins(DOCUMENTS).items():
        assert found <= kept.get(repo, set()), repo
    # doc-pins holds only what no workflow pins, so no action has two masters.
    assert set(pins([DOC_PINS])).isdisjoint(pins(WORKFLOWS))


def test_the_record_holds_exactly_what_is_pinned() -> None:
    everywhere = {repo: dict(found) for repo, found in pins(EVERY_FILE).items()}
    assert everywhere == RECORD
    recorded = {
        str(p.parent.relative_to(DATA / "actions")) for p in (DATA / "actions").rglob("action.yml")
    }
    assert recorded == {f"{repo}/{tag}" for repo, tags in RECORD.items() for tag in tags}


@pytest.mark.parametrize(
    ("repo", "tag"), [(r, t) for r, tags in sorted(RECORD.items()) for t in tags], ids=str
)
def test_every_pinned_release_runs_on_a_current_runtime(repo: str, tag: str) -> None:
    assert str(metadata(repo, tag)["runs"]["using"]) in CURRENT_RUNTIMES


def test_dependabot_keeps_both_kinds_of_pin_current() -> None:
    config: dict[str, Any] = YAML(typ="safe").load(
        (ROOT / ".github" / "dependabot.yml").read_text(encoding="utf-8")
    )
    (actions,) = [u for u in config["updates"] if u["package-ecosystem"] == "github-actions"]
    assert set(actions["directories"]) == {"/", "/" + str(DOC_PINS.parent.relative_to(ROOT))}


def test_a_wrong_pin_would_be_caught(tmp_path: Path) -> None:
    """A pin moved to another commit, a comment left on the old tag, or no pin at all fails."""
    repo, tags = next(iter(RECORD.items()))
    ((tag, sha),) = tags.items()
    moved = tmp_path / "moved.yml"
    moved.write_text(f"      - uses: {repo}@{'0' * 40} # {tag}\n")
    assert mismatches(moved) == [f"{repo}@{'0' * 40} is not {tag}"]
    stale = tmp_path / "stale.yml"
    stale.write_text(f"      - uses: {repo}@{sha} # v0.0.1\n")
    assert mismatches(stale) == [f"{repo}@{sha} is not v0.0.1"]
    unpinned = tmp_path / "unpinned.yml"
    unpinned.write_text(f"      - uses: {repo}@{tag}\n")
    with pytest.raises(AssertionError, match="not pinned by commit"):
        pins([unpinned])
