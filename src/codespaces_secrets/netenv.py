"""The network settings of the environment, read once by an adapter (the door).

Nothing below the adapters reads ``os.environ``: ``action.main(environ)`` and the CLI
hand their environment here and pass the result down in ``Access.network``. These are
the variables the runner and curl-like tools honour, with requests' meaning:
``REQUESTS_CA_BUNDLE`` (then ``CURL_CA_BUNDLE``) for the trusted CAs; ``https_proxy``,
``all_proxy`` (either case, lower case first) and ``no_proxy`` for proxies. Loopback
API roots never go through a proxy (the transport decides that).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from urllib.parse import urlsplit

from .config import Network


def network_from(environ: Mapping[str, str], api_url: str, ca: str | None = None) -> Network:
    """The CA bundle and proxies for ``api_url`` under ``environ`` (``ca`` wins if given)."""
    bundle = ca or environ.get("REQUESTS_CA_BUNDLE") or environ.get("CURL_CA_BUNDLE") or None
    parts = urlsplit(api_url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if _bypassed(host, parts.port, _get(environ, "no_proxy")):
        return Network(bundle)
    proxy = _get(environ, f"{scheme}_proxy") or _get(environ, "all_proxy")
    return Network(bundle, ((scheme, proxy),) if proxy else ())


def _get(environ: Mapping[str, str], name: str) -> str:
    return (environ.get(name) or environ.get(name.upper()) or "").strip()


def _bypassed(host: str, port: int | None, no_proxy: str) -> bool:
    """Whether ``no_proxy`` names the host: ``*``, a domain (and its subdomains), an IP or CIDR."""
    for entry in (x.strip().lower() for x in no_proxy.replace(" ", ",").split(",")):
        if not entry:
            continue
        if entry == "*":
            return True
        name, _, entry_port = entry.rpartition(":") if _has_port(entry) else (entry, "", "")
        if entry_port and port is not None and entry_port != str(port):
            continue
        if (
            _in_network(host, name)
            or host == name.lstrip(".")
            or host.endswith("." + name.lstrip("."))
        ):
            return True
    return False


def _has_port(entry: str) -> bool:
    head, sep, tail = entry.rpartition(":")
    return bool(sep) and tail.isdecimal() and ":" not in head.strip("[]")


def _in_network(host: str, entry: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")) in ipaddress.ip_network(entry, strict=False)
    except ValueError:
        return False
