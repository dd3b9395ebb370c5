"""The Makefile recovers from a wrong Python, and make help lists every target."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from testkit import ROOT


def make(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def copy_of_the_build_files(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    shutil.copytree(ROOT / "mk", tmp_path / "mk")
    for name in ("requirements.txt", "requirements-dev.txt", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "tests" / "support").mkdir(parents=True)
    shutil.copy(ROOT / "tests/support/pyproject.toml", tmp_path / "tests/support/pyproject.toml")
    (tmp_path / "src" / "emulator").mkdir(parents=True)
    shutil.copy(ROOT / "src/emulator/pyproject.toml", tmp_path / "src/emulator/pyproject.toml")
    return tmp_path


def test_an_old_python_is_named_before_anything_is_created(tmp_path: Path) -> None:
    work = copy_of_the_build_files(tmp_path)
    old = work / "python3.9"
    old.write_text('#!/bin/sh\n[ "$1" = --version ] && echo "Python 3.9.2"\nexit 1\n')
    old.chmod(0o755)
    done = make(work, "setup", f"PYTHON={old}")
    assert done.returncode != 0
    assert "Python 3.11 or newer is needed; " in done.stderr
    assert "is Python 3.9.2." in done.stderr
    assert "make PYTHON=python3.12" in done.stderr
    assert not (work / ".venv").exists()


def test_a_venv_made_by_another_python_is_rebuilt(tmp_path: Path) -> None:
    work = copy_of_the_build_files(tmp_path)
    (work / ".venv").mkdir()
    (work / ".venv" / ".installed-3.10.0-deadbeef").touch()
    planned = make(work, "-n", "setup").stdout
    assert "rm -rf .venv" in planned
    assert "-m venv .venv" in planned


def test_help_lists_every_target() -> None:
    shown = make(ROOT, "help").stdout
    declared = set()
    for path in [ROOT / "Makefile", *sorted((ROOT / "mk").glob("*.mk"))]:
        for line in path.read_text().splitlines():
            if line.startswith(".PHONY:"):
                declared.update(line.removeprefix(".PHONY:").split())
    listed = set(re.findall(r"^make (\S+)", shown, flags=re.MULTILINE))
    assert declared <= listed, declared - listed
    assert "clean" in listed
