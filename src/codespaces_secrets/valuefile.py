"""Read the files a run is given (``value-file``, ``secrets-file``, the CLI's files), bounded.

Every read has a bound and a type check, because a path is user text: ``/dev/zero`` or
``/dev/urandom`` would otherwise be read until memory runs out, a FIFO with no writer
would hang the run, and procfs files report size 0 so a size check before reading proves
nothing. So a file is opened without blocking, must be a regular file (or, where the
caller allows it, a pipe: ``<(…)`` on the command line), and at most ``limit + 1`` bytes
are read: one more than allowed says "too big" without reading the rest.

The action's files are confined to the workspace (after resolving symlinks) so that a
workflow cannot be made to send, say, the runner's credentials file as a secret.
Problems quote the path, never the content.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from .config import MAX_VALUE_BYTES
from .errors import quoted

# Bounds for the other files: a batch of secrets, and a file of per-org tokens.
MAX_SECRETS_FILE_BYTES = 4 * 1024 * 1024  # 4 MiB: 85 values at GitHub's 48 KB each
MAX_TOKENS_FILE_BYTES = 64 * 1024  # 64 KiB: hundreds of org=token lines


class ReadError(Exception):
    """A file or stream that cannot be used; the message quotes its name, never its data."""


def read_bounded(path: str, limit: int, *, allow_pipe: bool = False) -> bytes:
    """At most ``limit`` bytes of a regular file (or pipe); anything else is a ReadError."""
    try:
        # O_NONBLOCK: opening a FIFO that no one writes to returns at once instead of hanging.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "bad path"
        raise ReadError(f"cannot read {quoted(path)}: {reason}.") from None
    try:
        _check_kind(os.fstat(fd).st_mode, quoted(path), allow_pipe=allow_pipe)
        os.set_blocking(fd, True)  # a pipe with a writer is read to its end
        with os.fdopen(os.dup(fd), "rb", buffering=0) as handle:
            return _read_at_most(handle, quoted(path), limit)
    finally:
        os.close(fd)


def read_stream(stream: BinaryIO, label: str, limit: int) -> bytes:
    """At most ``limit`` bytes of an already open stream (standard input): file or pipe only."""
    try:
        mode = os.fstat(stream.fileno()).st_mode
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is both
        pass  # not backed by a descriptor (a test's buffer): the bounded read still holds
    else:
        _check_kind(mode, label, allow_pipe=True)
    return _read_at_most(stream, label, limit)


def _check_kind(mode: int, label: str, *, allow_pipe: bool) -> None:
    if stat.S_ISREG(mode):
        return
    if allow_pipe and (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)):
        return
    kind = "a directory" if stat.S_ISDIR(mode) else "a device or special file"
    wanted = "a regular file or a pipe" if allow_pipe else "a regular file"
    raise ReadError(f"{label} is {kind}, not {wanted}; refusing to read it.")


def _read_at_most(handle: BinaryIO, label: str, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    try:
        while size <= limit:
            chunk = handle.read(min(65536, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise ReadError(f"cannot read {label}: {exc.strerror or 'read error'}.") from None
    if size > limit:
        raise ReadError(f"{label} is more than {limit} bytes, the most accepted here.")
    return b"".join(chunks)


def decode(data: bytes, label: str) -> str:
    """The bytes as UTF-8 text; anything else is a ReadError (never quoting the bytes)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ReadError(f"{label} is not UTF-8 text.") from None


def read_value_file(
    path_text: str, workspace: Path | None, limit: int = MAX_VALUE_BYTES
) -> tuple[str | None, str]:
    """Return the file's text, or None and the problem (quoting the path, never the content).

    ``limit`` is GitHub's 48 KB for a value; ``secrets-file`` passes its own bound.
    """
    base = workspace or Path.cwd()
    try:
        path = (base / path_text).resolve()
        path.stat(follow_symlinks=False)  # a NUL or unencodable name fails here, not later
    except FileNotFoundError:
        pass  # reported below, once confinement is checked
    except OSError as exc:
        return None, f"{quoted(path_text)} cannot be read ({exc.strerror})."
    except (RuntimeError, ValueError, UnicodeEncodeError):
        # RuntimeError: a symlink loop on Python < 3.13; ValueError: a NUL in the path.
        return None, f"{quoted(path_text)} does not exist or is not a regular file."
    if workspace is not None and not path.is_relative_to(workspace.resolve()):
        return None, f"{quoted(path_text)} is outside the workspace; refusing to read it."
    try:
        if not path.is_file():
            return None, f"{quoted(path_text)} does not exist or is not a regular file."
        size = path.stat().st_size
        if size > limit:
            if limit == MAX_VALUE_BYTES:
                return None, f"{quoted(path_text)} is {size} bytes; GitHub accepts at most {limit}."
            return None, f"{quoted(path_text)} is {size} bytes; at most {limit} are accepted."
        # Bounded even so: procfs files say size 0 whatever they hold.
        text = decode(read_bounded(str(path), limit), quoted(path_text))
    except OSError as exc:
        return None, f"{quoted(path_text)} cannot be read ({exc.strerror})."
    except ReadError as exc:
        return None, str(exc).replace(quoted(str(path)), quoted(path_text))
    if not text:
        return None, f"{quoted(path_text)} is empty."
    return text, ""
