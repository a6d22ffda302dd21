"""TaxAdapter: the SOAP taxpayer inquiry service (taxpayers, fapiao, export rebates) as a subgraph."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

import strawberry

from adapters.soap import Scope, SoapClient
from adapters.tax import sandbox
from adapters.tax.client import ENDPOINT, TaxClient
from adapters.tax.loaders import TaxLoaders, taxpayer_from_json, taxpayer_to_json
from adapters.tax.subgraph import build_schema
from gateway.cache import Cache, open_cache
from gateway.errors import SubgraphError
from gateway.sdk.adapter import Adapter, AdapterSettings, Health, HealthState, SandboxSpec
from gateway.sdk.context import RequestContext
from gateway.sdk.retry import ReadRetry
from gateway.sdk.tenancy import tenancy_of

__all__ = ["TaxAdapter"]


class TaxAdapter(Adapter):
    """Options: ``soap_version`` ("1.1" | "1.2"), ``max_response_bytes``, ``wsdl`` (path), and the
    resilience options every adapter shares (``retry_attempts``, ``retry_max_delay`` for reads; docs/resilience.md).
    Credentials: ``username``, ``password`` (WS-Security UsernameToken, PasswordDigest)."""

    name = "tax"
    description = "Taxpayer register, VAT invoice verification and export rebates over SOAP"

    def __init__(
        self, settings: AdapterSettings | None = None, *, sleep: Callable[[float], Awaitable[None]] | None = None
    ) -> None:
        super().__init__(settings)
        self._sleep = sleep
        ReadRetry.from_settings(self.settings)  # bad or retired retry options fail at start-up, not at first use
        self._client: TaxClient | None = None
        self._cache: Cache | None = None

    def build_schema(self) -> strawberry.federation.Schema:
        return build_schema()

    @contextlib.asynccontextmanager
    async def lifespan(self) -> AsyncIterator[None]:
        soap = SoapClient(self.settings, ENDPOINT, sleep=self._sleep)
        # taxpayer registrations change rarely: cache them per tenant (memory, or Redis shared by replicas)
        cache = open_cache(
            self.settings.option("cache_url"),
            ttl=float(self.settings.option("cache_ttl", 300.0)),
            # kept an hour longer, to answer from when the tax register is down (stale if error)
            stale_ttl=float(self.settings.option("cache_stale_ttl", 3600.0)),
            encode=taxpayer_to_json,
            decode=taxpayer_from_json,
        )
        async with soap.open(), cache as opened:
            self._cache = opened
            self._client = TaxClient(soap)
            try:
                yield
            finally:
                self._client = None
                self._cache = None

    @property
    def client(self) -> TaxClient:
        if self._client is None:
            raise RuntimeError("TaxAdapter is not started: run it inside adapter.lifespan()")
        return self._client

    def request_state(self, request: RequestContext) -> TaxLoaders:
        scope = Scope(
            agency=request.principal.agency,
            traceparent=request.traceparent,
            tenancy=tenancy_of(request.principal),
        )
        return TaxLoaders(self.client, scope, cache=self._cache)

    async def health(self) -> Health:
        if self._client is None:
            return Health(state=HealthState.DOWN, detail="not started")
        try:
            await self._client.taxpayers([("CN", "0000")], Scope())
        except SubgraphError as exc:
            return Health(state=HealthState.DOWN, detail=exc.message)
        return Health(state=HealthState.UP)

    def sandboxes(self) -> Sequence[SandboxSpec]:
        return (
            SandboxSpec(
                name="tax-soap",
                factory=sandbox.create_app,
                default_port=4103,
                setting="url",
                description="SOAP 1.1/1.2 taxpayer inquiry service (WSDL at /tax?wsdl)",
            ),
        )
