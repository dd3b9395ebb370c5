"""Command line: run a seeded emulator until SIGTERM or SIGINT.

    python -m github_emulator [--tls] [--prefix /api/v3] [--host 127.0.0.1]
        [--port 0] [--latency SECONDS] [--ready-file PATH]

The ready file (JSON: url, ca_file, admin_token, pid) appears atomically once the server
accepts connections, so a script in another process can wait for it and then connect.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import signal
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .emulator import Emulator
from .hosts import listen_refusal, may_listen_on
from .seed import ADMIN_TOKEN, seed_lines

_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m github_emulator",
        description=(
            "Serve a seeded local GitHub API for organization secrets "
            "(Actions, Copilot agents, Codespaces, Dependabot)."
        ),
        epilog="\n".join(seed_lines()),
        # Keep the epilog's line breaks: it is a list.
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a fresh CA")
    parser.add_argument("--prefix", default="", help='API root path, e.g. "/api/v3"')
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind")
    parser.add_argument(
        "--allow-private-host",
        action="store_true",
        help="also allow a private address of this machine (a CI job's Docker bridge gateway)",
    )
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before answers")
    parser.add_argument("--ready-file", type=Path, help="write connection details here")
    return parser


def _write_atomically(path: Path, data: dict[str, object]) -> None:
    """Write to a temp file beside `path`, then rename: readers never see half a file."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _bind_problem(host: str, port: int, exc: OSError) -> str:
    """One line saying why the server could not listen, naming the address."""
    if exc.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is already in use (--port 0 picks a free one)"
    return f"cannot listen on {host} port {port}: {exc.strerror or exc}"


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until a stop signal; 0 on a clean stop."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not may_listen_on(args.host, allow_private_host=args.allow_private_host):
        parser.error(listen_refusal(args.host))
    if args.latency < 0:
        parser.error("--latency must be >= 0")
    emulator = Emulator(
        tls=args.tls,
        prefix=args.prefix,
        host=args.host,
        port=args.port,
        allow_private_host=args.allow_private_host,
    )
    emulator.latency = args.latency
    # Blocked before the server threads exist, so they inherit the mask and the signal
    # is taken by sigwait below instead of interrupting some thread at a random point.
    previous_mask = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        emulator.start()
    except OSError as exc:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous_mask)
        sys.stderr.write(f"{parser.prog}: error: {_bind_problem(args.host, args.port, exc)}\n")
        return 1
    try:
        if args.ready_file is not None:
            details: dict[str, object] = {
                "url": emulator.url,
                "ca_file": emulator.ca_file,
                "admin_token": ADMIN_TOKEN,
                "pid": os.getpid(),
            }
            _write_atomically(args.ready_file, details)
        sys.stdout.write(f"GitHub API emulator listening on {emulator.url}\n")
        sys.stdout.flush()
        signal.sigwait(_STOP_SIGNALS)
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
