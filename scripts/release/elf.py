"""What an ELF file asks the dynamic loader for: its DT_NEEDED names and its PT_INTERP.

Read from the file itself (64-bit little-endian: x86-64 and AArch64), so an arm64 tree
can be followed on an amd64 machine without binutils.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

PT_LOAD, PT_DYNAMIC, PT_INTERP = 1, 2, 3
DT_NULL, DT_NEEDED, DT_STRTAB = 0, 1, 5


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
