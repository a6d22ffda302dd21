"""CustomsAdapter: the SOAP customs declaration service as a Federation v2 subgraph."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

import strawberry

from adapters.customs import sandbox
from adapters.customs.client import ENDPOINT, CustomsClient
from adapters.customs.loaders import CustomsLoaders
from adapters.customs.subgraph import build_schema
from adapters.soap import Scope, SoapClient
from gateway.errors import SubgraphError
from gateway.sdk.adapter import Adapter, AdapterSettings, Health, HealthState, SandboxSpec
from gateway.sdk.context import RequestContext
from gateway.sdk.retry import ReadRetry

__all__ = ["CustomsAdapter"]


class CustomsAdapter(Adapter):
    """Options: ``soap_version`` ("1.1" | "1.2"), ``max_response_bytes``, ``wsdl`` (path), and the
    resilience options every adapter shares (``retry_attempts``, ``retry_max_delay`` for reads; docs/resilience.md).
    Credentials: ``username``, ``password`` (WS-Security UsernameToken, PasswordDigest)."""

    name = "customs"
    description = "Chinese customs export declarations over SOAP (WCO Data Model mapping, WS-Security)"

    def __init__(
        self, settings: AdapterSettings | None = None, *, sleep: Callable[[float], Awaitable[None]] | None = None
    ) -> None:
        super().__init__(settings)
        self._sleep = sleep
        ReadRetry.from_settings(self.settings)  # bad or retired retry options fail at start-up, not at first use
        self._client: CustomsClient | None = None

    def build_schema(self) -> strawberry.federation.Schema:
        return build_schema()

    @contextlib.asynccontextmanager
    async def lifespan(self) -> AsyncIterator[None]:
        soap = SoapClient(self.settings, ENDPOINT, sleep=self._sleep)
        async with soap.open():
            self._client = CustomsClient(soap)
            try:
                yield
            finally:
                self._client = None

    @property
    def client(self) -> CustomsClient:
        if self._client is None:
            raise RuntimeError("CustomsAdapter is not started: run it inside adapter.lifespan()")
        return self._client

    def request_state(self, request: RequestContext) -> CustomsLoaders:
        scope = Scope(agency=request.principal.agency, traceparent=request.traceparent)
        return CustomsLoaders(self.client, scope)

    async def health(self) -> Health:
        if self._client is None:
            return Health(state=HealthState.DOWN, detail="not started")
        try:
            await self._client.statuses(["000000000000000000"], Scope())
        except SubgraphError as exc:
            return Health(state=HealthState.DOWN, detail=exc.message)
        return Health(state=HealthState.UP)

    def sandboxes(self) -> Sequence[SandboxSpec]:
        return (
            SandboxSpec(
                name="customs-soap",
                factory=sandbox.create_app,
                default_port=4102,
                setting="url",
                description="SOAP 1.1/1.2 customs declaration service (WSDL at /customs?wsdl)",
            ),
        )
