"""Record the actions this repository pins, and move the documentation's pins to them.

    python scripts/action_pins.py [--remote https://github.com/{owner}/{name}]

Dependabot's `github-actions` updates move the pins of `.github/workflows/*.yml` and of
`.github/actions/doc-pins/action.yml` (the actions only the README and docs/examples use).
This program then, for each pinned `owner/repo@<sha> # vX.Y.Z`:

- fetches the tag from the action's repository and checks that it names that commit;
- records tag → commit in `tests/data/action-pins.json` and the commit's `action.yml` in
  `tests/data/actions/<owner>/<repo>/<tag>/action.yml` (the tests check every pin and
  every recipe's inputs against these, offline), dropping what no pin uses any more;
- rewrites the same action's pins in README.md and docs/ to that commit and tag.

It needs git and the network (or `--remote` naming local mirrors); the tests never run it.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
PINS = DATA / "action-pins.json"
ACTIONS = DATA / "actions"
# Where Dependabot moves the pins: the source of truth for every other copy.
SOURCES = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
DOC_PINS = ROOT / ".github" / "actions" / "doc-pins" / "action.yml"
PIN = re.compile(
    r"uses: (?P<repo>[\w.-]+/[\w.-]+)(?P<path>/[\w./-]+)?"
    r"@(?P<sha>[0-9a-f]{40}) # (?P<tag>v\d+\.\d+\.\d+)"
)


def documents() -> list[Path]:
    """The documentation whose recipes pin actions."""
    return [
        ROOT / "README.md",
        *sorted((ROOT / "docs").rglob("*.md")),
        *sorted((ROOT / "docs").rglob("*.yml")),
    ]


def pinned(paths: list[Path]) -> dict[str, tuple[str, str]]:
    """owner/repo → (tag, sha), from the given files; two versions of one action is an error."""
    found: dict[str, tuple[str, str]] = {}
    for path in paths:
        for match in PIN.finditer(path.read_text(encoding="utf-8")):
            pin = (match["tag"], match["sha"])
            if found.setdefault(match["repo"], pin) != pin:
                sys.exit(
                    f"{match['repo']} is pinned at two versions: {found[match['repo']]} and {pin}"
                )
    return found


def fetch(remote: str, tag: str, work: Path) -> None:
    """Fetch ``tag`` of ``remote`` into a new bare repository at ``work``."""
    subprocess.run(["git", "init", "-q", "--bare", str(work)], check=True)
    subprocess.run(
        [
            "git",
            "-C",
            str(work),
            "fetch",
            "-q",
            "--depth=1",
            remote,
            f"+refs/tags/{tag}:refs/tags/{tag}",
        ],
        check=True,
    )


def read(git_dir: str, tag: str) -> tuple[str, bytes]:
    """The commit ``tag`` names in a git directory, and that commit's action.yml (or .yaml)."""
    git = ["git", "-C", git_dir]
    sha = subprocess.run(
        [*git, "rev-parse", f"refs/tags/{tag}^{{commit}}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    for name in ("action.yml", "action.yaml"):
        shown = subprocess.run([*git, "show", f"{sha}:{name}"], capture_output=True, check=False)
        if shown.returncode == 0:
            return sha, shown.stdout
    sys.exit(f"{git_dir} {tag}: no action.yml")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--remote",
        default="https://github.com/{owner}/{name}",
        help="where to fetch each action from (default: %(default)s)",
    )
    parser.add_argument(
        "--mirror",
        help="read each action from a local git directory instead, e.g. /srv/{owner}+{name}.git",
    )
    args = parser.parse_args(argv)
    wanted = pinned([*SOURCES, DOC_PINS])
    record: dict[str, dict[str, str]] = {}
    fetched: dict[Path, bytes] = {}
    for repo, (tag, sha) in sorted(wanted.items()):
        owner, name = repo.split("/")
        if args.mirror:
            commit, metadata = read(args.mirror.format(owner=owner, name=name), tag)
        else:
            with tempfile.TemporaryDirectory() as work:
                fetch(args.remote.format(owner=owner, name=name), tag, Path(work))
                commit, metadata = read(work, tag)
        if commit != sha:
            sys.exit(f"{repo}: {tag} is {commit}, but the pin says {sha}")
        fetched[ACTIONS / repo / tag / "action.yml"] = metadata
        record[repo] = {tag: sha}
        print(f"{repo} {tag} {sha}")
    # Only once every fetch worked: the data is replaced whole, or not at all.
    shutil.rmtree(ACTIONS, ignore_errors=True)
    for path, metadata in fetched.items():
        path.parent.mkdir(parents=True)
        path.write_bytes(metadata)
    PINS.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    for path in documents():
        text = path.read_text(encoding="utf-8")

        def current(match: re.Match[str]) -> str:
            if match["repo"] not in wanted:
                return match[0]
            tag, sha = wanted[match["repo"]]
            return f"uses: {match['repo']}{match['path'] or ''}@{sha} # {tag}"

        moved = PIN.sub(current, text)
        if moved != text:
            path.write_text(moved, encoding="utf-8")
            print(f"moved the pins in {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
