"""A throw-away certificate authority and server certificate for HTTPS on loopback.

ECDSA keys, because generating RSA keys would dominate a test's start-up time.
"""

from __future__ import annotations

import shutil
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path

import trustme


@dataclass(frozen=True)
class TlsFiles:
    """The server's TLS context and the CA file clients should trust."""

    context: ssl.SSLContext
    ca_file: str
    directory: str

    @classmethod
    def create(cls, host: str) -> TlsFiles:
        """A new CA, a certificate for `host` and localhost, and the CA PEM in a temp dir."""
        ca = trustme.CA(key_type=trustme.KeyType.ECDSA)
        names = dict.fromkeys([host, "localhost", "127.0.0.1"])
        server_cert = ca.issue_cert(*names, key_type=trustme.KeyType.ECDSA)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        server_cert.configure_cert(context)
        directory = tempfile.mkdtemp(prefix="codespaces-emulator-")
        ca_file = Path(directory) / "ca.pem"
        ca.cert_pem.write_to_path(str(ca_file))
        return cls(context=context, ca_file=str(ca_file), directory=directory)

    def remove(self) -> None:
        """Delete the CA file and its directory."""
        shutil.rmtree(self.directory, ignore_errors=True)
