"""The process entry points: the collector tuned for one run, quiet without an encoding
detector (as in the release image), and nothing lost at exit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ruamel.yaml import YAML

from codespaces_secrets.process import NO_DETECTOR_WARNING
from github_emulator import ADMIN_TOKEN, Emulator
from testkit import ROOT, find_leaks, run_entrypoint, run_measured, runner_env

CANARY = "CANARY-runtime"


def test_the_entry_point_tunes_the_collector_before_loading_and_freezes_after() -> None:
    """The adapter is loaded after the threshold is raised; what is left is frozen."""
    program = (
        "import gc, json\n"
        "from codespaces_secrets.process import THRESHOLD, run_tuned\n"
        "seen = {}\n"
        "def load():\n"
        "    seen['threshold'] = gc.get_threshold()[0]\n"
        "    seen['frozen'] = gc.get_freeze_count()\n"
        "    return lambda: 7\n"
        "code = run_tuned(load)\n"
        "print(json.dumps([THRESHOLD, seen, code, gc.isenabled(), gc.get_freeze_count()]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=True
    )
    threshold, seen, code, enabled, frozen_after = json.loads(done.stdout)
    assert seen == {"threshold": threshold, "frozen": 0}
    assert threshold > 700, "higher than CPython's default, or it tunes nothing"
    assert code == 7
    assert enabled, "cycles are still collected during the run"
    assert frozen_after > 0


def test_outputs_summary_and_writes_are_complete_when_the_entry_point_exits(
    emulator: Emulator, tmp_path: Path
) -> None:
    """entrypoint.py, as the image runs it: every output, the summary and every write."""
    declared = YAML(typ="safe").load((ROOT / "action.yml").read_text(encoding="utf-8"))["outputs"]
    values = {f"RUNTIME_{i}": f"{CANARY}-{i}\nline two {i}" for i in range(3)}
    secrets = json.dumps(values)
    env = runner_env(
        tmp_path,
        {"token": ADMIN_TOKEN, "org": "octo-org", "api-url": emulator.url, "secrets": secrets},
        {},
    )
    run = run_entrypoint(env)
    assert run.exit_code == 0, run.stdout + run.stderr
    assert sorted(r["name"] for r in run.results) == sorted(values)
    assert {r["status"] for r in run.results} == {"created"}
    for name, value in values.items():
        stored = emulator.secret("octo-org", name)
        assert stored is not None
        assert stored.value == value
        assert name in run.summary
    assert sorted(run.outputs) == sorted(declared)
    assert run.summary.endswith("\n"), "the summary was written to its end"
    assert find_leaks(run, values.values()) == []


# A child whose import of either encoding detector fails, as in the release image (which
# leaves charset_normalizer out): None in sys.modules is how Python blocks an import.
_WITHOUT_DETECTORS = (
    "import sys\nsys.modules['charset_normalizer'] = sys.modules['chardet'] = None\n"
)


def test_without_an_encoding_detector_requests_warns_on_its_own() -> None:
    """The control for the next test: this child does see the warning it silences."""
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_DETECTORS + "import requests"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert NO_DETECTOR_WARNING in done.stderr, "requests' wording changed: update process"


def test_a_run_without_an_encoding_detector_writes_nothing_to_stderr(
    emulator: Emulator, tmp_path: Path
) -> None:
    """entrypoint.py as the release image runs it, without charset_normalizer: quiet, and
    the value written and read back whole."""
    env = runner_env(
        tmp_path,
        {"token": ADMIN_TOKEN, "org": "octo-org", "api-url": emulator.url,
         "name": "NO_DETECTOR", "value": f"{CANARY}-no-detector"},
        {},
    )  # fmt: skip
    entry = str(ROOT / "entrypoint.py")
    program = _WITHOUT_DETECTORS + (
        f"import runpy\nsys.argv = [{entry!r}]\nrunpy.run_path({entry!r}, run_name='__main__')\n"
    )
    run = run_measured(env, [sys.executable, "-c", program]).run
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.stderr == ""
    stored = emulator.secret("octo-org", "NO_DETECTOR")
    assert stored is not None
    assert stored.value == f"{CANARY}-no-detector"
