"""The release image's builder: same inputs, same bytes; the lock, the ELF reader and stripper.

The whole build (downloads, the image's interpreter) runs in `make container-test` and
`make release-test`; these check the parts that decide its bytes, in-process.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import py_compile
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
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


def test_another_interpreter_packs_the_same_layer(release: dict[str, ModuleType]) -> None:
    """image.py has the image's own interpreter pack the layer (tree in, blob out);
    given the same interpreter as this one, the image is the one packed in-process."""
    oci, rootfs = release["oci"], release["rootfs"]
    here = oci.build("arm64", a_tree(rootfs), 1_700_000_000)
    there = oci.build("arm64", a_tree(rootfs), 1_700_000_000, python=[sys.executable])
    assert there == here
    with pytest.raises(SystemExit, match="packing the layer failed"):
        oci.build("arm64", a_tree(rootfs), 0, python=[sys.executable, "-c", "raise SystemExit(3)"])


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


def test_stripping_keeps_a_shared_library_loadable(
    release: dict[str, ModuleType], tmp_path: Path
) -> None:
    """PyNaCl's libsodium, as the pinned wheel ships it, loses its debug sections and works.

    The stripped copy replaces the one in a copy of the installed nacl package, which a
    fresh interpreter imports to seal and open a box.
    """
    elf = release["elf"]
    import nacl  # noqa: PLC0415

    package = Path(nacl.__file__).parent
    library = next(package.glob("_sodium*.so"))
    data = library.read_bytes()
    stripped = elf.strip(data)
    assert len(stripped) < len(data) // 4
    assert elf.strip(stripped) == stripped
    assert elf.dynamic(stripped) == elf.dynamic(data)
    shutil.copytree(package, tmp_path / "nacl", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "nacl" / library.name).write_bytes(stripped)
    script = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "import nacl, nacl.public as p\n"
        "assert nacl.__file__.startswith(sys.argv[1]), nacl.__file__\n"
        "key = p.PrivateKey.generate()\n"
        "print(p.SealedBox(key).decrypt(p.SealedBox(key.public_key).encrypt(b'sealed')).decode())\n"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-B", "-c", script, str(tmp_path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "sealed", "")
    with pytest.raises(ValueError, match="not a 64-bit"):
        elf.strip(b"#!/bin/sh\n")


def test_bytecode_goes_into_one_stored_archive(
    release: dict[str, ModuleType], tmp_path: Path
) -> None:
    """The standard library's, the wheels' and the action's bytecode moves into python311.zip
    (stored, the same bytes each time) and imports from there; a package holding an
    extension module or data stays files, so do extension modules and the entry point
    script, and emptied folders go."""
    rootfs = release["rootfs"]

    def pyc(text: str) -> bytes:
        source, compiled = tmp_path / "module.py", tmp_path / "module.pyc"
        source.write_text(text)
        py_compile.compile(
            str(source), cfile=str(compiled), doraise=True,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )  # fmt: skip
        return compiled.read_bytes()

    package, module, app = pyc(""), pyc("ANSWER = 42\n"), pyc("from probe.deep import ANSWER\n")
    site = "usr/lib/python3/dist-packages"

    def tree() -> dict[str, object]:
        entries: dict[str, object] = {}
        rootfs.add_file(entries, "usr/lib/python3.11/probe/__init__.pyc", package)
        rootfs.add_file(entries, "usr/lib/python3.11/probe/deep.pyc", module)
        rootfs.add_file(entries, "usr/lib/python3.11/lib-dynload/_x.so", b"\x7fELF")
        rootfs.add_file(entries, f"{site}/pure/__init__.pyc", package)
        rootfs.add_file(entries, f"{site}/pure/sub/__init__.pyc", package)
        rootfs.add_file(entries, f"{site}/pure/sub/leaf.pyc", module)
        rootfs.add_file(entries, f"{site}/top.pyc", module)
        rootfs.add_file(entries, f"{site}/native/__init__.pyc", package)
        rootfs.add_file(entries, f"{site}/native/_c.abi3.so", b"\x7fELF")
        rootfs.add_file(entries, f"{site}/bundle/__init__.pyc", package)
        rootfs.add_file(entries, f"{site}/bundle/data.pem", b"-----")
        rootfs.add_file(entries, f"{site}/pure-1.0.dist-info/METADATA", b"Name: pure")
        rootfs.add_file(entries, "app/entrypoint.py", b"import action\n")
        rootfs.add_file(entries, "app/action/__init__.pyc", app)
        return entries

    first, second = tree(), tree()
    rootfs.bytecode_zip(first)
    rootfs.bytecode_zip(second)
    assert first == second
    stays = [
        "app", "app/entrypoint.py", "usr", "usr/lib", f"{site}", f"{site}/bundle",
        f"{site}/bundle/__init__.pyc", f"{site}/bundle/data.pem", f"{site}/native",
        f"{site}/native/__init__.pyc", f"{site}/native/_c.abi3.so", f"{site}/pure-1.0.dist-info",
        f"{site}/pure-1.0.dist-info/METADATA", "usr/lib/python3", "usr/lib/python3.11",
        "usr/lib/python3.11/lib-dynload", "usr/lib/python3.11/lib-dynload/_x.so",
        "usr/lib/python311.zip",
    ]  # fmt: skip
    assert sorted(first) == sorted(stays)
    archive = tmp_path / "python311.zip"
    archive.write_bytes(first["usr/lib/python311.zip"].data)  # type: ignore[attr-defined]
    with zipfile.ZipFile(archive) as opened:
        assert {i.compress_type for i in opened.infolist()} == {zipfile.ZIP_STORED}
        assert opened.namelist() == [
            "action/__init__.pyc", "probe/__init__.pyc", "probe/deep.pyc",
            "pure/__init__.pyc", "pure/sub/__init__.pyc", "pure/sub/leaf.pyc", "top.pyc",
        ]  # fmt: skip
    script = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "import action, pure.sub.leaf, top\n"
        "print(action.ANSWER, pure.sub.leaf.ANSWER, top.ANSWER, action.__file__)\n"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-B", "-c", script, str(archive)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert (done.stdout.strip(), done.stderr) == (f"42 42 42 {archive}/action/__init__.pyc", "")
    clash = tree()
    rootfs.add_file(clash, f"{site}/probe/__init__.pyc", package)
    with pytest.raises(SystemExit, match=r"are both probe/__init__\.pyc"):
        rootfs.bytecode_zip(clash)


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


def test_the_image_leaves_out_the_wheels_parts_the_action_never_imports(
    release: dict[str, ModuleType],
) -> None:
    wanted = release["rootfs"].wheel_file_wanted
    kept = [
        "requests/models.py",
        "requests-2.34.2.dist-info/METADATA",
        "_cffi_backend.cpython-311-x86_64-linux-gnu.so",
        "cffi-2.1.1.dist-info/METADATA",
        "nacl/_sodium.abi3.so",
        "certifi/cacert.pem",
        "certifi/core.py",
        "urllib3/contrib/socks.py",
        "nacl/public.py",
        "nacl/bindings/crypto_box.py",
    ]
    dropped = [
        "cffi/api.py",
        "requests/py.typed",
        "urllib3/contrib/emscripten/fetch.py",
        "urllib3/contrib/emscripten/emscripten_fetch_worker.js",
        "certifi/tests/test_certify.py",
        "certifi/__main__.py",
        "nacl/signing.py",
        "nacl/pwhash/scrypt.py",
        "charset_normalizer/api.py",
        "charset_normalizer/md.cpython-311-x86_64-linux-gnu.so",
        "charset_normalizer-3.5.2.dist-info/METADATA",
    ]
    assert [name for name in kept if not wanted(name)] == []
    assert [name for name in dropped if wanted(name)] == []
