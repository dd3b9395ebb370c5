"""Which REST API roots the action may send a token to.

https only, except a loopback address (the bundled emulator, local tests); no
credentials, query or fragment in the URL. A URL that carries userinfo is refused
without being echoed, whether or not it parses: the password would reach the log.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from .errors import quoted

DEFAULT_API_URL = "https://api.github.com"
_HOST_LABEL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?")


def check_api_root(text: str) -> tuple[str, str | None]:
    """Return the normalised root and the problem with it (None when it is acceptable)."""
    text = text.strip()
    if _has_userinfo(text):
        return text, "must not contain credentials; pass the token as token."
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        parts, host, port_ok = urlsplit(""), "", False
    if not _valid_host(host) or not port_ok or parts.query or parts.fragment:
        return text, f"{quoted(text)} is not an API root such as {DEFAULT_API_URL}."
    if parts.scheme == "http" and not is_loopback(host):
        return text, f"{quoted(text)} is plain http; use https (http only for loopback)."
    if parts.scheme not in ("http", "https"):
        return text, f"{quoted(text)} must start with https://."
    return text.rstrip("/"), None


def _has_userinfo(text: str) -> bool:
    """An ``@`` in the authority part, found without trusting the URL to parse."""
    after_scheme = text.split("//", 1)[1] if "//" in text else text
    authority = re.split(r"[/?#]", after_scheme, maxsplit=1)[0]
    return "@" in authority


def _valid_host(host: str) -> bool:
    """A DNS name of 1-63 character labels, or an IP address (what urllib3 will accept)."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        labels = host.split(".")
        return bool(host) and len(host) <= 253 and all(_HOST_LABEL.fullmatch(x) for x in labels)
    return True


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (plain http is allowed there)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
