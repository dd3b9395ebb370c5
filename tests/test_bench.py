"""`make bench`: its help says what PASS/MISS compare, and its floor does the whole job.

The bench itself takes minutes and is not part of `make test`; these keep its promises
(issue 16: a MISS fails only when asked to) and its baseline honest.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from github_emulator import ADMIN_TOKEN, Emulator
from testkit import ROOT

BENCH = ROOT / "scripts" / "bench"


def test_help_says_what_the_verdicts_compare_and_when_a_miss_fails() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / "bench.py"), "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    text = " ".join(done.stdout.split())
    assert "--strict" in text
    assert "Every PASS/MISS line compares medians of interleaved runs" in text
    assert "action / floor <= 1.15x" in text
    assert "action / JavaScript way <= 1.0x" in text
    assert "0 when every run did its job, whatever the verdicts" in text
    assert "3 on a MISS, only with --strict" in text


def test_floor_writes_every_secret_sealed_with_the_orgs_key() -> None:
    values = {"FLOOR_ONE": "first value", "FLOOR_TWO": "second\nline"}
    with Emulator(tls=True, prefix="/api/v3") as emu:
        env = {
            "GITHUB_TOKEN": ADMIN_TOKEN,
            "GITHUB_API_URL": emu.url,
            "ORG": "octo-org",
            "SECRETS": json.dumps(values),
            "REQUESTS_CA_BUNDLE": str(emu.ca_file),
        }
        done = subprocess.run(
            [sys.executable, "-E", "-s", str(BENCH / "floor.py")],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        for name, value in values.items():
            stored = emu.secret("octo-org", name)
            assert stored is not None
            assert stored.value == value
            assert stored.visibility == "private"
        assert [r.method for r in emu.requests] == ["GET", "PUT", "PUT"]


def test_the_action_is_timed_as_the_image_lays_it_out(tmp_path: Path) -> None:
    """/app as the Dockerfile makes it: the entry point, the package compiled, no CLI."""
    # The bench's own helper, run from its directory as bench.py imports it.
    made = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, benchlib, pathlib; print(benchlib.image_app(pathlib.Path(sys.argv[1])))",
            str(tmp_path / "app"),
        ],
        cwd=BENCH,
        capture_output=True,
        text=True,
        check=True,
    )
    entrypoint = Path(made.stdout.strip())
    package = tmp_path / "app" / "codespaces_secrets"
    assert entrypoint == tmp_path / "app" / "entrypoint.py"
    assert (package / "process.py").is_file()
    assert (package / "__pycache__").is_dir()
    for left_out in ("cli", "__main__.py", "py.typed"):
        assert not (package / left_out).exists(), left_out
    # It runs from there, before any network: no inputs is a clear error.
    done = subprocess.run(
        [sys.executable, "-E", "-s", "-B", str(entrypoint)],
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "::error" in done.stdout


def test_a_ratio_is_printed_so_that_it_agrees_with_its_verdict() -> None:
    made = subprocess.run(
        [
            sys.executable,
            "-c",
            "import benchlib as b; print(b.shown_ratio(1.0012, 1.0), b.shown_ratio(0.98, 1.15),"
            " b.Target('s', 'a / b', 1.1501, 1.15).line())",
        ],
        cwd=BENCH,
        capture_output=True,
        text=True,
        check=True,
    )
    assert made.stdout.split(" ", 2)[:2] == ["1.001", "0.98"]
    assert "MISS  s: a / b = 1.1501x (target <= 1.15x)" in made.stdout
