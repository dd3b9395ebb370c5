"""`make run-local`: the action as the runner runs it, against the bundled emulator.

Starts the emulator (HTTPS on 127.0.0.1, its own CA), then runs
``python -m codespaces_secrets action`` with the arguments given (``--input NAME=VALUE``,
``--inputs-file FILE``): the action's entry point in a fresh process, with INPUT_*
variables (hyphens kept, every default of action.yml filled in) and temporary
GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, shown afterwards. The emulator's admin token
is the token and its URL the API root, unless the inputs say otherwise; then what each
org holds is listed (names and visibility, never values).

With no inputs at all, it writes one demo secret (a random value) to octo-org.
``--github`` skips the emulator: the run goes to GITHUB_API_URL (default api.github.com)
with GH_TOKEN, for real.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from github_emulator import ADMIN_TOKEN, Emulator

BOLD, RESET = "\033[1m", "\033[0m"


def action(args: list[str], env: dict[str, str]) -> int:
    command = [sys.executable, "-m", "codespaces_secrets", "action", *args]
    return subprocess.run(command, env=env, check=False).returncode


def main(argv: list[str]) -> int:
    env = dict(os.environ)
    if argv[:1] == ["--github"]:
        return action(argv[1:], env)
    with Emulator(tls=True) as emu, tempfile.TemporaryDirectory() as tmp:
        if emu.ca_file is None:
            raise RuntimeError("the emulator started without TLS")
        print(f"{BOLD}Emulator{RESET} at {emu.url} (HTTPS; its CA: {emu.ca_file})", flush=True)
        env |= {"GH_TOKEN": ADMIN_TOKEN, "GITHUB_API_URL": emu.url}
        env["REQUESTS_CA_BUNDLE"] = emu.ca_file
        args = list(argv)
        if not args:
            demo = Path(tmp) / "inputs.env"
            demo.write_text(f"org=octo-org\nname=LOCAL_DEMO\nvalue={secrets.token_hex(16)}\n")
            args = ["--inputs-file", str(demo)]
            print("No inputs given: writing LOCAL_DEMO (a random value) to octo-org.")
        print(f"{BOLD}$ codespaces-org-secret action {' '.join(args)}{RESET}", flush=True)
        code = action(args, env)
        print(f"{BOLD}The emulator now holds{RESET} (names and visibility; never values):")
        for org in ("octo-org", "octo-labs", "free-org", "sso-org"):
            for store in ("codespaces", "dependabot", "actions", "agents"):
                held = [f"{s.name} ({s.visibility})" for s in emu.secrets(org, store=store)]
                if held:
                    print(f"  {org} {store}: {', '.join(held)}")
    return code


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
