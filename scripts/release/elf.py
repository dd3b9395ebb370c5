"""What an ELF file asks the dynamic loader for, and the same file without what it never reads.

`dynamic` gives its DT_NEEDED names and its PT_INTERP; `strip` drops its sections that are
never loaded (debug information, the symbol table). Both read and write the file itself
(64-bit little-endian: x86-64 and AArch64), so an arm64 tree is handled on an amd64
machine, and the bytes do not depend on the build host's binutils: the same wheel gives
the same stripped file here and on a GitHub runner.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

PT_LOAD, PT_DYNAMIC, PT_INTERP = 1, 2, 3
DT_NULL, DT_NEEDED, DT_STRTAB = 0, 1, 5
SHT_STRTAB, SHT_NOBITS = 3, 8
SHF_ALLOC, SHF_INFO_LINK = 0x2, 0x40
SECTION = struct.Struct("<IIQQQQIIQQ")  # name, type, flags, addr, offset, size, link, info, ...


@dataclass(frozen=True)
class Dynamic:
    """The loader's view of one ELF file."""

    needed: tuple[str, ...]
    interpreter: str | None


def is_elf(data: bytes) -> bool:
    """Whether data starts like a 64-bit little-endian ELF file."""
    return data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1


def dynamic(data: bytes) -> Dynamic:
    """DT_NEEDED sonames and PT_INTERP of a 64-bit little-endian ELF file."""
    if not is_elf(data):
        raise ValueError("not a 64-bit little-endian ELF file")
    phoff, phentsize, phnum = (
        struct.unpack_from("<Q", data, 0x20)[0],
        *struct.unpack_from("<HH", data, 0x36),
    )
    loads: list[tuple[int, int, int]] = []
    dyn: tuple[int, int] | None = None
    interpreter = None
    for index in range(phnum):
        p_type, _flags, p_offset, p_vaddr, _paddr, p_filesz = struct.unpack_from(
            "<IIQQQQ", data, phoff + index * phentsize
        )
        if p_type == PT_LOAD:
            loads.append((p_vaddr, p_offset, p_filesz))
        elif p_type == PT_DYNAMIC:
            dyn = (p_offset, p_filesz)
        elif p_type == PT_INTERP:
            interpreter = data[p_offset : p_offset + p_filesz].rstrip(b"\0").decode()
    if dyn is None:
        return Dynamic((), interpreter)
    entries = []
    for offset in range(dyn[0], dyn[0] + dyn[1], 16):
        tag, value = struct.unpack_from("<qQ", data, offset)
        if tag == DT_NULL:
            break
        entries.append((tag, value))
    strtab_vaddr = next(value for tag, value in entries if tag == DT_STRTAB)
    strtab = next(
        off + strtab_vaddr - vaddr
        for vaddr, off, size in loads
        if vaddr <= strtab_vaddr < vaddr + size
    )
    needed = []
    for tag, value in entries:
        if tag == DT_NEEDED:
            end = data.index(b"\0", strtab + value)
            needed.append(data[strtab + value : end].decode())
    return Dynamic(tuple(needed), interpreter)


def strip(data: bytes) -> bytes:
    """data without its non-allocated sections: what `strip --strip-all` leaves, give or take.

    The dynamic loader reads program headers only; sections without SHF_ALLOC (.debug_*,
    .symtab, .strtab, .comment) are never mapped, and PyNaCl's wheel ships its libsodium
    with them (5.3 MB, 0.6 MB without). The file is cut where the last allocated byte ends;
    the section headers of the allocated sections stay (same indexes, so every sh_link
    and sh_info still holds), followed by a new .shstrtab naming them. A file laid out
    otherwise (a non-allocated section between allocated ones, a segment past the cut)
    raises ValueError rather than being guessed at; a file with nothing to drop is
    returned as it is.
    """
    if not is_elf(data):
        raise ValueError("not a 64-bit little-endian ELF file")
    phoff, shoff = struct.unpack_from("<QQ", data, 0x20)
    phentsize, phnum, shentsize, shnum, shstrndx = struct.unpack_from("<HHHHH", data, 0x36)
    if shnum == 0 or shentsize != SECTION.size:
        return data
    sections = [SECTION.unpack_from(data, shoff + i * shentsize) for i in range(shnum)]
    kept = 1 + next(
        (i for i, s in enumerate(sections[1:]) if not s[2] & SHF_ALLOC), len(sections) - 1
    )
    if kept == len(sections) - 1 and shstrndx == kept:
        return data  # only .shstrtab is left to drop: already stripped
    if any(s[2] & SHF_ALLOC for s in sections[kept:]):
        raise ValueError("an allocated section follows a non-allocated one")
    end = max(s[4] + (0 if s[1] == SHT_NOBITS else s[5]) for s in sections[1:kept])
    for index in range(phnum):
        _type, _flags, offset, _vaddr, _paddr, filesz = struct.unpack_from(
            "<IIQQQQ", data, phoff + index * phentsize
        )
        if filesz and offset + filesz > end:
            raise ValueError("a segment reaches past the allocated sections")
    for section in sections[1:kept]:
        if section[6] >= kept or (section[2] & SHF_INFO_LINK and section[7] >= kept):
            raise ValueError("an allocated section refers to a dropped one")
    names_at = sections[shstrndx][4]
    names = bytearray(b"\0")
    headers = [bytes(SECTION.size)]
    for section in sections[1:kept]:
        start = names_at + section[0]
        name = data[start : data.index(b"\0", start)]
        headers.append(SECTION.pack(len(names), *section[1:]))
        names += name + b"\0"
    own_name = len(names)
    names += b".shstrtab\0"
    headers.append(SECTION.pack(own_name, SHT_STRTAB, 0, 0, end, len(names), 0, 0, 1, 0))
    out = bytearray(data[:end]) + names
    out += bytes(-len(out) % 8)
    struct.pack_into("<Q", out, 0x28, len(out))
    struct.pack_into("<HH", out, 0x3C, len(headers), kept)
    return bytes(out + b"".join(headers))
