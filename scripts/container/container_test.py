"""Build the release image and the real Dockerfile; run the image as the Actions runner does.

The release image (scripts/release/image.py, one layer on scratch) is loaded into podman;
the Dockerfile's image must hold the very same files. Against the emulator over HTTPS
(its CA in the workspace, named by REQUESTS_CA_BUNDLE): a new secret, an update to
`selected` repositories, a dry run that must write nothing (not even a .pyc in the
container), and bad input that must fail with exit 1 and `::error::`. A canary value and
token must never show, except in `::add-mask::` lines. Then what tracing an image's files
misses: a run with no REQUESTS_CA_BUNDLE that verifies TLS against the image's own CA
bundle (certifi's cacert.pem, with the emulator's CA appended, mounted over it), and fails
without it; 200 runs against a closed port (the deadline watchdog alive at exit) with no
abort; nothing on stderr at start-up; `python -X importtime` loading only modules the
image holds.
Then the warm-run cost of the container itself: one secret written by the image, and by
the same entry point with the image's own interpreter flags on the host, interleaved
against the same emulator. Figures (builds, sizes, run times, warm runs in and outside
the container) go to build/container-figures.json.
"""

from __future__ import annotations

import compileall
import json
import secrets
import statistics
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import rootfs
from containerlib import (
    DOCKERFILE_IMAGE,
    IMAGE,
    REPO,
    RUNNER_MOUNTS,
    CheckError,
    RunnerRun,
    TreeFile,
    build_image,
    check,
    image_size,
    image_tree,
    leaks,
    log,
    prune_dangling,
    release_image,
    run,
    run_like_runner,
    run_outside,
)

from github_emulator import Emulator, StoredSecret

ORG = "octo-org"
NAME = "CONTAINER_CANARY"
CA_IN_WORKSPACE = ".emulator-ca.pem"
FIGURES = REPO / "build" / "container-figures.json"
# Timed warm runs in each place (after one untimed run of each).
WARM_ROUNDS = 7
# What podman itself creates in any container: the runner's mount points, and the
# network files it mounts over /etc. Anything else a run leaves would be the action's.
RUN_MOUNT_POINTS = {
    "/etc",
    "/etc/hostname",
    "/etc/hosts",
    "/etc/resolv.conf",
    "/github",
    *(f"/github/{name}" for name in RUNNER_MOUNTS),
}


@dataclass(frozen=True)
class Session:
    """One emulator, a canary token and value, and how the action reaches the emulator."""

    emu: Emulator
    token: str
    value: str

    def run(self, inputs: dict[str, str], keep_container: str | None = None) -> RunnerRun:
        """Run the image like the runner, with the token, org, API URL and CA set."""
        return run_like_runner(
            IMAGE,
            {"token": self.token, "org": ORG, "api-url": self.emu.url, **inputs},
            extra_env={"REQUESTS_CA_BUNDLE": f"/github/workspace/{CA_IN_WORKSPACE}"},
            workspace_files={CA_IN_WORKSPACE: ca_pem(self.emu)},
            keep_container=keep_container,
        )

    def stored(self) -> StoredSecret:
        """The secret as the emulator holds it (value decrypted)."""
        secret = self.emu.secret(ORG, NAME)
        if secret is None:
            raise CheckError(f"{NAME} is not in the emulator")
        return secret

    def check_no_leak(self, result: RunnerRun, *extra: str) -> None:
        """No line of the value or token shows, but in ::add-mask:: lines."""
        hidden = [self.token, self.value, *extra]
        shown = leaks(result.stdout, hidden) + leaks(result.stderr, hidden)
        check(not shown, f"a secret leaked into the container's log: {len(shown)} line(s)")
        check(not leaks(result.output_text, hidden), "a secret leaked into GITHUB_OUTPUT")
        check(not leaks(result.summary, hidden), "a secret leaked into the step summary")


def ca_pem(emu: Emulator) -> bytes:
    """The emulator's CA certificate (PEM)."""
    if emu.ca_file is None:
        raise CheckError("the emulator serves no TLS")
    return Path(emu.ca_file).read_bytes()


def show(result: RunnerRun) -> str:
    """The run's exit code and logs, for a failure message (values are masked there)."""
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}--- stderr\n{result.stderr}"


def create(session: Session) -> float:
    """A new secret: stored exactly, every output set, a summary, values masked."""
    result = session.run({"name": NAME, "value": session.value})
    check(result.returncode == 0, "create run failed: " + show(result))
    check(session.stored().value == session.value, "the stored value differs from the input")
    out = result.outputs
    check(out.get("status") == "created", f"status output {out.get('status')!r}")
    check(out.get("visibility") == "private", f"visibility output {out.get('visibility')!r}")
    check(json.loads(out.get("selected-repository-ids", "null")) == [], "repository ids")
    check(bool(out.get("key-id")), "key-id output is empty")
    results = json.loads(out.get("results", "null"))
    check(
        isinstance(results, list) and [r.get("name") for r in results] == [NAME],
        f"results output {out.get('results')!r}",
    )
    check(NAME in result.summary, "the step summary does not name the secret")
    check("::add-mask::" in result.stdout, "no ::add-mask:: in the log")
    session.check_no_leak(result)
    return result.seconds


def update(session: Session) -> float:
    """The same secret again, now for two repositories given by name."""
    result = session.run({"name": NAME, "value": session.value, "repositories": "web\napi"})
    check(result.returncode == 0, "update run failed: " + show(result))
    out = result.outputs
    check(out.get("status") == "updated", f"status output {out.get('status')!r}")
    check(out.get("visibility") == "selected", f"visibility output {out.get('visibility')!r}")
    ids = sorted(json.loads(out.get("selected-repository-ids", "[]")))
    stored = session.stored()
    check(len(ids) == 2 and ids == sorted(stored.selected_repository_ids), f"ids {ids}")
    session.check_no_leak(result)
    return result.seconds


def dry_run(session: Session) -> float:
    """A dry run: no PUT, and nothing written in the container's file system."""
    before = len(session.emu.requests)
    container = f"cs-dry-run-{secrets.token_hex(4)}"
    # Another value, every line of it long enough to be told apart from other output.
    other = f"{session.value}dry-run {secrets.token_hex(8)}\n"
    try:
        result = session.run({"name": NAME, "value": other, "dry-run": "true"}, container)
        diff = run(["podman", "diff", "--format", "json", container]).stdout
    finally:
        run(["podman", "rm", "--force", container])
    check(result.returncode == 0, "dry run failed: " + show(result))
    check(result.outputs.get("status") == "would-update", f"dry run: {result.outputs}")
    puts = [r for r in session.emu.requests[before:] if r.method == "PUT"]
    check(not puts, f"the dry run sent {len(puts)} PUT request(s)")
    changed = [path for paths in json.loads(diff).values() for path in paths]
    written = [path for path in changed if path not in RUN_MOUNT_POINTS]
    check(not written, f"the run wrote into the container's file system: {written}")
    check(session.stored().value == session.value, "the dry run changed the value")
    session.check_no_leak(result, other)
    return result.seconds


def bad_input(session: Session) -> float:
    """Bad input: exit 1, ::error:: annotations, no request at all, no traceback."""
    before = len(session.emu.requests)
    result = session.run({"name": "1-not-a-name", "value": session.value, "visibility": "everyone"})
    check(result.returncode == 1, "bad input: " + show(result))
    check("::error" in result.stdout, "bad input: no ::error:: line\n" + show(result))
    check(len(session.emu.requests) == before, "bad input still reached the API")
    check("Traceback" not in result.stdout + result.stderr, "bad input: a traceback")
    session.check_no_leak(result)
    return result.seconds


CERTIFI_BUNDLE = f"{rootfs.SITE}/certifi/cacert.pem"
STDLIB = f"{rootfs.STDLIB}/"
DYNLOAD = f"{rootfs.DYNLOAD}/"
# The image's bytecode, in one archive (rootfs.bytecode_zip).
BYTECODE_ZIP = rootfs.BYTECODE_ZIP
# Where the image's files provide modules: bytecode standing where its source would be,
# extension modules, and entrypoint.py. The archive's members are named as under these.
_MODULE_ROOTS = (DYNLOAD, STDLIB, f"{rootfs.SITE}/", f"{rootfs.APP}/")


def archive_members() -> list[str]:
    """The names in the image's bytecode archive, read by its own interpreter."""
    script = f"import zipfile; print(*zipfile.ZipFile('/{BYTECODE_ZIP}').namelist())"
    probe = ["podman", "run", "--rm", "--entrypoint", "/usr/bin/python3.11", IMAGE, "-I", "-c"]
    return run([*probe, script]).stdout.split()


def modules_held(tree: Iterable[str], members: Iterable[str]) -> set[str]:
    """The importable module names the tree's paths and the archive's members provide."""
    names = set()
    rooted = [(path, next((r for r in _MODULE_ROOTS if path.startswith(r)), None)) for path in tree]
    for path, root in [*rooted, *((member, "") for member in members)]:
        if root is None or "/__pycache__/" in path:
            continue
        rel = path.removeprefix(root)
        for suffix in (".pyc", ".py", ".so"):
            if rel.endswith(suffix):
                stem = rel.removesuffix(suffix).split(".cpython-")[0].split(".abi3")[0]
                names.add(stem.removesuffix("/__init__").replace("/", "."))
    return names


def inspect_image() -> tuple[dict[str, int], set[str]]:
    """What the image holds: one layer; /app only the action, as bytecode; no emulator, CLI.

    Returns counts for the figures, and the module names the image's files provide."""
    tree = image_tree(IMAGE)
    app = sorted(p.removeprefix("app/") for p in tree if p.startswith("app/"))
    check(app == ["entrypoint.py"], f"/app holds {app[:5]}, not only entrypoint.py")
    members = archive_members()
    package = sorted(m for m in members if m.startswith(f"{rootfs.PACKAGE}/"))
    check(all(m.endswith(".pyc") for m in package), f"sources of the action: {package[:3]}")
    compiled = [m.removesuffix("c") for m in package]
    modules = sorted(name for name in rootfs.app_files() if name != "entrypoint.py")
    check(compiled == modules, f"the action's bytecode is not the package's modules: {compiled}")
    emulator = [p for p in [*tree, *members] if "github_emulator" in p]
    check(not emulator, f"the image holds the emulator: {emulator[:3]}")
    for unwanted in ("cli/", "__main__.py", "py.typed"):
        held = [p for p in package if p.startswith(f"{rootfs.PACKAGE}/{unwanted}")]
        check(not held, f"the image holds the command line's {held[:3]}")
    check(not any("/.cache/" in p or p.startswith("root/") for p in tree), "a cache in the image")
    check(not any(p.startswith(("bin/", "usr/bin/sh")) for p in tree), "a shell in the image")
    loose = [p for p in tree if p.startswith(STDLIB) and p != rootfs.DYNLOAD
             and not p.startswith(DYNLOAD)]  # fmt: skip
    check(not loose, f"standard library files outside its archive: {loose[:5]}")
    check("encodings/__init__.pyc" in members, "the bytecode archive lacks encodings")
    check("requests/__init__.pyc" in members, "the bytecode archive lacks requests")
    check(not [m for m in members if not m.endswith(".pyc")], "other than bytecode in the archive")
    check(tree.get(CERTIFI_BUNDLE, TreeFile("", 0, "", "")).kind == "file", "no CA bundle")
    check("lib/x86_64-linux-gnu/libgcc_s.so.1" in tree or "lib/aarch64-linux-gnu/libgcc_s.so.1"
          in tree, "libgcc_s.so.1 (dlopen'ed when a thread exits) is missing")  # fmt: skip
    info = json.loads(run(["podman", "image", "inspect", IMAGE]).stdout)[0]
    config, layers = info["Config"], info["RootFS"]["Layers"]
    check(len(layers) == 1, f"{len(layers)} layers")
    check(not config.get("User"), f"image sets USER {config.get('User')!r}")
    check(not config.get("WorkingDir"), f"image sets WORKDIR {config.get('WorkingDir')!r}")
    entrypoint = config.get("Entrypoint") or []
    check(entrypoint[:1] == ["/usr/bin/python3.11"], f"ENTRYPOINT {entrypoint}")
    dockerfile = image_tree(DOCKERFILE_IMAGE)
    differ = sorted(p for p in set(tree) | set(dockerfile) if tree.get(p) != dockerfile.get(p))
    check(not differ, f"the Dockerfile's image differs from the release image: {differ[:10]}")
    counts = {
        "files": sum(1 for f in tree.values() if f.kind != "dir"),
        "modules": len(modules),
        "pyc_files": len(compiled),
        "layers": len(layers),
    }
    return counts, modules_held(tree, members)


def own_bundle(session: Session, bundle: Path) -> float:
    """No REQUESTS_CA_BUNDLE: TLS is verified against the image's own bundle, certifi's.

    The emulator's CA is appended to a copy of the image's cacert.pem, mounted over it:
    the run must succeed. Without the mount the same run must fail on the certificate,
    which proves that file, and no other, is the bundle the action trusts.
    """
    inputs = {"token": session.token, "org": ORG, "api-url": session.emu.url, "name": NAME}
    inputs["value"] = session.value
    refused = run_like_runner(IMAGE, inputs)
    check(refused.returncode == 1, "an unknown CA was trusted: " + show(refused))
    check("TLS" in refused.stdout, "no TLS failure reported: " + show(refused))
    result = run_like_runner(IMAGE, inputs, mounts={str(bundle): f"/{CERTIFI_BUNDLE}"})
    check(result.returncode == 0, "run with the image's own bundle failed: " + show(result))
    check(result.outputs.get("status") == "updated", f"own bundle: {result.outputs}")
    check(result.stderr == "", f"stderr at start-up or run: {result.stderr[:500]!r}")
    session.check_no_leak(result)
    session.check_no_leak(refused)
    return result.seconds


# Runs against a closed port, each its own interpreter, in one container (a container per
# run would cost 200 container starts): what the exit of the watchdog thread does.
REFUSED_RUNS = 200
_LOOP = """
import os, subprocess, sys
argv = sys.argv[1:]
codes, noise = {}, 0
for _ in range(int(os.environ["CS_RUNS"])):
    done = subprocess.run(argv, capture_output=True)
    codes[done.returncode] = codes.get(done.returncode, 0) + 1
    noise += bool(done.stderr)
print(sorted(codes.items()), noise)
"""


def refused_runs(session: Session) -> float:
    """200 runs whose every request is refused: each must exit 1 (never 139), quietly."""
    entrypoint = image_entrypoint()
    inputs = {"token": session.token, "org": ORG, "name": NAME, "value": session.value}
    inputs |= {"api-url": "https://127.0.0.1:9/", "retry-wait-limit": "0"}
    result = run_like_runner(
        IMAGE, inputs, extra_env={"CS_RUNS": str(REFUSED_RUNS)},
        command=[entrypoint[0], "-I", "-c", _LOOP, *entrypoint],
    )  # fmt: skip
    check(result.returncode == 0, "the run loop failed: " + show(result))
    codes, noise = result.stdout.strip().rsplit(" ", 1)
    check(codes == f"[(1, {REFUSED_RUNS})]", f"exit codes of {REFUSED_RUNS} refused runs: {codes}")
    check(noise == "0", f"{noise} refused run(s) wrote to stderr")
    return result.seconds


# -X importtime also lists imports that failed. These are tried and let go by design:
# site's optional hooks, other platforms' modules (Windows, Jython), and the optional
# accelerators and extras of requests and urllib3, among them the encoding detectors
# (chardet, and the distributions the image leaves out: rootfs.UNUSED_DISTRIBUTIONS).
# Any other missing module fails.
OPTIONAL_IMPORTS = {
    "sitecustomize", "usercustomize", "_winapi", "nt", "winreg", "org", "org.python",
    "org.python.core", "backports", "brotli", "brotlicffi", "chardet", "simplejson",
    "socks", "zstandard", *rootfs.UNUSED_DISTRIBUTIONS, *rootfs.OPTIONAL_LEFT_OUT,
}  # fmt: skip


def importtime(session: Session, held: set[str]) -> list[str]:
    """One write under `python -X importtime`: every module loaded is one the image holds."""
    entrypoint = image_entrypoint()
    inputs = {"token": session.token, "org": ORG, "api-url": session.emu.url, "name": NAME}
    result = run_like_runner(
        IMAGE, {**inputs, "value": session.value},
        extra_env={"REQUESTS_CA_BUNDLE": f"/github/workspace/{CA_IN_WORKSPACE}"},
        workspace_files={CA_IN_WORKSPACE: ca_pem(session.emu)},
        command=[entrypoint[0], "-X", "importtime", *entrypoint[1:]],
    )  # fmt: skip
    check(result.returncode == 0, "importtime run failed: " + show(result))
    loaded = [
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and not line.rstrip().endswith("package")
    ]
    other = [line for line in result.stderr.splitlines() if not line.startswith("import time:")]
    check(not other, f"stderr besides import times: {other[:5]}")
    script = "import sys, _imp; print(*sys.builtin_module_names, *_imp._frozen_module_names())"
    probe = ["podman", "run", "--rm", "--entrypoint", entrypoint[0], IMAGE, "-I", "-c", script]
    builtin = set(run(probe).stdout.split())
    missing = {name for name in loaded if name not in held and name not in builtin}
    unexpected = sorted(missing - OPTIONAL_IMPORTS)
    check(not unexpected, f"imports of modules the image does not hold: {unexpected}")
    return loaded


def image_entrypoint() -> list[str]:
    """The image's ENTRYPOINT: the interpreter, its flags, the entry point script."""
    config = json.loads(run(["podman", "image", "inspect", IMAGE]).stdout)[0]["Config"]
    entrypoint = [str(part) for part in config.get("Entrypoint") or []]
    check(len(entrypoint) >= 2, f"ENTRYPOINT {entrypoint}")
    check(entrypoint[-1].endswith("/entrypoint.py"), f"ENTRYPOINT {entrypoint}")
    return entrypoint


@dataclass(frozen=True)
class WarmRuns:
    """Seconds of warm one-secret runs in the container and outside it."""

    container: list[float]
    outside: list[float]
    image_entrypoint: list[str]
    outside_argv: list[str]

    @property
    def container_median(self) -> float:
        """Median seconds of a run of the image."""
        return statistics.median(self.container)

    @property
    def outside_median(self) -> float:
        """Median seconds of the same run on the host."""
        return statistics.median(self.outside)

    def figures(self) -> dict[str, object]:
        """What container-figures.json keeps."""
        return {
            "rounds": len(self.container),
            "container_seconds": self.container,
            "outside_seconds": self.outside,
            "container_median_seconds": round(self.container_median, 4),
            "outside_median_seconds": round(self.outside_median, 4),
            "container_cost_seconds": round(self.container_median - self.outside_median, 4),
            "image_entrypoint": self.image_entrypoint,
            "outside_argv": self.outside_argv,
        }


def warm_runs(session: Session, rounds: int) -> WarmRuns:
    """One secret, by the image and by the same entry point and flags on the host.

    Interleaved (the order alternates each round) after one untimed run of each, against
    the session's emulator; every run must exit 0 and store its own value. Outside, the
    host's interpreter (the checkout's venv) runs the checkout's entrypoint.py with the
    image's flags, the runner's environment and files in host folders, and the emulator's
    CA from its own file; the package is compiled first, as in the image.
    """
    entrypoint = image_entrypoint()
    outside_argv = [sys.executable, *entrypoint[1:-1], str(REPO / "entrypoint.py")]
    compileall.compile_dir(str(REPO / "src" / "codespaces_secrets"), quiet=1)
    inputs = {"token": session.token, "org": ORG, "api-url": session.emu.url, "name": NAME}

    def in_container(value: str) -> RunnerRun:
        return session.run({"name": NAME, "value": value})

    def on_host(value: str) -> RunnerRun:
        ca = {"REQUESTS_CA_BUNDLE": str(session.emu.ca_file)}
        return run_outside(outside_argv, {**inputs, "value": value}, extra_env=ca)

    places = {"container": in_container, "outside": on_host}
    seconds: dict[str, list[float]] = {name: [] for name in places}
    for index in range(rounds + 1):
        order = list(places) if index % 2 == 0 else list(reversed(places))
        for where in order:
            value = f"warm-{index}-{where}-{secrets.token_hex(4)}"
            result = places[where](value)
            check(result.returncode == 0, f"warm run ({where}) failed: " + show(result))
            check(session.stored().value == value, f"warm run ({where}) stored another value")
            if index:
                seconds[where].append(round(result.seconds, 4))
    return WarmRuns(
        container=seconds["container"],
        outside=seconds["outside"],
        image_entrypoint=entrypoint,
        outside_argv=[Path(outside_argv[0]).name, *outside_argv[1:-1], "entrypoint.py"],
    )


def run_checks(held: set[str]) -> tuple[dict[str, float], WarmRuns, int]:
    """The runner-style runs against a fresh emulator; their times, the warm runs, and
    the number of modules loaded under -X importtime."""
    token = "ghp_" + secrets.token_hex(18)
    # Verbatim, multi-line, with characters that workflow commands escape.
    value = f"canary-{secrets.token_hex(8)}\n  line two {secrets.token_hex(8)} 50% ::\n"
    with Emulator(tls=True) as emu, tempfile.TemporaryDirectory(prefix="cs-ca-") as tmp:
        emu.add_token(token)
        session = Session(emu=emu, token=token, value=value)
        times = {}
        for step in (create, update, dry_run, bad_input):
            log(f"run: {step.__doc__}")
            times[f"{step.__name__}_seconds"] = round(step(session), 3)
        log(f"run: {(own_bundle.__doc__ or '').splitlines()[0]}")
        bundle = Path(tmp) / "cacert.pem"
        run(["podman", "create", "--name", f"cs-ca-{token[-8:]}", IMAGE])
        try:
            run(["podman", "cp", f"cs-ca-{token[-8:]}:/{CERTIFI_BUNDLE}", str(bundle)])
        finally:
            run(["podman", "rm", "--force", f"cs-ca-{token[-8:]}"])
        bundle.write_bytes(bundle.read_bytes() + b"\n" + ca_pem(emu))
        times["own_bundle_seconds"] = round(own_bundle(session, bundle), 3)
        log(f"run: {refused_runs.__doc__}")
        times["refused_runs_seconds"] = round(refused_runs(session), 3)
        log(f"run: {importtime.__doc__}")
        loaded = importtime(session, held)
        log(f"warm runs, one secret: {WARM_ROUNDS} in the container, {WARM_ROUNDS} outside")
        return times, warm_runs(session, WARM_ROUNDS), len(loaded)


def main() -> int:
    """Build, inspect, run every check; write the figures; exit 1 on a failed check."""
    try:
        log("release image (scripts/release/image.py), loaded into podman")
        release = release_image()
        log("the Dockerfile's image (no layer cache)")
        dockerfile = build_image(no_cache=True, tag=DOCKERFILE_IMAGE)
        size = image_size(IMAGE)
        contents, held = inspect_image()
        times, warm_one, loaded = run_checks(held)
    except CheckError as failure:
        log(f"FAILED: {failure}")
        return 1
    finally:
        prune_dangling()
    arch = release["arch"]
    layer = release["images"][arch]["compressed_layer_bytes"]
    figures = {
        "release_build_seconds": release["build_seconds"],
        "dockerfile_build_seconds": round(dockerfile, 2),
        "image": IMAGE,
        "arch": arch,
        "manifest_digest": release["images"][arch]["manifest_digest"],
        "image_bytes": size,
        "compressed_layer_bytes": layer,
        "contents": contents,
        "modules_loaded": loaded,
        "run_seconds": times,
        "warm_run_one_secret": warm_one.figures(),
    }
    FIGURES.parent.mkdir(exist_ok=True)
    FIGURES.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(
        f"build: release image {release['build_seconds']:.1f} s"
        f" ({release['images'][arch]['manifest_digest']}), Dockerfile {dockerfile:.1f} s"
        " (the same files)"
    )
    print(f"size ({arch}): {size / 1e6:.1f} MB unpacked, {layer / 1e6:.2f} MB gzip, one layer")
    print("runs: " + ", ".join(f"{k.removesuffix('_seconds')} {v:.2f} s" for k, v in times.items()))
    print(f"importtime: {loaded} modules loaded, all held by the image")
    inside, outside = warm_one.container_median, warm_one.outside_median
    print(
        f"warm run, one secret (median of {WARM_ROUNDS}, interleaved): container"
        f" {inside:.3f} s, the same entry point and flags outside {outside:.3f} s;"
        f" the container adds {inside - outside:.3f} s ({inside / outside:.1f}x)"
    )
    print(f"container-test: all checks passed; figures in {FIGURES.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
