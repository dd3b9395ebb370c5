"""Every example of README.md and docs/ runs: recipes are linted, snippets executed.

- YAML: each recipe, made a complete workflow, passes actionlint, and each step's `with:`
  holds only inputs its action declares and every input it requires (this action's
  action.yml; other actions' pinned action.yml in tests/data/actions).
- Shell: each snippet runs as pasted, in bash with `set -euo pipefail`, against the
  emulator, with the variables its text says the reader has. `pip install` is checked,
  not run: a dry run from the clone, offline, without dependencies.
- Python: each snippet runs against real emulators, with `my_tool` (the reader's own
  client in the text) played by a minimal client that seals and writes one secret.

A new example that is none of these, or a shell snippet this file does not know, fails.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from nacl.public import PublicKey, SealedBox

from github_emulator import ADMIN_TOKEN, Emulator
from testkit import ROOT
from testkit.docexamples import Example, examples, input_problems, workflow_text

EXAMPLES = examples()
BIN = Path(sys.executable).parent
VALUE = "a value from the docs example"


def of(language: str) -> list[Example]:
    return [e for e in EXAMPLES if e.language == language]


def ids(example: Example) -> str:
    return example.label


# --- YAML recipes ---------------------------------------------------------------------


def test_the_docs_have_recipes_of_every_shape() -> None:
    texts = [workflow_text(e) for e in of("yaml")]
    assert len(texts) >= 10
    assert any("docs/examples/" in e.source for e in of("yaml"))


@pytest.mark.parametrize("example", of("yaml"), ids=ids)
def test_every_step_uses_only_declared_inputs_and_gives_the_required_ones(
    example: Example,
) -> None:
    assert input_problems(workflow_text(example)) == []


def test_every_recipe_passes_actionlint(tmp_path: Path) -> None:
    files = []
    for example in of("yaml"):
        files.append(tmp_path / f"{example.name}.yml")
        files[-1].write_text(workflow_text(example), encoding="utf-8")
    done = subprocess.run(
        [str(BIN / "actionlint"), *map(str, files)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


APP_TOKEN = "actions/create-github-app-token@1b10c78c7865c340bc4f6099eb2f838309f1e8c3"


@pytest.mark.parametrize(
    ("recipe", "problem"),
    [
        # v1's input for the Codespaces permission, which no release declares.
        (
            f"""- uses: {APP_TOKEN}
  with:
    private-key: k
    permission-organization-codespaces-secrets: write
""",
            "step 1: unknown input permission-organization-codespaces-secrets",
        ),
        (f"- uses: {APP_TOKEN}\n  with:\n    client-id: c\n", "required input private-key missing"),
        ("- uses: ACTION_REPO@v1\n  with:\n    token: t\n", "step 1: required input org missing"),
        ("visibility: selected\nsecret: X\n", "unknown input secret"),
        (
            "- uses: actions/checkout@0123456789012345678901234567890123456789\n",
            "is not a recorded pin",
        ),
        (
            "- id: put\n  uses: ACTION_REPO@v1\n  with:\n    org: o\n"
            "- run: echo ${{ steps.put.outputs.token }}\n",
            "step put declares no output token",
        ),
    ],
)
def test_the_lint_catches_what_a_runner_would_not(recipe: str, problem: str) -> None:
    """The runner only warns about an unknown input and does not enforce `required`."""
    found = input_problems(workflow_text(Example("wrong.md", 1, "yaml", recipe)))
    assert any(problem in p for p in found), found


# --- Shell snippets -------------------------------------------------------------------

# The first line of each shell snippet that is not run, and why.
NOT_RUN = {
    "make demo": "make test runs this file; .ci/run runs make demo as its own step",
    "gh attestation verify": "needs GitHub's attestation API and GHCR",
    "make run-local": "test_cli.py::test_make_run_local_runs_the_action_against_the_emulator "
    "runs it from the repository",
}
PREAMBLE = """\
set -euo pipefail
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
# From a clone of the repository, as the README says: checked without installing.
pip() {
  [ "$1" = install ] || { echo "pip $1: not checked" >&2; return 1; }
  shift
  ( cd "$REPO" && "$PYTHON" -m pip install --dry-run --no-index --no-deps \\
      --no-build-isolation --disable-pip-version-check --quiet "$@" )
}
"""


def run_snippet(
    example: Example, cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    script = PREAMBLE + example.text
    return subprocess.run(
        ["bash", "-c", script],
        cwd=cwd,
        env={
            "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
            "HOME": str(cwd),
            "LANG": "C.UTF-8",
            "REPO": str(ROOT),
            "PYTHON": sys.executable,
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def first_line(example: Example) -> str:
    return example.text.strip().splitlines()[0]


def runnable() -> list[Example]:
    return [e for e in of("sh") if not first_line(e).startswith(tuple(NOT_RUN))]


def containing(text: str) -> Example:
    (found,) = [e for e in runnable() if text in e.text]
    return found


@contextmanager
def readers_world(cwd: Path) -> Iterator[tuple[Emulator, dict[str, str]]]:
    """What the README's reader has: the orgs it names, a dotenv file, a token and a value.

    The token is an owner's, as the text says; the API root and its CA are the emulator's,
    given the way the command line reads them (GITHUB_API_URL, REQUESTS_CA_BUNDLE).
    """
    with Emulator(tls=True) as emu:
        emu.add_org("my-org", repos=["web", "api"])
        emu.add_org("my-other-org", repos=["web"])
        emu.set_secret("my-org", "NPM_OLD", "old")
        (cwd / "prod.env").write_text('NPM_TOKEN="npm value"\nOTHER=x\n')
        yield (
            emu,
            {
                "ORG_ADMIN_TOKEN": ADMIN_TOKEN,
                "VALUE": VALUE,
                "GITHUB_API_URL": emu.url,
                "REQUESTS_CA_BUNDLE": str(emu.ca_file),
            },
        )


def test_only_the_snippets_named_with_a_reason_are_not_run() -> None:
    """Every snippet runs unless NOT_RUN names it (and every entry there still exists)."""
    skipped = [first_line(e) for e in of("sh") if e not in runnable()]
    assert sorted(
        start for start in NOT_RUN if any(s.startswith(start) for s in skipped)
    ) == sorted(NOT_RUN)
    assert len(skipped) == len(NOT_RUN)
    assert len(runnable()) >= 3
    assert {e.language for e in EXAMPLES} <= {"sh", "yaml", "python"}


@pytest.mark.parametrize("example", runnable(), ids=ids)
def test_every_shell_snippet_runs_as_pasted(example: Example, tmp_path: Path) -> None:
    with readers_world(tmp_path) as (_, env):
        done = run_snippet(example, tmp_path, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert VALUE not in done.stdout + done.stderr


def test_the_command_line_snippet_does_what_its_comments_say(tmp_path: Path) -> None:
    with readers_world(tmp_path) as (emu, env):
        done = run_snippet(containing("codespaces-org-secret --org my-org --name"), tmp_path, env)
        assert done.returncode == 0, done.stdout + done.stderr
        stored = emu.secret("my-org", "API_KEY")
        assert stored is not None
        assert stored.value == VALUE
        # The batch was a dry run: nothing written, nothing pruned.
        assert emu.secret("my-org", "NPM_TOKEN") is None
        assert emu.secret("my-org", "NPM_OLD") is not None
    assert "would-delete" in done.stdout
    assert "usage:" in done.stdout
    assert ADMIN_TOKEN not in done.stdout + done.stderr


def test_the_emulator_process_snippet_reaches_the_key(tmp_path: Path) -> None:
    done = run_snippet(containing("python -m github_emulator --tls"), tmp_path, {})
    assert done.returncode == 0, done.stdout + done.stderr
    assert '"key_id"' in done.stdout
    assert (tmp_path / "emulator.json").is_file()


def test_a_snippet_that_fails_fails_the_test(tmp_path: Path) -> None:
    """The harness stops at the first failing command, as `set -e` promises."""
    broken = Example("x.md", 1, "sh", "pip install --no-such-option .\necho reached\n")
    done = run_snippet(broken, tmp_path, {})
    assert done.returncode != 0
    assert "reached" not in done.stdout


# --- Python snippets ------------------------------------------------------------------


def minimal_client(emu: Emulator) -> Callable[..., None]:
    """`my_tool` of the README: GET the key, seal, PUT one secret (NPM_TOKEN) to octo-org."""

    def my_tool(*, api_url: str, token: str, ca_bundle: object = None, **_: Any) -> None:
        verify = str(ca_bundle) if ca_bundle else True
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json"}
        base = f"{api_url.rstrip('/')}/orgs/octo-org/codespaces/secrets"
        key = requests.get(f"{base}/public-key", headers=headers, verify=verify, timeout=10)
        key.raise_for_status()
        sealed = SealedBox(PublicKey(base64.b64decode(key.json()["key"]))).encrypt(
            b"expected value"
        )
        body = {
            "encrypted_value": base64.b64encode(sealed).decode(),
            "key_id": key.json()["key_id"],
            "visibility": "private",
        }
        put = requests.put(
            f"{base}/NPM_TOKEN", json=body, headers=headers, verify=verify, timeout=10
        )
        put.raise_for_status()

    return my_tool


@pytest.mark.parametrize("example", of("python"), ids=ids)
def test_every_python_snippet_runs(example: Example) -> None:
    with Emulator() as emu, Emulator() as other:
        namespace: dict[str, Any] = {
            "emu": emu,
            "other": other,
            "my_tool": minimal_client(emu),
            "Emulator": Emulator,
            "ADMIN_TOKEN": ADMIN_TOKEN,
        }
        exec(compile(example.text, example.label, "exec"), namespace)  # noqa: S102
        tests = [f for name, f in namespace.items() if name.startswith("test_") and callable(f)]
        for test in tests:
            test()
