"""Prove the release path end to end, locally: registry, push by digest, pin, pull, run.

1. Start a real OCI registry (Debian's `docker-registry`) on 127.0.0.1, with its own
   configuration and storage in a temporary folder; stop it by its PID at the end.
2. The Dockerfile path, as `main` ships it: a copy of the action (`image: Dockerfile`) run
   by the e2e workflow under act; act builds the image from scratch in the job.
3. Build the image with podman, push it by digest (`--digestfile`), read its size and the
   registry's manifest (compressed layer bytes). Build the release image for both
   architectures, twice (the same digest), and run the arm64 image's own files under
   qemu's user-mode emulator: one secret written, as the emulator decrypts it.
4. The pinned path, as a release ships it: another copy of the action, pinned by
   scripts/release/pin_image.py to `docker://127.0.0.1:PORT/...:TAG@sha256:...`, run as
   ROUNDS jobs; before each, every image but act's job image is removed from podman's
   store, so act really pulls the pinned image (and the no-ops beside it) from the
   registry every time.
5. Every run is checked as `make e2e` checks (outputs, values decrypted by the emulator,
   masking); step times are act's own. The checkout's own action.yml is never modified.
6. act talks to podman through waitproxy.py, which answers Docker's container wait from
   podman's own wait endpoint: podman 4.3's Docker-compatible wait spins a core while the
   container runs, taking it from the container being timed on a two-core machine (see
   that module). Each job's request log, with how long each request took, is kept beside
   act's log in build/.
7. The pinned jobs again, ROUNDS times, under Docker's engine (dockerengine.py: Debian's
   dockerd, started with folders of its own), the engine GitHub's runners use.

Figures on stdout and in build/release-figures.json; `make figures` puts them in
docs/figures.json and README's "What each job pays" (scripts/figures.py).
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import debs
import dockerengine
import image
import oci
import rootfs
from containerlib import (
    IMAGE_PROGRAM,
    RELEASE_OUT,
    REPO,
    CheckError,
    Service,
    build_image,
    check,
    leaks,
    log,
    required_env,
    run,
    run_outside,
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
from waitproxy import WaitProxy

from github_emulator import Emulator

PIN_PROGRAM = REPO / "scripts" / "release" / "pin_image.py"
REGISTRY_BIN = "/usr/bin/docker-registry"
REPOSITORY = "codespaces-secrets"
TAG = "0.0.0-release-test"
FIGURES = REPO / "build" / "release-figures.json"
# Fully cold jobs timed. A step under act varies by a tenth of a second or two from one job
# to the next on a shared machine: the figures are medians over the jobs, and the order
# of the two compared steps alternates from one job to the next. Nine jobs: one run's
# median can still stray by up to about 0.1 from the median over many runs (nine runs of
# one image here: 1.19-1.37x, seven of them within 1.19-1.28x); five jobs moved it by more.
ROUNDS = 9
CACHE = image.cache_dir()
LOG_DIR = REPO / "build"
# The second build's host (see second_host): CPythons other than .venv's 3.11, by preference.
SECOND_HOST_PYTHONS = ("python3.13", "python3.12")
SECOND_HOST_PIP = Path(__file__).with_name("second-host-pip.txt")
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

    def manifest(self, repository: str, digest: str) -> dict[str, Any]:
        """The image manifest stored under digest."""
        url = f"http://{self.host}/v2/{repository}/manifests/{digest}"
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
    """One act run of the e2e workflow: its exit code and log (step times are in it), and
    the requests act made to podman with how long each took (waitproxy's log)."""

    returncode: int
    log: str
    requests: str = ""


def run_act(repo: Path, cmd: list[str], socket_path: Path) -> ActRun:
    """Run act in repo, within ACT_TIMEOUT."""
    env = {**os.environ, "DOCKER_HOST": f"unix://{socket_path}"}
    lines: list[str] = []
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
            lines.append(line)
        returncode = proc.wait()
    finally:
        timer.cancel()
    seconds = time.monotonic() - start
    check(seconds < ACT_TIMEOUT, f"act did not finish in {ACT_TIMEOUT} s")
    return ActRun(returncode, "".join(lines))


def run_path(
    label: str,
    repo: Path,
    registry_conf: Path,
    tmp: Path,
    *,
    pin: tuple[str, str] | None,
    noop: tuple[str, str] | None = None,
    reference_first: bool = False,
    docker: Path | None = None,
) -> ActRun:
    """One path: a copy of the action (pinned or not) run under act and checked.

    act talks to podman (through waitproxy), or to Docker's engine at the socket docker.
    """
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
        if noop is not None:
            add_noop(repo, *noop, reference_first=reference_first)
        os.environ["CONTAINERS_REGISTRIES_CONF"] = str(registry_conf)
        cmd = act_command(find_act(), required_env("CS_BASE_IMAGE"), emu.url, token, values)
        log(f"{label}: act push in {repo}")
        if docker is not None:
            result, requests = run_act(repo, cmd, docker), ""
        else:
            service_dir = tmp / f"service-{label}"
            service_dir.mkdir()
            with (
                PodmanService(service_dir) as service,
                WaitProxy(service_dir, service.socket) as proxy,
            ):
                result = run_act(repo, cmd, proxy.socket)
                log_text = proxy.log_path.read_text(encoding="utf-8", errors="replace")
            requests = redact(log_text, hidden)
            (LOG_DIR / f"release-requests-{label}.log").write_text(requests, encoding="utf-8")
        act_log = LOG_DIR / f"release-act-{label}.log"
        act_log.write_text(redact(result.log, hidden), encoding="utf-8")
        log(f"{label}: act's log (any secret redacted) is in {act_log.relative_to(REPO)}")
        check_act_log(result.returncode, result.log, hidden)
        check_emulator(emu, values, token)
    return ActRun(result.returncode, result.log, requests)


def layer_figures(manifest: dict[str, Any]) -> dict[str, Any]:
    """Compressed bytes the registry holds for an image, per layer."""
    sizes = [int(layer["size"]) for layer in manifest["layers"]]
    return {
        "compressed_layer_bytes": sizes,
        "compressed_bytes": sum(sizes),
        "config_bytes": int(manifest["config"]["size"]),
        "layers": len(sizes),
    }


def noop_elf(arch: str) -> bytes:
    """The smallest program: a static ELF whose only instructions are exit(0).

    One program header, no sections, no libraries: what the reference action runs.
    """
    machine, code = {
        # mov eax, 60 (exit); xor edi, edi; syscall
        "amd64": (0x3E, bytes.fromhex("b83c00000031ff0f05")),
        # mov x0, #0; mov x8, #93 (exit); svc #0
        "arm64": (0xB7, bytes.fromhex("000080d2a80b80d2010000d4")),
    }[arch]
    base, header = 0x400000, 64 + 56
    size = header + len(code)
    ident = b"\x7fELF\x02\x01\x01" + bytes(9)
    elf = ident + struct.pack(
        "<HHIQQQIHHHHHH", 2, machine, 1, base + header, 64, 0, 0, 64, 56, 1, 0, 0, 0
    )
    elf += struct.pack("<IIQQQQQQ", 1, 5, 0, base, base, size, size, 0x1000)
    return elf + code


def noop_images(epoch: int) -> tuple[list[oci.Image], oci.Blob]:
    """The reference container action's image, both architectures: /noop on scratch."""
    images = []
    for arch in ("amd64", "arm64"):
        tree = {"noop": rootfs.Entry("file", noop_elf(arch), 0o755)}
        built = oci.build(arch, tree, epoch)
        config = json.loads(built.config.data)
        config["config"] = {"Entrypoint": ["/noop"]}
        config_blob = oci.Blob(oci.CONFIG, oci.canonical(config))
        manifest = json.loads(built.manifest.data)
        manifest["config"] = config_blob.descriptor()
        images.append(
            oci.Image(arch, built.layer, config_blob,
                      oci.Blob(oci.MANIFEST, oci.canonical(manifest)), built.tar_bytes)
        )  # fmt: skip
    return images, oci.index(images)


def push_noop(registry: Registry, suffix: str, epoch: int) -> tuple[list[oci.Image], oci.Blob, str]:
    """A no-op image (epoch makes its digest) pushed as REPOSITORY-suffix; its reference."""
    images, top = noop_images(epoch)
    blobs = [blob for one in images for blob in one.blobs()]
    oci.push(registry.host, f"{REPOSITORY}-{suffix}", TAG, blobs, top)
    return images, top, f"{registry.host}/{REPOSITORY}-{suffix}:{TAG}@{top.digest}"


QEMU_PACKAGE = "qemu-user-static"
QEMU_MEMBER = "./usr/bin/qemu-aarch64-static"


def qemu_aarch64() -> Path:
    """qemu's aarch64 user-mode emulator, taken from Debian's package (cached).

    Only that one static binary is kept (the package installs 380 MB of emulators); apt
    picks the version its index names, as it would to install it.
    """
    binary = CACHE / "tools" / "qemu-aarch64-static"
    if binary.exists():
        return binary
    binary.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=binary.parent) as name:
        cmd = ["apt-get", "download", "--quiet", "-o", "APT::Sandbox::User=root", QEMU_PACKAGE]
        log("$ " + " ".join(cmd))
        done = subprocess.run(cmd, cwd=name, capture_output=True, text=True, check=False)
        check(done.returncode == 0, f"apt-get download {QEMU_PACKAGE} failed: {done.stderr}")
        (deb,) = Path(name).glob("*.deb")
        with debs.data_tar(deb) as tar:
            member = tar.extractfile(QEMU_MEMBER)
            check(member is not None, f"{QEMU_PACKAGE} holds no {QEMU_MEMBER}")
            assert member is not None  # noqa: S101 (checked above)
            staged = Path(name) / "qemu-aarch64-static"
            staged.write_bytes(member.read())
        staged.chmod(0o755)
        staged.rename(binary)
    return binary


def layout_blob(layout: Path, digest: str) -> bytes:
    """A blob of an OCI layout, by digest."""
    return (layout / "blobs" / "sha256" / digest.removeprefix("sha256:")).read_bytes()


def run_arm64(out: Path, tmp: Path) -> float:
    """The arm64 image's own files, run under qemu-user: one secret written and checked.

    The layer image.py wrote is unpacked as is; qemu runs the image's interpreter with the
    image's ENTRYPOINT flags, the tree as the prefix of every absolute path (-L), and the
    runner's environment and files in host folders. The emulator must hold the value, the
    outputs must say created, and no line of the value or token may show.
    """
    layout = out / "arm64"
    index = json.loads((layout / "index.json").read_text(encoding="utf-8"))
    manifest = json.loads(layout_blob(layout, index["manifests"][0]["digest"]))
    config = json.loads(layout_blob(layout, manifest["config"]["digest"]))
    check(config["architecture"] == "arm64", f"the arm64 layout holds {config['architecture']}")
    root = tmp / "arm64-root"
    layer = io.BytesIO(layout_blob(layout, manifest["layers"][0]["digest"]))
    with tarfile.open(fileobj=layer, mode="r:gz") as tar:
        tar.extractall(root, filter="fully_trusted")  # noqa: S202 (the layer just built here)
    interpreter, *flags = config["config"]["Entrypoint"]
    argv = [str(qemu_aarch64()), "-L", str(root), f"{root}{interpreter}", *flags]
    token, value = "ghp_" + secrets.token_hex(18), "arm64-" + secrets.token_urlsafe(24)
    with Emulator(tls=True) as emu:
        emu.add_token(token)
        inputs = {"token": token, "org": "octo-org", "api-url": emu.url, "name": "ARM64_CANARY"}
        result = run_outside(
            argv, {**inputs, "value": value}, extra_env={"REQUESTS_CA_BUNDLE": str(emu.ca_file)}
        )
        shown = f"exit {result.returncode}\n{result.stdout}{result.stderr}"
        check(result.returncode == 0, "the arm64 run failed: " + shown)
        stored = emu.secret("octo-org", "ARM64_CANARY")
        check(stored is not None and stored.value == value, "the arm64 run stored another value")
        check(result.outputs.get("status") == "created", f"arm64 outputs {result.outputs}")
        check(not result.stderr, f"the arm64 run wrote to stderr: {result.stderr[:300]}")
        hidden = [token, value]
        check(not leaks(result.stdout + result.summary, hidden), "a secret leaked (arm64 run)")
    return result.seconds


def build_release(
    out: Path, python: str = sys.executable, cache: Path | None = None
) -> dict[str, Any]:
    """scripts/release/image.py for both architectures into out; its image.json.

    python runs it (its pip installs the wheels); cache, when given, is its CS_CACHE.
    """
    env = [] if cache is None else ["env", f"CS_CACHE={cache}"]
    run([*env, python, str(IMAGE_PROGRAM), "--out", str(out)])
    summary: dict[str, Any] = json.loads((out / "image.json").read_text(encoding="utf-8"))
    return summary


def second_host(tmp: Path) -> tuple[str, Path, str]:
    """Another host for the second build: an interpreter, a cache, and what they are.

    The release workflow builds under setup-python's CPython 3.13 and its pip; `make`
    builds under .venv's. So the second build runs in a venv of its own, made by another
    CPython where the machine has one (other_pythons; else this one), with the pip
    of SECOND_HOST_PIP, and installs the wheels afresh into a cache of its own, where it
    also unpacks the packages again. Only the downloaded .debs are shared: each is checked
    by SHA-256 whoever fetched it.
    """
    base = next((path for path in other_pythons() if _starts(path)), sys.executable)
    venv = tmp / "second-host"
    run([base, "-m", "venv", str(venv)])
    python = str(venv / "bin" / "python")
    run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--require-hashes", "--no-deps", "-r", str(SECOND_HOST_PIP)])  # fmt: skip
    about = "import sys, pip; print(f'Python {sys.version.split()[0]} with pip {pip.__version__}')"
    cache = tmp / "second-cache"
    release_cache = image.cache_dir(cache)
    release_cache.mkdir(parents=True)
    debs.downloads(release_cache).symlink_to(debs.downloads(CACHE))
    return python, cache, run([python, "-c", about]).stdout.strip()


def other_pythons() -> list[str]:
    """The CPythons of SECOND_HOST_PYTHONS this machine has: on PATH, then pyenv's.

    A pyenv shim on PATH runs only the versions pyenv is set to, so the versions pyenv
    has installed are looked up too, newest first.
    """
    on_path = [path for path in map(shutil.which, SECOND_HOST_PYTHONS) if path]
    versions = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    installed = sorted(
        (path for name in SECOND_HOST_PYTHONS for path in versions.glob(f"*/bin/{name}")),
        key=lambda path: [int(part) for part in re.findall(r"\d+", path.parts[-3])],
        reverse=True,
    )
    return [*on_path, *map(str, installed)]


def _starts(python: str) -> bool:
    """Whether python runs (a pyenv shim names versions that may not be installed)."""
    return subprocess.run([python, "-c", ""], capture_output=True, check=False).returncode == 0


def layout_blobs(out: Path, summary: dict[str, Any]) -> tuple[list[oci.Blob], oci.Blob]:
    """Every blob of the index layout image.py wrote, and the index itself."""
    layout = out / "index"
    index_blob = oci.Blob(oci.INDEX, layout_blob(layout, summary["index_digest"]))
    blobs = []
    for entry in json.loads(index_blob.data)["manifests"]:
        manifest_data = layout_blob(layout, entry["digest"])
        manifest = json.loads(manifest_data)
        for ref, kind in [(manifest["config"], oci.CONFIG),
                          *[(layer, oci.LAYER) for layer in manifest["layers"]]]:  # fmt: skip
            blobs.append(oci.Blob(kind, layout_blob(layout, ref["digest"])))
        blobs.append(oci.Blob(oci.MANIFEST, manifest_data))
    return blobs, index_blob


NOOP_STEP = "Reference - the smallest container action (no-op)"
# The workflow's later uses of the action: the image is in the store by then.
LATER_STEPS = ("Write a batch from all secrets", "Write a secret from a file")


WARMUP_STEP = "Warm-up - another no-op container action"


def add_noop(repo: Path, reference: str, warmup: str, *, reference_first: bool) -> None:
    """Two no-op container actions pinned like the release, each used by a step.

    The reference step comes right after the first `uses: ./` step, or right before it
    with reference_first. A warm-up step with another no-op image (its own digest, so
    nothing of the reference is in the store) runs before both: whatever the job's first
    container action costs (act's first container on the job's network) is charged to
    neither image. Each of the two images compared is still pulled whole, from nothing.
    """
    for folder, pinned in ((".noop", reference), (".warmup", warmup)):
        (repo / folder).mkdir()
        (repo / folder / "action.yml").write_text(
            "name: no-op\ndescription: The smallest container action, for timing.\n"
            f"runs:\n  using: docker\n  image: docker://{pinned}\n",
            encoding="utf-8",
        )
    workflow = repo / ".github" / "workflows" / "e2e.yml"
    text = workflow.read_text(encoding="utf-8")
    first = "      - name: Write one secret\n"
    after = "      - name: Check the single-secret outputs\n"
    check(first in text and after in text, "the e2e workflow changed: no anchor for the no-ops")
    step = "      - name: {}\n        uses: ./{}\n\n"
    warmup, reference = step.format(WARMUP_STEP, ".warmup"), step.format(NOOP_STEP, ".noop")
    if reference_first:
        text = text.replace(first, warmup + reference + first, 1)
    else:
        text = text.replace(first, warmup + first, 1).replace(after, reference + after, 1)
    workflow.write_text(text, encoding="utf-8")
    git = ["git", "-C", str(repo), "-c", "user.name=e2e", "-c", "user.email=e2e@localhost"]
    run([*git, "add", "--all"])
    run([*git, "commit", "--quiet", "--message", "reference steps"])


_DURATION = re.compile(r"(?:(\d+)m)?([\d.]+)(ms|µs|s)")


def step_seconds(act_log: str, step: str) -> float:
    """The duration act gives for a step's main phase ("Success - Main STEP [1.2s]")."""
    match = re.search(rf"Success - Main {re.escape(step)} \[([^\]]+)\]", act_log)
    check(match is not None, f"no duration for step {step!r} in act's log")
    assert match is not None  # noqa: S101 (checked above)
    parts = _DURATION.fullmatch(match[1])
    check(parts is not None, f"unreadable duration {match[1]!r}")
    assert parts is not None  # noqa: S101
    scale = {"ms": 1e-3, "µs": 1e-6, "s": 1.0}[parts[3]]
    return int(parts[1] or 0) * 60 + float(parts[2]) * scale


# A line of waitproxy's log: when the request began, how long it took, its request line.
_REQUEST = re.compile(r"([\d.]+) +([\d.]+)s (\S+) (\S+) HTTP/1\.1 -> ")


@dataclass(frozen=True)
class Request:
    """One request act made to podman."""

    began: float
    seconds: float
    method: str
    target: str


def parse_requests(text: str) -> list[Request]:
    """waitproxy's log as requests, in the order they began."""
    found = [
        Request(float(m[1]), float(m[2]), m[3], m[4])
        for m in (_REQUEST.match(line) for line in text.splitlines())
        if m
    ]
    return sorted(found, key=lambda r: r.began)


def step_anatomy(requests: list[Request], repository: str) -> dict[str, float]:
    """Where a container step's time went, from the requests around its image's pull.

    Before the pull, act asks for /info (once per client it makes); after it, /version,
    then creates, starts and waits for the container, and reads the job's command files
    back (GET .../archive) before the next step's /info calls.
    """
    pull = next(
        (i for i, r in enumerate(requests)
         if r.target.startswith("/v1.41/images/create?") and f"%2F{repository}&" in r.target),
        None,
    )  # fmt: skip
    check(pull is not None, f"no pull of {repository} in the requests act made")
    assert pull is not None  # noqa: S101 (checked above)
    info = calls = 0.0
    index = pull - 1
    while index >= 0 and not requests[index].target.startswith("/v1.41/containers/"):
        if requests[index].target.endswith("/info"):
            info += requests[index].seconds
            calls += 1
        index -= 1
    after = {"version": 0.0, "wait": 0.0, "command_files": 0.0}
    for request in requests[pull + 1 :]:
        if request.target.endswith("/info"):
            break
        if request.target.endswith("/version"):
            after["version"] += request.seconds
        elif "/wait" in request.target:
            after["wait"] += request.seconds
        elif request.method == "GET" and "/archive?path=" in request.target:
            after["command_files"] += request.seconds
    figures = {"info": info, "info_calls": calls, "pull": requests[pull].seconds, **after}
    return {name: round(value, 3) for name, value in figures.items()}


def anatomy(rounds: list[ActRun]) -> dict[str, dict[str, float]]:
    """Medians over the jobs of step_anatomy, for the pinned image's step and the no-op's."""
    out = {}
    for name, repository in (("pinned", REPOSITORY), ("noop", f"{REPOSITORY}-noop")):
        each = [step_anatomy(parse_requests(job.requests), repository) for job in rounds]
        out[name] = {key: round(statistics.median(e[key] for e in each), 3) for key in each[0]}
    return out


def mb(size: float) -> str:
    """Bytes as megabytes (10^6), two decimals."""
    return f"{size / 1e6:.2f} MB"


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
                dockerfile_ref = f"{registry.host}/{REPOSITORY}-dockerfile:{TAG}"
                build_image(no_cache=False, tag=dockerfile_ref)
                digest_file = tmp / "digest"
                run(["podman", "push", "--quiet", "--tls-verify=false",
                     "--digestfile", str(digest_file), dockerfile_ref])  # fmt: skip
                dockerfile_image = layer_figures(
                    registry.manifest(
                        f"{REPOSITORY}-dockerfile",
                        digest_file.read_text(encoding="utf-8").strip(),
                    )
                )

                log("release image, both architectures, built twice")
                build_start = time.monotonic()
                release = build_release(RELEASE_OUT)
                build_seconds = time.monotonic() - build_start
                python, cache, host = second_host(tmp)
                log(f"the second build: {host}, the wheels installed afresh")
                again = build_release(tmp / "second-build", python, cache)
                again["host"] = host
                check(
                    again["index_digest"] == release["index_digest"],
                    f"two builds differ: {release['index_digest']} vs {again['index_digest']}"
                    f" (the second: {host})",
                )
                log("arm64: the image's own files under qemu-user, one secret")
                release["arm64_run_seconds"] = round(run_arm64(RELEASE_OUT, tmp), 2)
                blobs, top = layout_blobs(RELEASE_OUT, release)
                oci.push(registry.host, REPOSITORY, TAG, blobs, top)
                digest = top.digest
                reference = f"{registry.host}/{REPOSITORY}:{TAG}"
                epoch = int(release["source_date_epoch"])
                noops, noop_top, noop_ref = push_noop(registry, "noop", epoch)
                _, warmup_top, warmup_ref = push_noop(registry, "warmup", epoch + 1)
                log(f"pushed {reference}@{digest} and the no-ops {noop_ref}, {warmup_ref}")

                pins = ((noop_ref, noop_top.digest), (warmup_ref, warmup_top.digest))
                rounds = timed_jobs(registry, conf, tmp, (reference, digest), pins)
                (tmp / "dockerd").mkdir()
                with dockerengine.DockerEngine(tmp / "dockerd", CACHE / "docker") as engine:
                    dockerengine.load_from_podman(engine.socket, required_env("CS_BASE_IMAGE"))
                    docker = (
                        timed_jobs(registry, conf, tmp, (reference, digest), pins, engine.socket),
                        dockerengine.version(engine.socket),
                    )
    except CheckError as failure:
        log(f"FAILED: {failure}")
        return 1
    if (REPO / "action.yml").read_bytes() != before:
        log("FAILED: the checkout's action.yml changed")
        return 1

    report(
        release, again, rounds, docker, dockerfile, (noops, noop_top), dockerfile_image,
        build_seconds,
        time.monotonic() - total_start,
    )  # fmt: skip
    return 0


def reference_first(job: int) -> bool:
    """Whether job (counted from 1) runs the no-op's step before the action's: even jobs."""
    return job % 2 == 0


def timed_jobs(
    registry: Registry,
    conf: Path,
    tmp: Path,
    pin: tuple[str, str],
    noops: tuple[tuple[str, str], tuple[str, str]],
    docker: Path | None = None,
) -> list[ActRun]:
    """The pinned path, ROUNDS times, each job pulling the pinned image and both no-ops cold.

    pin is the release's (reference, digest); noops the reference's and the warm-up's
    (pinned reference, index digest). Every job's pulls must reach the registry by digest.
    With docker (its socket), the jobs run under Docker's engine instead of podman.
    """
    digest = pin[1]
    (noop_ref, noop_digest), (warmup_ref, warmup_digest) = noops
    pulled = f"{registry.host}/{REPOSITORY}@{digest}"
    expected = (
        (REPOSITORY, digest),
        (f"{REPOSITORY}-noop", noop_digest),
        (f"{REPOSITORY}-warmup", warmup_digest),
    )
    engine = "docker" if docker else "pinned"
    jobs = []
    for number in range(1, ROUNDS + 1):
        if docker is None:
            drop_all_but_base()
        else:
            dockerengine.drop_all_but(docker, required_env("CS_BASE_IMAGE"))
        check(not image_exists(pulled, docker), "the pinned image is still in the local store")
        log_mark = registry.log_path.stat().st_size
        job = run_path(
            f"{engine}-{number}", tmp / f"repo-{engine}-{number}", conf, tmp, pin=pin,
            noop=(noop_ref, warmup_ref), reference_first=reference_first(number), docker=docker,
        )  # fmt: skip
        check(image_exists(pulled, docker), f"job {number} ran the pinned path without pulling it")
        served = registry.log_path.read_bytes()[log_mark:].decode(errors="replace")
        for repository, pulled_digest in expected:
            check(
                f"GET /v2/{repository}/manifests/{pulled_digest}" in served,
                f"job {number}: the registry served no pull of {repository} by digest",
            )
        check("docker build" not in job.log, f"job {number}: the pinned path built an image")
        jobs.append(job)
    return jobs


def image_exists(reference: str, docker: Path | None = None) -> bool:
    """Whether podman's store (or the Docker engine at the socket docker) holds reference."""
    if docker is not None:
        return dockerengine.image_id(docker, reference) is not None
    return subprocess.run(["podman", "image", "exists", reference], check=False).returncode == 0


def paired_jobs(rounds: list[ActRun]) -> dict[str, Any]:
    """Each job's pinned and no-op step times and their ratio; the medians over the jobs."""
    jobs: list[dict[str, Any]] = []
    for number, job in enumerate(rounds, 1):
        pinned = round(step_seconds(job.log, "Write one secret"), 2)
        noop = round(step_seconds(job.log, NOOP_STEP), 2)
        jobs.append({
            "pinned_step_seconds": pinned,
            "noop_step_seconds": noop,
            "reference_first": reference_first(number),
            "ratio": round(pinned / noop, 2),
        })  # fmt: skip
    return {
        "jobs": jobs,
        "pinned_step_seconds": round(statistics.median(j["pinned_step_seconds"] for j in jobs), 2),
        "noop_step_seconds": round(statistics.median(j["noop_step_seconds"] for j in jobs), 2),
        "pinned_vs_noop": round(statistics.median(j["ratio"] for j in jobs), 2),
        "pinned_minus_noop_seconds": round(
            statistics.median(j["pinned_step_seconds"] - j["noop_step_seconds"] for j in jobs), 2
        ),
    }


def report(
    release: dict[str, Any],
    again: dict[str, Any],
    rounds: list[ActRun],
    docker: tuple[list[ActRun], str],
    dockerfile: ActRun,
    noop: tuple[list[oci.Image], oci.Blob],
    dockerfile_image: dict[str, Any],
    build_seconds: float,
    total_seconds: float,
) -> None:
    """Write the figures (build/release-figures.json) and print them."""
    noops, noop_top = noop
    digest = release["index_digest"]
    paired = paired_jobs(rounds)
    jobs = paired["jobs"]
    pinned_step, noop_step = paired["pinned_step_seconds"], paired["noop_step_seconds"]
    ratio = paired["pinned_vs_noop"]
    docker_rounds, docker_version = docker
    on_docker = {**paired_jobs(docker_rounds), "engine": f"dockerd {docker_version}"}
    warm_step = statistics.median(
        step_seconds(job.log, step) for job in rounds for step in LATER_STEPS
    )
    dockerfile_step = step_seconds(dockerfile.log, "Write one secret")
    debs_bytes = sum(
        (debs.downloads(CACHE) / f"{deb.sha256}.deb").stat().st_size
        for deb in debs.read_lock()
        if deb.arch == "amd64"
    )
    figures: dict[str, Any] = {
        **paired,
        "pinned_warm_step_seconds": round(warm_step, 2),
        "step_anatomy": anatomy(rounds),
        "docker_engine": on_docker,
        "dockerfile_step_seconds": round(dockerfile_step, 2),
        "dockerfile_vs_noop": round(dockerfile_step / noop_step, 2),
        "dockerfile_base": dockerfile_base(),
        "images": release["images"],
        "index_digest": release["index_digest"],
        "second_build_index_digest": again["index_digest"],
        "second_build_host": again["host"],
        "noop_index_digest": noop_top.digest,
        "noop_compressed_bytes": len(noops[0].layer.data),
        "dockerfile_image": dockerfile_image,
        "dockerfile_debs_bytes": debs_bytes,
        "arm64_run_seconds": release["arm64_run_seconds"],
        "release_build_seconds": round(build_seconds, 2),
        "release_test_seconds": round(total_seconds, 1),
    }
    FIGURES.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    parts = figures["step_anatomy"]
    amd, arm = release["images"]["amd64"], release["images"]["arm64"]
    each = ", ".join(f"{job['ratio']:.2f}x" for job in jobs)
    docker_each = ", ".join(f"{job['ratio']:.2f}x" for job in on_docker["jobs"])
    print(
        "release-test: both paths passed under act (outputs, stored values, masking)\n"
        f"  release image: amd64 {mb(amd['compressed_layer_bytes'])}, arm64"
        f" {mb(arm['compressed_layer_bytes'])} gzip, one layer each; index {digest}"
        f" (a second build, {again['host']}, the wheels installed afresh: the same digest)\n"
        f"  arm64: the image's files wrote one secret under qemu-user in"
        f" {release['arm64_run_seconds']:.2f} s (emulated)\n"
        f"  fully cold step over {len(jobs)} jobs (medians), pinned image {pinned_step:.2f} s vs"
        f" no-op container action {noop_step:.2f} s; each job's own ratio: {each}; their median"
        f" {ratio:.2f}x (its later, warm steps: {warm_step:.2f} s, {warm_step / noop_step:.2f}x)\n"
        f"  the image's own cost, fully cold: +{figures['pinned_minus_noop_seconds']:.2f} s"
        f" over the no-op (pull {parts['pinned']['pull']:.2f} s vs {parts['noop']['pull']:.2f} s,"
        f" start to exit {parts['pinned']['wait']:.2f} s vs {parts['noop']['wait']:.2f} s);"
        f" around each container step, act's requests for /info"
        f" (x{parts['noop']['info_calls']:.0f}), /version and the command files took"
        f" {sum(parts['noop'][k] for k in ('info', 'version', 'command_files')):.2f} s\n"
        f"  under {on_docker['engine']} ({len(docker_rounds)} jobs, medians): pinned image"
        f" {on_docker['pinned_step_seconds']:.2f} s vs no-op"
        f" {on_docker['noop_step_seconds']:.2f} s, +{on_docker['pinned_minus_noop_seconds']:.2f} s;"
        f" each job's own ratio: {docker_each}; their median {on_docker['pinned_vs_noop']:.2f}x\n"
        f"  Dockerfile path (image built in the job): {dockerfile_step:.2f} s"
        f" ({dockerfile_step / noop_step:.2f}x the no-op)\n"
        f"  figures in {FIGURES.relative_to(REPO)} (`make figures` puts them in the README)"
    )


def dockerfile_base() -> str:
    """The image the Dockerfile's build stage starts from (its first FROM)."""
    for line in (REPO / "Dockerfile").read_text(encoding="utf-8").splitlines():
        words = line.split()
        if words and words[0].upper() == "FROM":
            return words[1]
    raise CheckError("the Dockerfile has no FROM line")


if __name__ == "__main__":
    sys.exit(main())
