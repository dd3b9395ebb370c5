"""The Emulator: a local GitHub REST API for organization secrets, driven from Python.

Start it (`with Emulator() as emu:`), point a client at `emu.url`, then look at what arrived
(`emu.requests`, `emu.secret(...)` with the decrypted value) or make GitHub misbehave
(`inject`, `misbehave`, `latency`, rate limits, `rotate_key`). It serves the four secret
stores (`STORE_NAMES`); every method that reads or writes secrets takes `store=`, which
defaults to Codespaces.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import TracebackType

from .admin import ADMIN_ROOT, handle_admin
from .backend import Backend
from .clock import TimeSource
from .faults import make_fault
from .hostile import Misbehaviour
from .hosts import listen_refusal, may_listen_on
from .messages import ApiResponse, RawRequest
from .model import RecordedRequest, StoredSecret
from .pipeline import Pipeline
from .seed import seed as apply_seed
from .server import HttpServer
from .stores import DEFAULT_STORE
from .tls import TlsFiles


def _normalize_prefix(prefix: str) -> str:
    """The prefix as "" or like "/api/v3": one leading slash, no trailing one."""
    stripped = prefix.strip("/")
    return f"/{stripped}" if stripped else ""


class Emulator:
    """A real HTTP(S) server on loopback with a real Curve25519 key pair per org and store."""

    def __init__(
        self,
        tls: bool = False,
        prefix: str = "",
        seed: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
        allow_private_host: bool = False,
        clock: TimeSource | None = None,
    ) -> None:
        """Prepare (and seed) the data; nothing listens until `start`.

        `allow_private_host` lets a CI job bind Docker's bridge gateway (a private address
        of the runner itself), which is how a container action reaches the host there.
        `clock` (seconds, e.g. a fake clock's `monotonic`) times the rate limits and the
        request log, so a client on the same simulated clock never really waits.
        """
        if not may_listen_on(host, allow_private_host=allow_private_host):
            raise ValueError(listen_refusal(host))
        self._tls = tls
        self._prefix = _normalize_prefix(prefix)
        self._host = host
        self._port = port
        self._backend = Backend.create(clock)
        self._pipeline = Pipeline(self._backend, self._prefix)
        self._server: HttpServer | None = None
        self._tls_files: TlsFiles | None = None
        if seed:
            apply_seed(self._backend.state)

    # -- life cycle -----------------------------------------------------------------------

    def start(self) -> None:
        """Bind, and serve in a background thread."""
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        self._tls_files = TlsFiles.create(self._host) if self._tls else None
        try:
            context = self._tls_files.context if self._tls_files else None
            self._server = HttpServer(self._host, self._port, self._dispatch, context)
        except BaseException:
            self._remove_tls_files()
            raise
        self._server.start()

    def stop(self) -> None:
        """Stop serving, close connections, delete the CA file; safe to call twice."""
        if self._server is not None:
            self._server.stop()
            self._server = None
        self._remove_tls_files()

    def __enter__(self) -> Emulator:
        """Start, for `with Emulator() as emu:`."""
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop."""
        self.stop()

    def _remove_tls_files(self) -> None:
        if self._tls_files is not None:
            self._tls_files.remove()
            self._tls_files = None

    def _dispatch(self, raw: RawRequest) -> ApiResponse:
        if raw.target.startswith(ADMIN_ROOT):
            return handle_admin(self._backend, raw, self._host)
        return self._pipeline.handle(raw)

    @property
    def url(self) -> str:
        """The API root without a trailing slash, e.g. "https://127.0.0.1:41234/api/v3"."""
        if self._server is None:
            raise RuntimeError("the emulator is not running: call start() first")
        return self._server.origin + self._prefix

    @property
    def ca_file(self) -> str | None:
        """The CA PEM to verify HTTPS with (tls=True, while running), else None."""
        return self._tls_files.ca_file if self._tls_files else None

    # -- data -----------------------------------------------------------------------------

    def add_org(
        self, login: str, *, plan: str = "team", repos: Sequence[str] = (), saml: bool = False
    ) -> None:
        """Create an org ("free" plan: its Codespaces store answers 404, the others work)."""
        self._backend.state.add_org(login, plan=plan, repos=repos, saml=saml)

    def add_repo(self, owner: str, name: str, *, private: bool = True) -> int:
        """Create a repository in an existing org; returns its id."""
        return self._backend.state.add_repo(owner, name, private=private)

    def repo_id(self, owner: str, name: str) -> int:
        """The id of an existing repository."""
        return self._backend.state.repo_id(owner, name)

    def add_token(
        self,
        token: str,
        *,
        scopes: Sequence[str] = ("admin:org", "repo"),
        owner_of: Sequence[str] | None = None,
        sso_authorized: bool = False,
        fine_grained: bool = False,
        stores: Sequence[str] | None = None,
    ) -> None:
        """Register a token; `owner_of` None makes its user an owner of every org.

        `stores` lists the stores a fine-grained token has the permission of (None: only
        "codespaces"); a store outside it answers 403 with X-Accepted-GitHub-Permissions.
        """
        self._backend.state.add_token(
            token,
            scopes=scopes,
            owner_of=owner_of,
            sso_authorized=sso_authorized,
            fine_grained=fine_grained,
            stores=stores,
        )

    def set_secret(
        self,
        org: str,
        name: str,
        value: str,
        *,
        store: str = DEFAULT_STORE,
        visibility: str = "private",
        repository_ids: Sequence[int] = (),
    ) -> None:
        """Store a secret in one store directly, as if it had been written before."""
        self._backend.state.set_secret(
            org, name, value, store=store, visibility=visibility, repository_ids=repository_ids
        )

    def secret(self, org: str, name: str, store: str = DEFAULT_STORE) -> StoredSecret | None:
        """One stored secret of one store (value decrypted), or None."""
        return self._backend.state.secret(org, name, store)

    def secrets(self, org: str, store: str = DEFAULT_STORE) -> list[StoredSecret]:
        """One store's secrets in the org, sorted by name."""
        return self._backend.state.secrets(org, store)

    def rotate_key(self, org: str, store: str = DEFAULT_STORE) -> str:
        """Give one store of the org a new key pair; returns its key_id, the old one is refused.

        The org's other stores keep their keys.
        """
        return self._backend.state.rotate_key(org, store)

    # -- observation and faults -----------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of the API requests recorded so far (admin routes excluded)."""
        return self._backend.log.snapshot()

    def clear_requests(self) -> None:
        """Forget the recorded requests."""
        self._backend.log.clear()

    @property
    def latency(self) -> float:
        """Seconds added before every API answer."""
        return self._backend.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("latency must be >= 0")
        self._backend.latency = seconds

    def inject(
        self,
        method: str,
        path_glob: str,
        *,
        status: int = 502,
        headers: Mapping[str, str] | None = None,
        body: object = None,
        times: int = 1,
        drop: bool = False,
        delay: float = 0.0,
    ) -> None:
        """Answer the next `times` requests matching `method` ("*": any) and the glob."""
        fault = make_fault(
            method, path_glob, status=status, headers=headers, body=body, drop=drop, delay=delay
        )
        self._backend.faults.add(fault, times)

    def misbehave(self, method: str, path_glob: str, mode: Misbehaviour, *, times: int = 1) -> None:
        """Answer the next `times` matching requests with a misbehaviour from `hostile`.

        It takes its turn in the same queue as `inject`, e.g.
        `emu.misbehave("GET", "/orgs/*/codespaces/secrets/public-key", Drip(interval=0.5))`.
        """
        self._backend.faults.add(make_fault(method, path_glob, misbehaviour=mode), times)

    def clear_faults(self) -> None:
        """Forget injections not used up yet."""
        self._backend.faults.clear()

    def set_primary_limit(self, remaining: int, limit: int = 5000, reset_in: float = 60.0) -> None:
        """Give every token `remaining` requests; the budget refills after `reset_in` s."""
        self._backend.limits.set_primary(remaining, limit, reset_in)

    def set_secondary_limit(
        self,
        writes_per_minute: int | None = 80,
        retry_after: int = 60,
        *,
        writes_per_hour: int | None = 500,
    ) -> None:
        """Refuse a token's writes over GitHub's secondary limits with 403 and `retry-after`.

        More than `writes_per_minute` in any 60 s (then blocked `retry_after` s) or
        `writes_per_hour` in any 3600 s (blocked until the hour has room) are refused.
        `writes_per_minute` None turns the limit off; `writes_per_hour` None drops the hour.
        """
        self._backend.limits.set_secondary(writes_per_minute, retry_after, writes_per_hour)
