"""The data every seeded emulator starts with; tests and the demo name these constants.

Tokens:
- ADMIN_TOKEN: classic PAT, scopes `admin:org` and `repo`, owner of every org.
- NOSCOPE_TOKEN: classic PAT with `repo` only (403 on org secrets: the missing-scope case).
- FINE_GRAINED_TOKEN: fine-grained PAT (no X-OAuth-Scopes header), owner of every org,
  with the "Codespaces secrets" organization permission.
- NOT_OWNER_TOKEN: classic, `admin:org` + `repo`, but owner of no org (GitHub answers 404).
- SSO_TOKEN: like ADMIN_TOKEN and authorized for SAML single sign-on, so it works on
  `sso-org`, where ADMIN_TOKEN gets the SAML 403.
- LABS_TOKEN: classic, `admin:org` + `repo`, owner of `octo-labs` only.

Organizations (plan; repositories, all private unless noted):
- octo-org (team; web, api, docs, infra)
- octo-labs (team; web, ml)
- free-org (free: every Codespaces endpoint answers 404; site)
- sso-org (team, SAML enforced; app)

No secrets are seeded: `Emulator.set_secret` adds some where a test needs them.
"""

from __future__ import annotations

from .state import State

ADMIN_TOKEN = "ghp_emulatorAdminToken0000000000000000"
NOSCOPE_TOKEN = "ghp_emulatorNoScopeToken000000000000000"
FINE_GRAINED_TOKEN = "github_pat_11EMULATOR0FineGrainedToken0000000000000000000000"
NOT_OWNER_TOKEN = "ghp_emulatorNotOwnerToken00000000000000"
SSO_TOKEN = "ghp_emulatorSsoAuthorizedToken000000000"
LABS_TOKEN = "ghp_emulatorLabsOwnerToken0000000000000"

SEED_ORGS = ("octo-org", "octo-labs", "free-org", "sso-org")


def seed(state: State) -> None:
    """Add the documented organizations, repositories and tokens."""
    state.add_org("octo-org", repos=("web", "api", "docs", "infra"))
    state.add_org("octo-labs", repos=("web", "ml"))
    state.add_org("free-org", plan="free", repos=("site",))
    state.add_org("sso-org", saml=True, repos=("app",))
    state.add_token(ADMIN_TOKEN)
    state.add_token(NOSCOPE_TOKEN, scopes=("repo",))
    state.add_token(FINE_GRAINED_TOKEN, scopes=(), fine_grained=True)
    state.add_token(NOT_OWNER_TOKEN, owner_of=())
    state.add_token(SSO_TOKEN, sso_authorized=True)
    state.add_token(LABS_TOKEN, owner_of=("octo-labs",))
