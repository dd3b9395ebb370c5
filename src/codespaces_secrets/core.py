"""The front door: run a validated job against GitHub and return what happened.

The action and the CLI are adapters around this one function; tests, the demo and the
benchmarks call it too. Its seams are parameters: ``connect`` builds the transport from
the ``Access`` (a test passes a shorter timeout or its own pacer), ``clock`` is how time
passes, ``events`` is where progress goes. Nothing here prints or reads the environment.

The run: plan every org (keys, listings, repository IDs) before writing anything; if a
repository entry is wrong anywhere, write nowhere — the user's list is wrong, and writing
some orgs with it would leave them out of step. Otherwise write org by org; one org's
failure never stops another's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from .clock import SYSTEM_CLOCK, Clock
from .config import Access, Config
from .errors import ActionError, RepositoryError
from .events import Events
from .redact import Redactor
from .results import RunResult, SecretResult, Status

if TYPE_CHECKING:
    from .transport import Transport


class Connect(Protocol):
    """Builds the transport for a run (the ``Transport`` class itself, by default)."""

    def __call__(
        self, access: Access, *, clock: Clock, events: Events, redactor: Redactor | None = None
    ) -> Transport:
        """A transport that sends to ``access.api_url`` with ``access.token``.

        It removes the ``redactor``'s secrets from every text the server sends.
        """


NOT_ATTEMPTED = "not attempted: a repository entry is wrong (see the other errors)"


def execute(
    config: Config,
    events: Events,
    *,
    connect: Connect | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> RunResult:
    """Plan every org, then (unless a repository entry is wrong) write every secret."""
    # Imported only now: a run that fails validation never loads requests or nacl.
    from .apply import write_org  # noqa: PLC0415
    from .github import GitHub  # noqa: PLC0415
    from .plan import OrgPlan, plan_org  # noqa: PLC0415
    from .transport import Transport  # noqa: PLC0415

    job = config.job
    redactor = Redactor(secret.value for secret in job.secrets)
    transport = (connect or Transport)(config.access, clock=clock, events=events, redactor=redactor)
    try:
        github = GitHub(transport)
        planned: list[OrgPlan | ActionError] = []
        for org in job.orgs:
            try:
                planned.append(plan_org(org, job, github, events))
            except ActionError as exc:
                planned.append(exc)
        stop = any(isinstance(p, RepositoryError) for p in planned)
        results: list[SecretResult] = []
        errors: list[str] = []
        key_ids: dict[str, str] = {}
        for org, plan in zip(job.orgs, planned, strict=True):
            if isinstance(plan, ActionError):
                errors.append(str(plan))
                results += [_failed(org, s.name, plan.message) for s in job.secrets]
            elif stop:
                results += [_failed(org, w.secret.name, NOT_ATTEMPTED) for w in plan.writes]
            else:
                outcome = write_org(plan, job.dry_run, github, events)
                results += outcome.results
                errors += outcome.errors
            if isinstance(plan, OrgPlan):
                key_ids[org] = plan.key.key_id
    finally:
        transport.close()
    return RunResult(tuple(results), key_ids, tuple(errors))


def _failed(org: str, name: str, error: str) -> SecretResult:
    return SecretResult(org, name, Status.FAILED, error=error)
