"""Pin the action to a prebuilt image: rewrite the `image:` line of action.yml.

    python scripts/release/pin_image.py ghcr.io/OWNER/REPO:1.2.3 sha256:<64 hex> [--action FILE]

turns `runs.image` into `docker://ghcr.io/OWNER/REPO:1.2.3@sha256:...` and leaves every
other byte of the file as it was (comments, order, line endings). The runner then pulls
exactly that image instead of building the Dockerfile in every job. Running it again with
the same arguments changes nothing; a new digest replaces the old one. A malformed digest
or reference is refused before the file is touched. Standard library only, so the release
workflow runs it with any Python >= 3.11.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

# A digest as registries answer it for the images this project pushes: SHA-256, lowercase.
DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
# A reference as the OCI distribution grammar spells it (distribution/reference), narrowed
# to what a pin needs: a registry host (with a dot or a port, or localhost), a lowercase
# repository path, and a tag naming the release. No digest: that is the other argument.
_HOST = (
    r"(?:localhost(?::[0-9]+)?"
    r"|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::[0-9]+)?"
    r"|[A-Za-z0-9-]+:[0-9]+)"
)
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_TAG = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"
REFERENCE = re.compile(rf"(?P<name>{_HOST}(?:/{_COMPONENT})+):(?P<tag>{_TAG})")
# Reference names are at most 255 characters (distribution/reference, NameTotalLengthMax).
NAME_MAX = 255

_RUNS = re.compile(r"runs:[ \t]*(?:#.*)?")
_IMAGE = re.compile(
    r"(?P<indent>[ ]+)image:(?P<gap>[ \t]+)(?P<value>[^#\r\n]*?)(?P<rest>[ \t]*(?:#[^\r\n]*)?)"
)


class PinError(Exception):
    """The arguments or action.yml do not allow a pin; the message says why."""


@dataclass(frozen=True)
class PinResult:
    """What a pin did: the value written, and whether the file changed."""

    image: str
    changed: bool


def image_value(reference: str, digest: str) -> str:
    """The `runs.image` value for reference and digest; PinError when either is malformed."""
    if DIGEST.fullmatch(digest) is None:
        raise PinError(f"malformed digest {digest!r}: want sha256: and 64 lowercase hex digits")
    match = REFERENCE.fullmatch(reference)
    if match is None:
        raise PinError(
            f"malformed image reference {reference!r}: want REGISTRY/REPOSITORY:TAG, "
            "lowercase repository, no scheme, no digest (e.g. ghcr.io/owner/repo:1.2.3)"
        )
    if len(match["name"]) > NAME_MAX:
        raise PinError(f"image name longer than {NAME_MAX} characters")
    return f"docker://{reference}@{digest}"


def _split_eol(line: str) -> tuple[str, str]:
    body = line.rstrip("\r\n")
    return body, line[len(body) :]


def _image_line(lines: list[str]) -> int:
    """Index of the one `image:` key directly under the top-level `runs:` mapping."""
    starts = [i for i, line in enumerate(lines) if _RUNS.fullmatch(_split_eol(line)[0])]
    if len(starts) != 1:
        raise PinError(f"want exactly one top-level `runs:` line, found {len(starts)}")
    child_indent: int | None = None
    found: list[int] = []
    for index in range(starts[0] + 1, len(lines)):
        body, _ = _split_eol(lines[index])
        stripped = body.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(body) - len(stripped)
        if indent == 0:
            break  # the next top-level key: the runs mapping ended
        if child_indent is None:
            child_indent = indent
        if indent == child_indent and _IMAGE.fullmatch(body):
            found.append(index)
    if len(found) != 1:
        raise PinError(f"want exactly one `image:` key under `runs:`, found {len(found)}")
    return found[0]


def pin_text(text: str, image: str) -> str:
    """text with the value of `runs.image` replaced by image; every other byte kept."""
    lines = text.splitlines(keepends=True)
    index = _image_line(lines)
    body, eol = _split_eol(lines[index])
    match = _IMAGE.fullmatch(body)
    if match is None:  # _image_line matched this very line
        raise PinError("the image line changed under us")
    lines[index] = f"{match['indent']}image:{match['gap']}{image}{match['rest']}{eol}"
    return "".join(lines)


def pin_file(path: Path, reference: str, digest: str) -> PinResult:
    """Pin path's `runs.image` to reference@digest; replace the file only when it changes."""
    image = image_value(reference, digest)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PinError(f"{path} is not UTF-8: {error}") from error
    new = pin_text(text, image)
    if new == text:
        return PinResult(image=image, changed=False)
    # Write beside the file and rename over it: a reader never sees half a file.
    mode = path.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=".pin-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(new.encode("utf-8"))
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return PinResult(image=image, changed=True)


def main(argv: list[str] | None = None) -> int:
    """Command line: pin, print the new value; exit 2 when refused."""
    parser = argparse.ArgumentParser(description="Pin action.yml's runs.image to a digest.")
    parser.add_argument("reference", help="REGISTRY/REPOSITORY:TAG, e.g. ghcr.io/owner/repo:1.2.3")
    parser.add_argument("digest", help="the pushed image's digest: sha256:<64 lowercase hex>")
    parser.add_argument(
        "--action", type=Path, default=Path("action.yml"), help="default: ./action.yml"
    )
    args = parser.parse_args(argv)
    try:
        result = pin_file(args.action, args.reference, args.digest)
    except (PinError, OSError) as error:
        print(f"pin_image: {error}", file=sys.stderr)
        return 2
    state = "pinned" if result.changed else "already pinned"
    print(f"{args.action}: {state} image: {result.image}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
