"""The command-line tool runs the same core outside Actions."""

from __future__ import annotations

import contextlib
import io
import json
import os
import pty
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from codespaces_secrets.cli import main
from codespaces_secrets.cli.local import DEFAULTS
from github_emulator import ADMIN_TOKEN, ALL_STORES_TOKEN, Emulator

ROOT = Path(__file__).resolve().parents[1]

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


# -- output for scripts ---------------------------------------------------------------------

RESULT_HEADER = "org\tapp\tname\tstatus\tvisibility\trepositories\terror"
LIST_HEADER = "org\tapp\tname\tvisibility\trepositories\tupdated_at"


def test_one_tsv_shape_for_every_store(emulator: Emulator) -> None:
    web = emulator.repo_id("octo-org", "web")
    done = cli(
        emulator,
        "--org",
        "octo-org",
        "--app",
        "codespaces",
        "--app",
        "actions",
        "--name",
        "A",
        "--repository",
        "web",
        stdin="v",
        token=ALL_STORES_TOKEN,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == RESULT_HEADER
    assert lines[1:] == [
        f"octo-org\t{app}\tA\tcreated\tselected\tocto-org/web\t-"
        for app in ("codespaces", "actions")
    ]
    assert all(line.count("\t") == 6 for line in lines)
    listed = cli(
        emulator, "--org", "octo-org", "--app", "actions", "--app", "codespaces", command="list"
    )
    rows = [line.split("\t") for line in listed.stdout.splitlines()]
    assert "\t".join(rows[0]) == LIST_HEADER
    assert [row[:5] for row in rows[1:]] == [
        ["octo-org", "actions", "A", "selected", "1"],
        ["octo-org", "codespaces", "A", "selected", "1"],
    ]
    assert web
    bare = cli(emulator, "--org", "octo-org", "--no-header", command="list")
    assert bare.stdout.splitlines()[0].startswith("octo-org\tcodespaces\tA\tselected\t1\t")


def test_list_json_is_complete_when_a_store_fails(emulator: Emulator) -> None:
    emulator.set_secret("octo-org", "A", "v")
    done = cli(emulator, "--org", "octo-org", "--org", "free-org", "--json", command="list")
    assert done.returncode == 1
    document = json.loads(done.stdout)
    assert [row["name"] for row in document["secrets"]] == ["A"]
    assert len(document["errors"]) == 1
    assert "free-org" in document["errors"][0]


def test_set_json_is_complete_on_failures_and_input_errors(emulator: Emulator) -> None:
    done = cli(
        emulator, "--org", "octo-org", "--org", "free-org", "--name", "A", "--json", stdin="v"
    )
    assert done.returncode == 1
    document = json.loads(done.stdout)
    assert {(r["org"], r["status"]) for r in document["results"]} == {
        ("octo-org", "created"),
        ("free-org", "failed"),
    }
    assert document["status"] == "mixed"
    assert document["errors"]
    bad = cli(emulator, "--org", "octo-org", "--name", "9x", "--json", stdin="v")
    assert bad.returncode == 1
    assert json.loads(bad.stdout) == {
        "status": "failed",
        "dry_run": False,
        "interrupted": False,
        "results": [],
        "errors": [json.loads(bad.stdout)["errors"][0]],
    }
    assert json.loads(bad.stdout)["errors"][0].startswith("--name: '9x' is not a valid")
    usage = cli(emulator, "--org", "octo-org", "--bogus", "--json")
    assert usage.returncode == 2
    assert json.loads(usage.stdout)["errors"] == [
        "unknown flag --bogus. See --help for this command's flags."
    ]


# -- --ca, name resolution, version, flags ----------------------------------------------------


def test_ca_flag_trusts_the_https_emulator() -> None:
    with Emulator(tls=True) as emu:
        assert emu.ca_file is not None
        trusted = cli(emu, "--org", "octo-org", "--ca", emu.ca_file, command="list")
        assert trusted.returncode == 0, trusted.stderr
        assert trusted.stdout == LIST_HEADER + "\n"
        untrusted = cli(emu, "--org", "octo-org", command="list")
        assert untrusted.returncode == 1
        assert "certificate" in untrusted.stderr.lower()
        missing = cli(emu, "--org", "octo-org", "--ca", "/nonexistent/ca.pem", command="list")
        assert missing.returncode == 1
        assert "error: --ca: '/nonexistent/ca.pem' is not a readable file" in missing.stderr


def test_an_unresolvable_api_host_fails_at_once() -> None:
    started = time.monotonic()
    done = cli(
        None, "--org", "octo-org", "--api-url", "https://api.example.invalid", command="list"
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 1
    assert "error: cannot resolve api.example.invalid" in done.stderr
    assert "pass --api-url" in done.stderr
    assert elapsed < 10


def test_name_resolution_is_checked_once_before_any_request() -> None:
    looked_up: list[tuple[str, int]] = []

    def no_dns(host: str, port: int) -> object:
        looked_up.append((host, port))
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(
            ["list", "--org", "octo-org"],
            environ={"GH_TOKEN": "ghp_x"},
            resolve=no_dns,
        )
    assert code == 1
    assert looked_up == [("api.github.com", 443)]
    assert "cannot resolve api.github.com (Temporary failure in name resolution)" in err.getvalue()


def test_version_follows_the_release_scheme() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "codespaces_secrets", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    name, version = done.stdout.split()
    assert name == "codespaces-org-secret"
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    majors = set(re.findall(r"ACTION_REPO@v(\d+)", readme))
    assert majors == {version.split(".")[0]}  # @v1 in the README: a 1.x.y release
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'\nversion = "{version}"\n' in pyproject


def test_each_command_offers_its_own_flags_only(emulator: Emulator) -> None:
    help_text = cli(None, "--help", command="list").stdout
    for flag in ("--org", "--app", "--ca", "--json", "--no-header"):
        assert flag in help_text
    for flag in ("--run-time-limit", "--dry-run", "--name", "--prune"):
        assert flag not in help_text
    done = cli(emulator, "--org", "octo-org", "--run-time-limit", "5", command="list")
    assert done.returncode == 2
    assert "unknown flag --run-time-limit." in done.stderr
    assert emulator.requests == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--value=CANARY-typed"], "error: --value is not a flag: the value is never taken"),
        (["--value", "CANARY-typed"], "error: --value is not a flag"),
        (
            ["--value-fil=CANARY-typed"],
            "error: unknown flag --value-fil. Did you mean --value-file?",
        ),
        (["--dry=CANARY-typed"], "error: unknown flag --dry. Did you mean --dry-run?"),
        (["--json=CANARY-typed"], "error: argument --json: ignored explicit argument (not shown)."),
        (["CANARY-typed"], "error: an unexpected argument (not shown)."),
        (["--CANARY-typed\u202e=x"], "error: an unknown flag (not shown)."),
        (["--visibilty", "all"], "error: unknown flag --visibilty. Did you mean --visibility?"),
    ],
)
def test_no_abbreviations_and_nothing_echoed(
    emulator: Emulator, args: list[str], expected: str
) -> None:
    done = cli(emulator, "--org", "octo-org", "--name", "A", *args, stdin="v")
    assert done.returncode == 2
    assert expected in done.stderr
    assert "CANARY" not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert emulator.requests == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--org", "octo-org", "A", "!remove"], "error: unknown command; did you mean 'delete'?"),
        (["--org", "octo-org", "!ls"], "error: unknown command; did you mean 'list'?"),
        (["--org", "octo-org", "--name", "A", "--visibility", "public"], "Did you mean 'all'?"),
        (["--org", "octo-org", "--name", "A", "--app", "codespace"], "Did you mean 'codespaces'?"),
        (["--org", "@octo-org", "--name", "A"], "Did you mean octo-org?"),
        (["--org", "octo-org/", "--name", "A"], "Did you mean octo-org?"),
    ],
)
def test_near_misses_get_suggestions(emulator: Emulator, args: list[str], expected: str) -> None:
    command = next((a[1:] for a in args if a.startswith("!")), None)
    args = [a for a in args if not a.startswith("!")]
    done = cli(emulator, *args, stdin="v", command=command)
    assert done.returncode in (1, 2)
    assert expected in done.stderr
    assert emulator.requests == []


# -- files and standard input: bounded, typed, never hanging ------------------------------------


def test_special_files_are_refused(emulator: Emulator, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    cases = {
        "/dev/zero": "'/dev/zero' is a device or special file, not a regular file or a pipe",
        str(tmp_path): "is a directory, not a regular file or a pipe",
        str(fifo): "is empty.",  # a FIFO no one writes to: read at once, never waited on
    }
    for path, expected in cases.items():
        done = cli(emulator, "--org", "octo-org", "--secrets-file", path)
        assert done.returncode == 1, path
        assert expected in done.stderr, done.stderr
    tokens = cli(emulator, "--org", "octo-org", "--tokens-file", "/dev/urandom", command="list")
    assert "is a device or special file" in tokens.stderr
    assert "Traceback" not in tokens.stderr
    assert emulator.requests == []


def test_files_and_standard_input_are_bounded(emulator: Emulator, tmp_path: Path) -> None:
    big = tmp_path / "big.env"
    big.write_bytes(b"A=" + b"x" * (4 * 1024 * 1024))
    done = cli(emulator, "--org", "octo-org", "--secrets-file", str(big))
    assert "is more than 4194304 bytes" in done.stderr
    done = cli(emulator, "--org", "octo-org", "--name", "A", stdin="x" * (48 * 1024 + 1))
    assert done.returncode == 1
    assert "standard input is more than 49152 bytes, GitHub's limit for a value" in done.stderr
    with open("/dev/zero", "rb") as zero:
        done = cli(emulator, "--org", "octo-org", "--name", "A", stdin=zero.fileno())
    assert done.returncode == 1
    assert "standard input is a device or special file" in done.stderr
    # procfs says size 0 whatever a file holds: the bounded read is what holds.
    done = cli(emulator, "--org", "octo-org", "--tokens-file", "/proc/self/status", command="list")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert emulator.requests == []


def test_a_pipe_is_a_secrets_file(emulator: Emulator) -> None:
    done = subprocess.run(
        [
            "bash",
            "-c",
            'exec "$0" -m codespaces_secrets --api-url "$1" --org octo-org '
            "--secrets-file <(printf 'A=1\\nB=2\\n')",
            sys.executable,
            emulator.url,
        ],
        env={"PATH": os.environ["PATH"], "GH_TOKEN": ADMIN_TOKEN},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert [s.name for s in emulator.secrets("octo-org")] == ["A", "B"]


# -- signals and the prompt ---------------------------------------------------------------------


def prompt(emu: Emulator, keys: bytes) -> tuple[int, str]:
    """Type ``keys`` at the value prompt of a CLI on a terminal; its exit code and screen."""
    argv = [
        sys.executable,
        "-m",
        "codespaces_secrets",
        "--api-url",
        emu.url,
        "--org",
        "octo-org",
        "--name",
        "A",
    ]
    env = {"PATH": os.environ["PATH"], "GH_TOKEN": ADMIN_TOKEN}
    pid, fd = pty.fork()
    if pid == 0:  # the child: the terminal is its controlling terminal
        os.execve(sys.executable, argv, env)  # noqa: S606 - this interpreter, fixed argv
    screen = b""
    while b"Value (not shown): " not in screen:
        screen += os.read(fd, 1024)
    os.write(fd, keys)
    while True:
        try:
            chunk = os.read(fd, 1024)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        screen += chunk
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), screen.decode(errors="replace")


@pytest.mark.parametrize(
    ("keys", "code", "line"),
    [
        (b"\x03", 130, "interrupted (SIGINT) before anything was written."),
        (b"\x04", 1, "no value was typed (end of input); nothing was written."),
    ],
)
def test_the_prompt_ends_on_ctrl_c_and_ctrl_d_with_one_line(
    emulator: Emulator, keys: bytes, code: int, line: str
) -> None:
    exit_code, screen = prompt(emulator, keys)
    assert exit_code == code
    assert line in screen
    assert "Traceback" not in screen
    assert emulator.requests == []


def test_list_stops_cleanly_on_sigint(emulator: Emulator) -> None:
    emulator.latency = 0.5
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "codespaces_secrets",
            "list",
            "--api-url",
            emulator.url,
            "--org",
            "octo-org",
            "--org",
            "octo-labs",
            "--json",
        ],
        env={"PATH": os.environ["PATH"], "GH_TOKEN": ADMIN_TOKEN},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while not emulator.requests and time.monotonic() < deadline:
        time.sleep(0.05)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=30)
    assert child.returncode == 130
    assert "interrupted (SIGINT)" in err
    assert "Traceback" not in err
    assert json.loads(out) == {"interrupted": True, "secrets": [], "errors": []}


# -- running the action as the runner does ------------------------------------------------------


def test_the_action_command_runs_the_action_as_the_runner_does(
    emulator: Emulator, tmp_path: Path
) -> None:
    (tmp_path / "key.pem").write_text("CANARY-from-a-file\n")
    inputs = tmp_path / "inputs.env"
    inputs.write_text(f"org=octo-org\napi-url={emulator.url}\n")
    done = cli(
        None,
        "--inputs-file",
        str(inputs),
        "--input",
        "name=signing_key",
        "--input",
        "value-file=key.pem",  # a hyphenated input: INPUT_VALUE-FILE
        "--workspace",
        str(tmp_path),
        command="action",
        env={"INPUT_DRY-RUN": "true"},  # the shell's INPUT_* never reach the run
    )
    assert done.returncode == 0, done.stdout + done.stderr
    stored = emulator.secret("octo-org", "SIGNING_KEY")
    assert stored is not None
    assert stored.value == "CANARY-from-a-file\n"
    assert "--- GITHUB_OUTPUT (" in done.stdout
    assert "status<<" in done.stdout or "status=created" in done.stdout
    assert "--- GITHUB_STEP_SUMMARY (" in done.stdout
    assert "--- exit status 0 ---" in done.stdout
    assert "::warning::the value ends with a newline" in done.stdout
    assert "::add-mask::***" in done.stdout  # hidden and applied, as the runner does
    assert "CANARY" not in done.stdout + done.stderr


def test_the_action_command_refuses_unknown_inputs(emulator: Emulator) -> None:
    done = cli(None, "--input", "visibilty=all", command="action")
    assert done.returncode == 2
    assert (
        "error: visibilty is not an input of the action. Did you mean 'visibility'?" in done.stderr
    )


def test_make_run_local_runs_the_action_against_the_emulator(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs.json"
    inputs.write_text(
        json.dumps(
            {"org": "octo-org, octo-labs", "secrets": "A=1\nB='CANARY-two'", "dry-run": "false"}
        )
    )
    done = subprocess.run(
        # The run's workspace (where results-file goes) is the test's, not the checkout.
        [
            "make",
            "--no-print-directory",
            "run-local",
            f"INPUTS={inputs}",
            f"ARGS=--workspace {tmp_path}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "--- exit status 0 ---" in done.stdout
    assert "octo-org codespaces: A (private), B (private)" in done.stdout
    assert "octo-labs codespaces: A (private), B (private)" in done.stdout
    assert "CANARY" not in done.stdout + done.stderr
    assert list((tmp_path / ".org-secrets").glob("results-*.json"))


def test_the_action_defaults_are_action_yml_s() -> None:
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    declared = dict(
        re.findall(r"\n  ([a-z-]+):\n(?:    .*\n|      .*\n)*?    default: \"?([^\"\n]*)", text)
    )
    expected = {
        name: default for name, default in declared.items() if default and "${{" not in default
    }
    assert expected == DEFAULTS
