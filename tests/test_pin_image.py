"""The release's pinning program, run as the release workflow runs it: a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = ROOT / "scripts" / "release" / "pin_image.py"
REFERENCE = "ghcr.io/octo-org/codespaces-secrets:1.2.3"
DIGEST = "sha256:" + "0123456789abcdef" * 4
OTHER_DIGEST = "sha256:" + "f" * 64


def pin(action: Path, reference: str, digest: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(PROGRAM), "--action", str(action), reference, digest],
        text=True,
        capture_output=True,
        check=False,
    )


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def action(tmp_path: Path) -> Path:
    """A copy of the repository's real action.yml (the checkout's file is never touched)."""
    copy = tmp_path / "action.yml"
    copy.write_bytes((ROOT / "action.yml").read_bytes())
    return copy


def test_rewrites_the_image_line_and_nothing_else(action: Path) -> None:
    before = action.read_bytes().splitlines(keepends=True)
    proc = pin(action, REFERENCE, DIGEST)
    assert proc.returncode == 0, proc.stderr
    after = action.read_bytes().splitlines(keepends=True)
    changed = [i for i, (old, new) in enumerate(zip(before, after, strict=True)) if old != new]
    assert [before[i] for i in changed] == [b"  image: Dockerfile\n"]
    assert [after[i] for i in changed] == [f"  image: docker://{REFERENCE}@{DIGEST}\n".encode()]
    meta, original = load(action), load(ROOT / "action.yml")
    assert meta["runs"] == {"using": "docker", "image": f"docker://{REFERENCE}@{DIGEST}"}
    assert {k: v for k, v in meta.items() if k != "runs"} == {
        k: v for k, v in original.items() if k != "runs"
    }
    assert f"pinned image: docker://{REFERENCE}@{DIGEST}" in proc.stdout


def test_is_idempotent(action: Path) -> None:
    assert pin(action, REFERENCE, DIGEST).returncode == 0
    once = action.read_bytes()
    mtime = action.stat().st_mtime_ns
    again = pin(action, REFERENCE, DIGEST)
    assert again.returncode == 0, again.stderr
    assert "already pinned" in again.stdout
    assert action.read_bytes() == once
    assert action.stat().st_mtime_ns == mtime  # not even rewritten


def test_a_new_digest_replaces_the_old_pin(action: Path) -> None:
    assert pin(action, REFERENCE, DIGEST).returncode == 0
    assert pin(action, "ghcr.io/octo-org/codespaces-secrets:1.2.4", OTHER_DIGEST).returncode == 0
    text = action.read_text(encoding="utf-8")
    assert text.count("image:") == 1
    assert "  image: docker://ghcr.io/octo-org/codespaces-secrets:1.2.4@" + OTHER_DIGEST in text


@pytest.mark.parametrize(
    "digest",
    [
        "",
        "0123456789abcdef" * 4,  # no algorithm
        "sha256:" + "0123456789ABCDEF" * 4,  # upper case
        "sha256:" + "a" * 63,
        "sha256:" + "a" * 65,
        "sha256:" + "g" * 64,
        "sha512:" + "a" * 128,
        "sha256:" + "a" * 64 + "\n",
        " sha256:" + "a" * 64,
        "sha256: " + "a" * 64,
    ],
)
def test_refuses_a_malformed_digest(action: Path, digest: str) -> None:
    before = action.read_bytes()
    proc = pin(action, REFERENCE, digest)
    assert proc.returncode == 2
    assert "malformed digest" in proc.stderr
    assert action.read_bytes() == before


@pytest.mark.parametrize(
    "reference",
    [
        "",
        "codespaces-secrets:1.2.3",  # no registry, no owner
        "octo-org/codespaces-secrets:1.2.3",  # no registry host
        "ghcr.io/octo-org/codespaces-secrets",  # no tag
        "ghcr.io/Octo-Org/codespaces-secrets:1.2.3",  # registries want lowercase paths
        "docker://ghcr.io/octo-org/codespaces-secrets:1.2.3",  # the program adds the scheme
        "https://ghcr.io/octo-org/codespaces-secrets:1.2.3",
        f"ghcr.io/octo-org/codespaces-secrets:1.2.3@{DIGEST}",  # digest is its own argument
        "ghcr.io/octo-org/codespaces secrets:1.2.3",
        "ghcr.io/octo-org/codespaces-secrets:1.2.3\nrm: -rf",
        "ghcr.io/octo-org/codespaces-secrets:-1.2.3",
        "ghcr.io//codespaces-secrets:1.2.3",
        "ghcr.io/octo-org/codespaces-secrets:1.2.3 # comment",
    ],
)
def test_refuses_a_malformed_reference(action: Path, reference: str) -> None:
    before = action.read_bytes()
    proc = pin(action, reference, DIGEST)
    assert proc.returncode == 2
    assert "malformed image reference" in proc.stderr
    assert action.read_bytes() == before


@pytest.mark.parametrize(
    "reference",
    ["127.0.0.1:5000/codespaces-secrets:0.0.0-test", "localhost/a/b/c:v1", "registry:5000/x:y"],
)
def test_accepts_local_registries(action: Path, reference: str) -> None:
    proc = pin(action, reference, DIGEST)
    assert proc.returncode == 0, proc.stderr
    assert load(action)["runs"]["image"] == f"docker://{reference}@{DIGEST}"


def test_keeps_crlf_line_endings_and_a_trailing_comment(tmp_path: Path) -> None:
    action = tmp_path / "action.yml"
    action.write_bytes(
        b"name: x\r\nruns:\r\n  using: docker\r\n  image: 'Dockerfile'  # built per job\r\n"
        b"branding:\r\n  image: not-this-one\r\n"
    )
    assert pin(action, REFERENCE, DIGEST).returncode == 0
    assert action.read_bytes() == (
        b"name: x\r\nruns:\r\n  using: docker\r\n"
        + f"  image: docker://{REFERENCE}@{DIGEST}  # built per job\r\n".encode()
        + b"branding:\r\n  image: not-this-one\r\n"
    )


@pytest.mark.parametrize(
    "text",
    [
        "name: x\nruns:\n  using: docker\n",  # no image
        "name: x\nruns:\n  using: node20\n  main: index.js\nimage: Dockerfile\n",  # not under runs
        "name: x\nruns:\n  using: docker\n  image: a\n  image: b\n",  # ambiguous
        "name: x\nruns:\n  using: docker\n  steps:\n    image: Dockerfile\n",  # nested, not runs'
    ],
)
def test_refuses_an_action_without_one_runs_image(tmp_path: Path, text: str) -> None:
    action = tmp_path / "action.yml"
    action.write_text(text, encoding="utf-8")
    proc = pin(action, REFERENCE, DIGEST)
    assert proc.returncode == 2
    assert "image:" in proc.stderr
    assert action.read_text(encoding="utf-8") == text


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    proc = pin(tmp_path / "action.yml", REFERENCE, DIGEST)
    assert proc.returncode == 2
    assert "No such file" in proc.stderr


def test_keeps_the_file_mode(action: Path) -> None:
    action.chmod(0o640)
    assert pin(action, REFERENCE, DIGEST).returncode == 0
    assert action.stat().st_mode & 0o7777 == 0o640


def test_the_pinned_action_is_valid_action_metadata(action: Path) -> None:
    assert pin(action, REFERENCE, DIGEST).returncode == 0
    checker = Path(sys.executable).with_name("check-jsonschema")
    proc = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.github-actions", str(action)],
        text=True,
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
