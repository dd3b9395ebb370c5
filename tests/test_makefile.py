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


def test_a_target_that_needs_apt_refuses_clearly_where_there_is_none(tmp_path: Path) -> None:
    """Without apt-get (not Debian), installing is refused with one line naming what to do."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "id"):
        (bin_dir / tool).symlink_to(shutil.which(tool) or f"/bin/{tool}")
    makefile = tmp_path / "Makefile"
    makefile.write_text(
        f"SHELL := /bin/bash\ninclude {ROOT / 'mk' / 'needs.mk'}\n"
        "tool-setup:\n\t@$(call apt_install,some-package)\n"
    )
    make = shutil.which("make") or "make"
    done = subprocess.run(
        [make, "-f", str(makefile), "tool-setup"],
        env={"PATH": str(bin_dir)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "tool-setup needs the Debian packages 'some-package'" in done.stderr
    assert "Install them yourself, then re-run." in done.stderr


def test_help_says_which_targets_install_debian_packages() -> None:
    done = subprocess.run(
        ["make", "--no-print-directory", "help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = {line.split()[1]: line for line in done.stdout.splitlines() if line.strip()}
    for target in ("contract-setup", "bench-setup", "test", "container-setup", "release-setup"):
        assert "apt" in lines[target], lines[target]
    for target in ("container-test", "e2e", "release-test"):
        assert "needs:" in lines[target], lines[target]
