"""Planning and applying, without a socket: the in-memory transport answers.

Table-driven tests of what the run decides — create or update, kept visibility and
repository lists, the count limit and the room it leaves, prune's selection, the order
of writes and deletes, the time estimate — and of what apply reports when GitHub's
answer surprises it. The wire itself is the emulator's tests' business.
"""

from __future__ import annotations

import pytest

from codespaces_secrets.apply import CREATED_ELSEWHERE, NO_ROOM, NOT_PRUNED, StoreRun
from codespaces_secrets.config import Job, Repository, Secret, Store, Visibility
from codespaces_secrets.errors import LimitError
from codespaces_secrets.github import ExistingSecret, GitHub, Outcome, PublicKey
from codespaces_secrets.ledger import IN_FLIGHT, NOT_ATTEMPTED, Ledger
from codespaces_secrets.plan import (
    Before,
    OrgPlan,
    StoreFacts,
    StorePlan,
    check_write_time,
    decide,
    plan_org,
)
from codespaces_secrets.prune import PruneLimitError
from codespaces_secrets.results import SecretResult, Status
from testkit import Recorder
from testkit.memory import MemoryTransport, Org

KEY = PublicKey("k1", "")
REPO = Repository(7, "octo-org/web")


def job(**fields: object) -> Job:
    base: dict[str, object] = {
        "orgs": ("octo-org",),
        "secrets": (Secret("A", "1"),),
        "visibility": None,
        "repositories": (),
        "dry_run": False,
    }
    return Job(**(base | fields))  # type: ignore[arg-type]


def facts(
    existing: dict[str, str], lists: dict[str, tuple[Repository, ...]] | None = None
) -> StoreFacts:
    found = {name: ExistingSecret(name, Visibility(v)) for name, v in existing.items()}
    return StoreFacts(KEY, found, dict(lists or {}))


# -- decide: visibility and lists ----------------------------------------------------------


@pytest.mark.parametrize(
    ("existing", "visibility", "chosen", "expected"),
    [
        ({}, None, None, (Visibility.PRIVATE, (), None, False)),
        ({"A": "all"}, None, None, (Visibility.ALL, (), Before(Visibility.ALL, None), False)),
        (
            {"A": "selected"},
            None,
            None,
            (Visibility.SELECTED, (REPO,), Before(Visibility.SELECTED, (REPO,)), True),
        ),
        ({"A": "selected"}, Visibility.PRIVATE, None, (Visibility.PRIVATE, (), None, False)),
        ({}, None, (REPO,), (Visibility.SELECTED, (REPO,), None, False)),
    ],
    ids=["new-private", "kept-all", "kept-list", "changed", "chosen-list"],
)
def test_decide_visibility_and_list(
    existing: dict[str, str],
    visibility: Visibility | None,
    chosen: tuple[Repository, ...] | None,
    expected: tuple[Visibility, tuple[Repository, ...], Before | None, bool],
) -> None:
    lists: dict[str, tuple[Repository, ...]] = (
        {"A": (REPO,)} if existing.get("A") == "selected" else {}
    )
    plan = decide(
        "octo-org", Store.CODESPACES, job(visibility=visibility), chosen, facts(existing, lists)
    )
    (write,) = plan.writes
    want_visibility, want_list, want_before, keep = expected
    assert (write.visibility, write.repositories, write.keep_list) == (
        want_visibility,
        want_list,
        keep,
    )
    if want_before is not None:
        assert write.before == want_before
    elif existing:
        assert write.before is not None
    else:
        assert write.before is None


# -- decide: prune's selection ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("patterns", "existing", "pruned"),
    [
        ((), ["A", "NPM_OLD"], []),
        (("NPM_*",), ["A", "NPM_OLD", "NPM_NEW", "OTHER"], ["NPM_NEW", "NPM_OLD"]),
        (("*",), ["A", "B", "C"], ["B", "C"]),
        (("A",), ["A"], []),  # the batch holds it: never pruned
        (("X*",), ["DELETE_ME", "XY"], ["XY"]),  # named deletes are not prune's
    ],
)
def test_prune_selects_what_the_patterns_match_and_the_batch_lacks(
    patterns: tuple[str, ...], existing: list[str], pruned: list[str]
) -> None:
    the_job = job(prune_patterns=patterns, deletes=("DELETE_ME",), prune_limit=10)
    plan = decide(
        "octo-org", Store.CODESPACES, the_job, None, facts(dict.fromkeys(existing, "all"))
    )
    assert [d.name for d in plan.deletes if d.pruned] == pruned
    assert [d.name for d in plan.deletes if not d.pruned] == ["DELETE_ME"]


def test_a_prune_of_everything_else_stops_its_store_unless_prune_limit_allows() -> None:
    existing = dict.fromkeys(["A", "B", "C", "D"], "all")
    the_job = job(prune_patterns=("*",))
    with pytest.raises(PruneLimitError, match="prune would delete 3 of octo-org's 4"):
        decide("octo-org", Store.CODESPACES, the_job, None, facts(existing))
    allowed = decide(
        "octo-org", Store.CODESPACES, the_job._replace(prune_limit=3), None, facts(existing)
    )
    assert [d.name for d in allowed.deletes] == ["B", "C", "D"]


# -- decide: the count limit -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("store", "existing", "new", "deleted", "room"),
    [
        (Store.CODESPACES, 50, 1, 0, 50),
        (Store.CODESPACES, 100, 1, 1, 0),  # full: the delete must make room first
        (Store.CODESPACES, 99, 2, 1, 1),
        (Store.ACTIONS, 1000, 1, 1, 0),
        (Store.DEPENDABOT, 5000, 1, 0, None),  # no documented limit: none checked
    ],
)
def test_the_limit_leaves_room(
    store: Store, existing: int, new: int, deleted: int, room: int | None
) -> None:
    have = {f"E{i:04}": "all" for i in range(existing)}
    secrets = tuple(Secret(f"N{i}", "v") for i in range(new))
    the_job = job(
        secrets=secrets, deletes=tuple(f"E{i:04}" for i in range(deleted)), stores=(store,)
    )
    assert decide("octo-org", store, the_job, None, facts(have)).room == room


@pytest.mark.parametrize(("existing", "new", "deleted"), [(100, 1, 0), (99, 3, 1), (100, 2, 1)])
def test_a_plan_past_the_limit_is_refused(existing: int, new: int, deleted: int) -> None:
    have = {f"E{i:03}": "all" for i in range(existing)}
    secrets = tuple(Secret(f"N{i}", "v") for i in range(new))
    the_job = job(secrets=secrets, deletes=tuple(f"E{i:03}" for i in range(deleted)))
    with pytest.raises(LimitError, match="over GitHub's limit of 100"):
        decide("octo-org", Store.CODESPACES, the_job, None, facts(have))


# -- the time estimate -------------------------------------------------------------------------


def store_plan(org: str, writes: int) -> StorePlan:
    secrets = tuple(Secret(f"S{i}", "v") for i in range(writes))
    return decide(org, Store.CODESPACES, job(secrets=secrets), None, facts({}))


@pytest.mark.parametrize(
    ("tokens", "writes", "width", "limit", "total", "fails"),
    [
        ([0], [20], 8, 60, 0.0, False),  # a burst of 20 goes back to back
        ([0], [100], 8, 60, 80.0, True),  # then one a second: 80 s > 60 s
        ([0, 1], [60, 60], 8, 60, 40.0, False),  # two tokens side by side: the slowest counts
        ([0, 0], [60, 60], 8, 60, 100.0, True),  # one token for both orgs: they add up
        ([0, 1], [60, 60], 1, 60, 80.0, True),  # max-parallel 1: one token after the other
        ([0, 1, 2], [60, 60, 60], 2, 90, 80.0, False),  # two lanes: the third waits for one
    ],
)
def test_the_estimate_is_the_slowest_lane(
    tokens: list[int], writes: list[int], width: int, limit: float, total: float, fails: bool
) -> None:
    plans = [
        OrgPlan(f"org{n}", token, (store_plan(f"org{n}", count),))
        for n, (token, count) in enumerate(zip(tokens, writes, strict=True))
    ]
    timing = check_write_time(plans, limit, width)
    assert timing.needed == total
    assert (timing.error is not None) == fails
    distinct = len(set(tokens))
    assert len(timing.lines) == distinct + (distinct > 1)  # a line per token, then the run's


# -- apply: order, the limit's room, surprises --------------------------------------------------


def run_store(org: Org, the_job: Job) -> tuple[MemoryTransport, Ledger, StoreRun, Recorder]:
    transport = MemoryTransport(org)
    github = GitHub(transport)
    plan = plan_org(org.name, the_job, github)
    (store,) = plan.stores
    assert store.error is None, store.error
    ledger, events = Ledger(), Recorder()
    for name in [w.secret.name for w in store.writes] + [d.name for d in store.deletes]:
        ledger.expect(org.name, store.store, name)
    run = StoreRun(store, github, events, ledger, dry_run=the_job.dry_run)
    run.run()
    return transport, ledger, run, events


def statuses(ledger: Ledger) -> list[tuple[str, Status]]:
    return [(r.name, r.status) for r in ledger.results()]


@pytest.mark.parametrize(
    ("existing", "secrets", "deletes", "order"),
    [
        # room enough: writes first, then deletes (a renamed secret never leaves a gap)
        (98, ["NEW"], ["E000"], ["PUT NEW", "DELETE E000"]),
        # full: one delete right before the write that needs it, the rest after
        (100, ["NEW"], ["E000", "E001"], ["DELETE E000", "PUT NEW", "DELETE E001"]),
        # full, two new: each takes the room of one delete, just in time
        (100, ["N1", "N2"], ["E000", "E001"], ["DELETE E000", "PUT N1", "DELETE E001", "PUT N2"]),
        # updates need no room
        (100, ["E005"], ["E000"], ["PUT E005", "DELETE E000"]),
    ],
)
def test_writes_and_deletes_in_order(
    existing: int, secrets: list[str], deletes: list[str], order: list[str]
) -> None:
    org = Org(limit=100, secrets={"codespaces": {f"E{i:03}": "all" for i in range(existing)}})
    the_job = job(secrets=tuple(Secret(n, "v") for n in secrets), deletes=tuple(deletes))
    transport, ledger, run, _ = run_store(org, the_job)
    assert transport.changes == order
    assert run.errors == []
    assert all(
        status in (Status.CREATED, Status.UPDATED, Status.DELETED) for _, status in statuses(ledger)
    )
    # The report keeps the plan's order: writes, then deletes, whatever ran first.
    assert [name for name, _ in statuses(ledger)] == secrets + deletes


def full(*extra: str) -> dict[str, dict[str, str]]:
    """A Codespaces store at GitHub's limit of 100."""
    names = [*extra, *(f"E{i:03}" for i in range(100 - len(extra)))]
    return {"codespaces": dict.fromkeys(names, "all")}


def test_a_failed_write_that_was_given_room_is_named_and_no_more_room_is_made() -> None:
    org = Org(limit=100, secrets=full(), fail={"N1": 422})
    new = tuple(Secret(f"N{i}", "v") for i in (1, 2, 3))
    the_job = job(secrets=new, deletes=("E000", "E001", "E002"))
    transport, ledger, run, _ = run_store(org, the_job)
    # E000 made room for N1, which failed; N2 takes that room; for N3 no more room is
    # made, and the named deletes happen last, as always.
    assert transport.changes == ["DELETE E000", "PUT N1", "PUT N2", "DELETE E001", "DELETE E002"]
    assert statuses(ledger) == [
        ("N1", Status.FAILED),
        ("N2", Status.CREATED),
        ("N3", Status.FAILED),
        ("E000", Status.DELETED),
        ("E001", Status.DELETED),
        ("E002", Status.DELETED),
    ]
    assert ledger.results()[2].error == NO_ROOM
    assert any("E000 was deleted" in e and "to make room for N1" in e for e in run.errors)


def test_prune_never_makes_room_after_a_failed_write() -> None:
    org = Org(limit=100, secrets=full("A", "OLD_1"), fail={"A": 422})
    the_job = job(secrets=(Secret("A", "v"), Secret("NEW", "v")), prune_patterns=("OLD_*",))
    transport, ledger, _, _ = run_store(org, the_job)
    assert transport.changes == ["PUT A"]
    results = {r.name: r for r in ledger.results()}
    assert results["NEW"].error == NO_ROOM
    assert results["OLD_1"].error == NOT_PRUNED


def test_a_secret_created_by_someone_else_meanwhile_is_said() -> None:
    org = Org()
    transport = MemoryTransport(org)
    github = GitHub(transport)
    (store,) = plan_org("octo-org", job(), github).stores
    org.secrets["codespaces"]["A"] = "all"  # another writer, between plan and write
    ledger, events = Ledger(), Recorder()
    StoreRun(store, github, events, ledger).run()
    (result,) = ledger.results()
    assert (result.status, result.note, result.previous_visibility) == (
        Status.UPDATED,
        CREATED_ELSEWHERE,
        None,
    )
    assert any(CREATED_ELSEWHERE in line for line in events.warnings)


def test_a_kept_list_is_read_again_right_before_its_write() -> None:
    org = Org(secrets={"codespaces": {"A": "selected"}}, lists={"A": [7]})
    github = GitHub(MemoryTransport(org))
    (store,) = plan_org("octo-org", job(), github).stores
    org.lists["A"] = [7, 8]  # another run added a repository meanwhile
    ledger, events = Ledger(), Recorder()
    StoreRun(store, github, events, ledger).run()
    assert org.lists["A"] == [7, 8]  # kept, not silently removed
    (result,) = ledger.results()
    assert [r.id for r in result.repositories] == [7, 8]
    assert any("changed since the plan (+octo-org/r8)" in line for line in events.warnings)


@pytest.mark.parametrize(
    ("kept", "remedy"),
    [
        (True, "no longer attaches these"),  # the secret's own list: the repository changed
        (False, "must be a repository of the org"),  # the user's list: the entry is wrong
    ],
)
def test_a_dropped_repository_gets_the_remedy_of_its_cause(kept: bool, remedy: str) -> None:
    org = Org(secrets={"codespaces": {"A": "selected"}}, lists={"A": [7, 8]}, unattached={8})
    github = GitHub(MemoryTransport(org))
    chosen = () if kept else (Repository(7, "octo-org/r7"), Repository(8, "octo-org/r8"))
    the_job = job(repositories=())
    (store,) = plan_org("octo-org", the_job, github).stores
    if not kept:
        write = store.writes[0]._replace(repositories=chosen, keep_list=False)
        store = store._replace(writes=(write,))
    ledger = Ledger()
    run = StoreRun(store, github, Recorder(), ledger)
    run.run()
    (result,) = ledger.results()
    assert result.status is Status.FAILED
    assert [r.id for r in result.repositories] == [7]  # what GitHub kept
    assert any("did not attach 1 repository: octo-org/r8" in e and remedy in e for e in run.errors)


class Retried:
    """A GitHub client whose every write was retried after a lost first attempt."""

    def __init__(self, github: GitHub) -> None:
        self.github = github

    def __getattr__(self, name: str) -> object:
        return getattr(self.github, name)

    def put_secret(self, *args: object, **kwargs: object) -> Outcome:
        self.github.put_secret(*args, **kwargs)  # type: ignore[arg-type]
        return Outcome(False, retried=True)  # "updated": the lost attempt had created it

    def delete_secret(self, *args: object) -> Outcome:
        self.github.delete_secret(*args)  # type: ignore[arg-type]
        return Outcome(False, retried=True)  # "not found": the lost attempt had deleted it


def test_retried_writes_are_the_runs_own_changes() -> None:
    org = Org(secrets={"codespaces": {"OLD": "all"}})
    github = GitHub(MemoryTransport(org))
    (store,) = plan_org("octo-org", job(deletes=("OLD",)), github).stores
    ledger = Ledger()
    StoreRun(store, Retried(github), Recorder(), ledger).run()  # type: ignore[arg-type]
    assert statuses(ledger) == [("A", Status.CREATED), ("OLD", Status.DELETED)]


def test_a_stopped_run_reports_what_it_knows() -> None:
    org = Org()
    github = GitHub(MemoryTransport(org))
    the_job = job(secrets=(Secret("A", "1"), Secret("B", "2"), Secret("C", "3")))
    (store,) = plan_org("octo-org", the_job, github).stores
    ledger = Ledger()
    for name in "ABC":
        ledger.expect("octo-org", Store.CODESPACES, name)
    stop = {"now": False}

    class StopsAfterB(GitHub):
        def put_secret(self, org: str, store: Store, name: str, **kw: object) -> Outcome:
            if name == "B":
                stop["now"] = True
                raise KeyboardInterrupt  # the signal arrives while B is in flight
            return super().put_secret(org, store, name, **kw)  # type: ignore[arg-type]

    run = StoreRun(
        store, StopsAfterB(github.transport), Recorder(), ledger, stopped=lambda: stop["now"]
    )
    with pytest.raises(KeyboardInterrupt):
        run.run()
    assert [(r.name, r.status, r.error) for r in ledger.results()] == [
        ("A", Status.CREATED, ""),
        ("B", Status.UNKNOWN, IN_FLIGHT),
        ("C", Status.FAILED, NOT_ATTEMPTED),
    ]


def test_a_closed_ledger_keeps_what_it_knew() -> None:
    ledger = Ledger()
    ledger.expect("octo-org", Store.CODESPACES, "A")
    in_flight = SecretResult("octo-org", Store.CODESPACES, "A", Status.CREATED)
    ledger.sending(in_flight)
    kept = ledger.close()
    # A lane whose connection is closed under it makes a failure of its request: too late.
    ledger.record(in_flight._replace(status=Status.FAILED, error="connection closed"))
    assert [r.status for r in kept] == [r.status for r in ledger.results()] == [Status.UNKNOWN]
