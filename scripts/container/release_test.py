"""Prove the release path end to end, locally: registry, push by digest, pin, pull, run.

1. Start a real OCI registry (Debian's `docker-registry`) on 127.0.0.1, with its own
   configuration and storage in a temporary folder; stop it by its PID at the end.
2. The Dockerfile path, as `main` ships it: a copy of the action (`image: Dockerfile`) run
   by the e2e workflow under act; act builds the image from scratch in the job.
3. Build the image with podman, push it by digest (`--digestfile`), read its size and the
   registry's manifest (compressed layer bytes).
4. The pinned path, as a release ships it: another copy of the action, pinned by
   scripts/release/pin_image.py to `docker://127.0.0.1:PORT/...:TAG@sha256:...`; the image
   is removed from podman's store first, so act really pulls it from the registry.
5. Both runs are checked as `make e2e` checks (outputs, values decrypted by the emulator,
   masking); the time from job start to the first action step's result is measured from
   act's log as it streams. The checkout's own action.yml is never modified.

Figures on stdout and in build/release-figures.json.
"""

from __future__ import annotations

import json
import math
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from containerlib import (
    REPO,
    CheckError,
    Service,
    build_image,
    check,
    image_size,
    log,
    required_env,
    run,
)
from e2e import (
    ACT_TIMEOUT,
    PodmanService,
    act_command,
    check_act_log,
    check_emulator,
    find_act,
    fresh_secrets,
    make_repo,
    redact,
)

from github_emulator import Emulator

PIN_PROGRAM = REPO / "scripts" / "release" / "pin_image.py"
REGISTRY_BIN = "/usr/bin/docker-registry"
REPOSITORY = "codespaces-secrets"
TAG = "0.0.0-release-test"
FIGURES = REPO / "build" / "release-figures.json"
LOG_DIR = REPO / "build"
# act's log lines for the job's start and the first `uses: ./` step's end (e2e-workflow.yml).
JOB_START = re.compile(r"🚀\s+Start image=")
FIRST_RESULT = re.compile(r"(Success|Failure) - Main Write one secret")
MANIFEST_TYPES = (
    "application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json"
)
# Only ever 127.0.0.1: never through a proxy the environment may name.
LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def http_get(url: str, accept: str = "application/json") -> tuple[int, bytes]:
    """GET a 127.0.0.1 URL: status and body (0 when nothing answers)."""
    check(url.startswith("http://127.0.0.1:"), f"refusing a non-local URL {url}")
    request = urllib.request.Request(url, headers={"Accept": accept})  # noqa: S310 (local)
    try:
        with LOCAL.open(request, timeout=5) as response:
            return int(response.status), bytes(response.read())
    except OSError:
        return 0, b""


class Registry(Service):
    """Debian's docker-registry on 127.0.0.1 with a configuration of our own."""

    name = "docker-registry"

    def __init__(self, directory: Path) -> None:
        """Write the configuration; storage and log live in directory."""
        super().__init__(directory / "registry.log")
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.config = directory / "registry.yml"
        self.config.write_text(
            "version: 0.1\n"
            "log:\n  level: info\n  accesslog:\n    disabled: false\n"
            f"storage:\n  filesystem:\n    rootdirectory: {directory / 'data'}\n"
            "  delete:\n    enabled: true\n"
            f"http:\n  addr: {self.host}\n",
            encoding="utf-8",
        )

    def command(self) -> tuple[list[str], dict[str, str] | None]:
        """docker-registry serving our configuration."""
        return [REGISTRY_BIN, "serve", str(self.config)], None

    def ready(self) -> bool:
        """GET /v2/ answers 200 once the registry is up."""
        return http_get(f"http://{self.host}/v2/")[0] == 200

    def __enter__(self) -> Registry:
        """Start it and wait until GET /v2/ answers."""
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop the registry this object started."""
        self.stop()

    def manifest(self, digest: str) -> dict[str, Any]:
        """The image manifest stored under digest."""
        url = f"http://{self.host}/v2/{REPOSITORY}/manifests/{digest}"
        status, body = http_get(url, MANIFEST_TYPES)
        check(status == 200, f"GET {url} answered {status}")
        manifest: dict[str, Any] = json.loads(body)
        return manifest


def registries_conf(directory: Path, registry: Registry) -> Path:
    """A registries.conf marking the local registry insecure (plain HTTP), for act's pulls."""
    conf = directory / "registries.conf"
    conf.write_text(
        "unqualified-search-registries = []\n\n[[registry]]\n"
        f'location = "{registry.host}"\ninsecure = true\n',
        encoding="utf-8",
    )
    return conf


def drop_all_but_base() -> None:
    """Remove every image but the base image from podman's store (this test's alone).

    The next build starts from the base image alone, as a runner's does, and a pull
    finds only the base image's layers: the action's own layers really come over the wire.
    """
    keep = {
        run(["podman", "image", "inspect", "--format", "{{.Id}}", name]).stdout.strip()
        for name in (required_env("CS_BASE_IMAGE"), required_env("CS_FROM_IMAGE"))
    }
    ids = run(["podman", "images", "--all", "--quiet", "--no-trunc"]).stdout.split()
    drop = sorted({i.removeprefix("sha256:") for i in ids} - keep)
    if drop:
        run(["podman", "rmi", "--force", *drop])


@dataclass(frozen=True)
class ActRun:
    """One act run of the e2e workflow: its log, exit code and timings."""

    returncode: int
    log: str
    seconds: float
    job_to_result: float


def run_act(repo: Path, cmd: list[str], socket_path: Path) -> ActRun:
    """Run act in repo, timing each log line as it arrives."""
    env = {**os.environ, "DOCKER_HOST": f"unix://{socket_path}"}
    lines: list[tuple[float, str]] = []
    start = time.monotonic()
    # No stdin: act would ask a terminal user to pick default images.
    proc = subprocess.Popen(
        cmd, cwd=repo, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace",
    )  # fmt: skip
    timer = threading.Timer(ACT_TIMEOUT, proc.kill)
    timer.start()
    try:
        assert proc.stdout is not None  # noqa: S101 (PIPE above)
        for line in proc.stdout:
            lines.append((time.monotonic(), line))
        returncode = proc.wait()
    finally:
        timer.cancel()
    seconds = time.monotonic() - start
    check(seconds < ACT_TIMEOUT, f"act did not finish in {ACT_TIMEOUT} s")
    text = "".join(line for _, line in lines)
    started = [t for t, line in lines if JOB_START.search(line)]
    ended = [t for t, line in lines if FIRST_RESULT.search(line)]
    job_to_result = ended[0] - started[0] if started and ended else float("nan")
    return ActRun(returncode, text, seconds, job_to_result)


def run_path(
    label: str, repo: Path, registry_conf: Path, tmp: Path, *, pin: tuple[str, str] | None
) -> ActRun:
    """One path: a copy of the action (pinned or not) run under act and checked."""
    token, values = fresh_secrets()
    hidden = [token, *values.values()]
    with Emulator(tls=True) as emu:
        emu.add_token(token)
        check(emu.ca_file is not None, "the emulator serves no TLS")
        repo.mkdir()
        make_repo(repo, Path(str(emu.ca_file)).read_bytes(), values["E2E_FROM_FILE"])
        if pin is not None:
            run([sys.executable, str(PIN_PROGRAM), "--action", str(repo / "action.yml"), *pin])
            git = ["git", "-C", str(repo), "-c", "user.name=e2e", "-c", "user.email=e2e@localhost"]
            run([*git, "commit", "--quiet", "--all", "--message", "pin the image"])
        os.environ["CONTAINERS_REGISTRIES_CONF"] = str(registry_conf)
        service_dir = tmp / f"service-{label}"
        service_dir.mkdir()
        with PodmanService(service_dir) as service:
            cmd = act_command(find_act(), required_env("CS_BASE_IMAGE"), emu.url, token, values)
            log(f"{label}: act push in {repo}")
            result = run_act(repo, cmd, service.socket)
        act_log = LOG_DIR / f"release-act-{label}.log"
        act_log.write_text(redact(result.log, hidden), encoding="utf-8")
        log(f"{label}: act's log (any secret redacted) is in {act_log.relative_to(REPO)}")
        check_act_log(result.returncode, result.log, hidden)
        check_emulator(emu, values, token)
    check(not math.isnan(result.job_to_result), f"{label}: no timing lines in act's log")
    return result


def layer_figures(manifest: dict[str, Any]) -> dict[str, int]:
    """Compressed bytes the registry holds: all layers, the base's, the action's own."""
    sizes = [int(layer["size"]) for layer in manifest["layers"]]
    return {
        "compressed_layers_bytes": sum(sizes),
        "compressed_base_layer_bytes": sizes[0],
        "compressed_action_layers_bytes": sum(sizes[1:]),
        "config_bytes": int(manifest["config"]["size"]),
        "layers": len(sizes),
    }


def mb(size: float) -> str:
    """Bytes as megabytes (10^6), one decimal."""
    return f"{size / 1e6:.1f} MB"


def main() -> int:
    """Run both paths and print the figures; exit 1 on a failed check."""
    if not required_env("CONTAINERS_STORAGE_CONF").endswith("/podman-release/storage.conf"):
        raise SystemExit("run through `make release-test`: it needs a podman store of its own")
    before = (REPO / "action.yml").read_bytes()
    total_start = time.monotonic()
    LOG_DIR.mkdir(exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(prefix="cs-release-") as name:
            tmp = Path(name)
            (tmp / "registry").mkdir()
            with Registry(tmp / "registry") as registry:
                conf = registries_conf(tmp, registry)
                drop_all_but_base()
                dockerfile = run_path("dockerfile", tmp / "repo-dockerfile", conf, tmp, pin=None)

                reference = f"{registry.host}/{REPOSITORY}:{TAG}"
                build_seconds = build_image(no_cache=False, tag=reference)
                digest_file = tmp / "digest"
                push_start = time.monotonic()
                run(["podman", "push", "--quiet", "--tls-verify=false",
                     "--digestfile", str(digest_file), reference])  # fmt: skip
                push_seconds = time.monotonic() - push_start
                digest = digest_file.read_text(encoding="utf-8").strip()
                uncompressed = image_size(reference)
                base_uncompressed = image_size(required_env("CS_BASE_IMAGE"))
                layers = layer_figures(registry.manifest(digest))
                log(f"pushed {reference}@{digest}")

                drop_all_but_base()
                pulled = f"{registry.host}/{REPOSITORY}@{digest}"
                check(
                    subprocess.run(["podman", "image", "exists", pulled], check=False).returncode
                    != 0,
                    "the pinned image is still in the local store",
                )
                log_mark = registry.log_path.stat().st_size
                pinned = run_path("pinned", tmp / "repo-pinned", conf, tmp, pin=(reference, digest))
                check(
                    subprocess.run(["podman", "image", "exists", pulled], check=False).returncode
                    == 0,
                    "act ran the pinned path without pulling the pinned image",
                )
                served = registry.log_path.read_bytes()[log_mark:].decode(errors="replace")
                check(
                    f"GET /v2/{REPOSITORY}/manifests/{digest}" in served,
                    "the registry served no pull of the pinned manifest by digest",
                )
                check("docker build" not in pinned.log, "the pinned path built an image")
    except CheckError as failure:
        log(f"FAILED: {failure}")
        return 1
    if (REPO / "action.yml").read_bytes() != before:
        log("FAILED: the checkout's action.yml changed")
        return 1

    figures = {
        "dockerfile_job_start_to_result_seconds": round(dockerfile.job_to_result, 2),
        "pinned_job_start_to_result_seconds": round(pinned.job_to_result, 2),
        "dockerfile_act_seconds": round(dockerfile.seconds, 2),
        "pinned_act_seconds": round(pinned.seconds, 2),
        "image_uncompressed_bytes": uncompressed,
        "base_image_uncompressed_bytes": base_uncompressed,
        **layers,
        "build_seconds": round(build_seconds, 2),
        "push_seconds": round(push_seconds, 2),
        "digest": digest,
        "release_test_seconds": round(time.monotonic() - total_start, 1),
    }
    FIGURES.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(
        "release-test: both paths passed under act (outputs, stored values, masking)\n"
        f"  job start -> first action result, Dockerfile path: {dockerfile.job_to_result:.1f} s"
        " (image built in the job)\n"
        f"  job start -> first action result, pinned image:    {pinned.job_to_result:.1f} s"
        " (pulled by digest)\n"
        f"  image: {mb(uncompressed)} uncompressed ({mb(uncompressed - base_uncompressed)}"
        f" over the base); {mb(layers['compressed_layers_bytes'])} compressed in"
        f" {layers['layers']} layers, of which the action's own"
        f" {mb(layers['compressed_action_layers_bytes'])}\n"
        f"  build {build_seconds:.1f} s, push {push_seconds:.1f} s; figures in"
        f" {FIGURES.relative_to(REPO)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
