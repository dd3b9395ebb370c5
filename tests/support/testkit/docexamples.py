"""The documentation's examples as programs: what README.md and docs/ show, checked as run.

Every fenced block of README.md and docs/*.md, and every docs/examples/*.yml, is an
`Example`. A YAML example — a whole workflow, a job, a list of steps, or the `with:` lines
of this action's step — becomes a complete workflow (`workflow_text`), so linters can read
it, and `input_problems` checks each step's `with:` against the inputs the action
declares: this action's own action.yml, or the pinned copy of another action's in
tests/data/actions (an unknown input, a missing required one, or an output no step
declares is a problem). Shell examples are run by tests/test_docs_examples.py.

    python -m testkit.docexamples DIR    # write each YAML example as DIR/<name>.yml

is what `make lint` runs before zizmor reads DIR.
"""

from __future__ import annotations

import json
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from .runner import ROOT

DATA = ROOT / "tests" / "data"
# What the docs write for this repository's owner/name, and what linters read instead: a
# repository-shaped name pinned by commit, as "Pin by commit SHA" in the README advises.
PLACEHOLDER = re.compile(r"ACTION_REPO@[^\s#]+(?: # \S+)?")
STAND_IN_REPO = "example-owner/codespaces-secrets"
STAND_IN = f"{STAND_IN_REPO}@{'0' * 40} # v1.0.0"
FENCE = re.compile(
    r"^(?P<indent> *)```(?P<lang>[\w-]*)\n(?P<body>.*?)^(?P=indent)```$", re.M | re.S
)
STEP_OUTPUT = re.compile(r"steps\.([\w-]+)\.outputs\.([\w-]+)")
JOB_DEFAULTS = "    runs-on: ubuntu-latest\n    timeout-minutes: 10\n    permissions: {}\n"


@dataclass(frozen=True)
class Example:
    """One example: where it is written, its language and its text (dedented)."""

    source: str
    line: int
    language: str
    text: str

    @property
    def label(self) -> str:
        return f"{self.source}:{self.line}"

    @property
    def name(self) -> str:
        """A file name for it: the source's, made safe, and the line."""
        return re.sub(r"[^\w-]+", "-", self.source).strip("-") + f"-{self.line}"


def documents(root: Path = ROOT) -> list[Path]:
    """Every document whose examples count: README.md, docs/**/*.md, docs/**/*.yml."""
    docs = root / "docs"
    return [root / "README.md", *sorted(docs.rglob("*.md")), *sorted(docs.rglob("*.yml"))]


def examples(root: Path = ROOT, paths: list[Path] | None = None) -> list[Example]:
    """The examples of ``paths`` (default: every document), in order."""
    found = []
    for path in documents(root) if paths is None else paths:
        text = path.read_text(encoding="utf-8")
        source = str(path.relative_to(root))
        if path.suffix in {".yml", ".yaml"}:
            found.append(Example(source, 1, "yaml", text))
            continue
        for match in FENCE.finditer(text):
            line = text.count("\n", 0, match.start()) + 2
            body = textwrap.dedent(match["body"])
            found.append(Example(source, line, match["lang"] or "text", body))
    return found


def _load(text: str) -> Any:
    return YAML(typ="safe").load(text)


def workflow_text(example: Example) -> str:
    """The example as a complete workflow, with ACTION_REPO replaced for linters.

    Written around the example's own text, so its comments (a pin's `# vX.Y.Z`, a linter's
    ignore) stay on their lines.
    """
    text = example.text
    data = _load(text)
    if isinstance(data, dict) and "jobs" in data:
        head = "" if "on" in data else "on: workflow_dispatch\n"
        head += "" if "permissions" in data else "permissions: {}\n"
        head += "" if "name" in data else f"name: {example.name}\n"
        whole = head + text
    elif isinstance(data, list):
        steps = textwrap.indent(text, " " * 6)
        whole = _job("    steps:\n" + steps)
    elif isinstance(data, dict) and "steps" in data:
        whole = _job(textwrap.indent(text, " " * 4))
    elif isinstance(data, dict):
        # The `with:` lines of this action's step: placed in one, beside its required org.
        lines = textwrap.indent(text, " " * 10)
        step = "      - uses: ACTION_REPO@v1\n        with:\n          org: my-org\n" + lines
        whole = _job("    steps:\n" + step)
    else:
        raise ValueError(f"{example.label}: not a workflow, job, steps or inputs")
    return PLACEHOLDER.sub(STAND_IN, whole)


def _job(body: str) -> str:
    return "on: workflow_dispatch\npermissions: {}\njobs:\n  example:\n" + JOB_DEFAULTS + body


def _pinned_metadata(uses: str) -> dict[str, Any] | None:
    """The recorded action.yml of ``owner/repo@sha``, if the record holds that commit."""
    repo, _, sha = uses.partition("@")
    record: dict[str, dict[str, str]] = json.loads((DATA / "action-pins.json").read_text())
    tags = [tag for tag, pinned in record.get(repo, {}).items() if pinned == sha]
    if not tags:
        return None
    data: dict[str, Any] = _load((DATA / "actions" / repo / tags[0] / "action.yml").read_text())
    return data


def metadata(uses: str, root: Path = ROOT) -> dict[str, Any] | None:
    """The action.yml a step's `uses:` runs: this action's own, or a recorded pin's."""
    if uses.startswith((f"{STAND_IN_REPO}@", "./")):
        own: dict[str, Any] = _load((root / "action.yml").read_text(encoding="utf-8"))
        return own
    return _pinned_metadata(uses)


def input_problems(workflow: str, root: Path = ROOT) -> list[str]:
    """Every step's inputs against what its action declares; outputs against its outputs."""
    problems = []
    data = _load(workflow)
    for job_id, job in (data.get("jobs") or {}).items():
        actions: dict[str, dict[str, Any] | None] = {}
        for index, step in enumerate(job.get("steps") or []):
            where = f"job {job_id}, step {step.get('id') or step.get('name') or index + 1}"
            if "uses" not in step:
                actions[str(step.get("id"))] = None  # a run step: its outputs are its own
                continue
            meta = metadata(str(step["uses"]), root)
            if meta is None:
                problems.append(f"{where}: {step['uses']} is not a recorded pin")
                continue
            declared = meta.get("inputs") or {}
            given = step.get("with") or {}
            problems += [f"{where}: unknown input {n}" for n in sorted(set(given) - set(declared))]
            problems += [
                f"{where}: required input {n} missing"
                for n, spec in declared.items()
                if (spec or {}).get("required") is True and "default" not in spec and n not in given
            ]
            if "id" in step:
                actions[str(step["id"])] = meta
        for step_id, output in STEP_OUTPUT.findall(json.dumps(job)):
            if step_id not in actions:
                problems.append(f"job {job_id}: no step {step_id} for steps.{step_id}.outputs")
            elif (meta := actions[step_id]) is not None and output not in (
                meta.get("outputs") or {}
            ):
                problems.append(f"job {job_id}: step {step_id} declares no output {output}")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m testkit.docexamples DIR", file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.yml"):
        old.unlink()
    for example in examples():
        if example.language == "yaml":
            (out / f"{example.name}.yml").write_text(workflow_text(example), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
