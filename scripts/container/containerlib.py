"""Shared helpers of container_test.py and e2e.py: podman, the image, runner-style runs.

The paths come from env.sh (sourced by mk/container.mk), so the shell and Python halves
agree on where podman's configuration and storage live.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import json
import os
import shlex
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from ruamel.yaml import YAML

# The runner-file readers are shared with the tests (tests/actionrun.py).
from testkit import parse_output_file

REPO = Path(__file__).resolve().parents[2]
IMAGE = "localhost/codespaces-secrets:test"
# The Dockerfile's image (main's `image: Dockerfile` path), built beside the release image.
DOCKERFILE_IMAGE = "localhost/codespaces-secrets:dockerfile"
IMAGE_PROGRAM = REPO / "scripts" / "release" / "image.py"
RELEASE_OUT = REPO / "build" / "image"
# pip inside a build step reaches PyPI through a proxy whose CA only the host bundle holds
# (docs/containers.md, "The host's CA bundle"). It is mounted for the build, never copied
# into the image.
HOST_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
# Where the runner mounts its folders in a Docker action's container (actions/runner,
# ContainerActionHandler): HOME, the event file, the file commands, the workspace.
RUNNER_MOUNTS = ("home", "workflow", "file_commands", "workspace")


class CheckError(Exception):
    """A container check did not hold; the message says which."""


def check(condition: bool, message: str) -> None:
    """Raise CheckError(message) unless condition holds."""
    if not condition:
        raise CheckError(message)


def log(message: str) -> None:
    """Progress on stderr, so stdout stays for results."""
    print(f"[{Path(sys.argv[0]).stem}] {message}", file=sys.stderr, flush=True)


def required_env(name: str) -> str:
    """A variable env.sh sets; fail loudly when a script is run without it."""
    value = os.environ.get(name)
    if not value:
        raise SystemExit(f"{name} is not set: run through `make container-test` / `make e2e`")
    return value


def run(cmd: Sequence[str]) -> subprocess.CompletedProcess[str]:
    """Run a command, echoing it; raise with its output when it fails."""
    log("$ " + shlex.join(cmd))
    proc = subprocess.run(cmd, text=True, capture_output=True, check=False)
    if proc.returncode != 0:
        tail = (proc.stdout + proc.stderr)[-6000:]
        raise CheckError(f"{shlex.join(cmd)} exited {proc.returncode}\n{tail}")
    return proc


def build_image(*, no_cache: bool, tag: str = IMAGE) -> float:
    """Build the real Dockerfile from the checkout; return the seconds it took."""
    cmd = ["podman", "build", "--pull=never", "--quiet", "--tag", tag]
    cmd += ["--volume", f"{HOST_CA_BUNDLE}:{HOST_CA_BUNDLE}:ro"]
    if no_cache:
        cmd.append("--no-cache")
    cmd += ["--file", str(REPO / "Dockerfile"), str(REPO)]
    start = time.monotonic()
    run(cmd)
    return time.monotonic() - start


def release_image(tag: str = IMAGE, out: Path = RELEASE_OUT) -> dict[str, Any]:
    """Build the release image for this machine (scripts/release/image.py) and load it.

    Returns image.json (digests and sizes). The OCI layout is pulled into podman's store
    as is (`podman pull oci:DIR`) and tagged.
    """
    start = time.monotonic()
    run([sys.executable, str(IMAGE_PROGRAM), "--arch", "native", "--out", str(out)])
    seconds = time.monotonic() - start
    summary: dict[str, Any] = json.loads((out / "image.json").read_text(encoding="utf-8"))
    (arch,) = summary["images"]
    image_id = run(["podman", "pull", "--quiet", f"oci:{out / arch}"]).stdout.strip()
    run(["podman", "tag", image_id, tag])
    summary["build_seconds"] = round(seconds, 2)
    summary["arch"] = arch
    return summary


@dataclass(frozen=True)
class TreeFile:
    """One entry of an image's file tree."""

    kind: str
    mode: int
    link: str
    sha256: str


def image_tree(image: str) -> dict[str, TreeFile]:
    """Every path of image's file system (from `podman export`), with its content digest."""
    container = run(["podman", "create", image]).stdout.strip()
    try:
        proc = subprocess.run(["podman", "export", container], capture_output=True, check=True)
    finally:
        run(["podman", "rm", "--force", container])
    tree: dict[str, TreeFile] = {}
    with tarfile.open(fileobj=io.BytesIO(proc.stdout), mode="r:") as tar:
        for member in tar.getmembers():
            handle = tar.extractfile(member) if member.isfile() else None
            digest = hashlib.sha256(handle.read()).hexdigest() if handle else ""
            kind = "dir" if member.isdir() else "link" if member.issym() else "file"
            name = member.name.removeprefix("./").rstrip("/")
            tree[name] = TreeFile(kind, member.mode & 0o7777, member.linkname, digest)
    return tree


def prune_dangling() -> None:
    """Drop untagged images that rebuilds left in the cache's storage (it is ours alone)."""
    subprocess.run(["podman", "image", "prune", "--force"], capture_output=True, check=False)


def image_size(image: str) -> int:
    """The image's size in bytes, as podman counts it (all layers)."""
    return int(run(["podman", "image", "inspect", "--format", "{{.Size}}", image]).stdout)


def action_inputs() -> dict[str, str | None]:
    """The inputs action.yml declares, each with its default (None when it has none)."""
    meta = YAML(typ="safe").load((REPO / "action.yml").read_text(encoding="utf-8"))
    inputs = meta.get("inputs") or {}
    return {
        name: None if spec.get("default") is None else str(spec["default"])
        for name, spec in inputs.items()
    }


def input_env(given: Mapping[str, str]) -> dict[str, str]:
    """INPUT_* variables the way the runner makes them from a step's `with:`.

    Every declared input is set: the given value, else its default (the runner does not
    enforce `required`). Names are upper-cased with spaces to `_`, hyphens kept.
    """
    declared = action_inputs()
    unknown = sorted(set(given) - set(declared))
    check(not unknown, f"inputs not declared in action.yml: {unknown}")
    env: dict[str, str] = {}
    for name, default in declared.items():
        value = given.get(name, default if default is not None else "")
        check("${{" not in value, f"input {name}: default {value!r} needs an expression")
        env["INPUT_" + name.replace(" ", "_").upper()] = value
    return env


@dataclass(frozen=True)
class RunnerRun:
    """What one runner-style `docker run` of the action left behind."""

    returncode: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str
    seconds: float
    output_text: str


def _runner_env(base: str, suffix: str, inputs: Mapping[str, str]) -> dict[str, str]:
    """The runner's environment for a Docker action, its folders under ``base``."""
    files = f"{base}/file_commands"
    return {
        "HOME": f"{base}/home",
        "GITHUB_ACTIONS": "true",
        "CI": "true",
        "GITHUB_WORKSPACE": f"{base}/workspace",
        "GITHUB_EVENT_PATH": f"{base}/workflow/event.json",
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_REPOSITORY": "octo-org/infra",
        "GITHUB_API_URL": "https://api.github.com",
        "GITHUB_OUTPUT": f"{files}/set_output_{suffix}",
        "GITHUB_STEP_SUMMARY": f"{files}/step_summary_{suffix}",
        "GITHUB_ENV": f"{files}/set_env_{suffix}",
        "GITHUB_PATH": f"{files}/add_path_{suffix}",
        "GITHUB_STATE": f"{files}/save_state_{suffix}",
        "RUNNER_OS": "Linux",
        "RUNNER_TEMP": "/home/runner/work/_temp",
        **input_env(inputs),
    }


def _runner_folders(root: Path, workspace_files: Mapping[str, bytes] | None) -> str:
    """Make the four runner folders and the file-command files; return the files' suffix."""
    for name in RUNNER_MOUNTS:
        (root / name).mkdir()
    suffix = str(uuid.uuid4())
    for name in ("set_output", "step_summary", "set_env", "add_path", "save_state"):
        (root / "file_commands" / f"{name}_{suffix}").touch()
    (root / "workflow" / "event.json").write_text("{}", encoding="utf-8")
    for rel, content in (workspace_files or {}).items():
        (root / "workspace" / rel).write_bytes(content)
    return suffix


def _finish(
    root: Path, suffix: str, proc: subprocess.CompletedProcess[str], seconds: float
) -> RunnerRun:
    output_text = (root / "file_commands" / f"set_output_{suffix}").read_text(encoding="utf-8")
    summary = root / "file_commands" / f"step_summary_{suffix}"
    return RunnerRun(
        returncode=proc.returncode,
        stdout=proc.stdout,
        stderr=proc.stderr,
        outputs=parse_output_file(output_text),
        summary=summary.read_text(encoding="utf-8"),
        seconds=seconds,
        output_text=output_text,
    )


def run_like_runner(
    image: str,
    inputs: Mapping[str, str],
    *,
    extra_env: Mapping[str, str] | None = None,
    workspace_files: Mapping[str, bytes] | None = None,
    keep_container: str | None = None,
    mounts: Mapping[str, str] | None = None,
    command: Sequence[str] | None = None,
) -> RunnerRun:
    """Run the action's image the way the Actions runner runs a Docker action.

    `docker run --workdir /github/workspace --rm -e NAME ...`: env passed by name, the
    four runner folders mounted, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files under
    /github/file_commands. `--network host` stands in for the runner's network so the
    container reaches the emulator on 127.0.0.1. With keep_container, the container is
    named and kept (no --rm) so a caller can `podman diff` it. mounts adds read-only
    files (host path: container path); command replaces the image's ENTRYPOINT (its
    first item) and arguments.
    """
    with tempfile.TemporaryDirectory(prefix="cs-runner-") as tmp:
        root = Path(tmp)
        suffix = _runner_folders(root, workspace_files)
        env = {**_runner_env("/github", suffix, inputs), **(extra_env or {})}
        cmd = ["podman", "run"]
        if keep_container:
            cmd += ["--name", keep_container]
        else:
            cmd.append("--rm")
        cmd += ["--workdir", "/github/workspace", "--network", "host"]
        for name in env:
            cmd += ["-e", name]  # by name: the value comes from podman's environment
        for name in RUNNER_MOUNTS:
            cmd += ["-v", f"{root / name}:/github/{name}"]
        for host, inside in (mounts or {}).items():
            cmd += ["-v", f"{host}:{inside}:ro"]
        if command:
            cmd += ["--entrypoint", command[0], image, *command[1:]]
        else:
            cmd.append(image)
        log("$ " + shlex.join(cmd))
        start = time.monotonic()
        proc = subprocess.run(
            cmd, env={**os.environ, **env}, text=True, capture_output=True, check=False
        )
        seconds = time.monotonic() - start
        return _finish(root, suffix, proc, seconds)


def run_outside(
    argv: Sequence[str],
    inputs: Mapping[str, str],
    *,
    extra_env: Mapping[str, str] | None = None,
    workspace_files: Mapping[str, bytes] | None = None,
) -> RunnerRun:
    """Run ``argv`` on the host with what run_like_runner gives the container.

    The same runner environment and files, in host folders instead of /github, the
    workspace as working directory, and nothing else of this process's environment but
    PATH: the container's own cost is then the difference between the two runs.
    """
    with tempfile.TemporaryDirectory(prefix="cs-outside-") as tmp:
        root = Path(tmp)
        suffix = _runner_folders(root, workspace_files)
        env = {
            "PATH": os.environ.get("PATH", ""),
            **_runner_env(str(root), suffix, inputs),
            **(extra_env or {}),
        }
        start = time.monotonic()
        proc = subprocess.run(
            list(argv),
            env=env,
            cwd=root / "workspace",
            text=True,
            capture_output=True,
            check=False,
        )
        seconds = time.monotonic() - start
        return _finish(root, suffix, proc, seconds)


# A secret's line shorter than this would match ordinary output ("x" in any word): a
# check built on it proves nothing, so leaks() refuses it instead of reporting noise.
SHORTEST_NEEDLE = 6


def leaks(text: str, secrets: Sequence[str]) -> list[str]:
    """Lines of text that show any line of a secret, other than `::add-mask::` lines."""
    needles = [part for secret in secrets for part in secret.splitlines() if part.strip()]
    short = [len(n) for n in needles if len(n.strip()) < SHORTEST_NEEDLE]
    check(not short, f"a test secret has a line of {short} character(s): too short to check")
    return [
        line
        for line in text.splitlines()
        if not line.startswith("::add-mask::") and any(n in line for n in needles)
    ]


class UnixHTTP(http.client.HTTPConnection):
    """HTTP on a unix socket (a container engine's API, or release-test's proxy in front)."""

    def __init__(self, path: Path, timeout: float | None) -> None:
        """A connection to the socket at path, each operation within timeout seconds (None:
        no bound)."""
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self) -> None:
        """Connect to the unix socket."""
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.settimeout(self.timeout)
        self.sock.connect(str(self.socket_path))


def unix_request(
    path: Path,
    method: str,
    target: str,
    body: Any = None,
    headers: Mapping[str, str] | None = None,
    timeout: float | None = 120.0,
) -> tuple[int, bytes]:
    """One request on its own connection to the unix socket at path: status and body."""
    conn = UnixHTTP(path, timeout)
    try:
        conn.request(method, target, body=body, headers=dict(headers or {}))
        answer = conn.getresponse()
        return answer.status, answer.read()
    finally:
        conn.close()


class Service:
    """A helper process of a container test (a podman API socket, a registry): started
    with its output in a log file, waited for until ``ready()``, stopped by its PID."""

    name = "service"

    def __init__(self, log_path: Path) -> None:
        """Where the process's output goes."""
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None

    def command(self) -> tuple[list[str], dict[str, str] | None]:
        """The command line, and its environment (None: this process's)."""
        raise NotImplementedError

    def ready(self) -> bool:
        """Whether the process accepts work yet."""
        raise NotImplementedError

    def start(self, timeout: float = 30.0) -> None:
        """Start the process and wait until it is ready (or fail with its log)."""
        argv, env = self.command()
        with self.log_path.open("wb") as log_file:
            self.proc = subprocess.Popen(argv, env=env, stdout=log_file, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while not self.ready():
            check(self.proc.poll() is None, f"{self.name} exited: " + self.tail())
            check(time.monotonic() < deadline, f"{self.name} was not ready in {timeout:.0f} s")
            time.sleep(0.1)
        log(f"{self.name} (pid {self.proc.pid}) is ready")

    def __enter__(self) -> Self:
        """Start the process and wait until it is ready."""
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop the process this object started."""
        self.stop()

    def stop(self) -> None:
        """Stop the process this object started."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def tail(self) -> str:
        """The end of the process's log."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
