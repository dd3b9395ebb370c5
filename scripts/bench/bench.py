"""`make bench`: the action against the floor, the JavaScript way and the GitHub CLI.

Every contender talks HTTPS to the same in-process emulator (API root /api/v3, the way gh
addresses an enterprise host), as a whole process, in interleaved order (each round
rotates who goes first), and every run is checked to have stored exactly the values it
was given (the emulator decrypts what it receives).

  action  entrypoint.py with the image's Python flags and the runner's INPUT_* variables
  floor   scripts/bench/floor.py: the same job with the same libraries (requests + PyNaCl)
          and nothing else: GET the key, seal, PUT, serially on one Session; same flags
  floor, collector tuned   the floor with the two lines the action's entry point adds
          (codespaces_secrets.process), for reference: the action's overhead like for like
  js      scripts/bench/js/set-secrets.mjs: what GitHub's docs show a JavaScript action
          author (@octokit/rest + libsodium-wrappers, lockfile-pinned), serial writes, on node
  gh      `gh secret set --app codespaces` (Debian's GitHub CLI), for reference

  1  one secret            3  both again with 50 ms of emulator latency per request
  2  20 secrets, one run   4  requests each sent   5  start-up (no network)

then where each run's time goes (start to first request, first to last, last to exit)
and `python -X importtime` profiles of the action's validation-failure and success paths.
Medians over rounds; one table on stdout; everything in build/bench.json.
"""

from __future__ import annotations

import argparse
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
    PYTHON_FLAGS,
    REPO,
    RUNTIME_PYTHON,
    BenchError,
    CallCost,
    Contender,
    ImportProfile,
    Phases,
    Row,
    Samples,
    Target,
    Timing,
    call_costs,
    format_table,
    image_app,
    import_profile,
    interleaved,
    parse_importtime,
    run_process,
)

from codespaces_secrets.process import THRESHOLD
from github_emulator import ADMIN_TOKEN, Emulator
from testkit import runner_env

ORG = "octo-org"
ONE = "BENCH_ONE"
BATCH = tuple(f"BENCH_{i:02d}" for i in range(1, 21))
LATENCY = 0.05
JSON_OUT = REPO / "build" / "bench.json"
HERE = Path(__file__).resolve().parent
FLOOR = HERE / "floor.py"
JS_DIR = HERE / "js"
JS_SCRIPT = JS_DIR / "set-secrets.mjs"
TUNED = "floor, collector tuned"
# Targets (issue 13): the action's median over a baseline's median.
FLOOR_LIMIT = 1.15  # one secret and 20 secrets, against the floor
JS_LIMIT = 1.0  # never slower than the JavaScript way, in any timed case
SERIAL_LIMIT = 1.10  # 20 secrets at 50 ms against (1 + 20) x RTT + start-up
# The action lists the org's secrets once per org, for GitHub's secret-count limit.
LISTINGS_PER_ORG = 1
MISS_EXIT = 3

EPILOG = f"""\
Every PASS/MISS line compares medians of interleaved runs on one emulator:
  action / floor <= {FLOOR_LIMIT}x, 1 secret and 20 secrets at 0 ms;
  action / JavaScript way <= {JS_LIMIT}x, 1 and 20 secrets at 0 and 50 ms;
  20 secrets at 50 ms: action / ((1 + 20) x 50 ms + start-up) <= {SERIAL_LIMIT}x, where
    start-up is the floor's 20-secret median at 0 ms (all it does but wait);
  requests: action / (floor's requests + {LISTINGS_PER_ORG} listing per org) <= 1.0x.
Exit status: 0 when every run did its job, whatever the verdicts; 1 when a run went wrong
(no figures); 2 when gh, node or the JavaScript packages are missing; {MISS_EXIT} on a MISS,
only with --strict.
"""


def batch_values(tag: str) -> dict[str, str]:
    """Unique values for one round, so a check proves that very run wrote them."""
    return {name: f"{tag}-{index}" for index, name in enumerate(BATCH)}


def dotenv(values: Mapping[str, str]) -> str:
    """The same text for the action's `secrets` input and for `gh secret set -f`."""
    return "".join(f"{name}={value}\n" for name, value in values.items())


class Action:
    """Runs entrypoint.py as the image's ENTRYPOINT does, with the runner's INPUT_* env.

    ``python`` is the runtime interpreter, ``entrypoint`` the image-like /app's.
    """

    def __init__(self, emu: Emulator, workdir: Path, python: Path, entrypoint: Path) -> None:
        self.emu = emu
        self.workdir = workdir
        self.python = str(python)
        self.entrypoint = str(entrypoint)
        self.argv = [self.python, *PYTHON_FLAGS, self.entrypoint]

    def env(self, **inputs: str) -> dict[str, str]:
        """Every declared input set, as the runner sets them (unset ones get defaults)."""
        declared = {
            "token": ADMIN_TOKEN,
            "tokens": "",
            "org": ORG,
            "apps": "codespaces",
            "name": "",
            "value": "",
            "value-file": "",
            "secrets": "",
            "include": "",
            "delete": "",
            "prune": "false",
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

    def run(self, *, expect: int = 0, **inputs: str) -> Timing:
        """One process; when it started and ended."""
        env = self.env(**inputs)
        timing, done = run_process(self.argv, env, expect=expect)
        if expect and "::error" not in done.stdout:
            raise BenchError("the failing action run printed no ::error:: annotation")
        return timing

    def cprofile(self, out: Path, **inputs: str) -> None:
        """One `python -m cProfile -o OUT` run of the entry point (a success path)."""
        argv = [self.python, *PYTHON_FLAGS, "-m", "cProfile", "-o", str(out), self.entrypoint]
        run_process(argv, self.env(**inputs))

    def importtime(self, **inputs: str) -> str:
        """Standard error of one `python -X importtime` run of the entry point."""
        expect = 1 if inputs.get("name", "").startswith("1") else 0
        argv = [self.python, "-X", "importtime", *PYTHON_FLAGS, self.entrypoint]
        return run_process(argv, self.env(**inputs), expect=expect)[1].stderr


class Plain:
    """A program doing only the job: token, API root, org and SECRETS (JSON) from its env."""

    def __init__(self, argv: Sequence[str], emu: Emulator, workdir: Path, **env: str) -> None:
        self.argv = list(argv)
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(workdir),
            "GITHUB_TOKEN": ADMIN_TOKEN,
            "GITHUB_API_URL": emu.url,
            "ORG": ORG,
            **env,
        }

    def run(self, values: Mapping[str, str]) -> Timing:
        """One process writing ``values``."""
        return run_process(self.argv, {**self.env, "SECRETS": json.dumps(values)})[0]


def floor(emu: Emulator, workdir: Path, python: Path) -> Plain:
    """scripts/bench/floor.py, with the action's interpreter, flags and CA variable."""
    argv = [str(python), *PYTHON_FLAGS, str(FLOOR)]
    return Plain(argv, emu, workdir, REQUESTS_CA_BUNDLE=str(emu.ca_file))


def floor_tuned(emu: Emulator, workdir: Path, python: Path) -> Plain:
    """The floor, with the collector tuned as ``codespaces_secrets.process`` tunes the action."""
    program = (
        f"import gc; gc.set_threshold({THRESHOLD}); import runpy; "
        f"runpy.run_path({str(FLOOR)!r}, run_name='__main__'); gc.freeze()"
    )
    argv = [str(python), *PYTHON_FLAGS, "-c", program]
    return Plain(argv, emu, workdir, REQUESTS_CA_BUNDLE=str(emu.ca_file))


def javascript(node: str, emu: Emulator, workdir: Path) -> Plain:
    """scripts/bench/js/set-secrets.mjs on node, trusting the emulator's CA."""
    return Plain([node, str(JS_SCRIPT)], emu, workdir, NODE_EXTRA_CA_CERTS=str(emu.ca_file))


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

    def one(self, name: str, value: str) -> Timing:
        """One `gh secret set NAME --body VALUE`."""
        return run_process(self.argv(name, "--body", value), self.env)[0]

    def from_file(self, values: Mapping[str, str]) -> Timing:
        """One `gh secret set -f FILE` (the file is written before the clock starts)."""
        self.file.write_text(dotenv(values), encoding="utf-8")
        return run_process(self.argv("-f", str(self.file)), self.env)[0]

    def each(self, values: Mapping[str, str]) -> Timing:
        """One `gh secret set` per secret, one after the other, timed as a whole."""
        commands = [self.argv(name, "--body", value) for name, value in values.items()]
        start = time.monotonic()
        for argv in commands:
            run_process(argv, self.env)
        return Timing(start, time.monotonic())

    def version(self) -> str:
        """`gh --version`'s first line."""
        done = subprocess.run(
            [self.binary, "--version"], capture_output=True, text=True, check=True
        )
        return done.stdout.splitlines()[0]


class Bench:
    """The scenarios, over one emulator; collects rows, targets and raw figures."""

    def __init__(
        self, emu: Emulator, action: Action, floors: tuple[Plain, Plain], js: Plain, gh: Gh
    ) -> None:
        self.emu = emu
        self.action = action
        self.floor, self.floor_tuned = floors
        self.js = js
        self.gh = gh
        self.rows: list[Row] = []
        self.targets: list[Target] = []
        self.put_spread_ms: dict[str, float] = {}

    # -- checks -------------------------------------------------------------------------

    def _expect(self, values: Mapping[str, str]) -> None:
        for name, value in values.items():
            stored = self.emu.secret(ORG, name)
            if stored is None or stored.value != value:
                raise BenchError(f"{name} does not hold the value of this run")

    def _arrivals(self, key: str) -> list[float]:
        recorded = self.emu.requests
        puts = sorted(r.time for r in recorded if r.method == "PUT")
        if len(puts) > 1:
            self.put_spread_ms[key] = round((puts[-1] - puts[0]) * 1000, 1)
        return sorted(r.time for r in recorded)

    # -- scenarios ----------------------------------------------------------------------

    def one_secret(self, rounds: int) -> dict[str, Samples]:
        """Scenario 1 (or 3): one secret, every way."""
        contenders = [
            Contender("action", "action", lambda t: self.action.run(name=ONE, value=t)),
            Contender("floor", "floor", lambda t: self.floor.run({ONE: t})),
            Contender("floor-tuned", TUNED, lambda t: self.floor_tuned.run({ONE: t})),
            Contender("js", "JavaScript way", lambda t: self.js.run({ONE: t})),
            Contender("gh", "gh secret set --body", lambda t: self.gh.one(ONE, t)),
        ]
        return self._measure(contenders, rounds, lambda tag: {ONE: tag})

    def batch(self, rounds: int) -> dict[str, Samples]:
        """Scenario 2 (or 3): 20 secrets, one run each way, and 20 gh calls."""
        n = len(BATCH)
        contenders = [
            Contender(
                "action",
                f"action, one run ({n} in secrets)",
                lambda t: self.action.run(secrets=dotenv(batch_values(t))),
            ),
            Contender("floor", "floor", lambda t: self.floor.run(batch_values(t))),
            Contender("floor-tuned", TUNED, lambda t: self.floor_tuned.run(batch_values(t))),
            Contender("js", "JavaScript way", lambda t: self.js.run(batch_values(t))),
            Contender(
                "gh-file", "gh secret set -f FILE", lambda t: self.gh.from_file(batch_values(t))
            ),
            Contender(
                "gh-each",
                f"{n} x gh secret set --body",
                lambda t: self.gh.each(batch_values(t)),
                phased=False,
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

        def after(contender: Contender, tag: str) -> list[float]:
            arrivals = self._arrivals(contender.key)
            self._expect(values(tag))
            return arrivals

        # One untimed round first: creates the secrets (every timed run is an update) and
        # warms the page cache and the emulator's connections.
        interleaved(contenders, 1, before=self.emu.clear_requests, after=after)
        return interleaved(contenders, rounds, before=self.emu.clear_requests, after=after)

    # -- rows and targets ---------------------------------------------------------------

    def timed_rows(
        self,
        scenario: str,
        contenders: Sequence[tuple[str, str]],
        samples: Mapping[str, Samples],
        limits: Mapping[str, float],
    ) -> None:
        """One row per contender; then the action's ratio to each other one."""
        for key, label in contenders:
            s = samples[key]
            self.rows.append(
                Row(scenario, label, s.median, s.low, s.high, requests=s.request_count)
            )
        action = samples["action"].median
        for key, label in contenders:
            if key != "action":
                self.ratio(scenario, label, key, action, samples[key].median, limits.get(key))

    def listing_row(self, scenario: str, samples: Mapping[str, Samples], latency: float) -> None:
        """What the tuned floor would take with the one listing the limit check needs.

        The listing is one more round trip than the floor and the JavaScript way make; this
        row shows what any Python program pays once it makes it too (no target).
        """
        with_listing = samples["floor-tuned"].median + LISTINGS_PER_ORG * latency
        self.rows.append(
            Row(scenario, f"tuned floor + {LISTINGS_PER_ORG} listing RTT", with_listing)
        )
        self.rows.append(
            Row(
                scenario,
                "  that / JavaScript way",
                ratio=with_listing / samples["js"].median,
                baseline="js",
            )
        )

    def ratio(
        self,
        scenario: str,
        label: str,
        key: str,
        action: float,
        baseline: float,
        limit: float | None,
    ) -> None:
        """A ratio row for the action over a baseline; with a limit, also a Target."""
        ratio = action / baseline
        self.rows.append(
            Row(scenario, "  action / " + label, ratio=ratio, baseline=key, target=limit)
        )
        if limit is not None:
            compares = f"action {action * 1000:.0f} ms / {label} {baseline * 1000:.0f} ms"
            self.targets.append(Target(scenario.split(" ", 1)[1], compares, ratio, limit))

    def request_rows(
        self, scenario: str, samples: Mapping[str, Samples], labels: Sequence[tuple[str, str]]
    ) -> None:
        """Scenario 4: requests each way; the floor's count is the fewest the job needs."""
        fewest = samples["floor"].request_count
        for key, label in labels:
            count = samples[key].request_count
            self.rows.append(
                Row(
                    scenario,
                    label,
                    requests=count,
                    minimum=fewest,
                    ratio=count / fewest,
                    baseline="floor",
                )
            )
        allowed = fewest + LISTINGS_PER_ORG
        count = samples["action"].request_count
        self.rows.append(
            Row(
                scenario,
                f"  action / (floor + {LISTINGS_PER_ORG} listing)",
                requests=count,
                minimum=allowed,
                ratio=count / allowed,
                baseline="floor + listing",
                target=1.0,
            )
        )
        compares = f"action {count} requests / (floor {fewest} + {LISTINGS_PER_ORG} listing)"
        self.targets.append(Target(scenario.split(" ", 1)[1], compares, count / allowed, 1.0))

    def startup(self, rounds: int, node: str) -> dict[str, Samples]:
        """Scenario 5: whole-process start-up, no network."""
        python = [self.action.python, *PYTHON_FLAGS]
        failing = self.action.env(name="1BAD", value="x")
        plain = {"PATH": os.environ.get("PATH", "")}

        def process(argv: Sequence[str], env: Mapping[str, str], expect: int = 0) -> Timing:
            return run_process(argv, env, expect=expect)[0]

        contenders = [
            Contender(
                "python", "python -c pass", lambda _t: process([*python, "-c", "pass"], plain)
            ),
            Contender(
                "action-invalid",
                "action, input validation fails",
                lambda _t: process(self.action.argv, failing, expect=1),
            ),
            Contender(
                "deps",
                "python -c 'import requests, nacl.public'",
                lambda _t: process([*python, "-c", "import requests, nacl.public"], plain),
            ),
            Contender(
                "stdlib",
                "python -c 'import ssl, http.client, json'",
                lambda _t: process([*python, "-c", "import ssl, http.client, json"], plain),
            ),
            Contender("node", "node -e 0", lambda _t: process([node, "-e", "0"], plain)),
            Contender(
                "gh-version",
                "gh --version",
                lambda _t: process([self.gh.binary, "--version"], self.gh.env),
            ),
        ]
        interleaved(contenders, 1, before=_nothing, after=_no_requests)
        return interleaved(contenders, rounds, before=_nothing, after=_no_requests)


def _nothing() -> None:
    """No preparation."""


def _no_requests(_contender: Contender, _tag: str) -> list[float]:
    return []


# -- where the time goes -------------------------------------------------------------------------


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


def call_profile(action: Action, runs: int) -> list[CallCost]:
    """Median cProfile figures of the action's own functions on the one-secret success path."""
    with tempfile.TemporaryDirectory(prefix="bench-cprofile-") as temp:
        files = [Path(temp) / f"run-{index}.prof" for index in range(runs)]
        for index, out in enumerate(files):
            action.cprofile(out, name=ONE, value=f"cprofile-{index}")
        return call_costs(files, "codespaces_secrets")


def format_calls(costs: Sequence[CallCost], limit: int = 14) -> str:
    """The action's functions doing the most work, and where its lazy imports are paid."""
    head = f"  {'function':<36}{'calls':>6}{'work':>10}{'imports':>10}{'own':>9}"
    rows = [
        f"  {c.where + ' ' + c.function:<36}{c.calls:>6.0f}{c.work_ms:>7.1f} ms"
        f"{c.imports_ms:>7.1f} ms{c.own_ms:>6.1f} ms"
        for c in costs[:limit]
    ]
    return "\n".join([head, *rows])


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


PHASED = (
    ("action", "action"),
    ("floor", "floor"),
    ("floor-tuned", TUNED),
    ("js", "JavaScript way"),
)


def phase_table(samples: Mapping[str, Mapping[str, Samples]]) -> dict[str, dict[str, Phases]]:
    """Median phases of the action, the floor and the JavaScript way, per timed scenario."""
    table: dict[str, dict[str, Phases]] = {}
    for scenario in samples:
        for key, _ in PHASED:
            if key not in samples[scenario]:
                continue
            phases = samples[scenario][key].median_phases()
            if phases is not None:
                table.setdefault(scenario, {})[key] = phases
    return table


def format_phases(table: Mapping[str, Mapping[str, Phases]]) -> str:
    """Milliseconds per phase, and the action's excess over the floor in each."""
    head = f"{'':<18}{'':<24}{'to 1st request':>15}{'1st to last':>12}{'last to exit':>13}"
    out = [head]
    for scenario, by_key in table.items():
        for index, (key, label) in enumerate(PHASED):
            p = by_key.get(key)
            if p is not None:
                name = scenario if index == 0 else ""
                out.append(
                    f"{name:<18}{label:<24}{_ms(p.before):>15}{_ms(p.between):>12}"
                    f"{_ms(p.after):>13}"
                )
        action = by_key.get("action")
        for key, label in (("floor", "action - floor"), ("floor-tuned", "action - tuned")):
            base = by_key.get(key)
            if action is not None and base is not None:
                out.append(
                    f"{'':<18}{label:<24}{_ms(action.before - base.before, '+'):>15}"
                    f"{_ms(action.between - base.between, '+'):>12}"
                    f"{_ms(action.after - base.after, '+'):>13}"
                )
    return "\n".join(out)


def _ms(seconds: float, sign: str = "") -> str:
    return f"{seconds * 1000:{sign}.0f} ms"


# -- the run -------------------------------------------------------------------------------------


def _missing_tools(python: Path) -> str | None:
    """What `make bench` would have installed, when it is not there."""
    if not python.exists():
        return f"{python} not found: run `make bench` (it builds the runtime environment)"
    if shutil.which("gh") is None:
        return "gh not found: run `make bench` (it installs Debian's gh) or apt-get install gh"
    if shutil.which("node") is None:
        return "node not found: run `make bench` (it installs Debian's nodejs and npm)"
    if not (JS_DIR / "node_modules" / "@octokit" / "rest").is_dir():
        return f"no node_modules in {JS_DIR.relative_to(REPO)}: run `make bench` (npm ci)"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run every scenario; print the table and verdicts; write the JSON."""
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] if __doc__ else None,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--rounds", type=int, default=11, help="rounds at 0 ms latency")
    parser.add_argument("--slow-rounds", type=int, default=5, help="rounds at 50 ms latency")
    parser.add_argument("--startup-rounds", type=int, default=21, help="start-up rounds")
    parser.add_argument("--profile-runs", type=int, default=5, help="importtime runs per path")
    parser.add_argument("--json", type=Path, default=JSON_OUT, help="where to write figures")
    parser.add_argument(
        "--python",
        type=Path,
        default=RUNTIME_PYTHON,
        help="the interpreter of the action and the floor: runtime dependencies only "
        "(default: the one `make bench` builds)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help=f"exit {MISS_EXIT} when any target is missed (default: report it, exit 0)",
    )
    args = parser.parse_args(argv)
    missing = _missing_tools(args.python)
    if missing is not None:
        print(missing, file=sys.stderr)
        return 2
    try:
        report, targets = _run(args)
    except BenchError as exc:
        print(f"bench: a run went wrong, no figures: {exc}", file=sys.stderr)
        return 1
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    shown = args.json.relative_to(REPO) if args.json.is_relative_to(REPO) else args.json
    print(f"\nFigures: {shown}")
    missed = [t for t in targets if t.verdict == "MISS"]
    if missed and args.strict:
        print(f"bench --strict: {len(missed)} target(s) missed", file=sys.stderr)
        return MISS_EXIT
    return 0


def _run(args: argparse.Namespace) -> tuple[dict[str, object], list[Target]]:
    node = shutil.which("node") or "node"
    with (
        tempfile.TemporaryDirectory(prefix="bench-") as temp,
        Emulator(tls=True, prefix="/api/v3") as emu,
    ):
        workdir = Path(temp)
        gh = Gh(shutil.which("gh") or "gh", emu, workdir)
        # As in the image: /app holds the entry point and the compiled package (-B writes
        # no .pyc, so no run pays for compiling), on an interpreter with only the runtime
        # dependencies; the floor runs on that interpreter too.
        entrypoint = image_app(workdir / "app")
        action = Action(emu, workdir, args.python, entrypoint)
        floors = (floor(emu, workdir, args.python), floor_tuned(emu, workdir, args.python))
        bench = Bench(emu, action, floors, javascript(node, emu, workdir), gh)
        samples: dict[str, dict[str, Samples]] = {}
        spreads: dict[str, dict[str, float]] = {}
        n = len(BATCH)
        one_labels = [
            ("action", "action"),
            ("floor", "floor"),
            ("floor-tuned", TUNED),
            ("js", "JavaScript way"),
            ("gh", "gh secret set --body"),
        ]
        batch_labels = [
            ("action", f"action, one run ({n} secrets)"),
            ("floor", "floor"),
            ("floor-tuned", TUNED),
            ("js", "JavaScript way"),
            ("gh-file", "gh secret set -f FILE"),
            ("gh-each", f"{n} x gh secret set --body"),
        ]
        for number, latency, rounds in (("1", 0.0, args.rounds), ("3", LATENCY, args.slow_rounds)):
            emu.latency = latency
            ms = f"{latency * 1000:.0f} ms"
            one = bench.one_secret(rounds)
            samples[f"1 secret, {ms}"] = one
            limits = {"floor": FLOOR_LIMIT, "js": JS_LIMIT} if latency == 0 else {"js": JS_LIMIT}
            bench.timed_rows(f"{number} 1 secret, {ms}", one_labels, one, limits)
            if latency:
                bench.listing_row(f"{number} 1 secret, {ms}", one, latency)
            many = bench.batch(rounds)
            samples[f"{n} secrets, {ms}"] = many
            spreads[f"{n} secrets, {ms}"] = dict(bench.put_spread_ms)
            scenario = f"{'2' if latency == 0 else '3'} {n} secrets, {ms}"
            bench.timed_rows(scenario, batch_labels, many, limits)
            if latency:
                bench.listing_row(scenario, many, latency)
            if latency:
                # The serial floor: every request waits one RTT, one after the other; the
                # rest is what the floor's own run costs without any wait.
                start_up = samples[f"{n} secrets, 0 ms"]["floor"].median
                serial = (1 + n) * latency + start_up
                label = f"serial floor (1+{n}) x {ms} + start-up"
                bench.rows.append(Row(scenario, label, serial))
                bench.ratio(
                    scenario, "serial floor", "serial", many["action"].median, serial, SERIAL_LIMIT
                )
        emu.latency = 0.0
        request_labels = [
            ("action", "action"),
            ("floor", "floor"),
            ("js", "JavaScript way"),
        ]
        bench.request_rows(
            "4 requests, 1 secret",
            samples["1 secret, 0 ms"],
            [*request_labels, ("gh", "gh secret set --body")],
        )
        bench.request_rows(
            f"4 requests, {n} secrets",
            samples[f"{n} secrets, 0 ms"],
            [*request_labels, ("gh-file", "gh secret set -f"), ("gh-each", f"{n} x gh secret set")],
        )
        start = bench.startup(args.startup_rounds, node)
        samples["start-up"] = start
        base = start["python"].median
        for key, label in (
            ("python", "python -c pass"),
            ("action-invalid", "action, input validation fails"),
            ("deps", "python: import requests, nacl.public"),
            ("stdlib", "python: import ssl, http.client, json"),
            ("node", "node -e 0"),
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
        phases = phase_table(samples)
        profiles = profile(bench.action, args.profile_runs)
        calls = call_profile(bench.action, args.profile_runs)
        versions = {"gh": gh.version(), "node": _node_version(node)}
        print(_printout(args, bench, spreads, versions, phases, profiles, calls))
        report = _report(args, bench, samples, spreads, phases, profiles, versions)
        report["call_profile_ms"] = [
            {**asdict(c), "work_ms": round(c.work_ms, 2)} for c in calls if c.cumulative_ms >= 0.1
        ]
        return report, bench.targets


def _printout(
    args: argparse.Namespace,
    bench: Bench,
    spreads: Mapping[str, Mapping[str, float]],
    versions: Mapping[str, str],
    phases: Mapping[str, Mapping[str, Phases]],
    profiles: Mapping[str, ImportProfile],
    calls: Sequence[CallCost],
) -> str:
    """The table, its notes, the PASS/MISS lines, the phases and the profiles."""
    return "\n".join(
        [
            format_table(bench.rows),
            "",
            _notes(spreads, versions, args.strict),
            "",
            "Targets (medians of interleaved runs):",
            *("  " + target.line() for target in bench.targets),
            "",
            "Where the time goes (medians; cut at the requests' arrival at the emulator):",
            format_phases(phases),
            "",
            "Import profiles of the action (python -X importtime, median of "
            f"{args.profile_runs} runs; importtime itself adds overhead):",
            format_profiles(profiles),
            "",
            "The action's own functions on the one-secret success path (python -m cProfile, "
            f"median of {args.profile_runs} runs; cProfile itself adds overhead). work: "
            "cumulative time without imports; imports: lazy imports paid under the function:",
            format_calls(calls),
        ]
    )


def _report(
    args: argparse.Namespace,
    bench: Bench,
    samples: Mapping[str, Mapping[str, Samples]],
    spreads: Mapping[str, Mapping[str, float]],
    phases: Mapping[str, Mapping[str, Phases]],
    profiles: Mapping[str, ImportProfile],
    versions: Mapping[str, str],
) -> dict[str, object]:
    """Everything build/bench.json holds."""
    return {
        "environment": {
            "python": sys.version.split()[0],
            **versions,
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "rounds": {
                "0ms": args.rounds,
                "50ms": args.slow_rounds,
                "startup": args.startup_rounds,
            },
            "python_flags": list(PYTHON_FLAGS),
            "python_environment": "requirements.txt only, the package laid out as the image's /app",
            "every_timed_run_is": "an update of secrets created by an untimed warm-up round",
            "strict": args.strict,
        },
        "targets": [{**asdict(t), "verdict": t.verdict} for t in bench.targets],
        "missed": sum(t.verdict == "MISS" for t in bench.targets),
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
        "phases_ms": {
            scenario: {
                key: {name: round(value * 1000, 1) for name, value in asdict(p).items()}
                for key, p in by_key.items()
            }
            for scenario, by_key in phases.items()
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


def _node_version(node: str) -> str:
    done = subprocess.run([node, "--version"], capture_output=True, text=True, check=True)
    return "node " + done.stdout.strip()


def _notes(
    spreads: Mapping[str, Mapping[str, float]], versions: Mapping[str, str], strict: bool
) -> str:
    lines = [
        f"{versions['gh']}; {versions['node']}; Python {platform.python_version()}; "
        f"{os.cpu_count()} CPUs. Wall time of whole processes, median of the rounds; every "
        "timed run updates existing secrets.",
        "Ratios: action median / baseline median (start-up: / python -c pass; requests: "
        "/ the floor's, the fewest the job needs). floor = scripts/bench/floor.py (requests + "
        "PyNaCl, nothing else); JavaScript way = scripts/bench/js (Octokit + libsodium-wrappers).",
        "The action's entry point tunes CPython's cycle collector for a one-run process "
        "(codespaces_secrets.process); the floor, the smallest program, does not. "
        f"'{TUNED}' is the floor with those two lines: the action's own overhead, like for "
        "like (no target).",
        "PASS/MISS: the action's median over a baseline's against the target beside it"
        + (
            f"; --strict: a MISS exits {MISS_EXIT}."
            if strict
            else f"; a MISS only fails the run with --strict (exit {MISS_EXIT})."
        ),
    ]
    for scenario, spread in spreads.items():
        shown = ", ".join(f"{k} {v:.0f} ms" for k, v in spread.items())
        lines.append(f"First to last PUT arrival, {scenario}: {shown}.")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
