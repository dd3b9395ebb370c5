"""Helpers for `make bench`: timed process runs, import-time profiles, the results table.

Nothing here knows the scenarios; `bench.py` composes them.
"""

from __future__ import annotations

import compileall
import marshal
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

REPO = Path(__file__).resolve().parents[2]
# The interpreter flags of the image's ENTRYPOINT (Dockerfile), so the start-up measured
# here is the start-up a workflow pays (minus the container itself).
PYTHON_FLAGS = ("-E", "-s", "-B", "-u", "-X", "utf8")
# The Python contenders' interpreter: a virtual environment holding requirements.txt and
# nothing else, as the image does (`make bench` builds it). The development .venv would
# add its editable installs' import hooks to every start, which no user pays.
RUNTIME_PYTHON = REPO / "build" / "bench-runtime" / "bin" / "python"
_K = TypeVar("_K")


class BenchError(RuntimeError):
    """A contender did not do what it was asked: the figures would be meaningless."""


def image_app(dest: Path) -> Path:
    """Lay out the action as the image's /app (entry point beside the package), compiled.

    Returns the entry point. The files are the image builder's own list
    (scripts/release/rootfs.py: the package minus what .dockerignore leaves out), compiled
    beforehand as in the image, so no run pays for it.
    """
    sys.path.insert(0, str(REPO / "scripts" / "release"))
    import rootfs  # noqa: PLC0415 (a folder of scripts, found by path)

    for name, data in rootfs.app_files().items():
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        (dest / name).write_bytes(data)
    compileall.compile_dir(str(dest / "codespaces_secrets"), quiet=1)
    return dest / "entrypoint.py"


@dataclass(frozen=True)
class Timing:
    """When a run started and ended, on ``time.monotonic`` (the emulator's request clock)."""

    start: float
    end: float

    @property
    def seconds(self) -> float:
        """Wall time."""
        return self.end - self.start


def run_process(
    argv: Sequence[str],
    env: Mapping[str, str],
    *,
    expect: int = 0,
    stdin: str | None = None,
    timeout: float = 120,
) -> tuple[Timing, subprocess.CompletedProcess[str]]:
    """Run one whole process; return when it started and ended, and what it printed."""
    start = time.monotonic()
    done = subprocess.run(
        list(argv),
        env=dict(env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    end = time.monotonic()
    if done.returncode != expect:
        raise BenchError(
            f"{' '.join(argv[:4])} ... exited {done.returncode} (expected {expect}):\n"
            f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        )
    return Timing(start, end), done


# -- timing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Phases:
    """One run cut at its first and last request's arrival at the emulator (seconds).

    ``before``: process start to the first request (interpreter, imports, set-up, connect);
    ``between``: first to last request; ``after``: last request to exit (the last answer,
    outputs, summary, interpreter shutdown).
    """

    before: float
    between: float
    after: float

    @classmethod
    def of(cls, timing: Timing, arrivals: Sequence[float]) -> Phases | None:
        """The phases of a run whose requests arrived at ``arrivals`` (None without any)."""
        if not arrivals:
            return None
        first, last = min(arrivals), max(arrivals)
        return cls(first - timing.start, last - first, timing.end - last)


@dataclass
class Samples:
    """The wall times of one contender in one scenario, and the requests of each run."""

    seconds: list[float] = field(default_factory=list)
    requests: list[int] = field(default_factory=list)
    phases: list[Phases] = field(default_factory=list)

    def median_phases(self) -> Phases | None:
        """Per-phase medians over the runs that sent requests."""
        if not self.phases:
            return None
        return Phases(
            statistics.median(p.before for p in self.phases),
            statistics.median(p.between for p in self.phases),
            statistics.median(p.after for p in self.phases),
        )

    @property
    def median(self) -> float:
        """Median wall time in seconds."""
        return statistics.median(self.seconds)

    @property
    def low(self) -> float:
        """Fastest run."""
        return min(self.seconds)

    @property
    def high(self) -> float:
        """Slowest run."""
        return max(self.seconds)

    @property
    def request_count(self) -> int:
        """Requests per run (the most seen: counts should not vary)."""
        return max(self.requests) if self.requests else 0


@dataclass(frozen=True)
class Contender:
    """One way of doing a scenario's job.

    ``run`` takes the round's tag (to make every value unique), does the job, and returns
    when its process(es) started and ended. ``phased``: one process, so its requests'
    arrival times cut it into Phases (not so for a loop of processes).
    """

    key: str
    label: str
    run: Callable[[str], Timing]
    phased: bool = True


def interleaved(
    contenders: Sequence[Contender],
    rounds: int,
    *,
    before: Callable[[], None],
    after: Callable[[Contender, str], Sequence[float]],
) -> dict[str, Samples]:
    """Run every contender once per round, rotating the order so none always goes first.

    ``before`` runs untimed before each run (clears the request record); ``after`` proves
    the run wrote what it was given (raising BenchError if not) and returns the arrival
    times of its requests.
    """
    samples = {c.key: Samples() for c in contenders}
    for index in range(rounds):
        shift = index % len(contenders)
        for contender in (*contenders[shift:], *contenders[:shift]):
            tag = f"r{index}-{contender.key}"
            before()
            timing = contender.run(tag)
            arrivals = after(contender, tag)
            got = samples[contender.key]
            got.requests.append(len(arrivals))
            got.seconds.append(timing.seconds)
            phases = Phases.of(timing, arrivals) if contender.phased else None
            if phases is not None:
                got.phases.append(phases)
    return samples


# -- import-time profiles ----------------------------------------------------------------------

_IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)\s*$")


@dataclass(frozen=True)
class ImportRecord:
    """One line of ``python -X importtime``: microseconds of its own and with children."""

    name: str
    self_us: int
    cumulative_us: int
    depth: int


def parse_importtime(stderr: str) -> list[ImportRecord]:
    """The import records of one run's standard error (other lines are ignored)."""
    records = []
    for line in stderr.splitlines():
        found = _IMPORT_LINE.match(line)
        if found:
            own, total, indent, name = found.groups()
            records.append(ImportRecord(name, int(own), int(total), len(indent) // 2))
    return records


@dataclass(frozen=True)
class ImportProfile:
    """Median import costs (ms) over several runs of one command."""

    total_ms: float
    # Cumulative ms of every import, keyed by its chain of importers (outermost first).
    tree_ms: dict[tuple[str, ...], float]
    by_package_ms: dict[str, float]  # self time summed per top-level package name
    modules: frozenset[str]

    def has(self, module: str) -> bool:
        """Whether the run imported ``module`` at all."""
        return module in self.modules

    def heavy(self, threshold_ms: float, max_depth: int) -> list[tuple[int, str, float]]:
        """(depth, name, ms) of the subtrees above the threshold, in tree order, heaviest first."""
        out: list[tuple[int, str, float]] = []

        def visit(parent: tuple[str, ...]) -> None:
            children = [
                (path, ms)
                for path, ms in self.tree_ms.items()
                if len(path) == len(parent) + 1 and path[:-1] == parent and ms >= threshold_ms
            ]
            for path, ms in sorted(children, key=lambda item: -item[1]):
                out.append((len(path) - 1, path[-1], ms))
                if len(path) <= max_depth:
                    visit(path)

        visit(())
        return out


def _paths(records: Sequence[ImportRecord]) -> dict[tuple[str, ...], float]:
    """Cumulative ms keyed by import chain; importtime lists children before their parent."""
    pending: dict[int, list[tuple[tuple[str, ...], float]]] = defaultdict(list)
    for record in records:
        children = pending.pop(record.depth + 1, [])
        node = ((record.name,), record.cumulative_us / 1000)
        pending[record.depth].append(node)
        pending[record.depth].extend(((record.name, *path), ms) for path, ms in children)
    result: dict[tuple[str, ...], float] = defaultdict(float)
    for path, ms in pending.get(0, []):
        result[path] += ms
    return result


def import_profile(runs: Sequence[list[ImportRecord]]) -> ImportProfile:
    """Per-entry medians over runs (an entry missing from a run counts as 0 there)."""
    trees = [_paths(records) for records in runs]
    packages = []
    for records in runs:
        own: dict[str, float] = defaultdict(float)
        for record in records:
            own[record.name.split(".")[0]] += record.self_us / 1000
        packages.append(own)
    totals = [sum(ms for path, ms in tree.items() if len(path) == 1) for tree in trees]

    def medians(tables: Sequence[Mapping[_K, float]]) -> dict[_K, float]:
        keys = {key for table in tables for key in table}
        values = {key: statistics.median(t.get(key, 0.0) for t in tables) for key in keys}
        ranked = sorted(values.items(), key=lambda kv: -kv[1])
        return {key: round(ms, 2) for key, ms in ranked}

    modules = frozenset(r.name for records in runs for r in records)
    return ImportProfile(
        round(statistics.median(totals), 2), medians(trees), medians(packages), modules
    )


# -- call profiles -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallCost:
    """One function of a package in ``python -m cProfile`` runs: median calls and times.

    ``cumulative_ms`` includes what the function imported on the way (a lazy import is
    paid by the function that runs it); ``imports_ms`` is that part, so the difference is
    the function's own work with its callees.
    """

    where: str  # module file and line, e.g. "report.py:120"
    function: str
    calls: float
    cumulative_ms: float
    imports_ms: float
    own_ms: float

    @property
    def work_ms(self) -> float:
        """Cumulative time without the imports made under it."""
        return self.cumulative_ms - self.imports_ms


_FunctionKey = tuple[str, int, str]
# cProfile's stats: per function, (primitive calls, calls, own s, cumulative s, callers),
# where callers maps each caller to the same four figures for that edge.
_RawStats = dict[
    _FunctionKey, tuple[int, int, float, float, dict[_FunctionKey, tuple[int, int, float, float]]]
]
# Where an import statement enters importlib (its cumulative time is the whole import).
_IMPORT_ENTRIES = {"_find_and_load", "_handle_fromlist", "<built-in method builtins.__import__>"}


def _import_seconds(raw: _RawStats) -> dict[_FunctionKey, float]:
    """Per function, the seconds spent importing under it (shared callees pro rata)."""
    callees: dict[_FunctionKey, list[tuple[_FunctionKey, float]]] = defaultdict(list)
    for callee, (*_, callers) in raw.items():
        for caller, edge in callers.items():
            callees[caller].append((callee, edge[3]))
    memo: dict[_FunctionKey, float] = {}

    def under(key: _FunctionKey) -> float:
        if key in memo:
            return memo[key]
        memo[key] = 0.0  # a cycle adds nothing twice
        total = 0.0
        for callee, edge_seconds in callees.get(key, []):
            if callee[2] in _IMPORT_ENTRIES:
                total += edge_seconds
            elif raw[callee][3] > 0:
                total += under(callee) * edge_seconds / raw[callee][3]
        memo[key] = min(total, raw[key][3]) if key in raw else total
        return memo[key]

    return {key: under(key) for key in raw}


def call_costs(stats_files: Sequence[Path], package_dir: str) -> list[CallCost]:
    """Functions (not module bodies) defined under ``package_dir``, by work, heaviest first.

    Each file is what ``python -m cProfile -o FILE`` wrote (a marshalled dict keyed by
    (file, line, function)); figures are medians over the files, 0 where a run lacked one.
    """
    runs = []
    for path in stats_files:
        # cProfile's own format, written a moment ago by a run this bench started.
        data = path.read_bytes()
        raw: _RawStats = marshal.loads(data)  # noqa: S302
        imports = _import_seconds(raw)
        runs.append(
            {
                (Path(key[0]).name, key[1], key[2]): (calls, own, total, imports[key])
                for key, (_, calls, own, total, _callers) in raw.items()
                if f"/{package_dir}/" in key[0] and key[2] != "<module>"
            }
        )
    keys = {key for run in runs for key in run}
    costs = []
    for file, line, name in keys:
        figures = [run.get((file, line, name), (0, 0.0, 0.0, 0.0)) for run in runs]

        def ms(index: int, figures: list[tuple[int, float, float, float]] = figures) -> float:
            return round(statistics.median(f[index] for f in figures) * 1000, 2)

        costs.append(
            CallCost(
                f"{file}:{line}",
                name,
                statistics.median(f[0] for f in figures),
                cumulative_ms=ms(2),
                imports_ms=ms(3),
                own_ms=ms(1),
            )
        )
    return sorted(costs, key=lambda c: -c.work_ms)


# -- the table ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One printed line: a contender's figures, its ratio to a baseline, maybe a target."""

    scenario: str
    contender: str
    median: float | None = None  # seconds
    low: float | None = None
    high: float | None = None
    requests: int | None = None
    minimum: int | None = None
    ratio: float | None = None
    baseline: str = ""
    target: float | None = None

    @property
    def verdict(self) -> str:
        """PASS / MISS against the target, blank without one."""
        if self.target is None or self.ratio is None:
            return ""
        return "PASS" if self.ratio <= self.target else "MISS"


_COLUMNS = (
    ("scenario", 24, "<"),
    ("contender", 34, "<"),
    ("median ms", 9, ">"),
    ("min-max ms", 13, ">"),
    ("reqs", 4, ">"),
    ("min", 4, ">"),
    ("ratio", 6, ">"),
    ("vs", 18, "<"),
    ("target", 7, ">"),
    ("result", 6, "<"),
)


def _ratio_cell(row: Row) -> str:
    ratio = row.ratio or 0.0
    return f"{ratio:.2f}" if row.target is None else shown_ratio(ratio, row.target)


def _cells(row: Row) -> list[str]:
    def ms(value: float | None) -> str:
        return "" if value is None else f"{value * 1000:.0f}"

    spread = f"{ms(row.low)}-{ms(row.high)}" if row.low is not None else ""
    return [
        row.scenario,
        row.contender,
        ms(row.median),
        spread,
        "" if row.requests is None else str(row.requests),
        "" if row.minimum is None else str(row.minimum),
        "" if row.ratio is None else f"{_ratio_cell(row)}x",
        row.baseline,
        "" if row.target is None else f"<={row.target:.2f}x",
        row.verdict,
    ]


def format_table(rows: Sequence[Row]) -> str:
    """A fixed-width table; a rule between scenarios."""

    def line(cells: Sequence[str]) -> str:
        parts = [
            f"{cell:{align}{width}}"
            for cell, (_, width, align) in zip(cells, _COLUMNS, strict=True)
        ]
        return "  ".join(parts).rstrip()

    header = line([name for name, _, _ in _COLUMNS])
    rule = "-" * len(header)
    out = [header, rule]
    previous = None
    for row in rows:
        if previous is not None and row.scenario != previous:
            out.append("")
        cells = _cells(row)
        if row.scenario == previous:
            cells[0] = ""
        out.append(line(cells))
        previous = row.scenario
    return "\n".join(out)


# -- targets -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One goal: the action's figure over a baseline's, PASS when the ratio is within limit."""

    scenario: str
    compares: str  # what over what, with the figures: "action 150 ms / floor 130 ms"
    ratio: float
    limit: float

    @property
    def verdict(self) -> str:
        """PASS or MISS."""
        return "PASS" if self.ratio <= self.limit else "MISS"

    def line(self) -> str:
        """One printed line: verdict, scenario, the comparison, ratio and limit."""
        return (
            f"{self.verdict}  {self.scenario}: {self.compares} = "
            f"{shown_ratio(self.ratio, self.limit)}x (target <= {self.limit:.2f}x)"
        )


def shown_ratio(ratio: float, limit: float) -> str:
    """The ratio to two decimals, or to as many more as it takes to differ from the limit.

    A MISS of 1.0012 against 1.00 would otherwise print as "1.00x (target <= 1.00x)".
    """
    for places in range(2, 7):
        shown = f"{ratio:.{places}f}"
        if (ratio <= limit) == (float(shown) <= limit):
            return shown
    return f"{ratio:.6f}"
