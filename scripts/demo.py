"""`make demo`: the action end to end against the bundled emulator, as the runner runs it.

The emulator serves HTTPS on 127.0.0.1 with its own CA (trusted through
REQUESTS_CA_BUNDLE, as a GHES user would); each step starts ``entrypoint.py`` in a new
process with INPUT_* variables and fresh output and summary files, then shows the log
(with ``::add-mask::`` lines hidden, as the runner hides them), the outputs and the
summary, and checks what the emulator decrypted without printing it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path

from github_emulator import ADMIN_TOKEN, Emulator
from testkit import ActionRun, run_entrypoint, runner_env

BOLD, DIM, GREEN, RED, RESET = "\033[1m", "\033[2m", "\033[32m", "\033[31m", "\033[0m"


def show(title: str, run: ActionRun) -> None:
    print(f"\n{BOLD}== {title} (exit {run.exit_code}){RESET}")
    for line in run.stdout.splitlines():
        shown = "::add-mask::***" if line.startswith("::add-mask::") else line
        print(f"{DIM}  log |{RESET} {shown}")
    for line in run.stderr.splitlines():
        print(f"{DIM}  err |{RESET} {line}")
    print(f"{DIM}  outputs:{RESET}")
    for name, value in run.outputs.items():
        print(f"    {name} = {value}")
    print(f"{DIM}  step summary:{RESET}")
    for line in run.summary.splitlines():
        print(f"    {line}")


def confirm(emu: Emulator, org: str, name: str, sent: str, store: str = "codespaces") -> bool:
    stored = emu.secret(org, name, store=store)
    ok = stored is not None and stored.value == sent
    digest = hashlib.sha256(sent.encode()).hexdigest()[:12]
    mark = f"{GREEN}✔{RESET}" if ok else f"{RED}✘{RESET}"
    print(
        f"  {mark} emulator decrypted {org}/{name} ({store}): "
        f"{'exactly the value sent' if ok else 'NOT the value sent'} "
        f"({len(sent.encode())} bytes, sha256 {digest}…)"
    )
    return ok


def main() -> int:
    results: list[bool] = []
    with Emulator(tls=True) as emu, tempfile.TemporaryDirectory() as tmp:
        if emu.ca_file is None:
            raise RuntimeError("the emulator started without TLS")
        base = {"token": ADMIN_TOKEN, "api-url": emu.url}
        extra = {"REQUESTS_CA_BUNDLE": emu.ca_file}
        print(f"{BOLD}Emulator{RESET} at {emu.url} (TLS, CA {emu.ca_file})")

        def step(title: str, **inputs: str) -> ActionRun:
            env = runner_env(Path(tmp) / f"step{len(results)}", {**base, **inputs}, extra)
            run = run_entrypoint(env)
            show(title, run)
            results.append(run.exit_code == 0)
            return run

        api_key = secrets.token_urlsafe(24)
        step("1. Create API_KEY in octo-org", org="octo-org", name="API_KEY", value=api_key)
        results.append(confirm(emu, "octo-org", "API_KEY", api_key))

        deploy = f"-----BEGIN KEY-----\n{secrets.token_hex(32)}\n-----END KEY-----\n"
        step(
            "2a. Create DEPLOY_KEY for two repositories",
            org="octo-org",
            name="DEPLOY_KEY",
            value=deploy,
            repositories="web\nocto-org/api",
        )
        rotated = f"-----BEGIN KEY-----\n{secrets.token_hex(32)}\n-----END KEY-----\n"
        step(
            "2b. Rotate DEPLOY_KEY; empty visibility keeps its repositories",
            org="octo-org",
            name="DEPLOY_KEY",
            value=rotated,
        )
        results.append(confirm(emu, "octo-org", "DEPLOY_KEY", rotated))
        stored = emu.secret("octo-org", "DEPLOY_KEY")
        kept = stored is not None and len(stored.selected_repository_ids) == 2
        ids = stored.selected_repository_ids if stored else ()
        print(f"  {'✔' if kept else '✘'} repository list kept: {ids}")
        results.append(kept)

        writes_before = sum(1 for r in emu.requests if r.method == "PUT")
        step("3. Dry run", org="octo-org", name="API_KEY", value="x", **{"dry-run": "true"})
        dry_clean = sum(1 for r in emu.requests if r.method == "PUT") == writes_before
        print(f"  {'✔' if dry_clean else '✘'} dry run wrote nothing")
        results.append(dry_clean)

        pipeline = {
            "github_token": "ghs_" + secrets.token_hex(18),
            "NPM_TOKEN": "npm_" + secrets.token_hex(18),
            "SENTRY_DSN": "https://" + secrets.token_hex(8) + "@sentry.example/1",
            "INTERNAL_ONLY": secrets.token_hex(8),
        }
        step(
            "4. Batch: toJSON(secrets) + include into two orgs",
            org="octo-org\nocto-labs",
            secrets=json.dumps(pipeline),
            include="NPM_*\nSENTRY_*",
        )
        for org in ("octo-org", "octo-labs"):
            for name in ("NPM_TOKEN", "SENTRY_DSN"):
                results.append(confirm(emu, org, name, pipeline[name]))

        sync_step(emu, step, results, pipeline["NPM_TOKEN"])
        stores_step(emu, step, results)
        print(f"\n{BOLD}Emulator saw {len(emu.requests)} requests.{RESET}")
    ok = all(results)
    print(f"{GREEN if ok else RED}{BOLD}demo {'passed' if ok else 'FAILED'}{RESET}")
    return 0 if ok else 1


Step = Callable[..., ActionRun]


def sync_step(emu: Emulator, step: Step, results: list[bool], npm_token: str) -> None:
    """A sync with prune: the source dropped SENTRY_DSN and gained NPM_AUTH."""
    for org in ("octo-org", "octo-labs"):
        emu.set_secret(org, "NPM_LEGACY", "left over from an old pipeline")
    source = {"NPM_TOKEN": npm_token, "NPM_AUTH": "npm_" + secrets.token_hex(18)}
    sync = {
        "org": "octo-org\nocto-labs",
        "secrets": json.dumps(source),
        "include": "NPM_*\nSENTRY_*",
        "prune": "true",
        # The safety catch: without it, a prune of most of a store stops that store.
        "prune-limit": "2",
    }
    before = [s.name for s in emu.secrets("octo-org")]
    step("5a. Sync with prune, dry run first", **sync, **{"dry-run": "true"})
    unchanged = [s.name for s in emu.secrets("octo-org")] == before
    print(f"  {'✔' if unchanged else '✘'} dry run changed nothing")
    results.append(unchanged)
    step("5b. Sync with prune, for real", **sync)
    for org in ("octo-org", "octo-labs"):
        left = sorted(s.name for s in emu.secrets(org) if s.name.startswith(("NPM", "SENTRY")))
        synced = left == ["NPM_AUTH", "NPM_TOKEN"]
        print(f"  {'✔' if synced else '✘'} {org} now holds {', '.join(left)}")
        results.append(synced)


def stores_step(emu: Emulator, step: Step, results: list[bool]) -> None:
    """One value into three stores of two orgs, each sealed with its store's own key."""
    registry = "reg_" + secrets.token_hex(20)
    step(
        "6. One registry token into Codespaces, Dependabot and Actions of two orgs",
        org="octo-org, octo-labs",
        apps="codespaces, dependabot, actions",
        name="REGISTRY_TOKEN",
        value=registry,
    )
    for org in ("octo-org", "octo-labs"):
        for store in ("codespaces", "dependabot", "actions"):
            results.append(confirm(emu, org, "REGISTRY_TOKEN", registry, store))


if __name__ == "__main__":
    raise SystemExit(main())
