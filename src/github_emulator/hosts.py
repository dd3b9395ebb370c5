"""Which addresses the emulator may listen on.

The admin routes answer decrypted secrets without authentication, so the server binds only
to this machine: a loopback address, or (when asked) a private address of the machine such
as the Docker bridge gateway a CI job's container reaches the host through.
"""

from __future__ import annotations

import ipaddress
import re

# A Host header's value: a DNS name or IPv4 address, or an IPv6 address in brackets, with an
# optional port. Anything else (spaces, commas, angle brackets, userinfo) is not used in URLs.
_HOST_HEADER = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?"
)


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


def origin_for(scheme: str, host_header: str | None, fallback: str) -> str:
    """scheme://host[:port] as the client addressed the server, for URLs in answers.

    GitHub builds `Link` and `*_url` values from the name the client used (a proxy's, a
    container's `host.docker.internal`), not from where it listens. Without a usable `Host`
    (HTTP/1.0, or a value that is no host name) the bound address stands in.
    """
    host = (host_header or "").strip()
    if not _HOST_HEADER.fullmatch(host):
        return fallback
    return f"{scheme}://{host}"


def host_name(host_header: str | None) -> str:
    """The name part of a Host header, lower-case, without port or IPv6 brackets."""
    host = (host_header or "").strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host
