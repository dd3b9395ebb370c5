"""`make bench`, second part: the scale curve, on a simulated clock with GitHub's limits on.

Then "one job, many tokens": 50 orgs with a token each, in one job, once one token after
the other (max-parallel: 1) and once side by side (the default, 8 at a time). On the
simulated clock (``LaneTime``: each lane's pacing waits move only its own clock) with 100
secrets per org, and over real sockets on the real clock with the emulator answering
every request after a fixed 50 ms, with 5 secrets per org. Wall time of each, and the ratio.

The real action runs in-process (testkit's `run_in_process`) against a fresh emulator for
1, 10 and 50 organizations x 20 secrets, once with one token for every org and once with
a token per org (the `tokens` input). Action and emulator share one `FakeTime` clock: the
action's pacing sleeps only move it on, and the emulator enforces 80 writes a minute and
500 an hour per token on it, so hours of writes take seconds of real time while every
request still crosses a socket.

Each row: writes, the simulated wall time the run took, the requests it sent, how often
the emulator refused one for a limit (must be 0), and the floor GitHub's limits impose
(`codespaces_secrets.retry.minimum_write_time` of the busiest token's writes). A run whose
floor exceeds the action's default `run-time-limit` (30 minutes) gets `run-time-limit: 360`,
and a dry run with the default records what the action says instead. Every stored value is
checked. One table on stdout; everything in build/bench-scale.json. Exit 1 on any refusal,
failed run or wrong value.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from codespaces_secrets.inputs import DEFAULT_RUN_MINUTES
from codespaces_secrets.retry import minimum_write_time
from github_emulator import Emulator
from testkit import ROOT, ActionRun, FakeTime, LaneTime, run_in_process, runner_env
from testkit.durations import duration

ORG_COUNTS = (1, 10, 50)
SECRETS_PER_ORG = 20
LONG_RUN_MINUTES = 360  # the most run-time-limit allows
JSON_OUT = ROOT / "build" / "bench-scale.json"
# A token only this run's emulator knows.
SHARED_TOKEN = "ghp_scaleSharedToken00000000000000000000"  # noqa: S105


@dataclass(frozen=True)
class Point:
    """One run of the curve and what it cost."""

    orgs: int
    tokens: int
    per_org_tokens: bool
    writes: int
    simulated_seconds: float
    requests: int
    limit_hits: int
    floor_seconds: float
    real_seconds: float
    run_time_limit_minutes: int
    default_limit_verdict: str  # the action's words with the default limit ("" if it fits)


def org_names(count: int) -> list[str]:
    """`scale-org-01` … in a stable order."""
    return [f"scale-org-{n:02d}" for n in range(1, count + 1)]


def secret_values() -> dict[str, str]:
    """The secrets every org receives."""
    return {f"SCALE_{n:02d}": f"value {n} for the scale curve" for n in range(SECRETS_PER_ORG)}


def prepare(emu: Emulator, orgs: list[str], per_org_tokens: bool) -> dict[str, str]:
    """Orgs and owner tokens in the emulator; the action's token inputs for them."""
    for org in orgs:
        emu.add_org(org)
    if not per_org_tokens:
        emu.add_token(SHARED_TOKEN, owner_of=orgs)
        return {"token": SHARED_TOKEN}
    tokens = {org: f"ghp_scale{n:04d}Token{'0' * 26}" for n, org in enumerate(orgs)}
    for org, token in tokens.items():
        emu.add_token(token, owner_of=[org])
    return {"token": "", "tokens": json.dumps(tokens)}


def run_action(
    workdir: Path, emu: Emulator, fake: FakeTime | LaneTime | None, inputs: Mapping[str, str]
) -> ActionRun:
    """The action in-process (on a simulated clock if given), with runner-style files."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = runner_env(workdir, {**inputs, "api-url": emu.url}, {})
    if fake is None:
        return run_in_process(env)
    return run_in_process(env, clock=fake.clock)


def wrong_values(emu: Emulator, orgs: list[str], values: Mapping[str, str]) -> list[str]:
    """Every org/name whose stored value is not the one given."""
    wrong = []
    for org in orgs:
        for name, value in values.items():
            stored = emu.secret(org, name)
            if stored is None or stored.value != value:
                wrong.append(f"{org}/{name}")
    return wrong


def measure(count: int, per_org_tokens: bool, workdir: Path) -> Point:
    """One point of the curve, checked; raises RuntimeError when the run went wrong."""
    orgs, values = org_names(count), secret_values()
    writes = count * SECRETS_PER_ORG
    floor = minimum_write_time(SECRETS_PER_ORG if per_org_tokens else writes)
    minutes = DEFAULT_RUN_MINUTES if floor <= DEFAULT_RUN_MINUTES * 60 else LONG_RUN_MINUTES
    fake = FakeTime()
    with Emulator(clock=fake.monotonic, seed=False) as emu:
        emu.set_secondary_limit()  # GitHub's: 80 a minute, 500 an hour, per token
        inputs = {
            **prepare(emu, orgs, per_org_tokens),
            "org": ", ".join(orgs),
            "secrets": json.dumps(values),
        }
        verdict = ""
        if minutes != DEFAULT_RUN_MINUTES:
            dry = run_action(workdir / "dry", emu, fake, {**inputs, "dry-run": "true"})
            verdict = " ".join(dry.commands("error")) or "(fits: no error)"
            emu.clear_requests()
        started, real_start = fake.now, time.perf_counter()
        run = run_action(workdir / "run", emu, fake, {**inputs, "run-time-limit": str(minutes)})
        real = time.perf_counter() - real_start
        simulated = fake.now - started
        requests = emu.requests
        if run.exit_code != 0:
            raise RuntimeError(f"{count} org(s): the action failed:\n{run.log[-3000:]}")
        wrong = wrong_values(emu, orgs, values)
        if wrong:
            raise RuntimeError(f"{count} org(s): wrong or missing values: {wrong[:5]}")
    return Point(
        orgs=count,
        tokens=count if per_org_tokens else 1,
        per_org_tokens=per_org_tokens,
        writes=sum(r.method in ("PUT", "DELETE") for r in requests),
        simulated_seconds=round(simulated, 3),
        requests=len(requests),
        limit_hits=sum(r.status in (403, 429) for r in requests),
        floor_seconds=floor,
        real_seconds=round(real, 2),
        run_time_limit_minutes=minutes,
        default_limit_verdict=verdict,
    )


def short(verdict: str) -> str:
    """The action's refusal with a long list of orgs cut to its ends (the JSON keeps it all)."""

    def cut(found: re.Match[str]) -> str:
        orgs = found.group(1).split(", ")
        if len(orgs) <= 3:
            return found.group(0)
        return f"the token of {orgs[0]}, …, {orgs[-1]} ({len(orgs)} orgs) has"

    return re.sub(r"the token of (.+?) has", cut, verdict)


def table(points: list[Point]) -> str:
    """The curve as a plain-text table."""
    header = (
        "orgs",
        "tokens",
        "writes",
        "simulated time",
        "floor",
        "requests",
        "limit hits",
        "real time",
    )
    rows = [
        (
            str(p.orgs),
            f"{p.tokens} ({'one per org' if p.per_org_tokens else 'shared'})",
            str(p.writes),
            duration(p.simulated_seconds),
            duration(p.floor_seconds),
            str(p.requests),
            str(p.limit_hits),
            f"{p.real_seconds:.1f} s",
        )
        for p in points
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(cell.rjust(width) for cell, width in zip(cells, widths, strict=True))

    rule = tuple("-" * width for width in widths)
    lines = [line(header), line(rule), *(line(row) for row in rows)]
    return "\n".join(lines)


ONE_JOB_ORGS = 50
LATENCY = 0.05  # seconds the emulator waits before each answer, over real sockets


@dataclass(frozen=True)
class OneJob:
    """One job of many tokens, serial and side by side."""

    clock: str  # "simulated" or "real, 50 ms per request"
    orgs: int
    secrets_per_org: int
    writes: int
    serial_seconds: float
    parallel_seconds: float

    @property
    def ratio(self) -> float:
        """How many times faster side by side is."""
        return self.serial_seconds / self.parallel_seconds if self.parallel_seconds else 0.0


def one_job_run(workdir: Path, secrets: int, width: int, *, simulated: bool) -> float:
    """Seconds one job of ``ONE_JOB_ORGS`` tokens takes at ``width`` tokens at a time."""
    orgs = org_names(ONE_JOB_ORGS)
    values = {f"JOB_{n:03d}": f"value {n} for one job" for n in range(secrets)}
    with Emulator(seed=False) as emu:
        inputs = {
            **prepare(emu, orgs, per_org_tokens=True),
            "org": ", ".join(orgs),
            "secrets": json.dumps(values),
            "max-parallel": str(width),
            "run-time-limit": str(LONG_RUN_MINUTES),
        }
        if not simulated:
            emu.latency = LATENCY
        lanes = LaneTime() if simulated else None
        started = time.perf_counter()
        run = run_action(workdir, emu, lanes, inputs)
        seconds = lanes.elapsed if lanes is not None else time.perf_counter() - started
        if run.exit_code != 0:
            raise RuntimeError(f"one job, width {width}: the action failed:\n{run.log[-3000:]}")
        wrong = wrong_values(emu, orgs, values)
        if wrong:
            raise RuntimeError(f"one job, width {width}: wrong or missing values: {wrong[:5]}")
    return round(seconds, 3)


def one_job(tmp: Path) -> list[OneJob]:
    """The same job serially and side by side, on both clocks."""
    rows = []
    for label, secrets, simulated in (
        ("simulated", 100, True),
        (f"real, {LATENCY * 1000:.0f} ms a request", 5, False),
    ):
        serial = one_job_run(tmp / f"{label}-1", secrets, 1, simulated=simulated)
        side = one_job_run(tmp / f"{label}-8", secrets, 8, simulated=simulated)
        rows.append(OneJob(label, ONE_JOB_ORGS, secrets, ONE_JOB_ORGS * secrets, serial, side))
    return rows


def seconds(value: float) -> str:
    """A duration, to the hundredth below a minute."""
    return duration(value) if value >= 60 else f"{value:.2f} s"


def one_job_table(rows: list[OneJob]) -> str:
    """The one-job rows as plain text."""
    lines = [
        "clock                   orgs  secrets/org  writes  serial (max-parallel 1)  "
        "side by side (8)  ratio"
    ]
    lines += [
        f"{r.clock:<22}  {r.orgs:>4}  {r.secrets_per_org:>11}  {r.writes:>6}  "
        f"{seconds(r.serial_seconds):>23}  {seconds(r.parallel_seconds):>16}  {r.ratio:>4.1f}x"
        for r in rows
    ]
    return "\n".join(lines)


def main() -> int:
    """Measure every point, print the table and the notes, write the JSON."""
    points: list[Point] = []
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        for per_org_tokens in (False, True):
            for count in ORG_COUNTS:
                workdir = Path(tmp) / f"{count}-{'per-org' if per_org_tokens else 'one'}"
                try:
                    points.append(measure(count, per_org_tokens, workdir))
                except RuntimeError as exc:
                    print(f"scale: {exc}", file=sys.stderr)
                    return 1
        try:
            jobs = one_job(Path(tmp) / "one-job")
        except RuntimeError as exc:
            print(f"scale: {exc}", file=sys.stderr)
            return 1
    print(
        f"Scale curve: the action on a simulated clock, emulator limits on "
        f"(80 writes a minute, 500 an hour per token), {SECRETS_PER_ORG} secrets per org"
    )
    print(table(points))
    for point in points:
        if point.default_limit_verdict:
            print(
                f"\n{point.orgs} orgs, {point.tokens} token: ran with run-time-limit: "
                f"{point.run_time_limit_minutes}. With the default ({DEFAULT_RUN_MINUTES} min) "
                f"the action refuses before writing:\n  {short(point.default_limit_verdict)}"
            )
    print(f"\nOne job, {ONE_JOB_ORGS} orgs with a token each: serial vs side by side")
    print(one_job_table(jobs))
    JSON_OUT.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "secrets_per_org": SECRETS_PER_ORG,
        "limits": {"writes_per_minute": 80, "writes_per_hour": 500},
        "points": [asdict(p) for p in points],
        "one_job": [asdict(r) | {"ratio": round(r.ratio, 2)} for r in jobs],
    }
    JSON_OUT.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"\nEvery figure: {JSON_OUT.relative_to(ROOT)}")
    hits = sum(p.limit_hits for p in points)
    if hits:
        print(f"scale: {hits} request(s) refused for a rate limit; expected none", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
