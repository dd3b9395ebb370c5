"""Misbehaviour on purpose: answers a hostile or broken network could give a client.

Selected per request like any injected fault (`Emulator.misbehave(method, path_glob, mode,
times=…)`, or `POST /_emulator/misbehave` with `{"mode": name, …options}`), each mode
answers over the real socket, plain or TLS:

- on the wire (`wire`): Drip, Stall, EndlessBody
- compressed (`compressed`): GzipBomb (one or two gzip layers)
- where to go next (`links`): LoopingNextLink, ForeignNextLink, Redirect
- malformed documents (`malformed`): ListForObject, NullFields, HtmlOk, MissingKeyId,
  ZeroKey, DeeplyNested, UnknownVisibility
- error text reflecting the request (`reflect`): Reflect
"""

from __future__ import annotations

from collections.abc import Mapping

from .base import FaultRequest, Misbehaviour
from .compressed import GzipBomb
from .links import ForeignNextLink, LoopingNextLink, Redirect
from .malformed import (
    DeeplyNested,
    HtmlOk,
    ListForObject,
    MissingKeyId,
    NullFields,
    UnknownVisibility,
    ZeroKey,
)
from .reflect import Reflect
from .wire import Drip, EndlessBody, Stall

MODES: dict[str, type[Misbehaviour]] = {
    mode.name: mode
    for mode in (
        Drip,
        Stall,
        EndlessBody,
        GzipBomb,
        LoopingNextLink,
        ForeignNextLink,
        Redirect,
        ListForObject,
        NullFields,
        HtmlOk,
        MissingKeyId,
        ZeroKey,
        DeeplyNested,
        UnknownVisibility,
        Reflect,
    )
}


def misbehaviour(mode: str, options: Mapping[str, object]) -> Misbehaviour:
    """The mode named `mode` built from JSON options (the admin route's form)."""
    kind = MODES.get(mode)
    if kind is None:
        raise ValueError(f"unknown mode {mode!r}; one of {', '.join(MODES)}")
    return kind(**options)


__all__ = [
    "MODES",
    "DeeplyNested",
    "Drip",
    "EndlessBody",
    "FaultRequest",
    "ForeignNextLink",
    "GzipBomb",
    "HtmlOk",
    "ListForObject",
    "LoopingNextLink",
    "Misbehaviour",
    "MissingKeyId",
    "NullFields",
    "Redirect",
    "Reflect",
    "Stall",
    "UnknownVisibility",
    "ZeroKey",
    "misbehaviour",
]
