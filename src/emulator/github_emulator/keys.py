"""Curve25519 key pairs: GitHub seals each org secret to the key of its org and store."""

from __future__ import annotations

import base64
import binascii
import secrets
from dataclasses import dataclass, field

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, SealedBox


class UndecryptableError(ValueError):
    """The encrypted value is not a base64 sealed box opened by this key."""


@dataclass(frozen=True)
class OrgKey:
    """A key pair and the opaque id GitHub publishes with its public half."""

    key_id: str
    private_key: PrivateKey = field(repr=False)

    @classmethod
    def generate(cls, *, avoid: str = "") -> OrgKey:
        """A fresh key pair; `avoid` keeps a rotated key from reusing the previous id."""
        while True:
            # GitHub's ids are ~19-digit decimal strings; clients must treat them as opaque text.
            key_id = str(10**18 + secrets.randbelow(9 * 10**18))
            if key_id != avoid:
                return cls(key_id=key_id, private_key=PrivateKey.generate())

    @property
    def public_b64(self) -> str:
        """The public key as GitHub serves it: standard base64 of the 32 raw bytes."""
        return base64.b64encode(bytes(self.private_key.public_key)).decode("ascii")

    def open(self, encrypted_b64: str) -> bytes:
        """Decode and open a sealed box, as GitHub does when it stores the secret."""
        try:
            sealed = base64.b64decode(encrypted_b64, validate=True)
            return SealedBox(self.private_key).decrypt(sealed)
        except (binascii.Error, CryptoError) as exc:
            raise UndecryptableError(str(exc)) from exc
