"""Compression bombs: a small body that a client which inflates everything pays dearly for.

The inflated document is the emulator's real answer after `inflated_bytes` of spaces, which
is still valid JSON: a client that inflates it all gets the right answer, but only after
holding the whole thing, so a test can tell a capped client from a lucky one.
"""

from __future__ import annotations

import functools
import gzip
import struct
import zlib
from dataclasses import dataclass, replace
from typing import ClassVar

from ..messages import JSON_TYPE, ApiResponse
from .base import FaultRequest, Real

_BLOCK = 1024 * 1024
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # deflate, no name, no mtime


@functools.lru_cache(maxsize=4)
def _spaces(blocks: int) -> tuple[bytes, int]:
    """Raw deflate data for `blocks` MiB of spaces, and their CRC-32.

    Each MiB is compressed once and repeated: a full flush leaves the compressor with no
    history, so the same input gives the same bytes, and blocks can simply be concatenated.
    That builds a GiB bomb in milliseconds instead of seconds.
    """
    chunk = b" " * _BLOCK
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    one = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(blocks):
        crc = zlib.crc32(chunk, crc)
    return one * blocks, crc


def gzip_bomb(document: bytes, inflated_bytes: int) -> bytes:
    """A gzip member inflating to about `inflated_bytes` of spaces and then `document`."""
    blocks = max(1, inflated_bytes // _BLOCK)
    filler, crc = _spaces(blocks)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15)
    ending = tail.compress(document) + tail.flush()
    size = blocks * _BLOCK + len(document)
    trailer = struct.pack("<II", zlib.crc32(document, crc), size & 0xFFFFFFFF)
    return _GZIP_HEADER + filler + ending + trailer


@dataclass(frozen=True)
class GzipBomb:
    """`Content-Encoding: gzip` (or `gzip, gzip` with layers=2): ~1 KB per MiB inflated.

    The default inflates to 256 MiB from about 260 KB; with two layers the body is a few
    hundred bytes. The real answer (status, headers, state change) is kept, except that a
    bodiless 204 becomes 200, since HTTP allows no body there.
    """

    name: ClassVar[str] = "gzip-bomb"
    inflated_bytes: int = 256 * 1024 * 1024
    layers: int = 1

    def __post_init__(self) -> None:
        """Refuse what cannot be served."""
        if not 1 <= self.inflated_bytes <= 8 * 1024**3:
            raise ValueError("inflated_bytes must be between 1 and 8 GiB")
        if self.layers not in (1, 2):
            raise ValueError("layers must be 1 or 2")

    def respond(self, request: FaultRequest, real: Real) -> ApiResponse:
        """The real answer, padded and compressed `layers` times."""
        answer = real()
        body = gzip_bomb(answer.payload(), self.inflated_bytes)
        if self.layers == 2:
            body = gzip.compress(body, compresslevel=9, mtime=0)
        headers = {
            **answer.headers,
            "content-type": JSON_TYPE,
            "content-encoding": ", ".join(["gzip"] * self.layers),
        }
        status = 200 if answer.status == 204 else answer.status
        return replace(answer, status=status, headers=headers, raw=body, text=None, body=None)
