"""Test support shared by the tests and the scripts: one import, no path changes.

``runner``: run the action as the Actions runner does and read back outputs and summary;
``leaks``: the one leak checker; ``fakes``: stand-ins for the core's seams; ``wire``:
misbehaving servers at the socket level; ``launch``: the entrypoint with shorter limits.
"""

from .fakes import FakeTime, LaneTime, Recorder, connect_with
from .leaks import escaped, find_leaks, mask_pieces, shown_text
from .runner import (
    ROOT,
    ActionRun,
    Measured,
    input_env,
    parse_output_file,
    read_back,
    run_entrypoint,
    run_in_process,
    run_measured,
    runner_env,
)

__all__ = [
    "ROOT",
    "ActionRun",
    "FakeTime",
    "LaneTime",
    "Measured",
    "Recorder",
    "connect_with",
    "escaped",
    "find_leaks",
    "input_env",
    "mask_pieces",
    "parse_output_file",
    "read_back",
    "run_entrypoint",
    "run_in_process",
    "run_measured",
    "runner_env",
    "shown_text",
]
