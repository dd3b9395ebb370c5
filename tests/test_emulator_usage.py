"""The emulator as a newcomer meets it: its help, the README's list, a busy port."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from github_emulator.__main__ import main as emulator_main
from github_emulator.admin import admin_routes
from github_emulator.hostile import MODES
from github_emulator.seed import ORGS, TOKENS, seed_lines

README = Path(__file__).parent.parent / "README.md"
SEED_BLOCK = re.compile(r"<!-- seed:[^>]*-->\n(.*?)\n<!-- /seed -->", re.S)


def test_help_lists_the_seeded_orgs_repositories_and_tokens(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        emulator_main(["--help"])
    assert exited.value.code == 0
    shown = capsys.readouterr().out
    for org in ORGS:
        assert re.search(rf"^  {org.login}: .*{', '.join(org.repos)}$", shown, re.M), org
    for token in TOKENS:
        assert f"  {token.value}  ({token.name})\n" in shown


def test_readme_lists_the_seed_data_as_the_code_renders_it() -> None:
    found = SEED_BLOCK.search(README.read_text(encoding="utf-8"))
    assert found is not None, "README has no <!-- seed: --> block"
    expected = "\n".join(seed_lines(markdown=True))
    assert found.group(1) == expected, f"paste this into README.md:\n{expected}"


def test_readme_lists_every_admin_route() -> None:
    readme = README.read_text(encoding="utf-8")
    for route in admin_routes():
        assert f"`{route}`" in readme, route


def test_readme_lists_every_misbehaviour_by_class_and_admin_name() -> None:
    readme = README.read_text(encoding="utf-8")
    for name, mode in MODES.items():
        assert re.search(rf"^\| `{mode.__name__}\(.*\)` \(`{name}`\) \| ", readme, re.M), name


def test_a_port_in_use_is_one_clear_line_and_status_1(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = emulator_main(["--port", str(port)])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""
    assert captured.err == (
        f"python -m github_emulator: error: port {port} on 127.0.0.1 is already in use"
        " (--port 0 picks a free one)\n"
    )
