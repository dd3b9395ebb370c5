"""An OCI image from a file tree, byte for byte the same from the same inputs.

One layer on nothing (scratch): a tar with names sorted, owner root, every mtime
SOURCE_DATE_EPOCH; gzip without a name or time in its header; a config whose dates are
SOURCE_DATE_EPOCH. The digests are computed here, so the image a registry receives (the
blobs are pushed as written, never recompressed) has the digest this program printed.

The tar and its gzip are bytes that Python's tarfile and the zlib it links decide, and
both differ between hosts (a GitHub runner's Python is not this machine's, and some
systems link zlib-ng, whose deflate output differs). Given the image's own interpreter
(`python`), the layer is packed by it: Debian's Python and zlib, from debian.lock, so the
digest depends on the pinned inputs alone.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import io
import json
import pickle
import subprocess
import sys
import tarfile
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rootfs import ENTRYPOINT, Tree

MANIFEST = "application/vnd.oci.image.manifest.v1+json"
INDEX = "application/vnd.oci.image.index.v1+json"
CONFIG = "application/vnd.oci.image.config.v1+json"
LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
ARCHITECTURES = {"amd64": "amd64", "arm64": "arm64"}
# Only ever 127.0.0.1: never through a proxy the environment may name.
LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class Blob:
    """Content-addressed bytes and their media type."""

    media_type: str
    data: bytes

    @property
    def digest(self) -> str:
        """sha256:HEX of the bytes."""
        return "sha256:" + hashlib.sha256(self.data).hexdigest()

    def descriptor(self, **extra: Any) -> dict[str, Any]:
        """The OCI descriptor pointing at this blob."""
        size = len(self.data)
        return {"mediaType": self.media_type, "digest": self.digest, "size": size, **extra}


@dataclass(frozen=True)
class Image:
    """One architecture's image: its layer, config and manifest."""

    arch: str
    layer: Blob
    config: Blob
    manifest: Blob
    tar_bytes: int

    def blobs(self) -> list[Blob]:
        """Every blob, manifest last (a registry wants what it references first)."""
        return [self.layer, self.config, self.manifest]


def layer_tar(tree: Tree, epoch: int) -> bytes:
    """The tree as a tar: sorted names, root owner, fixed mtimes, PAX format."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(tree):
            entry = tree[name]
            info = tarfile.TarInfo(name)
            info.mtime = epoch
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.mode = entry.mode
            if entry.kind == "dir":
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            elif entry.kind == "link":
                info.type = tarfile.SYMTYPE
                info.linkname = entry.target
                info.mode = 0o777
                tar.addfile(info)
            else:
                info.size = len(entry.data)
                tar.addfile(info, io.BytesIO(entry.data))
    return buffer.getvalue()


def pack(tree: Tree, epoch: int) -> tuple[bytes, str, int]:
    """The layer of tree: its gzip, and the digest and size of the tar inside."""
    tar = layer_tar(tree, epoch)
    digest = "sha256:" + hashlib.sha256(tar).hexdigest()
    return gzip.compress(tar, compresslevel=9, mtime=0), digest, len(tar)


def pack_with(python: Sequence[str], tree: Tree, epoch: int) -> tuple[bytes, str, int]:
    """pack, run by the interpreter python (argv): the tree goes to it on stdin."""
    here = str(Path(__file__).resolve().parent)
    script = f"import sys; sys.path.insert(0, {here!r}); import oci; oci.pack_stdio()"
    done = subprocess.run(
        [*python, "-I", "-c", script],
        input=pickle.dumps((tree, epoch)), capture_output=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"oci: packing the layer failed: {done.stderr.decode(errors='replace')}")
    header, blob = done.stdout.split(b"\n", 1)
    digest, size = header.decode().split()
    return blob, digest, int(size)


def pack_stdio() -> None:
    """The other end of pack_with: (tree, epoch) from stdin, the packed layer to stdout."""
    tree, epoch = pickle.load(sys.stdin.buffer)  # noqa: S301 (from pack_with, this program)
    blob, digest, size = pack(tree, epoch)
    sys.stdout.buffer.write(f"{digest} {size}\n".encode() + blob)


def build(arch: str, tree: Tree, epoch: int, python: Sequence[str] | None = None) -> Image:
    """The image of tree for arch; with python (argv), its layer packed by that interpreter."""
    data, diff_id, tar_bytes = pack_with(python, tree, epoch) if python else pack(tree, epoch)
    layer = Blob(LAYER, data)
    created = datetime.datetime.fromtimestamp(epoch, tz=datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    config = {
        "created": created,
        "architecture": ARCHITECTURES[arch],
        "os": "linux",
        "config": {"Entrypoint": ENTRYPOINT},
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created": created, "created_by": "scripts/release/image.py"}],
    }
    config_blob = Blob(CONFIG, canonical(config))
    manifest = {
        "schemaVersion": 2,
        "mediaType": MANIFEST,
        "config": config_blob.descriptor(),
        "layers": [layer.descriptor()],
    }
    return Image(arch, layer, config_blob, Blob(MANIFEST, canonical(manifest)), tar_bytes)


def canonical(value: object) -> bytes:
    """JSON with sorted keys and no spaces: one spelling per value."""
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def index(images: list[Image]) -> Blob:
    """The multi-architecture index of images."""
    manifests = [
        image.manifest.descriptor(platform={"architecture": image.arch, "os": "linux"})
        for image in images
    ]
    return Blob(INDEX, canonical({"schemaVersion": 2, "mediaType": INDEX, "manifests": manifests}))


def write_layout(directory: Path, blobs: list[Blob], top: Blob) -> None:
    """An OCI image layout (podman pull oci:DIR, skopeo copy oci:DIR) whose index names top."""
    (directory / "blobs" / "sha256").mkdir(parents=True, exist_ok=True)
    for blob in [*blobs, top]:
        name = blob.digest.removeprefix("sha256:")
        (directory / "blobs" / "sha256" / name).write_bytes(blob.data)
    (directory / "oci-layout").write_text('{"imageLayoutVersion":"1.0.0"}', encoding="utf-8")
    layout = {"schemaVersion": 2, "mediaType": INDEX, "manifests": [top.descriptor()]}
    (directory / "index.json").write_bytes(canonical(layout))


def _local(url: str, method: str, data: bytes | None = None, media_type: str = "") -> str:
    """One request to the local registry; its Location header (empty when none)."""
    if not url.startswith("http://127.0.0.1:"):
        raise SystemExit(f"oci: refusing {url}: only a registry on 127.0.0.1")
    headers = {"Content-Type": media_type} if media_type else {}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    with LOCAL.open(request, timeout=120) as response:
        return str(response.headers.get("Location") or "")


def push(registry: str, repository: str, tag: str, blobs: list[Blob], top: Blob) -> None:
    """Push blobs, then top (a manifest or an index) as tag, to a registry on 127.0.0.1.

    Plain HTTP, the blobs exactly as written: the registry's digests are this program's.
    """
    base = f"http://{registry}/v2/{repository}"
    for blob in blobs:
        if blob.media_type in (MANIFEST, INDEX):
            continue
        try:
            _local(f"{base}/blobs/{blob.digest}", "HEAD")
            continue
        except OSError:
            pass
        location = _local(f"{base}/blobs/uploads/", "POST", b"")
        if location.startswith("/"):
            location = f"http://{registry}{location}"
        sep = "&" if "?" in location else "?"
        _local(f"{location}{sep}digest={blob.digest}", "PUT", blob.data, "application/octet-stream")
    for manifest in [b for b in blobs if b.media_type in (MANIFEST, INDEX)] + [top]:
        name = tag if manifest is top else manifest.digest
        _local(f"{base}/manifests/{name}", "PUT", manifest.data, manifest.media_type)
