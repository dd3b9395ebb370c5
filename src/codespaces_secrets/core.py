"""The front door: run a validated job against GitHub and return what happened.

The action and the CLI are adapters around this one function; tests, the demo and the
benchmarks call it too. Its seams are parameters: ``connect`` builds a transport for a
token (``seam.Connect``; tests pass an in-memory one, or shorter limits), ``clock`` is
how time passes, ``events`` is where progress goes. Nothing here prints or reads the
environment, and nothing here holds a token: orgs are grouped by ``Access.token_id``.

The run: plan every org and store (keys, listings, repository IDs, limits) before
changing anything; if a repository entry is wrong anywhere, change nothing anywhere —
the user's list is wrong, and applying it to some orgs would leave them out of step —
and if the writes cannot fit the run's time under GitHub's limits, change nothing
either. Otherwise apply org by org, store by store; one store's failure never stops
another's. Each token is a lane (``lanes``): its orgs are worked through one request
at a time, as GitHub asks, while other tokens' lanes work at the same time.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, NamedTuple

from .clock import SYSTEM_CLOCK, Clock
from .config import Access, Config, Job, Store, Visibility
from .errors import ActionError, Interrupted
from .events import Events
from .github import GitHub
from .lanes import Lanes, SharedEvents
from .ledger import Ledger
from .plan import OrgPlan, check_write_time, plan_org
from .progress import Progress
from .redact import Redactor
from .results import RunResult, SecretResult, Status, StoreError
from .retry import Retrier

if TYPE_CHECKING:
    from .seam import Connect


NOT_ATTEMPTED = "not attempted: a repository entry is wrong (see the other errors)"
NOT_IN_TIME = "not attempted: the writes cannot finish within run-time-limit (see the error)"


def default_connect() -> Connect:
    """The HTTP transport, imported on first use.

    The start-up policy (see ``process``): requests, urllib3 and nacl are loaded only
    by a run that gets past validation. This and ``apply`` (through ``crypto``) are the
    two places the front door reaches them, both imported here, lazily, once.
    """
    from .transport import HttpTransport  # noqa: PLC0415 - the start-up policy

    return HttpTransport


class _Clients:
    """One GitHub client per distinct token, made on first use and closed at the end."""

    def __init__(
        self,
        access: Access,
        connect: Connect,
        clock: Clock,
        events: Events,
        redactor: Redactor,
    ) -> None:
        self.access, self.connect, self.clock, self.events = access, connect, clock, events
        self.redactor = redactor
        # One retry budget for the run, shared by every token's transport.
        self.retrier = Retrier.for_api(access.retry, access.api_url, clock)
        self.by_token: dict[int, GitHub] = {}
        self._lock = threading.Lock()

    def for_org(self, org: str) -> GitHub:
        token = self.access.token_id(org)
        with self._lock:
            if token not in self.by_token:
                transport = self.connect(
                    self.access.for_org(org),
                    clock=self.clock,
                    events=self.events,
                    redactor=self.redactor,
                    retrier=self.retrier,
                )
                self.by_token[token] = GitHub(transport)
            return self.by_token[token]

    def close(self) -> None:
        for github in self.by_token.values():
            github.transport.close()


def execute(
    config: Config,
    events: Events,
    *,
    connect: Connect | None = None,
    clock: Clock = SYSTEM_CLOCK,
    ledger: Ledger | None = None,
) -> RunResult:
    """Plan every org and store, then (unless the plan says stop) apply them.

    An ``Interrupted`` (SIGINT/SIGTERM, raised by the adapter's handler) ends the run
    early: every outcome known so far comes back, the write in flight marked unknown.
    ``ledger``: where outcomes are recorded as they arrive; an adapter that passes its
    own still has them if a signal lands after this returns.
    """
    job = config.job
    # Every value, so that no server text quoting one reaches the log or the summary.
    redactor = Redactor(secret.value for secret in job.secrets)
    shared = SharedEvents(events)
    clients = _Clients(config.access, connect or default_connect(), clock, shared, redactor)
    lanes = Lanes(job.max_parallel, shared)
    ledger = ledger or Ledger()
    run = _Run(job, config.access, clients, shared, ledger, lanes.stopped)
    interrupted = False
    try:
        lanes.run(job.orgs, config.access.token_id, run.plan)
        run.settle(clock)
        lanes.run(job.orgs, config.access.token_id, run.apply)
    except Interrupted:
        interrupted = True
        ledger.close()  # before the lanes' connections close under them
        lanes.stop()
    finally:
        clients.close()
    return RunResult(
        ledger.results(),
        dict(run.key_ids) if len(job.orgs) == 1 and len(job.stores) == 1 else {},
        tuple(run.errors),
        tuple(run.store_errors),
        dry_run=job.dry_run,
        interrupted=interrupted,
    )


class _Run:
    """One run's shared state: its plans, and what the lanes report back."""

    def __init__(
        self,
        job: Job,
        access: Access,
        clients: _Clients,
        events: Events,
        ledger: Ledger,
        stopped: threading.Event,
    ) -> None:
        self.job, self.access, self.clients, self.events = job, access, clients, events
        self.ledger, self.stopped = ledger, stopped
        self.plans: dict[str, OrgPlan] = {}
        self.errors: list[str] = []
        self.store_errors: list[StoreError] = []
        self.key_ids: dict[tuple[str, Store], str] = {}
        self.progress: Progress | None = None
        self._lock = threading.Lock()

    def plan(self, org: str) -> None:
        """Plan one org (in its token's lane)."""
        plan = plan_org(org, self.job, self.clients.for_org(org), self.access.token_id(org))
        with self._lock:
            self.plans[org] = plan

    def settle(self, clock: Clock) -> None:
        """After every plan: stop everything if the plans say so; give every change a slot."""
        ordered = [self.plans[org] for org in self.job.orgs]
        stop = ""
        if any(plan.wrong_repositories for plan in ordered):
            stop = NOT_ATTEMPTED
        timing = check_write_time(ordered, self.job.run_time_limit, self.job.max_parallel)
        for line in timing.lines:
            self.events.info(line)
        if timing.error is not None:
            self.errors.append(str(timing.error))
            stop = NOT_IN_TIME
        for plan in ordered:
            self._reserve(plan, stop)
        if stop:
            self.plans.clear()  # nothing to apply
            return
        total = sum(store.changes for plan in ordered for store in plan.stores)
        self.progress = Progress(total, timing.needed, clock, self.events)

    def _reserve(self, plan: OrgPlan, stop: str) -> None:
        """Record what failed in planning; reserve a slot for every change to make."""
        if plan.error is not None:
            self._fail(plan.org, None, plan.error)
            return
        for store in plan.stores:
            if store.error is not None:
                self._fail(plan.org, store.store, store.error)
                continue
            if store.key is not None:
                self.key_ids[(plan.org, store.store)] = store.key.key_id
            names = [w.secret.name for w in store.writes] + [d.name for d in store.deletes]
            for name in names:
                if stop:
                    failed = SecretResult(plan.org, store.store, name, Status.FAILED, error=stop)
                    self.ledger.record(failed)
                else:
                    self.ledger.expect(plan.org, store.store, name)

    def _fail(self, org: str, store: Store | None, error: ActionError) -> None:
        """Fail every secret the job names in an org (``store`` None) or one of its stores."""
        self.errors.append(str(error))
        self.store_errors.append(StoreError(org, store, error.title, error.message, error.remedy))
        names = [s.name for s in self.job.secrets] + list(self.job.deletes)
        for each in self.job.stores if store is None else (store,):
            for name in names:
                failed = SecretResult(org, each, name, Status.FAILED, error=error.message)
                self.ledger.record(failed)

    def apply(self, org: str) -> None:
        """Apply one org's plan, store by store (in its token's lane)."""
        from .apply import StoreRun  # noqa: PLC0415 - the start-up policy (default_connect)

        plan = self.plans.get(org)
        if plan is None or plan.error is not None:
            return
        github = self.clients.for_org(org)
        for store in plan.stores:
            if store.error is not None:
                continue
            run = StoreRun(
                store,
                github,
                self.events,
                self.ledger,
                dry_run=self.job.dry_run,
                stopped=self.stopped.is_set,
                done=self.progress.done if self.progress else None,
            )
            run.run()
            with self._lock:
                self.errors.extend(run.errors)
                if run.key is not None:
                    self.key_ids[(org, store.store)] = run.key.key_id


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
    clients = _Clients(access, connect or default_connect(), clock, events, Redactor())
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
