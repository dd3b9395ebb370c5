"""action.yml and the code agree: the same inputs, the same outputs, sane defaults."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from codespaces_secrets.inputs import INPUT_NAMES
from github_emulator import Emulator

from conftest import RunAction

ROOT = Path(__file__).resolve().parent.parent


def action_yml() -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe").load((ROOT / "action.yml").read_text())
    return data


def test_inputs_match_the_code() -> None:
    assert tuple(action_yml()["inputs"]) == INPUT_NAMES


def test_every_input_is_documented_and_optional_ones_have_defaults() -> None:
    for name, spec in action_yml()["inputs"].items():
        assert spec["description"].strip(), name
        assert spec.get("required") is True or "default" in spec, name
    inputs = action_yml()["inputs"]
    assert inputs["api-url"]["default"] == "${{ github.api_url }}"
    assert inputs["visibility"]["default"] == ""  # never a default of all


def test_runs_the_dockerfile() -> None:
    runs = action_yml()["runs"]
    assert runs == {"using": "docker", "image": "Dockerfile"}
    assert action_yml()["branding"]


def test_outputs_written_are_the_outputs_declared(
    emulator: Emulator, run_action: RunAction
) -> None:
    declared = set(action_yml()["outputs"])
    run = run_action(emulator, name="A", value="v")
    assert run.exit_code == 0
    assert set(run.outputs) == declared
    assert run.results[0]["name"] == "A"


def readme_table(heading: str) -> list[str]:
    """The first column of the table under ``## heading`` in README.md, in order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [row.split("`")[1] for row in rows]


def test_readme_tables_list_every_input_and_output_in_order() -> None:
    assert tuple(readme_table("Inputs")) == INPUT_NAMES
    assert readme_table("Outputs") == list(action_yml()["outputs"])


def test_the_enterprise_example_is_in_the_readme_and_lints_clean(tmp_path: Path) -> None:
    example = (ROOT / "docs/examples/enterprise-matrix.yml").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## At enterprise scale\n", 1)[1].split("\n## ", 1)[0]
    assert f"```yaml\n{example}```" in section
    workflow = tmp_path / "enterprise.yml"
    # ACTION_REPO stands for this repository's owner/name; actionlint wants that shape.
    workflow.write_text(example.replace("ACTION_REPO@", "owner/codespaces-secrets@"))
    actionlint = Path(sys.executable).parent / "actionlint"
    done = subprocess.run(
        [str(actionlint), str(workflow)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
