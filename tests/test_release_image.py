"""The release image's builder: same inputs, same bytes; the lock, the ELF reader, the table.

The whole build (downloads, the image's interpreter) runs in `make container-test` and
`make release-test`; these check the parts that decide its bytes, in-process.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import shutil
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from testkit import ROOT

RELEASE = ROOT / "scripts" / "release"


@pytest.fixture(scope="module")
def release() -> Iterator[dict[str, ModuleType]]:
    """scripts/release's modules (a folder of scripts, not a package)."""
    sys.path.insert(0, str(RELEASE))
    try:
        import debs  # noqa: PLC0415
        import elf  # noqa: PLC0415
        import oci  # noqa: PLC0415
        import rootfs  # noqa: PLC0415

        yield {"debs": debs, "elf": elf, "oci": oci, "rootfs": rootfs}
    finally:
        sys.path.remove(str(RELEASE))


def a_tree(rootfs: ModuleType, text: bytes = b"print('hi')\n") -> dict[str, object]:
    entry = rootfs.Entry
    return {
        "app": entry("dir", mode=0o755),
        "app/main.py": entry("file", text, 0o644),
        "usr/bin/tool": entry("file", b"\x7fELF...", 0o755),
        "lib64": entry("dir", mode=0o755),
        "lib64/loader": entry("link", target="../usr/bin/tool"),
    }


def test_the_same_tree_gives_the_same_digests(release: dict[str, ModuleType]) -> None:
    oci, rootfs = release["oci"], release["rootfs"]
    one = oci.build("amd64", a_tree(rootfs), 1_700_000_000)
    two = oci.build("amd64", dict(reversed(list(a_tree(rootfs).items()))), 1_700_000_000)
    assert one.manifest.digest == two.manifest.digest
    assert one.layer.digest == two.layer.digest
    changed = oci.build("amd64", a_tree(rootfs, b"print('ho')\n"), 1_700_000_000)
    assert changed.manifest.digest != one.manifest.digest
    later = oci.build("amd64", a_tree(rootfs), 1_700_000_001)
    assert later.layer.digest != one.layer.digest


def test_the_layer_is_sorted_owned_by_root_and_dated_by_the_epoch(
    release: dict[str, ModuleType],
) -> None:
    oci, rootfs = release["oci"], release["rootfs"]
    image = oci.build("arm64", a_tree(rootfs), 1_234_567_890)
    raw = gzip.decompress(image.layer.data)
    assert image.layer.data[4:8] == b"\0\0\0\0"  # no time in the gzip header
    with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
        members = tar.getmembers()
    assert [m.name for m in members] == sorted(m.name for m in members)
    assert {(m.uid, m.gid, m.uname, m.gname, m.mtime) for m in members} == {
        (0, 0, "", "", 1_234_567_890)
    }
    config = json.loads(image.config.data)
    assert config["created"] == "2009-02-13T23:31:30Z"
    assert config["architecture"] == "arm64"
    assert config["rootfs"]["diff_ids"] == ["sha256:" + hashlib.sha256(raw).hexdigest()]
    assert "User" not in config["config"]
    assert "WorkingDir" not in config["config"]
    manifest = json.loads(image.manifest.data)
    assert [layer["digest"] for layer in manifest["layers"]] == [image.layer.digest]


def test_the_index_names_each_architecture(release: dict[str, ModuleType]) -> None:
    oci, rootfs = release["oci"], release["rootfs"]
    images = [oci.build(arch, a_tree(rootfs), 0) for arch in ("amd64", "arm64")]
    index = json.loads(oci.index(images).data)
    assert [(m["platform"]["architecture"], m["digest"]) for m in index["manifests"]] == [
        ("amd64", images[0].manifest.digest),
        ("arm64", images[1].manifest.digest),
    ]


def test_the_elf_reader_finds_what_a_program_loads(release: dict[str, ModuleType]) -> None:
    elf = release["elf"]
    ls = shutil.which("ls")
    assert ls is not None
    info = elf.dynamic(Path(ls).resolve().read_bytes())
    assert "libc.so.6" in info.needed
    assert info.interpreter is not None
    assert info.interpreter.startswith("/lib")
    with pytest.raises(ValueError, match="not a 64-bit"):
        elf.dynamic(b"#!/bin/sh\n")


def test_the_lock_pins_every_package_for_both_architectures(
    release: dict[str, ModuleType],
) -> None:
    debs = release["debs"]
    locked = debs.read_lock()
    for arch in debs.ARCHES:
        names = [d.package for d in locked if d.arch == arch]
        assert names == list(debs.PACKAGES)
    for deb in locked:
        assert re.fullmatch(r"[0-9a-f]{64}", deb.sha256), deb
        assert deb.archive in debs.ARCHIVES
        assert deb.path.startswith("pool/")
        assert deb.path.endswith(f"_{deb.arch}.deb")


def test_a_package_is_read_from_its_ar_archive(
    release: dict[str, ModuleType], tmp_path: Path
) -> None:
    debs = release["debs"]
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w:xz") as tar:
        info = tarfile.TarInfo("./usr/bin/hello")
        info.size = 5
        tar.addfile(info, io.BytesIO(b"hello"))

    def member(name: str, body: bytes) -> bytes:
        header = f"{name:<16}{0:<12}{0:<6}{0:<6}{644:<8}{len(body):<10}`\n".encode()
        return header + body + (b"\n" if len(body) % 2 else b"")

    package = tmp_path / "hello.deb"
    package.write_bytes(
        b"!<arch>\n"
        + member("debian-binary", b"2.0\n")
        + member("control.tar.xz", b"x")
        + member("data.tar.xz", data.getvalue())
    )
    with debs.data_tar(package) as tar:
        assert tar.getnames() == ["./usr/bin/hello"]
    (tmp_path / "not.deb").write_bytes(b"PK\x03\x04")
    with pytest.raises(SystemExit, match="not a Debian package"):
        debs.data_tar(tmp_path / "not.deb")


def test_the_image_leaves_out_what_dockerignore_leaves_out(
    release: dict[str, ModuleType],
) -> None:
    rootfs = release["rootfs"]
    assert sorted(rootfs.left_out_of_image()) == ["__main__.py", "cli", "py.typed"]
    files = rootfs.app_files()
    assert "entrypoint.py" in files
    assert "codespaces_secrets/process.py" in files
    assert not [name for name in files if "/cli/" in name or name.endswith("__main__.py")]


def test_readme_shows_the_generated_table() -> None:
    table = (ROOT / "docs" / "image-figures.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- image-figures:start -->\n", 1)[1]
    block = block.split("<!-- image-figures:end -->", 1)[0]
    assert block == table
    assert "Generated by `make release-test`" in table
