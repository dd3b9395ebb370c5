"""The wheel as users get it: the emulator complete in its own package, the action without it.

Builds the wheel from a copy of the sources (so the build leaves nothing in the work tree),
installs it into a fresh virtual environment with the emulator extra's hash-pinned
dependencies (from the package index), and starts the installed emulator.
"""

from __future__ import annotations

import json
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
DATA_FILE = "github_emulator/data/openapi.json"


def build_wheel(tmp_path: Path) -> Path:
    """`pip wheel` with this venv's setuptools, from a copy of what the build reads."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    junk = shutil.ignore_patterns("__pycache__", "*.egg-info")
    shutil.copytree(ROOT / "src", source / "src", ignore=junk)
    dist = tmp_path / "dist"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    command = [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(dist), str(source)]
    subprocess.run(command, check=True, capture_output=True, timeout=60)
    (wheel,) = dist.glob("codespaces_secrets-*.whl")
    return wheel


def check_contents(wheel: Path) -> None:
    """The data file is a real file with the repository's content; the action has no emulator."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        entry = archive.getinfo(DATA_FILE)
        assert not stat.S_ISLNK(entry.external_attr >> 16), "the OpenAPI file is a symlink"
        assert archive.read(DATA_FILE) == (ROOT / "src" / DATA_FILE).read_bytes()
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA")))
    assert "github_emulator/py.typed" in names
    assert "github_emulator/hostile/__init__.py" in names
    assert any(n.startswith("codespaces_secrets/") for n in names)
    assert not [n for n in names if n.startswith("codespaces_secrets/emulator")]
    assert b"Provides-Extra: emulator" in metadata


def install(wheel: Path, venv: Path) -> Path:
    """A fresh venv with the pinned dependencies and the wheel, all `--no-deps`."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    pip += ["--python", str(python), "install", "--no-deps"]
    requirements = ["-r", str(ROOT / "requirements.txt")]
    requirements += ["-r", str(ROOT / "requirements-emulator.txt")]
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


def test_the_wheel_installs_a_working_emulator(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path)
    check_contents(wheel)
    python = install(wheel, tmp_path / "venv")
    # -I: only the venv's site-packages, never this work tree.
    shown = subprocess.run(
        [str(python), "-I", "-m", "github_emulator", "--help"],
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
