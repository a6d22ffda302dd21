"""The payments adapter: the cross-border payment and settlement rail (ISO 20022) as a subgraph.

Settings: ``url`` — the rail's base URL; timeouts from ``[adapters.payments]``. Options:

* ``participant_bic`` — the platform's BIC as instructing agent (default ``SLKGCNQDXXX``);
* ``rail_bic`` — the rail operator's BIC (default ``SGRLCNSHXXX``);
* ``idempotency_store`` — ``sqlite:///path`` (default ``sqlite:///var/payments-idempotency.sqlite3``),
  ``sqlite://:memory:`` or ``postgresql://...``; ``idempotency_table`` (default ``payment_idempotency``);
  ``idempotency_lease`` seconds after which an abandoned in-progress key may be taken over (default 60);
  ``idempotency_resolve_interval`` seconds between background rounds that resolve such keys by asking the rail
  (pacs.028), as a client retry would (default: half the lease; :mod:`adapters.payments.resolver`);
* ``max_sends`` — sends of one payment per call, each after an inquiry (default 3);
* the resilience options every adapter shares (docs/resilience.md): ``retry_attempts`` and ``retry_max_delay``
  for reads (sends are never retried: they inquire with pacs.028), breaker, bulkhead and retry budget.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx
import strawberry

from adapters.credentials import api_key_auth
from adapters.payments.client import RailClient
from adapters.payments.idempotency import IdempotencyStore, open_store
from adapters.payments.loaders import PaymentsState
from adapters.payments.messages import official
from adapters.payments.resolver import Resolver
from adapters.payments.sandbox import SANDBOX
from adapters.payments.subgraph import build_schema
from adapters.payments.submission import Submitter
from gateway.errors import BadUserInput, ConfigError, SubgraphError
from gateway.resilience import RESILIENCE_OPTIONS
from gateway.sdk.adapter import Adapter, AdapterSettings, Health, HealthState, SandboxSpec
from gateway.sdk.calls import legacy_http_client
from gateway.sdk.context import RequestContext
from gateway.sdk.identifiers import parse_bic
from gateway.sdk.retry import ReadRetry, Sleep

__all__ = ["PaymentsAdapter"]

_OPTIONS = {
    "participant_bic",
    "rail_bic",
    "idempotency_store",
    "idempotency_table",
    "idempotency_lease",
    "idempotency_resolve_interval",
    "max_sends",
    "max_response_bytes",
    *RESILIENCE_OPTIONS,
}


class PaymentsAdapter(Adapter):
    name = "payments"
    description = "Cross-border payment and settlement rail (ISO 20022 pacs/camt)"

    def __init__(self, settings: AdapterSettings | None = None, *, sleep: Sleep | None = None) -> None:
        super().__init__(settings)
        opts = self.settings.options
        self.retry = ReadRetry.from_settings(self.settings, sleep=sleep)  # first: it names the retired options
        unknown = sorted(set(opts) - _OPTIONS)
        if unknown:
            raise ConfigError(
                f"adapters.payments.{unknown[0]}", f"unknown option; known: {', '.join(sorted(_OPTIONS))}"
            )
        try:
            self.participant_bic = parse_bic(opts.get("participant_bic", "SLKGCNQDXXX"))
            self.rail_bic = parse_bic(opts.get("rail_bic", "SGRLCNSHXXX"))
        except BadUserInput as exc:
            raise ConfigError("adapters.payments.participant_bic/rail_bic", exc.message) from None
        self.store_url = str(opts.get("idempotency_store", "sqlite:///var/payments-idempotency.sqlite3"))
        self.store_table = str(opts.get("idempotency_table", "payment_idempotency"))
        try:
            self.store_lease = float(opts.get("idempotency_lease", 60.0))
            self.resolve_interval = float(opts.get("idempotency_resolve_interval", self.store_lease / 2))
            self.max_sends = int(opts.get("max_sends", 3))
        except (TypeError, ValueError) as exc:
            raise ConfigError("adapters.payments", f"numeric option expected: {exc}") from None
        if self.resolve_interval <= 0:
            raise ConfigError("adapters.payments.idempotency_resolve_interval", "must be greater than 0")
        self.resolver: Resolver | None = None
        self._client: RailClient | None = None
        self._store: IdempotencyStore | None = None

    def build_schema(self) -> strawberry.federation.Schema:
        return build_schema()

    @property
    def client(self) -> RailClient:
        if self._client is None:
            raise SubgraphError("payments adapter is not started (its lifespan is not running)", service=self.name)
        return self._client

    @property
    def submitter(self) -> Submitter:
        if self._store is None:
            raise SubgraphError("payments adapter is not started (its lifespan is not running)", service=self.name)
        return Submitter(client=self.client, store=self._store, max_sends=self.max_sends)

    @contextlib.asynccontextmanager
    async def lifespan(self) -> AsyncIterator[None]:
        if not self.settings.url:
            raise ConfigError("adapters.payments.url", "set the payment rail's base URL")
        try:
            # the official XSDs recalls are built and read with: loaded once, off the event loop, before any recall
            await asyncio.to_thread(official.load_schemas)
        except RuntimeError as exc:
            raise ConfigError("adapters.payments", str(exc)) from None
        s = self.settings
        timeout = httpx.Timeout(s.total_timeout, connect=s.connect_timeout, read=s.read_timeout)
        try:
            store = open_store(self.store_url, table=self.store_table, lease=self.store_lease)
        except ValueError as exc:
            raise ConfigError("adapters.payments.idempotency_store", str(exc)) from None
        await store.open()
        try:
            # a plain-HTTP rail (the sandbox) needs no CA bundle; loading one costs ~150 ms per client
            plain = self.settings.url.startswith("http://")
            auth = api_key_auth(self.settings, system="payments")
            async with legacy_http_client(
                self.settings, source="payments.rail", timeout=timeout, verify=not plain, auth=auth
            ) as http:
                self._client = RailClient(
                    http,
                    participant_bic=self.participant_bic,
                    rail_bic=self.rail_bic,
                    service=self.name,
                    retry=self.retry,
                )
                self._store = store
                self.resolver = Resolver(store, self._client, interval=self.resolve_interval)
                resolving = asyncio.create_task(self.resolver.run(), name="payments-key-resolver")
                try:
                    yield
                finally:
                    resolving.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await resolving
        finally:
            self._client = None
            self._store = None
            await store.close()

    async def health(self) -> Health:
        try:
            response = await self.client.http.get("/health")
        except (httpx.HTTPError, SubgraphError) as exc:
            return Health(state=HealthState.DOWN, detail=str(exc))
        ok = response.status_code == 200
        return Health(state=HealthState.UP if ok else HealthState.DEGRADED, detail=f"rail HTTP {response.status_code}")

    def request_state(self, request: RequestContext) -> Any:
        principal = request.principal
        client_id = f"{principal.agency or '-'}:{principal.subject}"
        return PaymentsState(self, agency=principal.agency, client_id=client_id)

    def sandboxes(self) -> Sequence[SandboxSpec]:
        return (SANDBOX,)
