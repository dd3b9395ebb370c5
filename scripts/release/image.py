"""Build the release image for every architecture, reproducibly, without a base image.

    python scripts/release/image.py [--out DIR] [--arch amd64 --arch arm64]
                                    [--rootfs DIR [--tree-only]]

Assembles the file tree (rootfs.py) from the locked Debian packages (debian.lock), the
hash-pinned wheels and the action, makes one single-layer OCI image per architecture
and an index over them (oci.py), and writes an OCI layout per architecture (DIR/ARCH) and
one for the index (DIR/index), plus DIR/image.json with the digests and sizes. With
--rootfs, the tree of the first architecture is also written there as plain files (what
a Dockerfile stage copies onto scratch); with --tree-only as well, nothing else (no
layer to pack, the Dockerfile's case). Downloads and the compiling interpreter are
cached under ${XDG_CACHE_HOME:-~/.cache}/codespaces-secrets/release. SOURCE_DATE_EPOCH
(default: the time of the last commit that changed an input, else 0) is every file's
mtime and the image's date.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import oci
import rootfs

DEFAULT_OUT = rootfs.REPO / "build" / "image"
# What the image is made of: its date is the last commit that changed one of them.
INPUTS = ("requirements.txt", "entrypoint.py", ".dockerignore", "src/codespaces_secrets",
          "scripts/release")  # fmt: skip


def cache_dir(root: Path | None = None) -> Path:
    """Where downloads and the staging interpreter are kept between builds: in root (a
    CS_CACHE), else in $CS_CACHE, else in the user's cache folder."""
    if root is None:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        root = Path(os.environ.get("CS_CACHE", f"{base}/codespaces-secrets"))
    return root / "release"


def source_date_epoch() -> int:
    """SOURCE_DATE_EPOCH, else the checkout's last commit time, else 0."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        proc = subprocess.run(
            ["git", "-C", str(rootfs.REPO), "log", "-1", "--format=%ct", "--", *INPUTS],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    except OSError:  # no git (a Dockerfile stage): the Dockerfile passes SOURCE_DATE_EPOCH
        return 0
    return int(proc.stdout.strip()) if proc.returncode == 0 and proc.stdout.strip() else 0


def main(argv: list[str] | None = None) -> int:
    """Build, write the layouts and image.json, print the digests."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--arch", action="append", choices=[*sorted(rootfs.TRIPLETS), "native"])
    parser.add_argument("--rootfs", type=Path, help="also write the first tree here")
    parser.add_argument(
        "--tree-only", action="store_true", help="with --rootfs: write the tree, make no image"
    )
    args = parser.parse_args(argv)
    if args.tree_only and not args.rootfs:
        parser.error("--tree-only needs --rootfs")
    arches = [rootfs.host_arch() if a == "native" else a for a in args.arch or rootfs.TRIPLETS]
    epoch = source_date_epoch()
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    # The image's own interpreter (this machine's architecture) packs every layer.
    here = rootfs.host_arch()
    packer = None if args.tree_only else rootfs.interpreter(rootfs.staging(here, cache), here)
    images = []
    for position, arch in enumerate(arches):
        tree = rootfs.assemble(arch, cache)
        if args.rootfs and position == 0:
            shutil.rmtree(args.rootfs, ignore_errors=True)
            rootfs.write_tree(tree, args.rootfs, epoch)
            if args.tree_only:
                return 0
        images.append(oci.build(arch, tree, epoch, python=packer))
    top = oci.index(images)
    shutil.rmtree(args.out, ignore_errors=True)
    for image in images:
        oci.write_layout(args.out / image.arch, image.blobs()[:-1], image.manifest)
    oci.write_layout(args.out / "index", [b for i in images for b in i.blobs()], top)
    summary = {
        "source_date_epoch": epoch,
        "index_digest": top.digest,
        "images": {
            image.arch: {
                "manifest_digest": image.manifest.digest,
                "config_digest": image.config.digest,
                "compressed_layer_bytes": len(image.layer.data),
                "uncompressed_layer_bytes": image.tar_bytes,
            }
            for image in images
        },
    }
    (args.out / "image.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    for image in images:
        print(
            f"{image.arch}: {image.manifest.digest}  {len(image.layer.data) / 1e6:.2f} MB gzip,"
            f" {image.tar_bytes / 1e6:.1f} MB unpacked, 1 layer"
        )
    print(f"index: {top.digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
