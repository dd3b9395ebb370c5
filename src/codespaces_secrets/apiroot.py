"""Which REST API roots the action may send a token to.

https only, except a loopback address (the bundled emulator, local tests); no
credentials, query or fragment in the URL. A URL that carries userinfo is refused
without being echoed, whether or not it parses: the password would reach the log.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import unquote, urlsplit

from .errors import quoted

DEFAULT_API_URL = "https://api.github.com"
WEBSITE_HOSTS = frozenset({"github.com", "www.github.com"})
DEFAULT_PORTS = {"http": 80, "https": 443}
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
    if host.lower() in WEBSITE_HOSTS and parts.path.strip("/") == "":
        return text, (
            f"{quoted(text)} is GitHub's website, not its REST API; use {DEFAULT_API_URL} "
            "(or leave api-url empty)."
        )
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


def origin(url: str) -> tuple[str, str, int] | None:
    """A URL's (scheme, host, port) with the port made explicit; None if it cannot be one.

    None when it has userinfo or does not parse: such a URL is never followed.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if parts.username is not None or parts.password is not None or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or DEFAULT_PORTS.get(scheme, 0)


def within_api(url: str, root: str) -> bool:
    """Whether ``url`` is on the API root's exact origin and under its path.

    The token goes with every request, so a next link or a redirect is followed only to
    the API itself: not another port or scheme of the same host, not a sibling path such
    as ``/api/v3-other`` of a root ``/api/v3``. Paths are compared as the server will
    read them (``normal_path``): ``/api/v3/../v3-other/`` and ``/api/v3/%2e%2e/x`` leave
    the root, however they are spelled. A URL with a control or space character is no
    URL GitHub sends: refused (it would also reach the log as it is).
    """
    if any(_unsafe(char) for char in url):
        return False
    target = origin(url)
    if target is None or target != origin(root):
        return False
    path, prefix = normal_path(urlsplit(url).path), normal_path(urlsplit(root).path)
    if path is None or prefix is None:
        return False
    prefix = prefix.rstrip("/")
    return path == prefix or path.startswith(prefix + "/")


# Percent-escapes left after one round of decoding (a double escape such as %252e).
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


def normal_path(path: str) -> str | None:
    """A URL path as a server resolves it; None when it cannot be trusted to mean one path.

    Escapes are decoded and dot segments removed (RFC 3986, section 5.2.4). None for a
    path that still holds an escape after decoding (a server or proxy that decodes twice
    would see dots or slashes this check did not), or a backslash (which some servers
    take for a slash).
    """
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:
        return None  # escapes that are not UTF-8: no path GitHub links to
    if _ESCAPE.search(decoded) or "\\" in decoded:
        return None
    out: list[str] = []
    segments = decoded.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "..":
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
        elif segment == ".":
            if last:
                out.append("")
        else:
            out.append(segment)
    return "/".join(out)


def _unsafe(char: str) -> bool:
    """A character no URL may carry raw: controls, spaces, invisible format characters."""
    return char.isspace() or not char.isprintable()


def host_of(root: str) -> str:
    """The host (and a non-default port) of an API root, for messages: never userinfo."""
    found = origin(root)
    if found is None:
        return "the API host"
    scheme, host, port = found
    return host if DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"


def is_github_host(host: str) -> bool:
    """Whether ``host`` is one of GitHub's own (github.com, its subdomains, ghe.com)."""
    host = host.lower().rstrip(".")
    return any(host == x or host.endswith("." + x) for x in ("github.com", "ghe.com"))
