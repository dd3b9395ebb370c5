"""Every measured figure the README and the CHANGELOG quote, from one generated table.

`make bench`, `make reliability`, `make container-test` and `make release-test` write
their figures under build/. `python scripts/figures.py collect` gathers the ones the
documents quote into docs/figures.json (committed: the one table); `write` renders each
block of the README and the CHANGELOG from it, between `<!-- figures: NAME -->` and
`<!-- /figures -->`; `check` fails when a block says anything else (make test runs it,
through tests/test_figures.py).
So a figure cannot drift: it changes in docs/figures.json, and every place says it again.
`make figures` is `collect` then `write`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from codespaces_secrets.retry import minimum_write_time
from testkit.durations import duration

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
TABLE = ROOT / "docs" / "figures.json"
DOCUMENTS = (ROOT / "README.md", ROOT / "CHANGELOG.md")
TIMES = "\u00d7"  # the multiplication sign of "7.1x faster", as the documents print it
BLOCK = re.compile(r"(<!-- figures: ([a-z0-9-]+) -->\n)(.*?)(<!-- /figures -->)", re.S)

Figures = dict[str, Any]


def collect(build: Path = BUILD, table: Path = TABLE) -> Figures:
    """The figures of the last runs under ``build``, merged over the table's."""
    figures: Figures = json.loads(table.read_text()) if table.exists() else {}
    reliability = build / "reliability.json"
    if reliability.exists():
        totals = json.loads(reliability.read_text())["totals"]
        figures["reliability"] = {
            key: totals[key]
            for key in (
                "faults_injected",
                "fault_runs",
                "fault_runs_survived",
                "bounds",
                "bounds_clean",
                "longest_wait_seconds",
                "worst_bound_seconds",
                "attacks",
                "attacks_unbounded",
                "attack_leaks",
                "attack_tracebacks",
                "attack_max_wall_seconds",
                "attack_max_rss_mib",
                "attack_baseline_rss_mib",
                "seconds",
            )
        }
    bench = build / "bench.json"
    if bench.exists():
        document = json.loads(bench.read_text())
        environment = document["environment"]
        figures["speed"] = {
            "machine": f"{environment['cpus']} cores; Python {environment['python']}, "
            f"{environment['node'].replace('node v', 'Node ')}, "
            f"`gh` {environment['gh'].split()[2]}",
            "rows": [
                {k: row[k] for k in ("scenario", "contender", "median", "requests")}
                for row in document["rows"]
                if "/" not in row["contender"]
            ],
            "targets": document["targets"],
        }
    scale = build / "bench-scale.json"
    if scale.exists():
        document = json.loads(scale.read_text())
        figures["scale"] = document["points"]
        figures["one_job"] = document.get("one_job", figures.get("one_job", []))
    release = build / "release-figures.json"
    if release.exists():
        figures["image"] = json.loads(release.read_text())
    container = build / "container-figures.json"
    if container.exists():
        document = json.loads(container.read_text())
        warm = document["warm_run_one_secret"]
        figures["container"] = {
            "compressed_layer_bytes": document["compressed_layer_bytes"],
            "image_bytes": document["image_bytes"],
            "release_build_seconds": document["release_build_seconds"],
            "dockerfile_build_seconds": document["dockerfile_build_seconds"],
            "container_median_seconds": warm["container_median_seconds"],
            "container_cost_seconds": warm["container_cost_seconds"],
        }
    return figures


def _seconds(value: float) -> str:
    return duration(value) if value >= 60 else f"{value:.1f} s"


def reliability(figures: Figures) -> str:
    """The reliability paragraph's figures."""
    r = figures["reliability"]
    return (
        f"Last run: {r['faults_injected']} faults injected, {r['fault_runs_survived']}/"
        f"{r['fault_runs']} fault runs survived, {r['bounds_clean']}/{r['bounds']} retry "
        f"bounds failing cleanly; longest single wait {r['longest_wait_seconds']:.1f} s, worst "
        f"case at a retry bound {r['worst_bound_seconds']:.1f} s. {r['attacks']} attacks: "
        f"{r['attacks_unbounded']} past their bound, longest {r['attack_max_wall_seconds']:.1f} "
        f"s; peak RSS {r['attack_baseline_rss_mib']:.0f} MiB without attack, at most "
        f"{r['attack_max_rss_mib']:.0f} MiB; {r['attack_leaks']} leaks counting every "
        f"12-character fragment of every secret, {r['attack_tracebacks']} tracebacks; "
        f"{r['seconds']:.0f} s in all.\n"
    )


def one_job(figures: Figures) -> str:
    """The one-job table: serial against side by side."""
    rows = [
        "| 50 orgs, a token each | serial (`max-parallel: 1`) | side by side (default 8) | ratio |",
        "|---|---|---|---|",
    ]
    for row in figures["one_job"]:
        what = (
            f"simulated clock, GitHub's pacing, {row['secrets_per_org']} secrets per org "
            f"({row['writes']:,} writes)"
            if row["clock"] == "simulated"
            else f"real sockets, every request answered after 50 ms, {row['secrets_per_org']} "
            "secrets per org"
        )
        rows.append(
            f"| {what} | {_seconds(row['serial_seconds'])} | {_seconds(row['parallel_seconds'])} "
            f"| {row['ratio']:.1f}{TIMES} |"
        )
    return "\n".join(rows) + "\n"


def one_job_ratio(figures: Figures) -> str:
    """The one-job ratios in a sentence."""
    simulated, real = figures["one_job"][0], figures["one_job"][1]
    return (
        "- `make bench` measures 50 orgs with a token each in one job: "
        f"{simulated['ratio']:.1f}{TIMES} faster than one after the other on the simulated "
        f"clock, {real['ratio']:.1f}{TIMES} over real "
        "sockets at 50 ms a request.\n"
    )


def scale(figures: Figures) -> str:
    """The scale curve's table."""
    rows = [
        "| orgs | tokens | writes | simulated time | floor under the limits | requests "
        "| limit hits |",
        "|---|---|---|---|---|---|---|",
    ]
    for p in figures["scale"]:
        tokens = f"{p['tokens']} (one per org)" if p["per_org_tokens"] else str(p["tokens"])
        rows.append(
            f"| {p['orgs']} | {tokens} | {p['writes']:,} | {duration(p['simulated_seconds'])} "
            f"| {duration(p['floor_seconds'])} | {p['requests']:,} | {p['limit_hits']} |"
        )
    return "\n".join(rows) + "\n"


def _lanes(need: float, tokens: int, width: int) -> float:
    """How long ``tokens`` equal tokens take, ``width`` at a time (as the plan estimates)."""
    rounds = -(-tokens // width)
    return rounds * need


def _short(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    return f"{secs} s"


def limits(figures: Figures) -> str:
    """Least times under GitHub's write limits, computed by the action's own pacing rule."""
    orgs = 50
    rows = [
        "| writes (50 orgs) | one token for every org | a token per org, one job "
        "(`max-parallel: 8`) | a token per org, one job (`max-parallel: 32`) | a job per org "
        "(matrix) |",
        "|---|---|---|---|---|",
    ]
    for writes in (1_000, 5_000, 10_000):
        per_token = minimum_write_time(writes // orgs)
        rows.append(
            f"| {writes:,} | {_short(minimum_write_time(writes))} | "
            f"{_short(_lanes(per_token, orgs, 8))} | {_short(_lanes(per_token, orgs, 32))} | "
            f"{_short(per_token)} ({writes // orgs} per token) |"
        )
    return "\n".join(rows) + "\n"


# Each column of the speed table: its heading, and how the bench names its contender.
SPEED_COLUMNS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("action", lambda c: c.startswith("action")),
    ("floor", lambda c: c == "floor"),
    ("floor, tuned", lambda c: c == "floor, collector tuned"),
    ("JavaScript way", lambda c: c == "JavaScript way"),
    ("gh", lambda c: c.startswith("gh secret set")),
)


def _baseline(compares: str) -> str:
    """What a target compares the action with: "floor", "serial floor", "floor + listing"."""
    return re.sub(r"\s*\d+( ms| requests)?", "", compares.split(" / ", 1)[1]).strip("() ")


def _ratio(ratio: float, limit: float) -> str:
    """Two decimals, or more until the shown ratio agrees with its verdict."""
    for places in range(2, 7):
        shown = f"{ratio:.{places}f}"
        if (ratio <= limit) == (float(shown) <= limit):
            return shown
    return f"{ratio:.6f}"


def speed(figures: Figures) -> str:
    """The bench's medians per scenario, with every target's verdict."""
    data = figures["speed"]
    lines = [
        f"Last run here ({data['machine']}), medians:",
        "",
        "| scenario | " + " | ".join(name for name, _ in SPEED_COLUMNS) + " | verdicts |",
        "|---" * (len(SPEED_COLUMNS) + 2) + "|",
    ]
    scenarios = dict.fromkeys(row["scenario"].split(" ", 1)[1] for row in data["rows"])
    for scenario in scenarios:
        if scenario.startswith("start-up"):
            continue
        rows = [r for r in data["rows"] if r["scenario"].split(" ", 1)[1] == scenario]
        cells = []
        for _, matches in SPEED_COLUMNS:
            found = next((r for r in rows if matches(r["contender"])), None)
            if found is None:
                cells.append("—")
            elif scenario.startswith("requests"):
                cells.append(str(found["requests"]))
            else:
                cells.append(f"{found['median'] * 1000:.0f} ms")
        verdicts = "; ".join(
            f"{_baseline(t['compares'])}: {_ratio(t['ratio'], t['limit'])}{TIMES} "
            f"(≤ {t['limit']:.2f}{TIMES}) {t['verdict']}"
            for t in data["targets"]
            if t["scenario"] == scenario
        )
        lines.append(f"| {scenario} | " + " | ".join(cells) + f" | {verdicts} |")
    return "\n".join(lines) + "\n"


def _mb(size: float) -> str:
    return f"{size / 1e6:.2f} MB"


# What README promises of the fully cold step (issue: "at most 1.3x the no-op").
IMAGE_GOAL = 1.3


def image(figures: Figures) -> str:
    """README's "What each job pays": the release image, the no-op and the Dockerfile path."""
    f = figures["image"]
    amd, arm = f["images"]["amd64"], f["images"]["arm64"]
    built = f["dockerfile_image"]
    jobs = f["jobs"]
    noop = f["noop_step_seconds"]
    on_docker = f["docker_engine"]
    layers = f"{built['layers']} layer" + ("s" if built["layers"] != 1 else "")
    rows = [
        "| What the job runs | What a fresh runner downloads (gzip) | Step time here, fully cold"
        f" (median of {len(jobs)} jobs) | vs no-op |",
        "| --- | --- | --- | --- |",
        "| Release: the image pinned by digest (one layer on scratch) | amd64"
        f" {_mb(amd['compressed_layer_bytes'])}, arm64 {_mb(arm['compressed_layer_bytes'])} |"
        f" {f['pinned_step_seconds']:.2f} s | **{f['pinned_vs_noop']:.2f}{TIMES}** |",
        "| The same image, already pulled (its later steps in the same jobs, median) | nothing |"
        f" {f['pinned_warm_step_seconds']:.2f} s |"
        f" {f['pinned_warm_step_seconds'] / noop:.2f}{TIMES} |",
        "| Reference: a static no-op container action on scratch, pinned the same way |"
        f" amd64 {f['noop_compressed_bytes']} bytes | {noop:.2f} s | 1.00{TIMES} |",
        f"| The release image again, under Docker's engine ({on_docker['engine']}, the engine"
        " GitHub's runners use), same workflow | as above |"
        f" {on_docker['pinned_step_seconds']:.2f} s |"
        f" {on_docker['pinned_vs_noop']:.2f}{TIMES} |",
        "| The no-op again, under Docker's engine | as above |"
        f" {on_docker['noop_step_seconds']:.2f} s | 1.00{TIMES} |",
        "| `main`: `image: Dockerfile`, built in the job | the build stage's base"
        f" (`{f['dockerfile_base']}`), then {_mb(f['dockerfile_debs_bytes'])} of Debian"
        f" packages and the wheels; the image built: {_mb(built['compressed_bytes'])} in"
        f" {layers} | {f['dockerfile_step_seconds']:.2f} s |"
        f" {f['dockerfile_vs_noop']:.2f}{TIMES} |",
    ]
    each = ", ".join(
        f"{job['pinned_step_seconds']:.2f} s vs {job['noop_step_seconds']:.2f} s"
        f" ({job['ratio']:.2f}{TIMES})"
        for job in jobs
    )
    worst = max(job["ratio"] for job in jobs)
    goal = (
        f"within the goal of at most {IMAGE_GOAL}{TIMES} (set under act with podman) in every job"
        if worst <= IMAGE_GOAL
        else f"the goal, set under act with podman, is at most {IMAGE_GOAL}{TIMES}; the median"
        + (" is within it" if f["pinned_vs_noop"] <= IMAGE_GOAL else " is not")
    )
    other = f"a second build ({f['second_build_host']}, its own install of the wheels)"
    second = (
        f", the same from {other}."
        if f["second_build_index_digest"] == f["index_digest"]
        else f"; {other} gave `{f['second_build_index_digest']}`."
    )
    return (
        "\n".join(rows)
        + f"\n\nEach job, the pinned image's step vs the no-op's: {each}; {goal}. The"
        " release image's ratios in the table are the median of each job's own ratio (the two"
        " steps of a job share its conditions), not the quotient of the two medians; the"
        " already-pulled and Dockerfile rows divide by the no-op's median. Release"
        f" image: amd64 `{amd['manifest_digest']}` ({_mb(amd['uncompressed_layer_bytes'])}"
        f" unpacked), arm64 `{arm['manifest_digest']}`"
        f" ({_mb(arm['uncompressed_layer_bytes'])} unpacked); index `{f['index_digest']}`"
        f"{second} The arm64 image's own files ran here too, under qemu's user-mode emulator:"
        f" one secret written, as the emulator decrypted it ({f['arm64_run_seconds']:.1f} s"
        " emulated).\n\n" + anatomy(f)
    )


def anatomy(f: dict[str, Any]) -> str:
    """Where the two compared steps' time goes, from the requests act made to podman."""
    noop, pinned = f["step_anatomy"]["noop"], f["step_anatomy"]["pinned"]
    docker = f["docker_engine"]
    each = ", ".join(f"{job['ratio']:.2f}{TIMES}" for job in docker["jobs"])
    return (
        "Where a step's time goes, from the requests act made to podman (medians over the"
        f" jobs): around each container step act asks podman for `/info`"
        f" {noop['info_calls']:.0f} times ({noop['info']:.2f} s in all), for `/version`"
        f" ({noop['version']:.2f} s) and for the job's command files back"
        f" ({noop['command_files']:.2f} s). The no-op itself is pulled in {noop['pull']:.2f} s"
        f" and runs in {noop['wait']:.2f} s, so its {f['noop_step_seconds']:.2f} s step is"
        f" mostly the engine answering act. The pinned image takes {pinned['pull']:.2f} s to"
        f" pull fully cold and {pinned['wait']:.2f} s from start to exit:"
        f" **+{f['pinned_minus_noop_seconds']:.2f} s** over the no-op (the median of each"
        " job's difference). That difference is the image's own cost; the rest of the step"
        " is the engine's. Docker's engine answers `/info` and `/version` in milliseconds:"
        f" under it the no-op's step takes {docker['noop_step_seconds']:.2f} s, and the same"
        f" image costs +{docker['pinned_minus_noop_seconds']:.2f} s over it, so the same"
        f" seconds are {docker['pinned_vs_noop']:.2f}{TIMES} (each job: {each}). The"
        " difference is the image's; the ratio is the engine's.\n"
    )


def container(figures: Figures) -> str:
    """README's image paragraph: size, build and warm-run figures of `make container-test`."""
    c = figures["container"]
    return (
        f"Measured here (`make container-test`, amd64): {_mb(c['compressed_layer_bytes'])}"
        f" gzip, {c['image_bytes'] / 1e6:.1f} MB unpacked, built in"
        f" {c['release_build_seconds']:.1f} s with warm caches (the Dockerfile:"
        f" {c['dockerfile_build_seconds']:.1f} s); one secret written in"
        f" **{c['container_median_seconds']:.2f} s** per warm container run, of which the"
        f" container itself is {c['container_cost_seconds']:.2f} s.\n"
    )


RENDERERS: Mapping[str, Callable[[Figures], str]] = {
    "speed": speed,
    "limits": limits,
    "reliability": reliability,
    "one-job": one_job,
    "one-job-ratio": one_job_ratio,
    "scale": scale,
    "image": image,
    "container": container,
}


def rendered(text: str, figures: Figures) -> str:
    """``text`` with every figures block rendered anew."""

    def block(found: re.Match[str]) -> str:
        render = RENDERERS[found.group(2)]
        return found.group(1) + render(figures) + found.group(4)

    return BLOCK.sub(block, text)


def stale(figures: Figures) -> list[str]:
    """The blocks, by document and name, that do not say what the table says."""
    out = []
    for document in DOCUMENTS:
        text = document.read_text()
        for found in BLOCK.finditer(text):
            if found.group(3) != RENDERERS[found.group(2)](figures):
                out.append(f"{document.name}: {found.group(2)}")
    return out


def main(argv: list[str] | None = None) -> int:
    """collect | write | check."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["collect", "write", "check"])
    parser.add_argument("--table", type=Path, default=TABLE, help="the table to check against")
    args = parser.parse_args(argv)
    if args.command == "collect":
        figures = collect()
        TABLE.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
        print(f"figures: {TABLE.relative_to(ROOT)}")
        return 0
    figures = json.loads(args.table.read_text())
    if args.command == "write":
        for document in DOCUMENTS:
            document.write_text(rendered(document.read_text(), figures))
        return 0
    wrong = stale(figures)
    for name in wrong:
        print(f"figures: {name} differs from docs/figures.json (run make figures)", file=sys.stderr)
    return 1 if wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
