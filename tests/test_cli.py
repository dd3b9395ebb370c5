"""The command-line tool runs the same core outside Actions."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from github_emulator import ADMIN_TOKEN, Emulator

CANARY = "CANARY-cli-value\nsecond line\n"


def cli(
    emu: Emulator | None,
    *args: str,
    command: str | None = None,
    stdin: str | int = "",
    token: str = ADMIN_TOKEN,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """The command line in a process; ``command`` (delete, list) comes before the flags.

    ``stdin``: text to pipe, or a file descriptor to give as standard input.
    """
    full_env = {"PATH": os.environ["PATH"], "GH_TOKEN": token, **(env or {})}
    named = [command] if command else []
    api = ["--api-url", emu.url] if emu else []
    return subprocess.run(
        [sys.executable, "-m", "codespaces_secrets", *named, *api, *args],
        input=stdin if isinstance(stdin, str) else None,
        stdin=stdin if isinstance(stdin, int) else None,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=cwd,
    )


def test_value_from_standard_input_verbatim(emulator: Emulator) -> None:
    done = cli(emulator, "--org", "octo-org", "--name", "from_stdin", stdin=CANARY)
    assert done.returncode == 0, done.stderr
    stored = emulator.secret("octo-org", "FROM_STDIN")
    assert stored is not None
    assert stored.value == CANARY
    assert done.stdout == (
        "org\tapp\tname\tstatus\tvisibility\trepositories\terror\n"
        "octo-org\tcodespaces\tFROM_STDIN\tcreated\tprivate\t-\t-\n"
    )
    for line in CANARY.splitlines():
        assert line not in done.stdout + done.stderr


def test_batch_file_into_two_orgs_as_json(emulator: Emulator, tmp_path: Path) -> None:
    env_file = tmp_path / "secrets.env"
    env_file.write_text("A=1\nB='two words'\n")
    done = cli(
        emulator,
        "--org",
        "octo-org",
        "--org",
        "octo-labs",
        "--secrets-file",
        str(env_file),
        "--repository",
        "web",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["errors"] == []
    assert document["status"] == "created"
    results = document["results"]
    assert {(r["org"], r["name"], r["status"], r["visibility"]) for r in results} == {
        (org, name, "created", "selected")
        for org in ("octo-org", "octo-labs")
        for name in ("A", "B")
    }
    stored = emulator.secret("octo-labs", "B")
    assert stored is not None
    assert stored.value == "two words"


def test_errors_name_the_flags_and_nothing_is_sent(emulator: Emulator) -> None:
    done = cli(
        emulator,
        "--org",
        "octo-org",
        "--name",
        "9bad",
        "--visibility",
        "private",
        "--repository",
        "web",
        stdin="v",
        token="",
    )
    assert done.returncode == 1
    assert "error: GH_TOKEN: is required: set GH_TOKEN or GITHUB_TOKEN to a token" in done.stderr
    assert "error: --name: '9bad' is not a valid secret name" in done.stderr
    assert "error: --repository: only applies" in done.stderr
    assert "Traceback" not in done.stderr
    assert emulator.requests == []


def test_dry_run(emulator: Emulator) -> None:
    done = cli(emulator, "--org", "octo-org", "--name", "X", "--dry-run", stdin="v")
    assert done.returncode == 0, done.stderr
    assert "would-create" in done.stdout
    assert emulator.secret("octo-org", "X") is None


def test_unreadable_file_is_a_clear_error(emulator: Emulator, tmp_path: Path) -> None:
    done = cli(emulator, "--org", "octo-org", "--secrets-file", str(tmp_path / "missing"))
    assert done.returncode == 1
    assert "error: --secrets-file: cannot read '" in done.stderr
    assert "': No such file or directory." in done.stderr
    assert done.stderr.endswith("Nothing was written.\n")
    assert "Traceback" not in done.stderr


def test_an_empty_secrets_file_is_named(emulator: Emulator, tmp_path: Path) -> None:
    (tmp_path / "prod.env").write_text("\n")
    done = cli(emulator, "--org", "octo-org", "--secrets-file", "prod.env", cwd=tmp_path)
    assert done.returncode == 1
    assert "error: --secrets-file: 'prod.env' is empty." in done.stderr
    assert "Nothing was written." in done.stderr
    assert emulator.requests == []


def test_delete_command(emulator: Emulator) -> None:
    emulator.set_secret("octo-org", "OLD", "v")
    done = cli(emulator, "--org", "octo-org", "old", "missing", command="delete")
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "org\tapp\tname\tstatus\tvisibility\trepositories\terror\n"
        "octo-org\tcodespaces\tOLD\tdeleted\t-\t-\t-\n"
        "octo-org\tcodespaces\tMISSING\tabsent\t-\t-\t-\n"
    )
    assert emulator.secret("octo-org", "OLD") is None


def test_list_command_never_shows_values(emulator: Emulator) -> None:
    web = emulator.repo_id("octo-org", "web")
    emulator.set_secret("octo-org", "A", CANARY, visibility="selected", repository_ids=[web])
    emulator.set_secret("octo-org", "B", CANARY, visibility="all")
    done = cli(emulator, "--org", "octo-org", "--json", command="list")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["errors"] == []
    assert document["interrupted"] is False
    rows = document["secrets"]
    assert [(r["name"], r["visibility"], r["repositories"]) for r in rows] == [
        ("A", "selected", 1),
        ("B", "all", None),
    ]
    assert all(r["app"] == "codespaces" and r["updated_at"] for r in rows)
    assert "CANARY" not in done.stdout + done.stderr


def test_a_trailing_newline_is_kept_and_noted(emulator: Emulator) -> None:
    done = cli(emulator, "--org", "octo-org", "--name", "NL", stdin="value\n")
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("warning: the value ends with a newline, which is kept") == 1
    stored = emulator.secret("octo-org", "NL")
    assert stored is not None
    assert stored.value == "value\n"


def test_errors_speak_in_flags_not_action_inputs(emulator: Emulator) -> None:
    done = cli(emulator, "--org", "no-such-org", "--name", "A", stdin="v")
    assert done.returncode == 1
    assert "Check --org, the plan" in done.stderr
    assert "org input" not in done.stderr
    assert "re-run the job" not in done.stderr.lower()
