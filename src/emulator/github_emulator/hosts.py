"""Which addresses the emulator may listen on.

The admin routes answer decrypted secrets without authentication, so the server binds only
to this machine: a loopback address, or (when asked) one private address of the machine such
as the Docker bridge gateway a CI job's container reaches the host through, never every
interface at once (0.0.0.0, ::). The admin routes also check the `Host` a request names
(see `admin`), so a web page cannot reach them through a name that resolves here.
"""

from __future__ import annotations

import ipaddress
import re

# A Host header's value: a DNS name or IPv4 address, or an IPv6 address in brackets, with an
# optional port. Anything else (spaces, commas, angle brackets, userinfo) is not used in URLs.
_HOST_HEADER = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?"
)


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address `host` spells (an IPv4-mapped IPv6 one as its IPv4 form), else None."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine only ("localhost" or a loopback IP)."""
    if host == "localhost":
        return True
    address = _address(host)
    return address is not None and address.is_loopback


def is_unspecified(host: str) -> bool:
    """Whether binding `host` listens on every interface: 0.0.0.0, ::, or an empty name."""
    address = _address(host)
    return host.strip() == "" or (address is not None and address.is_unspecified)


def is_private(host: str) -> bool:
    """Whether `host` is one private-range IP address (such as a Docker bridge gateway).

    `ipaddress` counts 0.0.0.0 and :: as private too; they are every interface, not one.
    """
    address = _address(host)
    return address is not None and address.is_private and not address.is_unspecified


def may_listen_on(host: str, *, allow_private_host: bool = False) -> bool:
    """Whether the emulator may bind `host` (loopback, or private when allowed; never all)."""
    if is_unspecified(host):
        return False
    return is_loopback(host) or (allow_private_host and is_private(host))


def listen_refusal(host: str) -> str:
    """Why `host` is refused, in one sentence naming it."""
    if is_unspecified(host):
        return (
            f"refusing to listen on {host!r}: that is every interface of this machine, and the "
            "admin routes hand out decrypted secrets; name one address (127.0.0.1)"
        )
    return (
        f"refusing to listen on {host!r}: only a loopback address, or with "
        "--allow-private-host one private address of this machine, is allowed"
    )


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
