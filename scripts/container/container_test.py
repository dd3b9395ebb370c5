"""Build the real Dockerfile with podman and run the image the way the Actions runner does.

Against the emulator over HTTPS (its CA in the workspace, named by REQUESTS_CA_BUNDLE):
a new secret, an update to `selected` repositories, a dry run that must write nothing
(not even a .pyc in the container), and bad input that must fail with exit 1 and
`::error::`. A canary value and token must never show, except in `::add-mask::` lines.
Then the warm-run cost of the container itself: one secret written by the image, and by
the same entry point with the image's own interpreter flags on the host, interleaved
against the same emulator. Figures (cold and warm build, sizes, run times, warm runs in
and outside the container) go to build/container-figures.json.
"""

from __future__ import annotations

import compileall
import json
import secrets
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

from containerlib import (
    IMAGE,
    REPO,
    RUNNER_MOUNTS,
    CheckError,
    RunnerRun,
    build_image,
    check,
    image_size,
    leaks,
    log,
    prune_dangling,
    required_env,
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
    other = session.value + "x"
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


def inspect_image() -> dict[str, int]:
    """What the image holds: the entry point and the package (no emulator), compiled."""
    script = (
        "ls -A /app; echo ---;"
        " find /app/codespaces_secrets -name '*.py' | sort; echo ---;"
        " find /app/codespaces_secrets -name '*.pyc' | wc -l; echo ---;"
        " ls -d /root/.cache/pip 2>/dev/null || true"
    )
    out = run(["podman", "run", "--rm", "--entrypoint", "/bin/sh", IMAGE, "-c", script]).stdout
    top, sources, pyc_count, pip_cache = (part.split() for part in out.split("---"))
    check(sorted(top) == ["codespaces_secrets", "entrypoint.py"], f"/app holds {top}")
    check(not any("/emulator/" in f for f in sources), "the emulator subpackage is in the image")
    check(int(pyc_count[0]) == len(sources), f"{len(sources)} modules, {pyc_count[0]} .pyc")
    check(not pip_cache, "pip's cache was left in the image")
    config = json.loads(run(["podman", "image", "inspect", IMAGE]).stdout)[0]["Config"]
    check(not config.get("User"), f"image sets USER {config.get('User')!r}")
    check(not config.get("WorkingDir"), f"image sets WORKDIR {config.get('WorkingDir')!r}")
    entrypoint = config.get("Entrypoint") or []
    check(entrypoint[:1] == ["/usr/local/bin/python"], f"ENTRYPOINT {entrypoint}")
    return {"modules": len(sources), "pyc_files": int(pyc_count[0])}


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


def run_checks() -> tuple[dict[str, float], WarmRuns]:
    """The runner-style runs against a fresh emulator; their times, then the warm runs."""
    token = "ghp_" + secrets.token_hex(18)
    # Verbatim, multi-line, with characters that workflow commands escape.
    value = f"canary-{secrets.token_hex(8)}\n  line two {secrets.token_hex(8)} 50% ::\n"
    with Emulator(tls=True) as emu:
        emu.add_token(token)
        session = Session(emu=emu, token=token, value=value)
        times = {}
        for step in (create, update, dry_run, bad_input):
            log(f"run: {step.__doc__}")
            times[f"{step.__name__}_seconds"] = round(step(session), 3)
        log(f"warm runs, one secret: {WARM_ROUNDS} in the container, {WARM_ROUNDS} outside")
        return times, warm_runs(session, WARM_ROUNDS)


def main() -> int:
    """Build, inspect, run every check; write the figures; exit 1 on a failed check."""
    base_image = required_env("CS_FROM_IMAGE")
    try:
        log("cold build (no layer cache; base image present)")
        cold = build_image(no_cache=True)
        log("warm build (nothing changed)")
        warm = build_image(no_cache=False)
        size, base_size = image_size(IMAGE), image_size(base_image)
        contents = inspect_image()
        times, warm_one = run_checks()
    except CheckError as failure:
        log(f"FAILED: {failure}")
        return 1
    finally:
        prune_dangling()
    figures = {
        "cold_build_seconds": round(cold, 2),
        "warm_build_seconds": round(warm, 2),
        "image": IMAGE,
        "base_image": base_image,
        "image_bytes": size,
        "base_image_bytes": base_size,
        "added_over_base_bytes": size - base_size,
        "contents": contents,
        "run_seconds": times,
        "warm_run_one_secret": warm_one.figures(),
    }
    FIGURES.parent.mkdir(exist_ok=True)
    FIGURES.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"build: cold {cold:.1f} s, warm {warm:.1f} s")
    print(
        f"size: image {size / 1e6:.1f} MB = base {base_size / 1e6:.1f} MB"
        f" + {(size - base_size) / 1e6:.2f} MB"
    )
    print("runs: " + ", ".join(f"{k.removesuffix('_seconds')} {v:.2f} s" for k, v in times.items()))
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
