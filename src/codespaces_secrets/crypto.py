"""Seal a secret value for GitHub with a libsodium sealed box.

GitHub decrypts with the private half of the organization's Codespaces key; a sealed
box needs no sender key, so only GitHub can open it.
https://docs.github.com/en/rest/guides/encrypting-secrets-for-the-rest-api
"""

from __future__ import annotations

import base64
import binascii

from nacl.exceptions import CryptoError
from nacl.public import PublicKey, SealedBox

from .errors import ActionError


def seal(public_key_b64: str, value: str) -> str:
    """Return the padded standard base64 of ``value`` sealed to the given public key."""
    try:
        key = PublicKey(base64.b64decode(public_key_b64, validate=True))
    except (binascii.Error, ValueError, CryptoError, TypeError) as exc:
        raise ActionError(
            "GitHub returned a public key that is not a base64 Curve25519 key.",
            remedy="Check api-url points at the GitHub REST API root.",
        ) from exc
    sealed = SealedBox(key).encrypt(value.encode("utf-8"))
    return base64.b64encode(sealed).decode("ascii")
