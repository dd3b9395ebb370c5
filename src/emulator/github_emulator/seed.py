"""The data every seeded emulator starts with, described once for code, `--help` and README.

Tests and scripts name the token constants; `seed` adds everything to a fresh state, and
`seed_lines` renders the same tables as text, so the command's help and the README's list
cannot drift from what the emulator really holds. No secrets are seeded:
`Emulator.set_secret` adds some where a test needs them.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from .state import State
from .stores import DEFAULT_STORE, STORE_NAMES, STORES

ADMIN_TOKEN = "ghp_emulatorAdminToken0000000000000000"
NOSCOPE_TOKEN = "ghp_emulatorNoScopeToken000000000000000"
FINE_GRAINED_TOKEN = "github_pat_11EMULATOR0FineGrainedToken0000000000000000000000"
ALL_STORES_TOKEN = "github_pat_11EMULATOR0AllStoresToken000000000000000000000000"
NOT_OWNER_TOKEN = "ghp_emulatorNotOwnerToken00000000000000"
SSO_TOKEN = "ghp_emulatorSsoAuthorizedToken000000000"
LABS_TOKEN = "ghp_emulatorLabsOwnerToken0000000000000"


@dataclass(frozen=True)
class SeedOrg:
    """One seeded organization; all its repositories are private."""

    login: str
    plan: str
    repos: tuple[str, ...]
    saml: bool = False
    note: str = ""


@dataclass(frozen=True)
class SeedToken:
    """One seeded token: what GitHub would see in it, and what a test uses it for."""

    name: str  # the constant's name in this module
    value: str
    note: str
    scopes: tuple[str, ...] = ("admin:org", "repo")
    owner_of: tuple[str, ...] | None = None  # None: an owner of every org
    sso_authorized: bool = False
    fine_grained: bool = False
    # Fine-grained only: the stores whose organization permission the token holds.
    stores: tuple[str, ...] = (DEFAULT_STORE,)

    def describe(self) -> str:
        """Kind, scopes or permissions, and ownership in a few words, from the fields."""
        kind = "fine-grained PAT" if self.fine_grained else "classic PAT"
        if self.fine_grained:
            held = " ".join(f"{STORES[name].permission}=write" for name in self.stores)
            scopes = f", permissions {held}"
        else:
            scopes = f", scopes {' '.join(self.scopes)}"
        if self.owner_of is None:
            owner = "owner of every org"
        elif self.owner_of:
            owner = "owner of " + ", ".join(self.owner_of) + " only"
        else:
            owner = "owner of no org"
        sso = ", SAML-authorized" if self.sso_authorized else ""
        return f"{kind}{scopes}; {owner}{sso}"


ORGS: tuple[SeedOrg, ...] = (
    SeedOrg("octo-org", "team", ("web", "api", "docs", "infra")),
    SeedOrg("octo-labs", "team", ("web", "ml")),
    SeedOrg(
        "free-org",
        "free",
        ("site",),
        note="its Codespaces endpoints answer 404, the other stores work",
    ),
    SeedOrg("sso-org", "team", ("app",), saml=True, note="SAML enforced"),
)

TOKENS: tuple[SeedToken, ...] = (
    SeedToken("ADMIN_TOKEN", ADMIN_TOKEN, "may do everything except on sso-org (SAML 403)"),
    SeedToken(
        "NOSCOPE_TOKEN",
        NOSCOPE_TOKEN,
        "403 with scope headers on org secrets (the missing-scope case)",
        scopes=("repo",),
    ),
    SeedToken(
        "FINE_GRAINED_TOKEN",
        FINE_GRAINED_TOKEN,
        "the other stores answer 403 with X-Accepted-GitHub-Permissions; no X-OAuth-Scopes",
        scopes=(),
        fine_grained=True,
    ),
    SeedToken(
        "ALL_STORES_TOKEN",
        ALL_STORES_TOKEN,
        "may write to all four stores",
        scopes=(),
        fine_grained=True,
        stores=STORE_NAMES,
    ),
    SeedToken(
        "NOT_OWNER_TOKEN",
        NOT_OWNER_TOKEN,
        "404 on every org's secrets (GitHub hides them)",
        owner_of=(),
    ),
    SeedToken(
        "SSO_TOKEN", SSO_TOKEN, "like ADMIN_TOKEN, and works on sso-org", sso_authorized=True
    ),
    SeedToken("LABS_TOKEN", LABS_TOKEN, "404 on octo-org's secrets", owner_of=("octo-labs",)),
)

SEED_ORGS = tuple(org.login for org in ORGS)


def seed(state: State) -> None:
    """Add the documented organizations, repositories and tokens."""
    for org in ORGS:
        state.add_org(org.login, plan=org.plan, repos=org.repos, saml=org.saml)
    for token in TOKENS:
        state.add_token(
            token.value,
            scopes=token.scopes,
            owner_of=token.owner_of,
            sso_authorized=token.sso_authorized,
            fine_grained=token.fine_grained,
            stores=token.stores if token.fine_grained else None,
        )


def _org_text(org: SeedOrg) -> str:
    note = f"; {org.note}" if org.note else ""
    return f"{org.plan} plan{note}; repositories {', '.join(org.repos)}"


def seed_lines(*, markdown: bool = False) -> Sequence[str]:
    """The seeded orgs and tokens: a Markdown list, or plain text wrapped for a terminal."""
    if markdown:
        return [
            "Organizations (all repositories private):",
            *(f"- `{org.login}`: {_org_text(org)}" for org in ORGS),
            "",
            "Tokens (each sent as `Authorization: Bearer TOKEN`):",
            *(f"- `{t.value}` (`{t.name}`): {t.describe()}; {t.note}" for t in TOKENS),
        ]
    lines = ["Organizations (all repositories private):"]
    lines += [f"  {org.login}: {_org_text(org)}" for org in ORGS]
    lines += ["", "Tokens (each sent as Authorization: Bearer TOKEN):"]
    for t in TOKENS:
        lines.append(f"  {t.value}  ({t.name})")
        lines += textwrap.wrap(
            f"{t.describe()}; {t.note}", width=88, initial_indent=" " * 6, subsequent_indent=" " * 6
        )
    return lines
