"""Which addresses the emulator may listen on.

The admin routes answer decrypted secrets without authentication, so the server binds only
to this machine: a loopback address, or (when asked) a private address of the machine such
as the Docker bridge gateway a CI job's container reaches the host through.
"""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine only ("localhost" or a loopback IP)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_private(host: str) -> bool:
    """Whether `host` is a private-range IP address (such as a Docker bridge gateway)."""
    try:
        return ipaddress.ip_address(host).is_private
    except ValueError:
        return False


def may_listen_on(host: str, *, allow_private_host: bool = False) -> bool:
    """Whether the emulator may bind `host` (loopback, or private when allowed)."""
    return is_loopback(host) or (allow_private_host and is_private(host))
