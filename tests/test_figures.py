"""Every figure the README and the CHANGELOG quote is rendered from docs/figures.json."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from testkit import ROOT

SCRIPT = ROOT / "scripts" / "figures.py"


def test_every_figures_block_says_what_the_table_says() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_the_documents_hold_every_block() -> None:
    readme = (ROOT / "README.md").read_text()
    for name in ("limits", "one-job", "scale", "reliability", "speed", "image", "container"):
        assert f"<!-- figures: {name} -->" in readme
    assert "<!-- figures: one-job-ratio -->" in (ROOT / "CHANGELOG.md").read_text()
    table = json.loads((ROOT / "docs" / "figures.json").read_text())
    assert {"reliability", "scale", "one_job", "speed", "image", "container"} <= set(table)


def test_a_changed_figure_is_caught(tmp_path: Path) -> None:
    """The check compares the text: one figure changed in the table makes it fail."""
    table = json.loads((ROOT / "docs" / "figures.json").read_text())
    table["reliability"]["attacks"] += 1
    changed = tmp_path / "figures.json"
    changed.write_text(json.dumps(table))
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "check", "--table", str(changed)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "README.md: reliability differs" in done.stderr
