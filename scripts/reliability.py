"""`make reliability`: the real action against the emulator, with faults and hostile inputs.

Every run calls ``codespaces_secrets.action.main`` in-process with a runner-like
environment (INPUT_* variables, real output and summary files), against the bundled
emulator over real HTTP (parts 1-3), or in a child process against a misbehaving server
(part 4). Four parts:

  1  faults, survived: each kind of transient fault GitHub documents (5xx, 429 with
     retry-after, 403 secondary and primary rate limits, dropped connections, slow answers,
     read timeouts, a stale public key) injected into runs that must still succeed and store
     exactly the values given. Waits are real.
  2  retry bounds: faults that never clear, or ask for more waiting than retry-wait-limit
     allows; each run must fail cleanly, on time, with a message that says why.
  3  hostile inputs: the property-test strategies of ``testkit.hostile`` (shared with
     tests/test_hostile.py) drawn with a fixed seed (plus direct ``inputs.parse`` calls with
     NUL and lone surrogates); waits go to a fake clock and non-loopback hosts to a dead
     local proxy, so nothing leaves the machine.
  4  hostile network: ``testkit.attacks``, servers on 127.0.0.1 that stall, drip, never
     end a body, send compression bombs, loop or leave with next links and redirects,
     send malformed answers or reflect the request; the entrypoint runs in a child process
     (``testkit.launch``: a 2 s attempt deadline) so its wall time and peak RSS are its own.

Every run is checked for leaks (a canary inside every value, the token, ciphertexts: only
in ``::add-mask::`` lines, which come first), tracebacks, "Internal error" (the last-resort
guard), unclear failures and requests the emulator refused as invalid. The product bugs
these runs once found are regression tests in tests/test_hostile.py.

One table on stdout; every figure in build/reliability.json. Exit status 1 when anything
leaked, crashed, or a fault that must be survived was not.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import cast

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from codespaces_secrets.action import main, runner_from
from codespaces_secrets.clock import SYSTEM_CLOCK, Clock
from codespaces_secrets.inputs import INPUT_NAMES, parse
from codespaces_secrets.seam import Connect
from github_emulator import ADMIN_TOKEN, Emulator
from testkit import ROOT, ActionRun, FakeTime, attacks, connect_with, hostile, read_back, runner_env

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
        self.clock: Clock = SYSTEM_CLOCK  # real waits, except for the hostile inputs

    def run(
        self,
        emu: Emulator | None,
        inputs: Mapping[str, str],
        secret_values: Sequence[str],
        injected: Sequence[int | None] = (),
        *,
        extra_env: Mapping[str, str] | None = None,
        prepare: Callable[[Path], None] | None = None,
        connect: Connect | None = None,
    ) -> tuple[ActionRun, Checked]:
        """One run; ``prepare`` may fill the workspace first; ``connect`` replaces the
        transport factory (a shorter read timeout)."""
        self.count += 1
        defaults = {"token": ADMIN_TOKEN, "org": "octo-org"}
        if emu is not None:
            defaults["api-url"] = emu.url
        workdir = self.workdir / f"run{self.count}"
        env = runner_env(workdir, {**defaults, **inputs}, extra_env or {})
        if prepare is not None:
            prepare(Path(env["GITHUB_WORKSPACE"]))
        # What the image's `python -X utf8` writes to: UTF-8 with surrogate escapes.
        out, err = utf8_stream(), utf8_stream()
        started = time.monotonic()
        try:
            code = main(env, runner_from(env, log=out), connect=connect, clock=self.clock)
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


# -- part 3: hostile inputs --------------------------------------------------------------


@dataclass
class HostileFigures:
    """Hostile inputs tried and what they caused."""

    runs: int = 0
    exit_0: int = 0
    exit_1: int = 0
    requests: int = 0
    parse_calls: int = 0
    parse_exceptions: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    leaks: int = 0
    tracebacks: int = 0
    internal_errors: int = 0
    invalid_requests: int = 0
    unclear: int = 0
    seconds: float = 0.0
    slowest_run: float = 0.0


@contextmanager
def offline_and_instant(runner: Runner) -> Iterator[FakeTime]:
    """Non-loopback hosts through a dead local proxy, and waits on a fake clock.

    The proxy goes through the environment, the way a runner's proxy does; only those
    variables are set, and each is restored afterwards.
    """
    dead = f"http://127.0.0.1:{hostile.closed_port()}"
    names = [*hostile.PROXY_NAMES, *(name.lower() for name in hostile.PROXY_NAMES)]
    saved = {name: os.environ.get(name) for name in names}
    for name in names:
        os.environ[name] = "127.0.0.1,localhost,::1" if name.upper() == "NO_PROXY" else dead
    fake = FakeTime()
    runner.clock = fake.clock
    try:
        yield fake
    finally:
        runner.clock = SYSTEM_CLOCK
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_hostile(runner: Runner, count: int, parse_count: int) -> HostileFigures:
    figures = HostileFigures()
    started = time.monotonic()
    quiet = settings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )

    @quiet
    @given(inputs=hostile.action_inputs())
    def one_run(inputs: dict[str, str]) -> None:
        with Emulator() as emu:
            web = emu.repo_id("octo-org", "web")
            emu.set_secret("octo-org", "A", "old", visibility="selected", repository_ids=[web])
            resolved = hostile.resolve(inputs, emu)
            if hostile.marked_plain_input(resolved):
                return
            values_ = hostile.canary_values(resolved)
            run, checked = runner.run(emu, resolved, values_)
            record_hostile(figures, run, checked, len(emu.requests))

    @settings(quiet, max_examples=parse_count)
    @given(
        raw=st.fixed_dictionaries(
            {name: st.one_of(hostile.any_text, hostile.nasty) for name in INPUT_NAMES}
        )
    )
    def one_parse(raw: dict[str, str]) -> None:
        figures.parse_calls += 1
        try:
            with tempfile.TemporaryDirectory() as workspace:
                parse(raw, workspace=Path(workspace))
        except Exception as exc:  # noqa: BLE001 - counted, not raised
            figures.parse_exceptions.append(f"{type(exc).__name__}: {raw!r}"[:300])

    with offline_and_instant(runner):
        one_run()
        one_parse()
    figures.seconds = time.monotonic() - started
    return figures


def record_hostile(
    figures: HostileFigures, run: ActionRun, checked: Checked, requests: int
) -> None:
    figures.runs += 1
    figures.slowest_run = max(figures.slowest_run, checked.seconds)
    figures.requests += requests
    figures.exit_0 += run.exit_code == 0
    figures.exit_1 += run.exit_code == 1
    figures.leaks += len(checked.leaks)
    figures.tracebacks += checked.tracebacks
    figures.internal_errors += checked.internal_errors
    figures.invalid_requests += len(checked.invalid_requests)
    figures.unclear += checked.unclear
    problems = run_problems(checked)
    if problems:
        figures.problems.append(f"{'; '.join(problems)[:300]}")


# -- the report -----------------------------------------------------------------------------


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


def network_table(outcomes: Sequence[attacks.Outcome]) -> tuple[str, str, dict[str, object]]:
    """The hostile-network table, its totals, and their figures."""
    rows = [
        [
            o.name,
            str(o.exit_code),
            f"{o.seconds:.1f} s",
            f"{o.bound_seconds:.0f} s",
            f"{o.max_rss_mib:.0f} MiB",
            str(len(o.leaks)),
            str(o.tracebacks),
        ]
        for o in outcomes
    ]
    detail = table(
        ["attack (server on 127.0.0.1)", "exit", "wall", "bound", "peak RSS", "leaks", "tb"],
        rows,
        align="lrrrrrr",
    )
    figures: dict[str, object] = {
        "attacks": len(outcomes),
        "max_wall_seconds": max(o.seconds for o in outcomes),
        "max_rss_mib": max(o.max_rss_mib for o in outcomes),
        "baseline_rss_mib": outcomes[0].max_rss_mib,
        "unbounded": sum(not o.bounded for o in outcomes),
        "leaks": sum(len(o.leaks) for o in outcomes),
        "tracebacks": sum(o.tracebacks for o in outcomes),
        "deadline_seconds": attacks.DEADLINE,
        "retry_wait_limit_seconds": attacks.WAIT_LIMIT,
    }
    totals = table(
        ["hostile network", "value"],
        [
            ["attacks tried", str(figures["attacks"])],
            ["max wall time", f"{figures['max_wall_seconds']:.1f} s"],
            ["max peak RSS", f"{figures['max_rss_mib']:.0f} MiB"],
            ["baseline peak RSS (no attack)", f"{figures['baseline_rss_mib']:.0f} MiB"],
            ["runs past their bound (must be 0)", str(figures["unbounded"])],
            ["leaks (must be 0)", str(figures["leaks"])],
            ["tracebacks (must be 0)", str(figures["tracebacks"])],
        ],
        align="ll",
    )
    return detail, totals, figures


def report(
    faults: list[FaultRow],
    bounds: list[BoundRow],
    hostile_: HostileFigures,
    network: Sequence[attacks.Outcome],
    seconds: float,
) -> tuple[str, dict[str, object]]:
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
            for r in faults
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
            for r in bounds
        ],
    )
    problems = [p for r in faults for p in r.problems] + [p for r in bounds for p in r.problems]
    leaks = hostile_.leaks + sum(p.startswith("leak") for p in problems)
    tracebacks = hostile_.tracebacks + problems.count("traceback")
    internal = hostile_.internal_errors + problems.count("Internal error")
    unsurvived = sum(r.runs - r.survived_runs for r in faults)
    unclean_bounds = sum(bool(r.problems) for r in bounds)
    longest = max([r.longest_wait for r in faults] + [r.longest_wait for r in bounds])
    worst = max(bounds, key=lambda r: r.seconds)
    totals = table(
        ["figure", "value"],
        [
            ["faults injected", str(sum(r.injected for r in faults))],
            ["faults met by the action", str(sum(r.served for r in faults))],
            [
                "fault runs survived",
                f"{sum(r.survived_runs for r in faults)}/{sum(r.runs for r in faults)}",
            ],
            ["unsurvived faults (must be 0)", str(unsurvived)],
            ["retry bounds failing cleanly", f"{len(bounds) - unclean_bounds}/{len(bounds)}"],
            [
                "hostile inputs: action runs",
                f"{hostile_.runs} (exit 0: {hostile_.exit_0}, exit 1: {hostile_.exit_1}; "
                f"{hostile_.requests} requests)",
            ],
            [
                "hostile inputs: parse calls",
                f"{hostile_.parse_calls} (exceptions: {len(hostile_.parse_exceptions)})",
            ],
            ["leaks found (must be 0)", str(leaks)],
            ["tracebacks (must be 0)", str(tracebacks)],
            ["Internal error (must be 0)", str(internal)],
            ["requests refused as invalid (must be 0)", str(hostile_.invalid_requests)],
            ["failures without a reason (must be 0)", str(hostile_.unclear)],
            ["longest single wait", f"{longest:.1f} s"],
            ["worst-case run at a retry bound", f"{worst.seconds:.1f} s ({worst.scenario})"],
            ["slowest hostile run", f"{hostile_.slowest_run:.2f} s"],
            ["total time", f"{seconds:.0f} s"],
        ],
        align="ll",
    )
    network_detail, network_totals, network_figures = network_table(network)
    text = "\n\n".join(
        [
            "Faults that must be survived (real waits, real HTTP to the emulator)",
            fault_table,
            "Retry bounds: faults that never clear must fail cleanly and on time",
            bound_table,
            f"Hostile network: the entrypoint in a child process, attempt deadline "
            f"{attacks.DEADLINE:g} s, retry-wait-limit {attacks.WAIT_LIMIT} s; bound = "
            f"W + {attacks.REQUESTS} x D + {attacks.START_UP:g} s start-up",
            network_detail,
            network_totals,
            "Totals",
            totals,
        ]
    )
    failed = bool(
        network_figures["unbounded"]
        or network_figures["leaks"]
        or network_figures["tracebacks"]
        or leaks
        or tracebacks
        or internal
        or unsurvived
        or unclean_bounds
        or hostile_.invalid_requests
        or hostile_.unclear
        or hostile_.parse_exceptions
    )
    figures: dict[str, object] = {
        "passed": not failed,
        "faults": [asdict(r) for r in faults],
        "bounds": [asdict(r) for r in bounds],
        "hostile": asdict(hostile_),
        "network": {"figures": network_figures, "attacks": [asdict(o) for o in network]},
        "totals": {
            "faults_injected": sum(r.injected for r in faults),
            "faults_met": sum(r.served for r in faults),
            "unsurvived_faults": unsurvived,
            "unclean_bounds": unclean_bounds,
            "leaks": leaks,
            "tracebacks": tracebacks,
            "internal_errors": internal,
            "invalid_requests": hostile_.invalid_requests,
            "unclear_failures": hostile_.unclear,
            "longest_wait_seconds": longest,
            "worst_case_bound_seconds": worst.seconds,
            "seconds": seconds,
        },
    }
    return text, figures


def main_(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--hostile", type=int, default=300, help="hostile action runs")
    parser.add_argument("--parse", type=int, default=1500, help="hostile inputs.parse calls")
    args = parser.parse_args(argv)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="reliability-") as tmp:
        runner = Runner(Path(tmp))
        faults = run_fault_cases(runner)
        bounds = run_bounds(runner)
        hostile_ = run_hostile(runner, args.hostile, args.parse)
        network = attacks.run_all(Path(tmp) / "network")
    text, figures = report(faults, bounds, hostile_, network, time.monotonic() - started)
    print(text)
    problems = [
        *(f"{r.kind}: {p}" for r in faults for p in r.problems),
        *(f"{r.scenario}: {p}" for r in bounds for p in r.problems),
        *hostile_.problems,
        *hostile_.parse_exceptions,
        *(f"{o.name}: {p}" for o in network for p in o.leaks),
        *(f"{o.name}: traceback" for o in network if o.tracebacks),
        *(f"{o.name}: {o.seconds:.1f} s, past its bound" for o in network if not o.bounded),
    ]
    if problems:
        print("\nProblems:")
        for problem in problems[:30]:
            print(f"  - {problem}")
    JSON_OUT.parent.mkdir(exist_ok=True)
    JSON_OUT.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"\nFigures: {JSON_OUT.relative_to(ROOT)}")
    return 0 if figures["passed"] else 1


if __name__ == "__main__":
    sys.exit(main_())
