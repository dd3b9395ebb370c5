"""The front door: run a validated job against GitHub and return what happened.

The action and the CLI are adapters around this one function; tests, the demo and the
benchmarks call it too. Its seams are parameters: ``connect`` builds a transport from an
``Access`` (a test passes a shorter timeout or its own pacer), ``clock`` is how time
passes, ``events`` is where progress goes. Nothing here prints or reads the environment.

The run: plan every org and store (keys, listings, repository IDs, limits) before
changing anything; if a repository entry is wrong anywhere, change nothing anywhere —
the user's list is wrong, and applying it to some orgs would leave them out of step.
Otherwise apply org by org, store by store; one store's failure never stops another's.
Each token gets its own transport (fine-grained and App tokens are per org), so GitHub's
per-token pacing is honoured per token.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, Protocol

from .clock import SYSTEM_CLOCK, Clock
from .config import Access, Config, Store, Visibility
from .errors import ActionError, Interrupted, RepositoryError, ScaleError
from .events import Events
from .redact import Redactor
from .results import RunResult, SecretResult, Status, StoreError

if TYPE_CHECKING:
    from .github import GitHub
    from .plan import StoreFailure, StorePlan
    from .retry import Retrier
    from .transport import Transport


class Connect(Protocol):
    """Builds the transport for one token (the ``Transport`` class itself, by default)."""

    def __call__(
        self,
        access: Access,
        *,
        clock: Clock,
        events: Events,
        redactor: Redactor | None = None,
        retrier: Retrier | None = None,
    ) -> Transport:
        """A transport that sends to ``access.api_url`` with ``access.token``.

        It removes the ``redactor``'s secrets from every text the server sends, and
        charges its retries to ``retrier``'s budget when given (the run's other tokens').
        """


NOT_ATTEMPTED = "not attempted: a repository entry is wrong (see the other errors)"
NOT_IN_TIME = "not attempted: the writes cannot finish within run-time-limit (see the error)"


class _Clients:
    """One GitHub client per distinct token, made on first use and closed at the end."""

    def __init__(
        self,
        access: Access,
        connect: Connect,
        clock: Clock,
        events: Events,
        redactor: Redactor | None = None,
    ) -> None:
        self.access, self.connect, self.clock, self.events = access, connect, clock, events
        self.redactor = redactor or Redactor()
        self.by_token: dict[str, GitHub] = {}
        # The first transport's retry budget serves every token: one budget per run.
        self.retrier: Retrier | None = None

    def for_org(self, org: str) -> GitHub:
        from .github import GitHub  # noqa: PLC0415 - see execute

        access = self.access.for_org(org)
        if access.token not in self.by_token:
            transport = self.connect(
                access,
                clock=self.clock,
                events=self.events,
                redactor=self.redactor,
                retrier=self.retrier,
            )
            self.retrier = transport.retrier
            self.by_token[access.token] = GitHub(transport)
        return self.by_token[access.token]

    def close(self) -> None:
        for github in self.by_token.values():
            github.transport.close()


def execute(
    config: Config,
    events: Events,
    *,
    connect: Connect | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> RunResult:
    """Plan every org and store, then (unless a repository entry is wrong) apply them.

    An ``Interrupted`` (SIGINT/SIGTERM, raised by the adapter's handler) ends the run
    early: the results so far come back, marked interrupted.
    """
    # Imported only now: a run that fails validation never loads requests or nacl.
    from .apply import apply_store  # noqa: PLC0415
    from .plan import StorePlan, plan_org  # noqa: PLC0415
    from .transport import Transport  # noqa: PLC0415

    job = config.job
    # Every value, so that no server text quoting one reaches the log or the summary.
    redactor = Redactor(secret.value for secret in job.secrets)
    clients = _Clients(config.access, connect or Transport, clock, events, redactor)
    results: list[SecretResult] = []
    errors: list[str] = []
    store_errors: list[StoreError] = []
    key_ids: dict[tuple[str, Store], str] = {}
    interrupted = False
    try:
        planned: list[tuple[str, tuple[StorePlan | StoreFailure, ...] | ActionError]] = []
        for org in job.orgs:
            try:
                planned.append((org, plan_org(org, job, clients.for_org(org))))
            except ActionError as exc:
                planned.append((org, exc))
        stop = any(isinstance(plans, RepositoryError) for _, plans in planned)
        too_long = _check_write_time(config, planned, events)
        if too_long is not None:
            errors.append(str(too_long))
            stop = True
        for org, plans in planned:
            if isinstance(plans, ActionError):
                results += _fail(org, None, plans, config, errors, store_errors)
                continue
            for plan in plans:
                if not isinstance(plan, StorePlan):
                    results += _fail(org, plan.store, plan.error, config, errors, store_errors)
                    continue
                if plan.key is not None:
                    key_ids[(org, plan.store)] = plan.key.key_id
                if stop:
                    why = NOT_ATTEMPTED if too_long is None else NOT_IN_TIME
                    results += _failed_everywhere(org, (plan.store,), config, why)
                    continue
                outcome = apply_store(plan, job.dry_run, clients.for_org(org), events)
                results += outcome.results
                errors += outcome.errors
    except Interrupted:
        interrupted = True
    finally:
        clients.close()
    return RunResult(
        tuple(results),
        key_ids,
        tuple(errors),
        tuple(store_errors),
        dry_run=job.dry_run,
        interrupted=interrupted,
    )


def _check_write_time(
    config: Config,
    planned: list[tuple[str, tuple[StorePlan | StoreFailure, ...] | ActionError]],
    events: Events,
) -> ScaleError | None:
    """How long each token's writes need under GitHub's limits; too long is an error.

    Each token has its own limits (80 writes a minute, 500 an hour), so the writes are
    counted per token: every PUT, and every DELETE of a secret that exists.
    """
    from .plan import StorePlan  # noqa: PLC0415 - see execute
    from .retry import minimum_write_time  # noqa: PLC0415

    shares: dict[str, tuple[list[str], int]] = {}
    for org, plans in planned:
        if isinstance(plans, ActionError):
            continue
        writes = sum(
            len(p.writes) + sum(d.before is not None for d in p.deletes)
            for p in plans
            if isinstance(p, StorePlan)
        )
        orgs, count = shares.get(config.access.token_for(org), ([], 0))
        shares[config.access.token_for(org)] = ([*orgs, org], count + writes)
    limit = config.job.run_time_limit
    over: list[str] = []
    for orgs, writes in shares.values():
        needed = minimum_write_time(writes)
        whose = f"the token of {', '.join(orgs)}"
        if writes:
            events.info(
                f"Plan: {writes} write(s) with {whose}; at least {_duration(needed)} under "
                "GitHub's limits of 80 writes a minute and 500 an hour per token."
            )
        if needed > limit:
            over.append(f"{whose} has {writes} writes, which need at least {_duration(needed)}")
    if not over:
        return None
    return ScaleError(
        f"The writes cannot finish within run-time-limit ({_duration(limit)}): "
        f"{'; '.join(over)}, under GitHub's limits of 80 writes a minute and 500 an hour "
        "per token. Nothing was written.",
        remedy="Split the orgs across jobs, each with its own token: a workflow matrix with "
        "one GitHub App token per org (README: At enterprise scale). Or raise "
        "run-time-limit (at most 360 minutes).",
    )


def _duration(seconds: float) -> str:
    """Seconds as a person reads them: 45 s, 12 min, 3 h 20 min."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} h {minutes % 60} min"


def _fail(
    org: str,
    store: Store | None,
    error: ActionError,
    config: Config,
    errors: list[str],
    store_errors: list[StoreError],
) -> list[SecretResult]:
    """Fail every secret the job names in an org (``store`` None) or one of its stores.

    The failure came before any change there; its error is noted once.
    """
    errors.append(str(error))
    store_errors.append(StoreError(org, store, error.title, error.message, error.remedy))
    stores = config.job.stores if store is None else (store,)
    return _failed_everywhere(org, stores, config, error.message)


def _failed_everywhere(
    org: str, stores: tuple[Store, ...], config: Config, error: str
) -> list[SecretResult]:
    """Every secret the job names, failed in each of ``stores`` of ``org``."""
    names = [s.name for s in config.job.secrets] + list(config.job.deletes)
    return [
        SecretResult(org, store, name, Status.FAILED, error=error)
        for store in stores
        for name in names
    ]


class Listed(NamedTuple):
    """One existing secret as ``list`` shows it (never its value)."""

    org: str
    store: Store
    name: str
    visibility: Visibility
    repositories: int | None  # how many may use it, when selected
    updated_at: str


def inventory(
    access: Access,
    orgs: tuple[str, ...],
    stores: tuple[Store, ...],
    events: Events,
    *,
    connect: Connect | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> tuple[list[Listed], list[str]]:
    """List the secrets of every org and store; an org or store that fails is an error."""
    from .transport import Transport  # noqa: PLC0415 - see execute

    clients = _Clients(access, connect or Transport, clock, events)
    listed: list[Listed] = []
    errors: list[str] = []
    try:
        for org in orgs:
            github = clients.for_org(org)
            for store in stores:
                try:
                    for secret in github.list_secrets(org, store).values():
                        count = None
                        if secret.visibility is Visibility.SELECTED:
                            count = len(github.selected_repositories(org, store, secret.name))
                        listed.append(
                            Listed(
                                org,
                                store,
                                secret.name,
                                secret.visibility,
                                count,
                                secret.updated_at,
                            )
                        )
                except ActionError as exc:
                    errors.append(str(exc))
    finally:
        clients.close()
    return listed, errors
