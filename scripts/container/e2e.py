"""Run a real workflow file with act, through podman's Docker-compatible socket.

A temporary git repository holds a copy of the action and scripts/container/e2e-workflow.yml.
act builds the action's Dockerfile through the podman socket and runs each `uses: ./`
step in a container, against the emulator listening on the host over HTTPS. Checks: the
job succeeds, every step's own checks ran, act's log never shows a secret value, and the
emulator holds exactly the values that were sent.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from containerlib import (
    HOST_CA_BUNDLE,
    REPO,
    CheckError,
    Service,
    check,
    log,
    prune_dangling,
    required_env,
    run,
)

from github_emulator import Emulator, StoredSecret

ORG = "octo-org"
WORKFLOW = REPO / "scripts" / "container" / "e2e-workflow.yml"
# What the action needs, as the runner would find it in the repository.
ACTION_FILES = ("action.yml", "Dockerfile", ".dockerignore", "requirements.txt", "entrypoint.py")
FIGURES = REPO / "build" / "e2e-figures.json"
ACT_LOG = REPO / "build" / "e2e-act.log"
ACT_TIMEOUT = 600


def make_repo(root: Path, ca: bytes, file_value: str) -> None:
    """A git repository with the action, the workflow, the emulator's CA and a value file."""
    for name in ACTION_FILES:
        shutil.copy2(REPO / name, root / name)
    # The Dockerfile's build stage runs the release image's assembler (scripts/release).
    release = root / "scripts" / "release"
    release.mkdir(parents=True)
    for path in sorted((REPO / "scripts" / "release").glob("*")):
        if path.is_file() and path.suffix in (".py", ".lock"):
            shutil.copy2(path, release / path.name)
    shutil.copytree(
        REPO / "src" / "codespaces_secrets",
        root / "src" / "codespaces_secrets",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    (root / ".github" / "workflows").mkdir(parents=True)
    shutil.copy2(WORKFLOW, root / ".github" / "workflows" / "e2e.yml")
    (root / ".emulator-ca.pem").write_bytes(ca)
    (root / "e2e-value.txt").write_text(file_value, encoding="utf-8")
    git = ["git", "-C", str(root), "-c", "user.name=e2e", "-c", "user.email=e2e@localhost"]
    run([*git, "init", "--quiet", "--initial-branch=main"])
    run([*git, "add", "--all"])
    run([*git, "commit", "--quiet", "--message", "e2e"])


def e2e_containers_conf(directory: Path) -> Path:
    """podman's configuration plus the host CA bundle, for act's builds through the socket.

    A build over the Docker API cannot take `--volume`, so the bundle pip needs (see
    docs/containers.md, "The host's CA bundle") is mounted through containers.conf. It is
    mounted, not copied: the image never holds it.
    """
    base = Path(required_env("CONTAINERS_CONF")).read_text(encoding="utf-8")
    mount = f'volumes = ["{HOST_CA_BUNDLE}:{HOST_CA_BUNDLE}:ro"]'
    check("[containers]" in base, "containers.conf has no [containers] table")
    conf = directory / "containers-e2e.conf"
    conf.write_text(base.replace("[containers]", f"[containers]\n{mount}", 1), encoding="utf-8")
    return conf


class PodmanService(Service):
    """`podman system service` on a private socket, stopped (by its PID) on exit."""

    name = "podman service"

    def __init__(self, directory: Path) -> None:
        """Prepare the socket path and configuration in directory."""
        super().__init__(directory / "podman-service.log")
        self.socket = directory / "podman.sock"
        self.conf = e2e_containers_conf(directory)

    def command(self) -> tuple[list[str], dict[str, str] | None]:
        """The API service on a unix socket, with the e2e containers.conf."""
        argv = ["podman", "system", "service", "--time=0", f"unix://{self.socket}"]
        return argv, {**os.environ, "CONTAINERS_CONF": str(self.conf)}

    def ready(self) -> bool:
        """The socket exists once the service accepts connections."""
        return self.socket.exists()


def find_act() -> str:
    """The act binary the e2e requirements installed into the venv."""
    act = shutil.which("act", path=str(Path(sys.executable).parent))
    if act is None:
        raise SystemExit("act is missing from the venv: run through `make e2e`")
    return act


def fresh_secrets() -> tuple[str, dict[str, str]]:
    """A random token the emulator will accept, and the values the workflow writes."""
    token = "ghp_" + secrets.token_hex(18)
    values = {
        "E2E_SINGLE": f"e2e-single-{secrets.token_hex(8)}\n second line {secrets.token_hex(8)}\n",
        "BATCH_ONE": f"batch-one-{secrets.token_hex(8)}",
        "BATCH_TWO": f'batch "two" {secrets.token_hex(8)} $HOME',
        "E2E_FROM_FILE": f"from-file-{secrets.token_hex(8)}\n",
    }
    return token, values


def act_command(
    act: str, job_image: str, emulator_url: str, token: str, values: dict[str, str]
) -> list[str]:
    """`act push` running the e2e workflow against the emulator, through podman's socket."""
    return [
        act, "push",
        "--workflows", ".github/workflows/e2e.yml",
        "-P", f"ubuntu-latest={job_image}",
        "--pull=false",
        "--network", "host",
        "--container-daemon-socket", "-",
        "--var", f"EMULATOR_URL={emulator_url}",
        "--secret", f"ORG_ADMIN_TOKEN={token}",
        "--secret", f"E2E_VALUE={values['E2E_SINGLE']}",
        "--secret", f"BATCH_ONE={values['BATCH_ONE']}",
        "--secret", f"BATCH_TWO={values['BATCH_TWO']}",
    ]  # fmt: skip


def main() -> int:
    """Run the workflow with act and check what it did; exit 1 on a failed check."""
    act = find_act()
    job_image = required_env("CS_BASE_IMAGE")
    token, values = fresh_secrets()
    hidden = [token, *values.values()]
    try:
        with (
            tempfile.TemporaryDirectory(prefix="cs-e2e-") as tmp,
            Emulator(tls=True) as emu,
        ):
            emu.add_token(token)
            repo = Path(tmp) / "repo"
            repo.mkdir()
            check(emu.ca_file is not None, "the emulator serves no TLS")
            make_repo(repo, Path(str(emu.ca_file)).read_bytes(), values["E2E_FROM_FILE"])
            with PodmanService(Path(tmp)) as service:
                cmd = act_command(act, job_image, emu.url, token, values)
                env = {**os.environ, "DOCKER_HOST": f"unix://{service.socket}"}
                log(f"act push in {repo} (job image {job_image})")
                start = time.monotonic()
                try:
                    # No stdin: act would ask a terminal user to pick default images.
                    proc = subprocess.run(
                        cmd, cwd=repo, env=env, text=True, capture_output=True,
                        stdin=subprocess.DEVNULL, timeout=ACT_TIMEOUT, check=False,
                    )  # fmt: skip
                except subprocess.TimeoutExpired as expired:
                    raise CheckError(f"act did not finish in {ACT_TIMEOUT} s") from expired
                seconds = time.monotonic() - start
            act_log = proc.stdout + proc.stderr
            ACT_LOG.parent.mkdir(exist_ok=True)
            ACT_LOG.write_text(redact(act_log, hidden), encoding="utf-8")
            log(f"act's log (any secret redacted) is in {ACT_LOG.relative_to(REPO)}")
            check_act_log(proc.returncode, act_log, hidden)
            check_emulator(emu, values, token)
            FIGURES.parent.mkdir(exist_ok=True)
            FIGURES.write_text(
                json.dumps({"act_push_seconds": round(seconds, 2)}, indent=2) + "\n",
                encoding="utf-8",
            )
    except CheckError as failure:
        log(f"FAILED: {failure}")
        return 1
    finally:
        prune_dangling()
    print(f"e2e: workflow passed under act in {seconds:.1f} s; values masked and stored exactly")
    return 0


def secret_lines(hidden: list[str]) -> list[str]:
    """Every non-blank line of every hidden value (runners mask line by line)."""
    return [part for value in hidden for part in value.splitlines() if part.strip()]


def redact(text: str, hidden: list[str]) -> str:
    """text with every line of a hidden value replaced by <LEAKED>."""
    for part in secret_lines(hidden):
        text = text.replace(part, "<LEAKED>")
    return text


def check_act_log(returncode: int, act_log: str, hidden: list[str]) -> None:
    """The job succeeded, each check step ran, and no secret shows in the log."""
    lines = secret_lines(hidden)
    shown = [line for line in act_log.splitlines() if any(part in line for part in lines)]
    # A failure message must not leak either.
    redacted = redact(act_log, hidden)
    check(returncode == 0, f"act exited {returncode}\n{redacted[-6000:]}")
    check(not shown, f"{len(shown)} line(s) of act's log show a secret:\n{redacted[-6000:]}")
    for marker in ("single outputs ok", "batch outputs ok", "file outputs ok"):
        check(f"E2E-CHECK {marker}" in act_log, f"step check {marker!r} did not run")
    check("***" in act_log, "act's log shows no masked value at all")


def check_emulator(emu: Emulator, values: dict[str, str], token: str) -> None:
    """The emulator holds exactly the values sent, and nothing it should not."""
    held: dict[str, StoredSecret] = {}
    for name, value in values.items():
        secret = emu.secret(ORG, name)
        if secret is None:
            raise CheckError(f"{name} was not written")
        check(secret.value == value, f"{name}: the stored value differs from the one sent")
        held[name] = secret
    web, api = emu.repo_id(ORG, "web"), emu.repo_id(ORG, "api")
    for name in ("BATCH_ONE", "BATCH_TWO"):
        secret = held[name]
        check(secret.visibility == "selected", f"{name}: visibility {secret.visibility}")
        check(sorted(secret.selected_repository_ids) == sorted([web, api]), f"{name}: repos")
    for name in ("ORG_ADMIN_TOKEN", "E2E_VALUE"):
        check(emu.secret(ORG, name) is None, f"{name} was written despite `include`")
    check(all(r.token in (None, token) for r in emu.requests), "a request used another token")


if __name__ == "__main__":
    sys.exit(main())
