"""`make bench`: the action against the GitHub CLI on the project's emulator, side by side.

Both talk HTTPS to the same in-process emulator (API root /api/v3, the way gh addresses an
enterprise host), as whole processes, in interleaved order (each round rotates who goes
first), and every run is checked to have stored exactly the values it was given.

  1  one secret: the action vs `gh secret set NAME --org ORG --app codespaces --body V`
  2  20 secrets: one batch run of the action vs `gh secret set -f FILE` vs 20 gh calls
  3  both again with 50 ms of emulator latency per request
  4  requests each sent (emulator record) against the fewest its job needs
  5  start-up: an action run failing input validation vs `python -c pass`

then `python -X importtime` profiles of the validation-failure and a success path.
Medians over rounds; one table on stdout; everything in build/bench.json.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path

from benchlib import (
    ENTRYPOINT,
    PYTHON_FLAGS,
    REPO,
    BenchError,
    Contender,
    ImportProfile,
    Row,
    Samples,
    format_table,
    import_profile,
    interleaved,
    parse_importtime,
    run_process,
)

from github_emulator import ADMIN_TOKEN, Emulator
from testkit import runner_env

ORG = "octo-org"
ONE = "BENCH_ONE"
BATCH = tuple(f"BENCH_{i:02d}" for i in range(1, 21))
LATENCY = 0.05
JSON_OUT = REPO / "build" / "bench.json"
# Targets (issue 6): ratio of the action's median to the baseline's median.
TARGET_ONE = 1.3
TARGET_BATCH_VS_FILE = 1.0
TARGET_BATCH_VS_CALLS = 0.25


def batch_values(tag: str) -> dict[str, str]:
    """Unique values for one round, so a check proves that very run wrote them."""
    return {name: f"{tag}-{index}" for index, name in enumerate(BATCH)}


def dotenv(values: Mapping[str, str]) -> str:
    """The same text for the action's `secrets` input and for `gh secret set -f`."""
    return "".join(f"{name}={value}\n" for name, value in values.items())


class Action:
    """Runs entrypoint.py as the image's ENTRYPOINT does, with the runner's INPUT_* env."""

    def __init__(self, emu: Emulator, workdir: Path) -> None:
        self.emu = emu
        self.workdir = workdir
        self.argv = [sys.executable, *PYTHON_FLAGS, str(ENTRYPOINT)]

    def env(self, **inputs: str) -> dict[str, str]:
        """Every declared input set, as the runner sets them (unset ones get defaults)."""
        declared = {
            "token": ADMIN_TOKEN,
            "org": ORG,
            "name": "",
            "value": "",
            "value-file": "",
            "secrets": "",
            "include": "",
            "visibility": "",
            "repositories": "",
            "api-url": self.emu.url,
            "dry-run": "false",
            "retry-wait-limit": "300",
        }
        declared.update({key.replace("_", "-"): value for key, value in inputs.items()})
        extra = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(self.workdir),
            "REQUESTS_CA_BUNDLE": str(self.emu.ca_file),
        }
        return runner_env(self.workdir, declared, extra)

    def run(self, *, expect: int = 0, **inputs: str) -> float:
        """One process; its wall time."""
        env = self.env(**inputs)
        seconds, done = run_process(self.argv, env, expect=expect)
        if expect and "::error" not in done.stdout:
            raise BenchError("the failing action run printed no ::error:: annotation")
        return seconds

    def importtime(self, **inputs: str) -> str:
        """Standard error of one `python -X importtime` run of the entry point."""
        expect = 1 if inputs.get("name", "").startswith("1") else 0
        argv = [sys.executable, "-X", "importtime", *PYTHON_FLAGS, str(ENTRYPOINT)]
        return run_process(argv, self.env(**inputs), expect=expect)[1].stderr


class Gh:
    """The GitHub CLI against the emulator as an enterprise host (https://HOST/api/v3/)."""

    def __init__(self, binary: str, emu: Emulator, workdir: Path) -> None:
        self.binary = binary
        config = workdir / "gh-config"
        config.mkdir(exist_ok=True)
        host = emu.url.split("://", 1)[1].split("/", 1)[0]
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(workdir),
            "GH_CONFIG_DIR": str(config),
            "GH_HOST": host,
            "GH_ENTERPRISE_TOKEN": ADMIN_TOKEN,
            "SSL_CERT_FILE": str(emu.ca_file),
            "GH_NO_UPDATE_NOTIFIER": "1",
            "GH_PROMPT_DISABLED": "1",
            "NO_COLOR": "1",
        }
        self.file = workdir / "secrets.env"

    def argv(self, *args: str) -> list[str]:
        """`gh secret set ARGS --org ORG --app codespaces`."""
        return [self.binary, "secret", "set", *args, "--org", ORG, "--app", "codespaces"]

    def one(self, name: str, value: str) -> float:
        """One `gh secret set NAME --body VALUE`."""
        return run_process(self.argv(name, "--body", value), self.env)[0]

    def from_file(self, values: Mapping[str, str]) -> float:
        """One `gh secret set -f FILE` (the file is written before the clock starts)."""
        self.file.write_text(dotenv(values), encoding="utf-8")
        return run_process(self.argv("-f", str(self.file)), self.env)[0]

    def each(self, values: Mapping[str, str]) -> float:
        """One `gh secret set` per secret, one after the other, timed as a whole."""
        commands = [self.argv(name, "--body", value) for name, value in values.items()]
        start = time.perf_counter()
        for argv in commands:
            run_process(argv, self.env)
        return time.perf_counter() - start

    def version(self) -> str:
        """`gh --version`'s first line."""
        done = subprocess.run(
            [self.binary, "--version"], capture_output=True, text=True, check=True
        )
        return done.stdout.splitlines()[0]


class Bench:
    """The scenarios, over one emulator; collects rows and raw figures."""

    def __init__(self, emu: Emulator, action: Action, gh: Gh) -> None:
        self.emu = emu
        self.action = action
        self.gh = gh
        self.rows: list[Row] = []
        self.figures: dict[str, object] = {}
        self.put_spread_ms: dict[str, float] = {}

    # -- checks -------------------------------------------------------------------------

    def _expect(self, values: Mapping[str, str]) -> None:
        for name, value in values.items():
            stored = self.emu.secret(ORG, name)
            if stored is None or stored.value != value:
                raise BenchError(f"{name} does not hold the value of this run")

    def _requests(self, key: str) -> int:
        recorded = self.emu.requests
        puts = sorted(r.time for r in recorded if r.method == "PUT")
        if len(puts) > 1:
            self.put_spread_ms[key] = round((puts[-1] - puts[0]) * 1000, 1)
        return len(recorded)

    # -- scenarios ----------------------------------------------------------------------

    def one_secret(self, rounds: int) -> dict[str, Samples]:
        """Scenario 1 (or 3): one secret, the action vs one gh call."""
        contenders = [
            Contender("action", "action", lambda t: self.action.run(name=ONE, value=t), 3),
            Contender("gh", "gh secret set --body", lambda t: self.gh.one(ONE, t), 2),
        ]
        return self._measure(contenders, rounds, lambda tag: {ONE: tag})

    def batch(self, rounds: int) -> dict[str, Samples]:
        """Scenario 2 (or 3): 20 secrets, one action run vs gh -f vs 20 gh calls."""
        n = len(BATCH)
        contenders = [
            Contender(
                "action",
                f"action, one run ({n} in secrets)",
                lambda t: self.action.run(secrets=dotenv(batch_values(t))),
                2 + n,
            ),
            Contender(
                "gh-file",
                "gh secret set -f FILE",
                lambda t: self.gh.from_file(batch_values(t)),
                1 + n,
            ),
            Contender(
                "gh-each",
                f"{n} x gh secret set --body",
                lambda t: self.gh.each(batch_values(t)),
                1 + n,
            ),
        ]
        return self._measure(contenders, rounds, batch_values)

    def _measure(
        self,
        contenders: Sequence[Contender],
        rounds: int,
        values: Callable[[str], Mapping[str, str]],
    ) -> dict[str, Samples]:
        self.put_spread_ms = {}

        def after(contender: Contender, tag: str) -> int:
            count = self._requests(contender.key)
            self._expect(values(tag))
            return count

        # One untimed round first: creates the secrets (every timed run is an update) and
        # warms the page cache and the emulator's connections.
        interleaved(contenders, 1, before=self.emu.clear_requests, after=after)
        return interleaved(contenders, rounds, before=self.emu.clear_requests, after=after)

    def timed_rows(
        self,
        scenario: str,
        contenders: Sequence[tuple[str, str]],
        samples: Mapping[str, Samples],
        targets: Mapping[tuple[str, str], float],
    ) -> None:
        """One row per contender; the action also gets one ratio row per baseline."""
        for key, label in contenders:
            s = samples[key]
            self.rows.append(
                Row(scenario, label, s.median, s.low, s.high, requests=s.request_count)
            )
        action = samples["action"]
        for key, label in contenders:
            if key == "action":
                continue
            self.rows.append(
                Row(
                    scenario,
                    "  action / " + label,
                    ratio=action.median / samples[key].median,
                    baseline=key,
                    target=targets.get(("action", key)),
                )
            )

    def request_rows(self, scenario: str, entries: Sequence[tuple[str, int, int]]) -> None:
        """Scenario 4: requests sent against the fewest the job needs."""
        for label, count, minimum in entries:
            self.rows.append(
                Row(
                    scenario,
                    label,
                    requests=count,
                    minimum=minimum,
                    ratio=count / minimum,
                    baseline="minimum",
                )
            )

    def private_requests(self) -> tuple[int, int]:
        """Requests of the action with visibility: private (nothing to keep, no listing)."""
        self.emu.clear_requests()
        self.action.run(name=ONE, value="private-one", visibility="private")
        one = len(self.emu.requests)
        self.emu.clear_requests()
        values = batch_values("private-batch")
        self.action.run(secrets=dotenv(values), visibility="private")
        batch = len(self.emu.requests)
        self._expect(values)
        return one, batch

    def startup(self, rounds: int) -> dict[str, Samples]:
        """Scenario 5: whole-process start-up, no network."""
        python = [sys.executable, *PYTHON_FLAGS]
        failing = self.action.env(name="1BAD", value="x")
        plain = {"PATH": os.environ.get("PATH", "")}
        contenders = [
            Contender(
                "python",
                "python -c pass",
                lambda _t: run_process([*python, "-c", "pass"], plain)[0],
                0,
            ),
            Contender(
                "action-invalid",
                "action, input validation fails",
                lambda _t: run_process(self.action.argv, failing, expect=1)[0],
                0,
            ),
            Contender(
                "deps",
                "python -c 'import requests, nacl.public'",
                lambda _t: run_process([*python, "-c", "import requests, nacl.public"], plain)[0],
                0,
            ),
            Contender(
                "stdlib",
                "python -c 'import ssl, http.client, json'",
                lambda _t: run_process([*python, "-c", "import ssl, http.client, json"], plain)[0],
                0,
            ),
            Contender(
                "gh-version",
                "gh --version",
                lambda _t: run_process([self.gh.binary, "--version"], self.gh.env)[0],
                0,
            ),
        ]
        interleaved(contenders, 1, before=_nothing, after=_no_requests)
        return interleaved(contenders, rounds, before=_nothing, after=_no_requests)


def _nothing() -> None:
    """No preparation."""


def _no_requests(_contender: Contender, _tag: str) -> int:
    return 0


def profile(action: Action, runs: int) -> dict[str, ImportProfile]:
    """Median `-X importtime` figures of the validation-failure and a success path."""
    paths = {
        "validation-failure": {"name": "1BAD", "value": "x"},
        "success (1 secret)": {"name": ONE, "value": "importtime"},
    }
    return {
        label: import_profile([parse_importtime(action.importtime(**inputs)) for _ in range(runs)])
        for label, inputs in paths.items()
    }


def format_profiles(profiles: Mapping[str, ImportProfile]) -> str:
    """Per path: the import subtrees of 4 ms or more (3 levels), then self time per package."""
    out = []
    for label, p in profiles.items():
        flags = ", ".join(
            f"{m} {'imported' if p.has(m) else 'not imported'}"
            for m in ("requests", "urllib3", "nacl")
        )
        out.append(f"{label}: {p.total_ms:.0f} ms of imports ({flags})")
        for depth, name, ms in p.heavy(threshold_ms=4.0, max_depth=3):
            out.append(f"  {'  ' * depth}{name:<{44 - 2 * depth}} {ms:6.1f} ms")
        packages = list(p.by_package_ms.items())[:8]
        out.append("  self time by package: " + _listing(packages))
    return "\n".join(out)


def _listing(items: Sequence[tuple[str, float]]) -> str:
    return ", ".join(f"{name} {ms:.1f}" for name, ms in items)


def _install_hint() -> str:
    return "gh not found: run `make bench` (it installs Debian's gh) or apt-get install gh"


def main(argv: Sequence[str] | None = None) -> int:
    """Run every scenario; print the table; write the JSON. Exit 1 if a run misbehaved."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=11, help="rounds at 0 ms latency")
    parser.add_argument("--slow-rounds", type=int, default=5, help="rounds at 50 ms latency")
    parser.add_argument("--startup-rounds", type=int, default=21, help="start-up rounds")
    parser.add_argument("--profile-runs", type=int, default=5, help="importtime runs per path")
    parser.add_argument("--json", type=Path, default=JSON_OUT, help="where to write figures")
    args = parser.parse_args(argv)
    binary = shutil.which("gh")
    if binary is None:
        print(_install_hint(), file=sys.stderr)
        return 2
    # As the image does: no run pays for compiling the package (-B writes no .pyc).
    compileall.compile_dir(str(REPO / "src" / "codespaces_secrets"), quiet=1)
    try:
        report = _run(binary, args)
    except BenchError as exc:
        print(f"bench: a run went wrong, no figures: {exc}", file=sys.stderr)
        return 1
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(
        f"\nFigures: {args.json.relative_to(REPO) if args.json.is_relative_to(REPO) else args.json}"
    )
    return 0


def _run(binary: str, args: argparse.Namespace) -> dict[str, object]:
    with (
        tempfile.TemporaryDirectory(prefix="bench-") as temp,
        Emulator(tls=True, prefix="/api/v3") as emu,
    ):
        workdir = Path(temp)
        action = Action(emu, workdir)
        gh = Gh(binary, emu, workdir)
        bench = Bench(emu, action, gh)
        samples: dict[str, dict[str, Samples]] = {}
        spreads: dict[str, dict[str, float]] = {}
        one_labels = [("action", "action"), ("gh", "gh secret set --body")]
        batch_labels = [
            ("action", f"action, one run ({len(BATCH)} secrets)"),
            ("gh-file", "gh secret set -f FILE"),
            ("gh-each", f"{len(BATCH)} x gh secret set --body"),
        ]
        for latency, rounds in ((0.0, args.rounds), (LATENCY, args.slow_rounds)):
            emu.latency = latency
            ms = f"{latency * 1000:.0f} ms"
            number = "1" if latency == 0 else "3"
            one = bench.one_secret(rounds)
            samples[f"one secret, {ms}"] = one
            bench.timed_rows(
                f"{number} 1 secret, {ms}",
                one_labels,
                one,
                {("action", "gh"): TARGET_ONE} if latency == 0 else {},
            )
            many = bench.batch(rounds)
            samples[f"20 secrets, {ms}"] = many
            spreads[f"20 secrets, {ms}"] = dict(bench.put_spread_ms)
            number = "2" if latency == 0 else "3"
            targets = (
                {
                    ("action", "gh-file"): TARGET_BATCH_VS_FILE,
                    ("action", "gh-each"): TARGET_BATCH_VS_CALLS,
                }
                if latency == 0
                else {}
            )
            bench.timed_rows(f"{number} 20 secrets, {ms}", batch_labels, many, targets)
        emu.latency = 0.0
        private_one, private_batch = bench.private_requests()
        one0 = samples["one secret, 0 ms"]
        many0 = samples["20 secrets, 0 ms"]
        n = len(BATCH)
        bench.request_rows(
            "4 requests, 1 secret",
            [
                ("action (visibility empty: keeps)", one0["action"].request_count, 3),
                ("action (visibility: private)", private_one, 2),
                ("gh secret set --body (private)", one0["gh"].request_count, 2),
            ],
        )
        bench.request_rows(
            f"4 requests, {n} secrets",
            [
                ("action (visibility empty: keeps)", many0["action"].request_count, 2 + n),
                ("action (visibility: private)", private_batch, 1 + n),
                ("gh secret set -f (private)", many0["gh-file"].request_count, 1 + n),
                (f"{n} x gh secret set (private)", many0["gh-each"].request_count, 1 + n),
            ],
        )
        start = bench.startup(args.startup_rounds)
        samples["start-up"] = start
        base = start["python"].median
        for key, label in (
            ("python", "python -c pass"),
            ("action-invalid", "action, input validation fails"),
            ("deps", "python: import requests, nacl.public"),
            ("stdlib", "python: import ssl, http.client, json"),
            ("gh-version", "gh --version"),
        ):
            s = start[key]
            bench.rows.append(
                Row(
                    "5 start-up (no network)",
                    label,
                    s.median,
                    s.low,
                    s.high,
                    ratio=s.median / base,
                    baseline="python" if key != "python" else "",
                )
            )
        profiles = profile(action, args.profile_runs)
        print(format_table(bench.rows))
        print()
        print(_notes(spreads, gh.version()))
        print()
        print(
            "Start-up import profile (python -X importtime, median of "
            f"{args.profile_runs} runs; importtime itself adds overhead):"
        )
        print(format_profiles(profiles))
        return {
            "environment": {
                "python": sys.version.split()[0],
                "gh": gh.version(),
                "platform": platform.platform(),
                "cpus": os.cpu_count(),
                "rounds": {
                    "0ms": args.rounds,
                    "50ms": args.slow_rounds,
                    "startup": args.startup_rounds,
                },
                "python_flags": list(PYTHON_FLAGS),
                "every_timed_run_is": "an update of secrets created by an untimed warm-up round",
            },
            "targets": [
                {**asdict(r), "contender": r.contender.strip(), "verdict": r.verdict}
                for r in bench.rows
                if r.target is not None
            ],
            "rows": [
                {**asdict(r), "contender": r.contender.strip(), "verdict": r.verdict}
                for r in bench.rows
            ],
            "samples_seconds": {
                scenario: {
                    key: {
                        "seconds": s.seconds,
                        "median": statistics.median(s.seconds),
                        "requests": s.requests,
                    }
                    for key, s in by_key.items()
                }
                for scenario, by_key in samples.items()
            },
            "put_arrival_spread_ms": spreads,
            "import_profiles": {
                label: {
                    "total_ms": p.total_ms,
                    "subtrees_ms": {
                        " > ".join(path): ms for path, ms in p.tree_ms.items() if ms >= 1.0
                    },
                    "package_self_ms": dict(list(p.by_package_ms.items())[:15]),
                    "imports_requests": p.has("requests"),
                    "imports_nacl": p.has("nacl"),
                }
                for label, p in profiles.items()
            },
        }


def _notes(spreads: Mapping[str, Mapping[str, float]], gh_version: str) -> str:
    lines = [
        f"{gh_version}; Python {platform.python_version()}; {os.cpu_count()} CPUs. Wall time of "
        "whole processes, median of the rounds; every timed run updates existing secrets.",
        "Ratios: action median / baseline median (start-up: / python -c pass; requests: "
        "/ the fewest the job needs).",
    ]
    for scenario, spread in spreads.items():
        shown = ", ".join(f"{k} {v:.0f} ms" for k, v in spread.items())
        lines.append(f"First to last PUT arrival, {scenario}: {shown}.")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
