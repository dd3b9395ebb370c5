"""`make reliability`: the real action against faults and a hostile network, with figures.

Three parts:

  1  faults, survived: each kind of transient fault GitHub documents (5xx, 429 with
     retry-after, 403 secondary and primary rate limits, dropped connections, slow answers,
     read timeouts, a stale public key) injected into runs that must still succeed and store
     exactly the values given. Waits are real.
  2  retry bounds: faults that never clear, or ask for more waiting than retry-wait-limit
     allows; each run must fail cleanly, on time, with a message that says why.
  3  hostile network: ``testkit.attacks``, servers on 127.0.0.1 that stall, drip, never
     end a body, send compression bombs, loop or leave with next links and redirects
     (dot segments included), send malformed answers (a key_id, scope headers, control
     bytes) or quote the request back with secrets across the cut of server text; the
     entrypoint runs in a child process (``testkit.launch``: a 2 s attempt deadline) so
     its wall time and peak RSS are its own.

Parts 1 and 2 call ``codespaces_secrets.action.main`` in-process with a runner-like
environment (INPUT_* variables, real output and summary files) against the bundled
emulator over real HTTP. Every run is checked for leaks (a canary inside every value, the
token, ciphertexts: only in ``::add-mask::`` lines, which come first; for the attacks, not
even a 12-character fragment of one), tracebacks, "Internal error" (the last-resort guard),
unclear failures and requests the emulator refused as invalid.

What the pytest suite already proves is not repeated here: hostile inputs are the
property tests of tests/test_hostile.py (the strategies of ``testkit.hostile``), which
run with every ``make test``.

The figures are counted once (``figures_of``); the table on stdout and
build/reliability.json are both rendered from them. Exit status 1 when anything leaked,
crashed, ran past its bound, or a fault that must be survived was not.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import cast

from codespaces_secrets.action import main, runner_from
from codespaces_secrets.clock import SYSTEM_CLOCK
from codespaces_secrets.seam import Connect
from github_emulator import ADMIN_TOKEN, Emulator
from testkit import ROOT, ActionRun, attacks, connect_with, hostile, read_back, runner_env

JSON_OUT = ROOT / "build" / "reliability.json"
CANARY = hostile.CANARY
RETRYING = re.compile(r"retrying in ([0-9.]+)s")
SECONDARY = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
)
STALE_KEY = "Bad request - key_id is stale or unknown."
KEY = "/orgs/*/codespaces/secrets/public-key"
LIST = "/orgs/*/codespaces/secrets"
PUT = "/orgs/*/codespaces/secrets/*"


# -- running the action ------------------------------------------------------------------


@dataclass
class Checked:
    """One run of the action and what the checks found in it."""

    exit_code: int
    seconds: float
    waits: list[float]
    leaks: list[str] = field(default_factory=list)
    tracebacks: int = 0
    internal_errors: int = 0
    unclear: int = 0
    invalid_requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class Runner:
    """Runs the action in-process, each run in a fresh runner-like environment."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.count = 0

    def run(
        self,
        emu: Emulator | None,
        inputs: Mapping[str, str],
        secret_values: Sequence[str],
        injected: Sequence[int | None] = (),
        *,
        connect: Connect | None = None,
    ) -> tuple[ActionRun, Checked]:
        """One run; ``connect`` replaces the transport factory (a shorter read timeout)."""
        self.count += 1
        defaults = {"token": ADMIN_TOKEN, "org": "octo-org"}
        if emu is not None:
            defaults["api-url"] = emu.url
        workdir = self.workdir / f"run{self.count}"
        env = runner_env(workdir, {**defaults, **inputs}, {})
        # What the image's `python -X utf8` writes to: UTF-8 with surrogate escapes.
        out, err = utf8_stream(), utf8_stream()
        started = time.monotonic()
        try:
            code = main(env, runner_from(env, log=out), connect=connect, clock=SYSTEM_CLOCK)
        except BaseException:  # noqa: BLE001 - a crash is a figure here, not the end of the run
            code = -1
            err.write(traceback.format_exc())
        seconds = time.monotonic() - started
        stdout, stderr = (read_stream(stream) for stream in (out, err))
        run = read_back(env, code, stdout, stderr)
        token = {**defaults, **inputs}["token"]
        return run, check(run, emu, [token, *secret_values], seconds, injected)


def utf8_stream() -> io.TextIOWrapper:
    """A stream like the image's stdout (``python -X utf8``): UTF-8, surrogate escapes."""
    return io.TextIOWrapper(
        io.BytesIO(), encoding="utf-8", errors="surrogateescape", newline="", write_through=True
    )


def read_stream(stream: io.TextIOWrapper) -> str:
    """What the runner reads from the stream: UTF-8, undecodable bytes replaced."""
    buffer = cast(io.BytesIO, stream.detach())
    return buffer.getvalue().decode("utf-8", errors="replace")


def check(
    run: ActionRun,
    emu: Emulator | None,
    values: Sequence[str],
    seconds: float,
    injected: Sequence[int | None] = (),
) -> Checked:
    """Everything the reliability figures count about one run.

    ``injected``: the statuses of the injected answers (None: dropped); only those may
    come on top of the answers hostile input can explain (200, 201, 204, 401, 403, 404).
    """
    waits = [float(m) for m in RETRYING.findall(run.stdout)]
    found = Checked(run.exit_code, seconds, waits)
    found.errors = run.commands("error")
    found.warnings = run.commands("warning")
    if run.exit_code not in (0, 1) or "Traceback" in run.log:
        found.tracebacks = 1
    if "Internal error" in run.stdout:
        found.internal_errors = 1
    if run.exit_code == 1 and not found.errors:
        found.unclear = 1
    try:
        rest = hostile.check_masking(run, [v for v in values if v])
    except AssertionError as exc:
        found.leaks.append(str(exc).splitlines()[0][:200])
        rest = ""
    if emu is not None and not injected:
        try:
            hostile.check_requests(run, emu, rest)
        except AssertionError as exc:
            found.invalid_requests.append(str(exc).splitlines()[0][:200])
    elif emu is not None:
        left = Counter(injected)
        for request in emu.requests:
            if request.status in hostile.ALLOWED_STATUSES:
                continue
            if left[request.status] > 0:
                left[request.status] -= 1
                continue
            found.invalid_requests.append(f"{request.method} {request.path} -> {request.status}")
    return found


def stored_exactly(emu: Emulator, orgs: Sequence[str], secrets: Mapping[str, str]) -> bool:
    """Whether every org holds every secret with exactly the value given."""
    for org in orgs:
        for name, value in secrets.items():
            stored = emu.secret(org, name)
            if stored is None or stored.value != value:
                return False
    return True


# -- part 1: faults that must be survived --------------------------------------------------


@dataclass
class FaultRow:
    """One kind of fault: how often it was injected, answered, and survived."""

    kind: str
    injected: int = 0
    served: int = 0
    runs: int = 0
    survived_runs: int = 0
    longest_wait: float = 0.0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)


# Injects faults; returns the status of each injected answer (None: a dropped connection).
Setup = Callable[[Emulator], list[int | None]]


def answer_of(options: Mapping[str, object]) -> int | None:
    """The status an injected fault answers with (None when it drops the connection)."""
    status = options.get("status", 502)
    return None if options.get("drop") else cast(int, status)


def inject(*faults: tuple[str, str, dict[str, object]]) -> Setup:
    """A setup injecting each (method, glob, options) once."""

    def setup(emu: Emulator) -> list[int | None]:
        for method, glob, options in faults:
            emu.inject(method, glob, **options)  # type: ignore[arg-type]
        return [answer_of(options) for _, _, options in faults]

    return setup


def status_faults(status: int) -> Setup:
    """One fault on each endpoint a run calls: key, listing, write."""
    return inject(
        ("GET", KEY, {"status": status}),
        ("GET", LIST, {"status": status}),
        ("PUT", PUT, {"status": status}),
    )


def secondary_limit(emu: Emulator) -> list[int | None]:
    emu.set_secondary_limit(writes_per_minute=2, retry_after=1)
    return [403, 403]  # 6 writes at 2 a minute: the 3rd and the 5th are refused once each


def primary_limit(emu: Emulator) -> list[int | None]:
    emu.set_primary_limit(remaining=2, reset_in=1.5)
    return [403]  # the 3rd request finds the budget spent and waits for the reset


def slow_answers(emu: Emulator) -> list[int | None]:
    emu.latency = 0.4
    return []  # counted from the requests answered


def storm(seed: int) -> Setup:
    """Faults of random kinds on every endpoint at once, at most 2 per request."""

    def setup(emu: Emulator) -> list[int | None]:
        rng = random.Random(seed)  # noqa: S311 - a reproducible choice, not a secret
        kinds: list[dict[str, object]] = [
            {"status": 500},
            {"status": 502},
            {"status": 503},
            {"status": 504},
            {"status": 429, "headers": {"retry-after": "1"}},
            {"status": 403, "headers": {"retry-after": "1"}, "body": {"message": SECONDARY}},
            {"drop": True},
        ]
        targets = [
            ("GET", KEY, 1),
            ("GET", LIST, 1),
            ("PUT", "/orgs/octo-org/codespaces/secrets/*", 2),
            ("PUT", "/orgs/octo-labs/codespaces/secrets/*", 2),
        ]
        answers = []
        for method, glob, count in targets:
            for options in rng.sample(kinds, count):
                emu.inject(method, glob, **options)  # type: ignore[arg-type]
                answers.append(answer_of(options))
        return answers

    return setup


@dataclass(frozen=True)
class FaultCase:
    """One run with faults that the action must survive."""

    kind: str
    setup: Setup
    secrets: Mapping[str, str]
    orgs: tuple[str, ...] = ("octo-org",)
    timeout: float | None = None


def values(count: int, tag: str) -> dict[str, str]:
    """Secret values with the canary on every line and characters that need escaping."""
    return {
        f"R_{tag}_{i}": f"{CANARY}-{tag}-{i} %0A ::x::\n{CANARY} ünï 🔑 line two\n"
        for i in range(count)
    }


FAULT_CASES = (
    FaultCase("HTTP 500", status_faults(500), values(1, "500")),
    FaultCase("HTTP 502", status_faults(502), values(1, "502")),
    FaultCase("HTTP 503", status_faults(503), values(1, "503")),
    FaultCase("HTTP 504", status_faults(504), values(1, "504")),
    FaultCase(
        "429 + retry-after: 1",
        inject(
            ("GET", KEY, {"status": 429, "headers": {"retry-after": "1"}}),
            ("PUT", PUT, {"status": 429, "headers": {"retry-after": "1"}}),
        ),
        values(1, "429"),
    ),
    FaultCase("403 secondary limit (retry-after: 1)", secondary_limit, values(6, "SEC")),
    FaultCase(
        "403 secondary limit, injected",
        inject(
            (
                "PUT",
                PUT,
                {"status": 403, "headers": {"retry-after": "1"}, "body": {"message": SECONDARY}},
            ),
        ),
        values(1, "SECI"),
    ),
    FaultCase("403 primary limit (remaining 0 + reset)", primary_limit, values(1, "PRI")),
    FaultCase(
        "dropped connection",
        inject(
            ("GET", KEY, {"drop": True}),
            ("GET", LIST, {"drop": True}),
            ("PUT", PUT, {"drop": True}),
        ),
        values(1, "DROP"),
    ),
    FaultCase("slow answers (0.4 s each)", slow_answers, values(2, "SLOW")),
    FaultCase(
        "read timeout (timeout lowered to 1 s)",
        inject(("PUT", PUT, {"delay": 2.0})),
        values(1, "TIME"),
        timeout=1.0,
    ),
    FaultCase(
        "422 stale public key",
        inject(("PUT", PUT, {"status": 422, "body": {"message": STALE_KEY}})),
        values(2, "KEY"),
    ),
    FaultCase("storm: mixed faults, 2 orgs", storm(7), values(4, "STA"), ("octo-org", "octo-labs")),
    FaultCase(
        "storm: mixed faults, 2 orgs", storm(11), values(4, "STB"), ("octo-org", "octo-labs")
    ),
)


def served_faults(
    case: FaultCase, emu: Emulator, run: ActionRun, checked: Checked, injected: int
) -> int:
    """How many injected faults the action actually met, from its own log or the record."""
    if case.setup is slow_answers:
        return len(emu.requests)
    if "stale" in case.kind:
        # A survived fault is a log line, not a warning annotation.
        return run.stdout.count("public key changed")
    return min(injected, len(checked.waits)) if injected else len(checked.waits)


def run_fault_cases(runner: Runner) -> list[FaultRow]:
    rows: dict[str, FaultRow] = {}
    for case in FAULT_CASES:
        row = rows.setdefault(case.kind, FaultRow(case.kind))
        with Emulator() as emu:
            answers = case.setup(emu)
            injected = len(answers)
            inputs = {"org": ", ".join(case.orgs), "secrets": json.dumps(dict(case.secrets))}
            secrets = list(case.secrets.values())
            # A shorter attempt deadline, so that each timeout costs seconds, not 30.
            short = None if case.timeout is None else connect_with(timeout=case.timeout)
            run, checked = runner.run(emu, inputs, secrets, answers, connect=short)
            served = served_faults(case, emu, run, checked, injected)
            stored = stored_exactly(emu, case.orgs, case.secrets)
        row.runs += 1
        row.injected += injected or served
        row.served += served
        row.longest_wait = max([row.longest_wait, *checked.waits])
        row.seconds = max(row.seconds, checked.seconds)
        problems = run_problems(checked)
        if run.exit_code != 0:
            problems.append(f"exit {run.exit_code}: {' | '.join(checked.errors)[:300]}")
        if not stored:
            problems.append("not every value was stored exactly")
        if injected and served < injected:
            problems.append(f"only {served} of {injected} injected faults were met")
        row.problems += problems
        row.survived_runs += not problems
    return list(rows.values())


def run_problems(checked: Checked) -> list[str]:
    """What is wrong with a run whatever it was meant to do."""
    problems = [f"leak: {leak}" for leak in checked.leaks]
    problems += [f"invalid request: {bad}" for bad in checked.invalid_requests]
    if checked.tracebacks:
        problems.append("traceback")
    if checked.internal_errors:
        problems.append("Internal error")
    if checked.unclear:
        problems.append("failed without saying why")
    return problems


# -- part 2: retry bounds ----------------------------------------------------------------


@dataclass
class BoundRow:
    """A fault that never clears: the run must fail cleanly within its bound."""

    scenario: str
    expected: str
    bound_seconds: float
    exit_code: int = 0
    seconds: float = 0.0
    longest_wait: float = 0.0
    waits: int = 0
    message: str = ""
    problems: list[str] = field(default_factory=list)


def run_bounds(runner: Runner) -> list[BoundRow]:
    rows = []
    always_502 = BoundRow(
        "PUT always 502 (octo-labs); octo-org fine",
        "gave up after 5 attempt(s)",
        # four jittered backoffs (at most 1+2+4+8 s) plus the requests themselves
        bound_seconds=15.0 + 5.0,
    )
    with Emulator() as emu:
        emu.inject("PUT", "/orgs/octo-labs/codespaces/secrets/*", status=502, times=10)
        secrets = values(1, "BOUND")
        inputs = {"org": "octo-org, octo-labs", "secrets": json.dumps(secrets)}
        run, checked = runner.run(emu, inputs, list(secrets.values()), [502] * 10)
        results = json.loads(run.outputs.get("results", "[]"))
        partial = [r["status"] for r in results] == ["created", "failed"]
        fill(always_502, checked, extra=[] if partial else ["results do not show the partial"])
        rows.append(always_502)
    for scenario, headers, limit, expected, bound in (
        (
            "429 retry-after: 120 > retry-wait-limit 10",
            {"retry-after": "120"},
            "10",
            "GitHub asked to wait 120s, beyond the 10s",
            1.0,
        ),
        (
            "429, no retry-after: GitHub's 60 s minimum > 10",
            {},
            "10",
            "GitHub asked to wait 60s, beyond the 10s",
            1.0,
        ),
        (
            "429 retry-after: 1, forever; retry-wait-limit 2",
            {"retry-after": "1"},
            "2",
            "retry-wait-limit (2s) is spent",
            3.5,
        ),
        (
            "403 primary limit, reset in 1 h > 300 s default",
            {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(time.time()) + 3600)},
            "",
            "beyond the 300s of retry time left",
            1.0,
        ),
    ):
        row = BoundRow(scenario, expected, bound)
        with Emulator() as emu:
            status = 429 if "429" in scenario else 403
            emu.inject("PUT", PUT, status=status, headers=headers, times=10)
            value = f"{CANARY} bound"
            inputs = {"name": "BOUND", "value": value, "retry-wait-limit": limit}
            _, checked = runner.run(emu, inputs, [value], [status] * 10)
            fill(row, checked)
        rows.append(row)
    return rows


def fill(row: BoundRow, checked: Checked, extra: Sequence[str] = ()) -> None:
    row.exit_code = checked.exit_code
    row.seconds = checked.seconds
    row.waits = len(checked.waits)
    row.longest_wait = max(checked.waits, default=0.0)
    row.message = " | ".join(checked.errors)[:400]
    row.problems = run_problems(checked) + list(extra)
    if checked.exit_code != 1:
        row.problems.append(f"exit {checked.exit_code}, expected 1")
    if row.expected not in row.message:
        row.problems.append(f"message lacks {row.expected!r}")
    if checked.seconds > row.bound_seconds:
        row.problems.append(f"took {checked.seconds:.1f}s > {row.bound_seconds:.1f}s")


# -- the figures, built once ----------------------------------------------------------------


@dataclass
class Totals:
    """The run's figures over every part; the table and the JSON both show these."""

    faults_injected: int
    faults_met: int
    fault_runs: int
    fault_runs_survived: int
    bounds: int
    bounds_clean: int
    longest_wait_seconds: float
    worst_bound_seconds: float
    worst_bound: str
    attacks: int
    attacks_unbounded: int
    attack_leaks: int
    attack_tracebacks: int
    attack_max_wall_seconds: float
    attack_max_rss_mib: float
    attack_baseline_rss_mib: float
    leaks: int  # in every part; a 12-character fragment of a secret counts
    tracebacks: int
    problems: list[str]
    seconds: float

    @property
    def passed(self) -> bool:
        """Nothing leaked or crashed, every fault survived, every bound clean and kept."""
        return not self.problems


@dataclass
class Figures:
    """Every row of every part and their totals."""

    faults: list[FaultRow]
    bounds: list[BoundRow]
    network: list[attacks.Outcome]
    totals: Totals


def figures_of(
    faults: list[FaultRow],
    bounds: list[BoundRow],
    network: list[attacks.Outcome],
    seconds: float,
) -> Figures:
    """Count everything once."""
    rows: list[FaultRow | BoundRow] = [*faults, *bounds]
    problems = [
        *(f"{r.kind}: {p}" for r in faults for p in r.problems),
        *(f"{r.scenario}: {p}" for r in bounds for p in r.problems),
        *(f"{o.name}: {p}" for o in network for p in o.leaks),
        *(f"{o.name}: traceback" for o in network if o.tracebacks),
        *(f"{o.name}: {o.seconds:.1f} s, past its bound" for o in network if not o.bounded),
    ]
    row_problems = [p for r in rows for p in r.problems]
    worst = max(bounds, key=lambda r: r.seconds)
    attack_leaks = sum(len(o.leaks) for o in network)
    attack_tracebacks = sum(o.tracebacks for o in network)
    totals = Totals(
        faults_injected=sum(r.injected for r in faults),
        faults_met=sum(r.served for r in faults),
        fault_runs=sum(r.runs for r in faults),
        fault_runs_survived=sum(r.survived_runs for r in faults),
        bounds=len(bounds),
        bounds_clean=sum(not r.problems for r in bounds),
        longest_wait_seconds=max(r.longest_wait for r in rows),
        worst_bound_seconds=worst.seconds,
        worst_bound=worst.scenario,
        attacks=len(network),
        attacks_unbounded=sum(not o.bounded for o in network),
        attack_leaks=attack_leaks,
        attack_tracebacks=attack_tracebacks,
        attack_max_wall_seconds=max(o.seconds for o in network),
        attack_max_rss_mib=max(o.max_rss_mib for o in network),
        attack_baseline_rss_mib=network[0].max_rss_mib,
        leaks=attack_leaks + sum(p.startswith("leak") for p in row_problems),
        tracebacks=attack_tracebacks + row_problems.count("traceback"),
        problems=problems,
        seconds=seconds,
    )
    return Figures(faults, bounds, network, totals)


# -- rendering: the table and the JSON, both from the figures --------------------------------


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> str:
    """A plain text table; ``align`` has an 'l' or 'r' per column (default: first left)."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    align = align or "l" + "r" * (len(headers) - 1)

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.ljust(w) if a == "l" else c.rjust(w)
            for c, w, a in zip(cells, widths, align, strict=True)
        ).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def render_table(figures: Figures) -> str:
    """The report on stdout."""
    t = figures.totals
    fault_table = table(
        ["fault kind", "injected", "met", "runs survived", "longest wait", "run time"],
        [
            [
                r.kind,
                str(r.injected),
                str(r.served),
                f"{r.survived_runs}/{r.runs}",
                f"{r.longest_wait:.1f} s",
                f"{r.seconds:.1f} s",
            ]
            for r in figures.faults
        ],
    )
    bound_table = table(
        ["retry bound", "exit", "waits", "longest wait", "run time", "bound", "clean"],
        [
            [
                r.scenario,
                str(r.exit_code),
                str(r.waits),
                f"{r.longest_wait:.1f} s",
                f"{r.seconds:.2f} s",
                f"{r.bound_seconds:.1f} s",
                "yes" if not r.problems else "NO",
            ]
            for r in figures.bounds
        ],
    )
    network_table = table(
        ["attack (server on 127.0.0.1)", "exit", "wall", "bound", "peak RSS", "leaks", "tb"],
        [
            [
                o.name,
                str(o.exit_code),
                f"{o.seconds:.1f} s",
                f"{o.bound_seconds:.0f} s",
                f"{o.max_rss_mib:.0f} MiB",
                str(len(o.leaks)),
                str(o.tracebacks),
            ]
            for o in figures.network
        ],
        align="lrrrrrr",
    )
    totals = table(
        ["figure", "value"],
        [
            ["faults injected", str(t.faults_injected)],
            ["faults met by the action", str(t.faults_met)],
            ["fault runs survived", f"{t.fault_runs_survived}/{t.fault_runs}"],
            ["retry bounds failing cleanly", f"{t.bounds_clean}/{t.bounds}"],
            ["longest single wait", f"{t.longest_wait_seconds:.1f} s"],
            ["worst-case run at a retry bound", f"{t.worst_bound_seconds:.1f} s ({t.worst_bound})"],
            ["attacks tried", str(t.attacks)],
            ["attack runs past their bound (must be 0)", str(t.attacks_unbounded)],
            ["attacks: max wall time", f"{t.attack_max_wall_seconds:.1f} s"],
            ["attacks: max peak RSS", f"{t.attack_max_rss_mib:.0f} MiB"],
            ["baseline peak RSS (no attack)", f"{t.attack_baseline_rss_mib:.0f} MiB"],
            ["leaks, 12-character fragments included (must be 0)", str(t.leaks)],
            ["tracebacks (must be 0)", str(t.tracebacks)],
            ["problems (must be 0)", str(len(t.problems))],
            ["total time", f"{t.seconds:.0f} s"],
        ],
        align="ll",
    )
    parts = [
        "Faults that must be survived (real waits, real HTTP to the emulator)",
        fault_table,
        "Retry bounds: faults that never clear must fail cleanly and on time",
        bound_table,
        f"Hostile network: the entrypoint in a child process, attempt deadline "
        f"{attacks.DEADLINE:g} s, retry-wait-limit {attacks.WAIT_LIMIT} s; bound = "
        f"W + {attacks.REQUESTS} x D + {attacks.START_UP:g} s start-up",
        network_table,
        "Totals",
        totals,
    ]
    if t.problems:
        parts.append("Problems:\n" + "\n".join(f"  - {p}" for p in t.problems[:30]))
    return "\n\n".join(parts)


def render_json(figures: Figures) -> str:
    """Every figure, for build/reliability.json."""
    found = asdict(figures)
    found["passed"] = figures.totals.passed
    found["attack_settings"] = {
        "deadline_seconds": attacks.DEADLINE,
        "retry_wait_limit_seconds": attacks.WAIT_LIMIT,
    }
    return json.dumps(found, indent=2) + "\n"


def main_(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.parse_args(argv)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="reliability-") as tmp:
        runner = Runner(Path(tmp))
        faults = run_fault_cases(runner)
        bounds = run_bounds(runner)
        network = attacks.run_all(Path(tmp) / "network")
    figures = figures_of(faults, bounds, network, time.monotonic() - started)
    print(render_table(figures))
    JSON_OUT.parent.mkdir(exist_ok=True)
    JSON_OUT.write_text(render_json(figures), encoding="utf-8")
    print(f"\nFigures: {JSON_OUT.relative_to(ROOT)}")
    return 0 if figures.totals.passed else 1


if __name__ == "__main__":
    sys.exit(main_())
