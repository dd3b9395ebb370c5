"""The REST API versions a client may ask for with `X-GitHub-Api-Version`.

GitHub serves two calendar versions: 2022-11-28 (the default when the header is absent) and
2026-03-10. Any other value is refused with 400 before anything else is looked at, with a
message naming the versions it does serve. How the descriptions differ is in `openapi`.
"""

from __future__ import annotations

from collections.abc import Mapping

from .messages import HttpError

DEFAULT_API_VERSION = "2022-11-28"
# Oldest first; GitHub's message lists them newest first.
API_VERSIONS = (DEFAULT_API_VERSION, "2026-03-10")
VERSION_HEADER = "x-github-api-version"
# The version from which repository objects no longer carry `has_downloads`.
NO_HAS_DOWNLOADS_FROM = "2026-03-10"


def requested_version(headers: Mapping[str, str]) -> str:
    """The version the request asks for (the default without the header), or HttpError 400."""
    asked = headers.get(VERSION_HEADER)
    if asked is None:
        return DEFAULT_API_VERSION
    if asked.strip() in API_VERSIONS:
        return asked.strip()
    raise unsupported_version(asked)


def unsupported_version(asked: str) -> HttpError:
    """GitHub's 400 for a version it does not serve (the value is quoted, cut to 40 chars)."""
    shown = asked[:40]
    newest, *older = API_VERSIONS[::-1]
    served = ", ".join([f'"{newest}" (most recent)', *(f'"{v}"' for v in older)])
    return HttpError(
        400,
        f'The version you specified in the "X-GitHub-Api-Version" request header, "{shown}", '
        f"is not a supported version. The following versions are currently supported: {served}.",
    )
