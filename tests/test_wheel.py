"""Two distributions as users get them: the action without the emulator, the emulator alone.

The action's wheel (the repository root) and its image hold only `codespaces_secrets`; the
emulator is its own project (src/emulator) with its own wheel. Each wheel is built from a
copy of its sources (so the build leaves nothing in the work tree); the emulator's is
installed into a fresh virtual environment with its hash-pinned dependencies alone (from the
package index), and started from there.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import requests

from github_emulator import ADMIN_TOKEN

ROOT = Path(__file__).parent.parent
EMULATOR = ROOT / "src" / "emulator"
DATA_FILE = "github_emulator/data/openapi.json"
JUNK = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")


def build_wheel(project: Path, tmp_path: Path, pattern: str) -> Path:
    """`pip wheel` of `project` with this venv's setuptools, from a copy of its sources."""
    source = tmp_path / f"source-{project.name}"
    shutil.copytree(
        project, source, ignore=shutil.ignore_patterns(".venv", ".git", "tests", "__pycache__")
    )
    shutil.rmtree(source / "build", ignore_errors=True)
    for junk in source.rglob("*.egg-info"):
        shutil.rmtree(junk)
    dist = tmp_path / "dist"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    command = [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(dist), str(source)]
    subprocess.run(command, check=True, capture_output=True, timeout=60)
    (wheel,) = dist.glob(pattern)
    return wheel


def action_source(tmp_path: Path) -> Path:
    """What the action's build reads: pyproject, README and src (the emulator's folder too)."""
    source = tmp_path / "action"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "src", source / "src", ignore=JUNK)
    return source


def test_the_actions_wheel_holds_no_emulator(tmp_path: Path) -> None:
    wheel = build_wheel(action_source(tmp_path), tmp_path, "codespaces_secrets-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA")))
    assert any(n.startswith("codespaces_secrets/") for n in names)
    assert not [n for n in names if "emulator" in n and not n.endswith("METADATA")]
    assert not [n for n in names if not n.startswith(("codespaces_secrets", "codespaces_secrets-"))]
    assert b"Provides-Extra" not in metadata
    requires = [line for line in metadata.decode().splitlines() if line.startswith("Requires-Dist")]
    assert requires == [
        "Requires-Dist: pynacl>=1.5",
        "Requires-Dist: requests>=2.31",
        "Requires-Dist: actions-toolkit==0.1.15",
    ]


def test_the_actions_image_holds_no_emulator() -> None:
    ignore = (ROOT / ".dockerignore").read_text().splitlines()
    rules = [line.strip() for line in ignore if line.strip() and not line.startswith("#")]
    assert rules[0] == "*", "the build context must start from nothing"
    allowed = [rule[1:] for rule in rules if rule.startswith("!")]
    # The build stage gets the action, its pins and the image builder; nothing else.
    assert allowed == [
        ".dockerignore",
        "requirements.txt",
        "entrypoint.py",
        "src/codespaces_secrets",
        "scripts/release/debian.lock",
        "scripts/release/*.py",
    ]
    assert not any("emulator" in rule or rule.startswith("tests") for rule in allowed)
    dockerfile = (ROOT / "Dockerfile").read_text()
    # The image itself is only what the build stage assembled, on scratch.
    assert re.findall(r"^FROM\s+(\S+)", dockerfile, re.MULTILINE)[-1] == "scratch"
    assert re.findall(r"^COPY\s+(.+)$", dockerfile, re.MULTILINE)[-1] == "--from=build /rootfs/ /"
    assert not list((ROOT / "src" / "codespaces_secrets").rglob("*emulator*"))


def check_emulator_contents(wheel: Path) -> None:
    """The data file is a real file with the project's content; nothing of the action."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        entry = archive.getinfo(DATA_FILE)
        assert not stat.S_ISLNK(entry.external_attr >> 16), "the OpenAPI file is a symlink"
        assert archive.read(DATA_FILE) == (EMULATOR / DATA_FILE).read_bytes()
        assert (
            archive.read(DATA_FILE) == (ROOT / "tests/data/org-secrets.openapi.json").read_bytes()
        )
    assert "github_emulator/py.typed" in names
    assert "github_emulator/hostile/__init__.py" in names
    assert not [n for n in names if n.startswith("codespaces_secrets")]
    assert not [n for n in names if n.startswith("tests/")]


def install(wheel: Path, venv: Path) -> Path:
    """A fresh venv with the emulator's pinned dependencies and its wheel, all `--no-deps`."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    pip += ["--python", str(python), "install", "--no-deps"]
    requirements = ["-r", str(ROOT / "requirements-emulator.txt")]
    subprocess.run([*pip, "--require-hashes", *requirements], check=True, timeout=120)
    subprocess.run([*pip, str(wheel)], check=True, timeout=60)
    return python


def wait_for(ready: Path, process: subprocess.Popen[str]) -> dict[str, object]:
    """The ready file's details, once the emulator writes it."""
    deadline = time.monotonic() + 15
    while not ready.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the installed emulator never became ready"
        time.sleep(0.02)
    details: dict[str, object] = json.loads(ready.read_text())
    return details


def test_the_emulators_wheel_installs_a_working_emulator_alone(tmp_path: Path) -> None:
    wheel = build_wheel(EMULATOR, tmp_path, "github_emulator-*.whl")
    check_emulator_contents(wheel)
    python = install(wheel, tmp_path / "venv")
    # -I: only the venv's site-packages, never this work tree.
    absent = subprocess.run(
        [str(python), "-I", "-c", "import codespaces_secrets"],
        capture_output=True,
        cwd=tmp_path,
        timeout=30,
        check=False,
    )
    assert absent.returncode == 1
    shown = subprocess.run(
        [str(tmp_path / "venv" / "bin" / "github-emulator"), "--help"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=30,
    ).stdout
    assert shown.startswith("usage: python -m github_emulator")

    ready = tmp_path / "ready.json"
    command = [str(python), "-I", "-m", "github_emulator", "--port", "0"]
    process = subprocess.Popen(
        [*command, "--ready-file", str(ready)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        details = wait_for(ready, process)
        url = str(details["url"])
        assert url.startswith("http://127.0.0.1:")
        response = requests.get(
            url + "/orgs/octo-org/codespaces/secrets/public-key",
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
            timeout=5,
        )
        assert response.status_code == 200
        assert set(response.json()) == {"key_id", "key"}
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
