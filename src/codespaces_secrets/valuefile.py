"""Read ``value-file``: a file inside the workspace whose exact content is the value.

Confined to the workspace (after resolving symlinks) so that a workflow cannot be made
to send, say, the runner's credentials file as a secret; size-checked before reading.
"""

from __future__ import annotations

from pathlib import Path

from .config import MAX_VALUE_BYTES
from .errors import quoted


def read_value_file(path_text: str, workspace: Path | None) -> tuple[str | None, str]:
    """Return the file's text, or None and the problem (quoting the path, never the content)."""
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
        if size > MAX_VALUE_BYTES:
            return (
                None,
                f"{quoted(path_text)} is {size} bytes; GitHub accepts at most {MAX_VALUE_BYTES}.",
            )
        data = path.read_bytes()
    except OSError as exc:
        return None, f"{quoted(path_text)} cannot be read ({exc.strerror})."
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None, f"{quoted(path_text)} is not UTF-8 text."
    if not text:
        return None, f"{quoted(path_text)} is empty."
    return text, ""
