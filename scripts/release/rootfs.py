"""The release image's file tree: only what the action runs, from pinned inputs.

What goes in, and why:
- the interpreter (Debian's python3.11, /usr/bin/python3.11) and its dynamic loader;
- the standard library modules the action can import: the static import closure of
  entrypoint.py (modulefinder follows every `import`, also those inside functions), plus
  `site` (run at start-up) and the `encodings` package (codecs are imported by name at
  run time) but for its CJK codecs (see CJK_CODECS). Compiled, without sources, in one
  archive (see bytecode_zip). Modules of the closure the action never reaches are left out
  by rule, see LEFT_OUT;
- the wheels of requirements.txt (hash-pinned, --no-deps) in
  /usr/lib/python3/dist-packages, a folder Debian's interpreter always searches; certifi's
  cacert.pem among them is the CA bundle requests verifies against. Their Python modules
  as bytecode (below; the packages that are nothing else go into the same archive), their
  shared libraries without the sections the loader never maps (elf.strip, the same bytes
  on every host: PyNaCl's libsodium carries its debug information, 5.3 MB -> 0.6 MB),
  without the parts no run reaches (WHEEL_LEFT_OUT) and without charset_normalizer, which
  the action never uses (UNUSED_DISTRIBUTIONS);
- the action: /app/entrypoint.py, and the package (minus what .dockerignore leaves out) as
  bytecode in the archive;
- every shared library those ELF files need (DT_NEEDED, followed to the end), plus the
  ones glibc loads with dlopen: libgcc_s.so.1, which pthread_exit needs to unwind a thread
  that ends while the interpreter shuts down (the deadline watchdog).
Bytecode is written with unchecked-hash headers (no source mtime in it) by the image's own
interpreter, so the bytes depend on the inputs alone. It is sourceless (PEP 3147): each
module's .pyc stands where its .py would, and the source is not in the image (nothing
runs it, and a layer is unpacked file by file: half the files, a cold pull here about a
tenth faster). A traceback still names the file and line (the in-image path the source
would have), without the line's text; entrypoint.py, the script the interpreter is given,
stays a source.
"""

from __future__ import annotations

import hashlib
import io
import json
import modulefinder
import os
import platform
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import debs
import elf

REPO = Path(__file__).resolve().parents[2]
PYVER = "3.11"
STDLIB = f"usr/lib/python{PYVER}"
DYNLOAD = f"{STDLIB}/lib-dynload"
SITE = "usr/lib/python3/dist-packages"
PYTHON = f"usr/bin/python{PYVER}"
BYTECODE_ZIP = f"usr/lib/python{PYVER.replace('.', '')}.zip"
# The archive's members carry no meaningful date (the bytecode is unchecked-hash): the
# earliest a zip can say.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
APP = "app"
PACKAGE = "codespaces_secrets"
# The folders the image's interpreter imports from whose bytecode bytecode_zip gathers.
IMPORT_FOLDERS = (STDLIB, SITE, APP)
TRIPLETS = {"amd64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu"}
MACHINES = {"amd64": "x86_64", "arm64": "aarch64"}
# Debian 12's glibc is 2.36: every manylinux wheel up to that level runs on it (pip does
# not widen a --platform it is given, so each level is named).
GLIBC_MINORS = range(17, 37)
# The image's command: see the Dockerfile for each flag.
ENTRYPOINT = [f"/{PYTHON}", "-E", "-s", "-B", "-u", "-X", "utf8", f"/{APP}/entrypoint.py"]
# Imported at every start, used by nothing the action does: the bz2 and xz compressors,
# which zipfile and shutil import in a `try` and do without (zipfile comes in with
# importlib.metadata, which urllib3 imports for its HTTP/2 check). The action opens no
# archive of either kind. Leaving them out drops liblzma and libbz2 with them.
OPTIONAL_LEFT_OUT = ("bz2", "_bz2", "lzma", "_lzma")
# Modules of the static closure the action never reaches (platform-specific branches,
# process pools, GUI and test tooling). Leaving them out drops the libraries they need.
LEFT_OUT = (
    *OPTIONAL_LEFT_OUT,
    # Debian's start-up hook: it only tries to load apport, which the image has not.
    "sitecustomize",
    "asyncio",
    "concurrent.futures.process",
    "ctypes",
    "_ctypes",
    "multiprocessing",
    "_multiprocessing",
    "_posixshmem",
    "readline",
    "rlcompleter",
    "curses",
    "_curses",
    "sqlite3",
    "_sqlite3",
    "dbm",
    "_dbm",
    "_gdbm",
    "crypt",
    "_crypt",
    "nis",
    "idlelib",
    "lib2to3",
    "pydoc",
    "pydoc_data",
    "test",
    "tkinter",
    "turtle",
    "unittest",
    "distutils",
    "ensurepip",
    # Reached only from a module's own command-line main() or self-test, or a debugger:
    # the action runs none of them (its command line, which uses argparse, is not in the
    # image). Leaving them out drops decimal, fractions, gettext and more with them.
    "argparse",
    "getopt",
    "doctest",
    "pdb",
    "bdb",
    "cmd",
    "code",
    "codeop",
    "statistics",
    # shutil's archive functions, urllib.request's FTP handler, platform.mac_ver.
    "tarfile",
    "ftplib",
    "plistlib",
)
# The CJK codecs (the C tables _codecs_* and _multibytecodec, and the encodings modules
# that import them): nothing the action reads is decoded with them. It decodes its inputs
# and files as UTF-8, GitHub's answers with json.loads (UTF-8, -16 or -32 by the JSON
# rules) and header bytes as Latin-1, and writes the log as UTF-8 (-X utf8); no charset a
# server names is ever looked up.
CJK_CODECS = ("_codecs_", "_multibytecodec")
# Parts of the pinned wheels no run of the action reaches: cffi's Python package declares
# and compiles bindings (PyNaCl's compiled module needs only cffi's _cffi_backend at run
# time); urllib3's Pyodide backend is imported only where sys.platform is "emscripten"
# (its JavaScript worker was urllib3's one file besides modules); certifi's self-test and
# command line (`python -m certifi`); PyNaCl's modules besides nacl.public and what it
# imports (hashing, password hashing, secret-key boxes, signatures). Left out by path
# prefix.
WHEEL_LEFT_OUT = (
    "cffi/", "urllib3/contrib/emscripten/", "certifi/tests/", "certifi/__main__.py",
    "nacl/pwhash/", "nacl/hash.py", "nacl/hashlib.py", "nacl/secret.py", "nacl/signing.py",
)  # fmt: skip
# PEP 561's marker of a typed package: only type checkers read it.
TYPED_MARKER = "py.typed"
# Distributions of requirements.txt left out whole, package and metadata: requests imports
# them when present, the action never calls them. charset_normalizer only guesses the
# encoding of a body that names no charset (requests' Response.text and apparent_encoding);
# the action reads every answer as bytes and parses it with json.loads. Without it requests
# guesses UTF-8, and warns once at import, a warning codespaces_secrets.process silences.
# Its import took about 23 ms of each start (it probed some 600 codec names; measured in
# the image's own tree, with its interpreter) and it held 0.6 MB.
UNUSED_DISTRIBUTIONS = ("charset_normalizer",)
# Loaded with dlopen by glibc (no DT_NEEDED names them).
DLOPENED = ("libgcc_s.so.1",)


@dataclass
class Entry:
    """A file, directory or symbolic link of the tree."""

    kind: str  # "file", "dir" or "link"
    data: bytes = b""
    mode: int = 0o644
    target: str = ""


Tree = dict[str, Entry]


def host_arch() -> str:
    """The Debian architecture of this machine (the one whose interpreter can run here)."""
    machine = platform.machine()
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(machine)
    if arch is None:
        raise SystemExit(f"rootfs: cannot run on {machine}: want x86_64 or aarch64")
    return arch


def package_files(arch: str, cache: Path) -> Tree:
    """Every file of the locked packages of arch, by path (no leading slash)."""
    tree: Tree = {}
    for deb in debs.read_lock():
        if deb.arch != arch:
            continue
        with debs.data_tar(debs.fetch(deb, debs.downloads(cache))) as tar:
            for member in tar.getmembers():
                name = os.path.normpath(member.name).lstrip("./")
                if not name or name == ".":
                    continue
                if member.isdir():
                    tree[name] = Entry("dir", mode=0o755)
                elif member.issym():
                    tree[name] = Entry("link", target=member.linkname)
                elif member.islnk():
                    linked = tree[os.path.normpath(member.linkname).lstrip("./")]
                    tree[name] = Entry("file", linked.data, linked.mode)
                elif member.isfile():
                    handle = tar.extractfile(member)
                    data = handle.read() if handle else b""
                    tree[name] = Entry("file", data, 0o755 if member.mode & 0o111 else 0o644)
    return tree


def write_tree(tree: Tree, root: Path, epoch: int | None = None) -> None:
    """Write tree under root (files, directories, links); with epoch, every mtime."""
    for name in sorted(tree):
        entry, path = tree[name], root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if entry.kind == "dir":
            path.mkdir(exist_ok=True)
            path.chmod(entry.mode)
        elif entry.kind == "link":
            path.symlink_to(entry.target)
        else:
            path.write_bytes(entry.data)
            path.chmod(entry.mode)
    if epoch is not None:
        for name in sorted(tree, reverse=True):  # children before their folders
            os.utime(root / name, (epoch, epoch), follow_symlinks=False)
        os.utime(root, (epoch, epoch))


def staging(arch: str, cache: Path) -> Path:
    """The locked packages of arch unpacked on disk (cached): the interpreter that compiles."""
    key = hashlib.sha256(debs.LOCK.read_bytes()).hexdigest()[:12]
    root = cache / f"staging-{arch}-{key}"
    if not (root / PYTHON).exists():
        tmp = Path(tempfile.mkdtemp(dir=cache, prefix="staging-"))
        write_tree(package_files(arch, cache), tmp)
        shutil.rmtree(root, ignore_errors=True)
        tmp.rename(root)
    return root


def interpreter(root: Path, arch: str) -> list[str]:
    """argv that runs root's own python3.11 here, through root's loader and libraries."""
    triplet = TRIPLETS[arch]
    loader = {"amd64": "lib64/ld-linux-x86-64.so.2", "arm64": "lib/ld-linux-aarch64.so.1"}[arch]
    libs = f"{root}/lib/{triplet}:{root}/usr/lib/{triplet}"
    return [str(root / loader), "--library-path", libs, str(root / PYTHON)]


def wheels(arch: str, cache: Path) -> Path:
    """requirements.txt installed for arch with pip (--target, hashes, no deps), cached."""
    requirements = REPO / "requirements.txt"
    key = hashlib.sha256(requirements.read_bytes() + arch.encode()).hexdigest()[:12]
    target = cache / f"wheels-{arch}-{key}"
    if target.exists():
        return target
    tmp = Path(tempfile.mkdtemp(dir=cache, prefix="wheels-"))
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    pip += ["--no-input", "--no-deps", "--require-hashes", "--no-compile", "--only-binary=:all:"]
    pip += ["--root-user-action=ignore"]
    machine = MACHINES[arch]
    for minor in GLIBC_MINORS:
        pip += ["--platform", f"manylinux_2_{minor}_{machine}"]
    pip += ["--platform", f"manylinux2014_{machine}", "--python-version", PYVER]
    pip += ["--implementation", "cp", "--abi", "cp" + PYVER.replace(".", ""), "--abi", "abi3"]
    pip += ["--abi", "none"]
    pip += ["--target", str(tmp), "-r", str(requirements)]
    subprocess.run(pip, check=True)
    # actions-toolkit's wheel carries a top-level `tests` package nothing imports; pip's
    # --target leaves a bin/ folder when a wheel has scripts. Neither runs in the image.
    for extra in ("tests", "bin"):
        shutil.rmtree(tmp / extra, ignore_errors=True)
    # pip's own records of the install differ from one pip release to the next, and
    # nothing reads them at run time: the image keeps the wheels' files and metadata only.
    for record in ("RECORD", "INSTALLER", "REQUESTED", "direct_url.json"):
        for path in tmp.glob(f"*.dist-info/{record}"):
            path.unlink()
    tmp.rename(target)
    return target


def wheel_file_wanted(rel: str) -> bool:
    """Whether a file the wheels installed (rel to their folder) goes into the image."""
    top = rel.split("/", 1)[0]
    unused = top in UNUSED_DISTRIBUTIONS or (
        top.endswith(".dist-info") and top.split("-", 1)[0] in UNUSED_DISTRIBUTIONS
    )
    marker = rel.rsplit("/", 1)[-1] == TYPED_MARKER
    return not unused and not marker and not rel.startswith(WHEEL_LEFT_OUT)


def wheel_packages_left_out() -> list[str]:
    """WHEEL_LEFT_OUT as module names, for modulefinder not to follow them."""
    return [left.removesuffix("/").removesuffix(".py").replace("/", ".") for left in WHEEL_LEFT_OUT]


def left_out_of_image() -> list[str]:
    """The package's names .dockerignore keeps out of the image (the command line...)."""
    prefix = f"src/{PACKAGE}/"
    lines = (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
    return [line.removeprefix(prefix) for line in lines if line.startswith(prefix)]


def app_files() -> dict[str, bytes]:
    """The action's sources, by path under /app."""
    skip = set(left_out_of_image())
    files = {"entrypoint.py": (REPO / "entrypoint.py").read_bytes()}
    base = REPO / "src" / PACKAGE
    for path in sorted(base.rglob("*")):
        rel = path.relative_to(base)
        if any(part in skip or part == "__pycache__" for part in rel.parts):
            continue
        if path.is_file() and path.suffix == ".py":
            files[f"{PACKAGE}/{rel.as_posix()}"] = path.read_bytes()
    return files


def stdlib_modules(stdlib: Path, site: Path, app: Path, triplet: str) -> dict[str, str]:
    """Module name -> path relative to stdlib, for the closure of app/entrypoint.py."""
    dynload = stdlib / "lib-dynload"
    finder = modulefinder.ModuleFinder(
        path=[str(app), str(site), str(stdlib), str(dynload)],
        excludes=[*LEFT_OUT, *UNUSED_DISTRIBUTIONS, *wheel_packages_left_out()],
    )
    finder.run_script(str(app / "entrypoint.py"))
    finder.import_hook("site")
    finder.import_hook("encodings")
    for codec in sorted((stdlib / "encodings").glob("*.py")):
        if not any(f"import {name}" in codec.read_text("utf-8") for name in CJK_CODECS):
            finder.import_hook(f"encodings.{codec.stem}")
    found: dict[str, str] = {}
    for name, module in finder.modules.items():
        file: str | None = getattr(module, "__file__", None)
        if file and Path(file).is_relative_to(stdlib) and not Path(file).is_relative_to(dynload):
            found[name] = Path(file).relative_to(stdlib).as_posix()
    # Extension modules: modulefinder knows only this interpreter's suffixes.
    for name in [*finder.badmodules, *finder.modules]:
        top = name.split(".")[0]
        so = dynload / f"{top}.cpython-{PYVER.replace('.', '')}-{triplet}.so"
        if so.exists() and top not in LEFT_OUT and not top.startswith(CJK_CODECS):
            found[top] = so.relative_to(stdlib).as_posix()
    return found


def compile_all(python: list[str], jobs: list[tuple[Path, str, Path]]) -> None:
    """Compile (source, name shown in tracebacks, .pyc path) with the image's interpreter."""
    script = (
        "import json, py_compile, sys\n"
        "for source, dfile, cfile in json.load(sys.stdin):\n"
        "    py_compile.compile(source, cfile=cfile, dfile=dfile, doraise=True,\n"
        "        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)\n"
    )
    payload = json.dumps([[str(s), d, str(c)] for s, d, c in jobs])
    subprocess.run([*python, "-I", "-c", script], input=payload, text=True, check=True)


def add_file(tree: Tree, name: str, data: bytes, mode: int = 0o644) -> None:
    """Add a file and its parent directories."""
    tree[name] = Entry("file", data, mode)
    parent = PurePosixPath(name).parent
    while str(parent) != ".":
        tree.setdefault(str(parent), Entry("dir", mode=0o755))
        parent = parent.parent


def add_path(tree: Tree, packages: Tree, name: str) -> str:
    """Copy name from the packages' tree, following links (each link kept); the file's name."""
    seen = 0
    while True:
        entry = packages.get(name)
        if entry is None:
            raise SystemExit(f"rootfs: no package provides /{name}")
        if entry.kind != "link":
            add_file(tree, name, entry.data, entry.mode)
            return name
        add_file(tree, name, b"")
        tree[name] = entry
        name = os.path.normpath(os.path.join(os.path.dirname(name), entry.target)).lstrip("/")
        seen += 1
        if seen > 10:
            raise SystemExit(f"rootfs: too many links at /{name}")


def add_libraries(tree: Tree, packages: Tree, arch: str, extra: Iterable[str]) -> None:
    """Every shared library the tree's ELF files need, and extra (dlopen'ed) sonames."""
    triplet = TRIPLETS[arch]
    search = (f"lib/{triplet}", f"usr/lib/{triplet}", "lib", "usr/lib")
    wanted = list(extra)
    done: set[str] = set()
    for name in sorted(tree):
        entry = tree[name]
        if entry.kind == "file" and elf.is_elf(entry.data):
            info = elf.dynamic(entry.data)
            if info.interpreter:
                add_path(tree, packages, info.interpreter.lstrip("/"))
            # Wheels bring their own libraries beside them (auditwheel's NAME.libs).
            local = {p.rsplit("/", 1)[-1] for p in tree if ".libs/" in p}
            wanted += [soname for soname in info.needed if soname not in local]
    while wanted:
        soname = wanted.pop()
        if soname in done:
            continue
        done.add(soname)
        where = next((f"{d}/{soname}" for d in search if f"{d}/{soname}" in packages), None)
        if where is None:
            raise SystemExit(f"rootfs: no locked package provides {soname} ({arch})")
        real = add_path(tree, packages, where)
        wanted += list(elf.dynamic(tree[real].data).needed)


def assemble(arch: str, cache: Path) -> Tree:
    """The image's tree for arch."""
    cache.mkdir(parents=True, exist_ok=True)
    here = host_arch()
    python = interpreter(staging(here, cache), here)
    packages = package_files(arch, cache)
    site = wheels(arch, cache)
    tree: Tree = {}
    add_path(tree, packages, PYTHON)
    with tempfile.TemporaryDirectory(prefix="cs-rootfs-") as name:
        tmp = Path(name)
        app = tmp / APP
        for rel, data in app_files().items():
            (app / rel).parent.mkdir(parents=True, exist_ok=True)
            (app / rel).write_bytes(data)
        std = tmp / STDLIB
        write_tree({k[len(STDLIB) + 1 :]: v for k, v in packages.items()
                    if k.startswith(STDLIB + "/")}, std)  # fmt: skip
        modules = stdlib_modules(std, site, app, TRIPLETS[arch])
        jobs: list[tuple[Path, str, Path]] = []
        out = tmp / "out"
        for rel in sorted(set(modules.values())):
            if rel.endswith(".py"):
                jobs.append((std / rel, f"/{STDLIB}/{rel}", out / STDLIB / (rel + "c")))
            else:
                add_path(tree, packages, f"{STDLIB}/{rel}")
        for base, prefix in ((site, SITE), (app, APP)):
            for path in sorted(base.rglob("*")):
                rel = path.relative_to(base).as_posix()
                if path.is_symlink() or not path.is_file() or "__pycache__" in rel:
                    continue
                if prefix == SITE and not wheel_file_wanted(rel):
                    continue
                if path.suffix == ".py" and rel != "entrypoint.py":
                    # Bytecode only, where the source was (see the module's docstring);
                    # a module an extension module shadows (mypyc keeps its sources
                    # beside the compiled one) is never imported: neither goes in.
                    if not any(path.parent.glob(f"{path.stem}.*.so")):
                        jobs.append((path, f"/{prefix}/{rel}", out / prefix / f"{rel}c"))
                    continue
                mode = 0o755 if path.stat().st_mode & stat.S_IXUSR else 0o644
                data = path.read_bytes()
                if prefix == SITE and elf.is_elf(data):
                    data = elf.strip(data)
                add_file(tree, f"{prefix}/{rel}", data, mode)
        compile_all(python, jobs)
        for _source, _shown, cfile in jobs:
            add_file(tree, cfile.relative_to(out).as_posix(), cfile.read_bytes())
    bytecode_zip(tree)
    add_libraries(tree, packages, arch, DLOPENED)
    tree["tmp"] = Entry("dir", mode=0o1777)
    return tree


def archive_members(tree: Tree) -> dict[str, str]:
    """Archive member -> the tree's file, for what bytecode_zip takes (see there)."""
    members: dict[str, str] = {}
    for folder in IMPORT_FOLDERS:
        prefix = f"{folder}/"
        by_top: dict[str, list[str]] = {}
        for name, entry in tree.items():
            if entry.kind != "dir" and name.startswith(prefix):
                by_top.setdefault(name.removeprefix(prefix).split("/")[0], []).append(name)
        bytecode_only = [
            names for names in by_top.values()
            if all(name.endswith(".pyc") and tree[name].kind == "file" for name in names)
        ]  # fmt: skip
        for name in (name for names in bytecode_only for name in names):
            member = name.removeprefix(prefix)
            if member in members:
                raise SystemExit(f"rootfs: /{members[member]} and /{name} are both {member}")
            members[member] = name
    return members


def bytecode_zip(tree: Tree) -> None:
    """Move the image's bytecode into one archive, /usr/lib/python311.zip, stored as is.

    The interpreter looks there first (the archive is the first entry of its sys.path,
    and getpath takes it as the standard library's landmark), and zipimport reads a
    stored member as fast as a file. What it saves is files: a layer is unpacked file by
    file. One archive instead of some 480 standard library .pyc files made a cold pull
    here about a sixth faster. Taking in the wheels' and the action's some 110 more (and
    leaving out 13 files nothing runs) made it 0.03-0.04 s faster again through the
    engines' APIs, as act and a runner pull (0.1 s with podman's command line), for about
    4 ms more start-up: zipimport, written in Python, finds and reads a module more slowly
    than the path finder. Members are stored, not deflated: the layer's gzip compresses
    them all the same, the interpreter inflates nothing at start-up, and the bytes depend
    on no zlib.

    What it takes, under each folder the interpreter imports from (the standard library,
    the wheels' folder, /app): every top-level module or package all of whose files are
    bytecode, named in the archive as under its folder. The rest stays files: the
    extension modules (the loader needs a file, and a package that holds one, PyNaCl's
    nacl, is searched for its modules on its own path only), a package with data that is
    opened by path (certifi's cacert.pem: from an archive, importlib.resources would copy
    it to a temporary file at each start), the wheels' metadata (licences, and what
    scanners read to name the versions) and entrypoint.py, the script the interpreter is
    given.
    """
    members = archive_members(tree)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for member, name in sorted(members.items()):
            info = zipfile.ZipInfo(member, date_time=ZIP_DATE)
            info.external_attr = 0o644 << 16
            archive.writestr(info, tree.pop(name).data)
    used = {
        str(parent)
        for name, entry in tree.items()
        if entry.kind != "dir"
        for parent in PurePosixPath(name).parents
    }
    emptied = [
        name for name, entry in tree.items()
        if entry.kind == "dir" and name.startswith(tuple(f"{f}/" for f in IMPORT_FOLDERS))
        and name not in used
    ]  # fmt: skip
    for name in emptied:
        del tree[name]
    add_file(tree, BYTECODE_ZIP, buffer.getvalue())
