"""Debian packages by exact version and SHA-256: the lock file, downloads, extraction.

The release image is assembled from Debian 12 (bookworm) packages without a base image
and without apt: the packages' data is read straight from the .deb files, so the same
code assembles an amd64 and an arm64 tree on any machine, touches no apt state, and runs
inside a Dockerfile build stage that has only Python.

    python scripts/release/debs.py lock      # rewrite scripts/release/debian.lock

reads the archive's Packages indices (bookworm, bookworm-updates, bookworm-security) for
every architecture and records, for each package the image needs, the newest version with
its pool path and SHA-256. A build downloads exactly those files and refuses any whose
SHA-256 differs. Standard library only.
"""

from __future__ import annotations

import hashlib
import io
import lzma
import os
import sys
import tarfile
import tempfile
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOCK = HERE / "debian.lock"
ARCHES = ("amd64", "arm64")
# Everything the interpreter, its extension modules and OpenSSL may need. Only the files
# the image needs are taken from them (rootfs.py follows the ELF dependencies).
PACKAGES = (
    "python3.11-minimal",
    "libpython3.11-minimal",
    "libpython3.11-stdlib",
    "libc6",
    "libgcc-s1",
    "libssl3",
    "zlib1g",
    "libexpat1",
    "libffi8",
    "libuuid1",
    "libbz2-1.0",
    "liblzma5",
)
# Where each pool path is fetched from, tried in order. The dated snapshot keeps every
# version ever published under the same pool path, for when the mirror has moved on.
ARCHIVES = {
    "debian": (
        "https://deb.debian.org/debian",
        "https://snapshot.debian.org/archive/debian/20261201T000000Z",
    ),
    "debian-security": (
        "https://deb.debian.org/debian-security",
        "https://snapshot.debian.org/archive/debian-security/20261201T000000Z",
    ),
}
# Indices read by `lock`, later ones winning (a point or security update is newer).
SUITES = (
    ("debian", "bookworm"),
    ("debian", "bookworm-updates"),
    ("debian-security", "bookworm-security"),
)


@dataclass(frozen=True)
class Deb:
    """One locked package file."""

    arch: str
    package: str
    version: str
    archive: str
    path: str
    sha256: str

    def line(self) -> str:
        """Its line in debian.lock."""
        fields = (self.arch, self.package, self.version, self.archive, self.path, self.sha256)
        return " ".join(fields)


def read_lock(lock: Path = LOCK) -> list[Deb]:
    """The locked packages (comments and blank lines skipped)."""
    debs = []
    for raw in lock.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            arch, package, version, archive, path, sha256 = line.split()
            debs.append(Deb(arch, package, version, archive, path, sha256))
    return debs


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (https, fixed hosts)
        return bytes(response.read())


def _stanzas(text: str) -> Iterator[dict[str, str]]:
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        for line in block.splitlines():
            if line and not line[0].isspace() and ":" in line:
                key, value = line.split(":", 1)
                fields[key] = value.strip()
        if fields:
            yield fields


def lock_lines() -> list[str]:
    """debian.lock's lines, from the archive's current indices."""
    lines = [
        "# Debian 12 packages of the release image: arch package version archive pool-path",
        "# sha256. Written by `python scripts/release/debs.py lock`; a build refuses any",
        "# downloaded file whose SHA-256 differs.",
    ]
    for arch in ARCHES:
        chosen: dict[str, Deb] = {}
        for archive, suite in SUITES:
            url = f"{ARCHIVES[archive][0]}/dists/{suite}/main/binary-{arch}/Packages.xz"
            text = lzma.decompress(_get(url)).decode("utf-8")
            for fields in _stanzas(text):
                name = fields.get("Package", "")
                if name in PACKAGES:
                    chosen[name] = Deb(
                        arch, name, fields["Version"], archive, fields["Filename"], fields["SHA256"]
                    )
        missing = sorted(set(PACKAGES) - set(chosen))
        if missing:
            raise SystemExit(f"debs: not in the {arch} indices: {missing}")
        lines += [chosen[name].line() for name in PACKAGES]
    return lines


def downloads(cache: Path) -> Path:
    """The folder of a build's cache (image.cache_dir) the .debs are kept in."""
    return cache / "debs"


def fetch(deb: Deb, cache: Path) -> Path:
    """The .deb file, from the cache or downloaded; its SHA-256 checked either way."""
    target = cache / f"{deb.sha256}.deb"
    if target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() == deb.sha256:
        return target
    errors = []
    for root in ARCHIVES[deb.archive]:
        try:
            data = _get(f"{root}/{deb.path}")
        except OSError as error:
            errors.append(f"{root}: {error}")
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest != deb.sha256:
            raise SystemExit(f"debs: {deb.path} has SHA-256 {digest}, the lock says {deb.sha256}")
        cache.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
        return target
    raise SystemExit(f"debs: cannot download {deb.path}: " + "; ".join(errors))


def data_tar(deb_file: Path) -> tarfile.TarFile:
    """The package's file system tree (data.tar.*), read from the .deb's ar archive."""
    raw = deb_file.read_bytes()
    if not raw.startswith(b"!<arch>\n"):
        raise SystemExit(f"debs: {deb_file} is not a Debian package")
    offset = 8
    while offset + 60 <= len(raw):
        header = raw[offset : offset + 60]
        name = header[:16].decode().strip().rstrip("/")
        size = int(header[48:58].decode().strip())
        body = raw[offset + 60 : offset + 60 + size]
        if name.startswith("data.tar"):
            return tarfile.open(fileobj=io.BytesIO(body), mode="r:*")
        offset += 60 + size + (size % 2)
    raise SystemExit(f"debs: {deb_file} holds no data.tar")


def main(argv: list[str]) -> int:
    """`lock`: rewrite debian.lock from the archive's indices."""
    if argv != ["lock"]:
        print(__doc__, file=sys.stderr)
        return 2
    LOCK.write_text("\n".join(lock_lines()) + "\n", encoding="utf-8")
    print(f"wrote {LOCK}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
