"""``KzCustomsAdapter``: the Kazakhstan customs system (ASTANA-1 style, REST/JSON) as the ``kz_customs`` subgraph."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

import httpx
import strawberry
from gateway.errors import ConfigError, SubgraphError, UpstreamUnavailable
from gateway.sdk.adapter import Adapter, AdapterSettings, Health, HealthState, SandboxSpec
from gateway.sdk.context import RequestContext

from kz_customs_partner.client import KzCustomsClient
from kz_customs_partner.loaders import KzCustomsState, make_state
from kz_customs_partner.sandbox import create_app
from kz_customs_partner.subgraph import build_schema

__all__ = ["KzCustomsAdapter"]


class KzCustomsAdapter(Adapter):
    """Settings: ``url`` (the customs system's base URL) and the usual timeouts."""

    name = "kz_customs"
    description = "Kazakhstan customs declarations (ASTANA-1 style), contributed by a partner agency"

    def __init__(self, settings: AdapterSettings | None = None) -> None:
        super().__init__(settings)
        self._client: KzCustomsClient | None = None

    def build_schema(self) -> strawberry.federation.Schema:
        return build_schema()

    @contextlib.asynccontextmanager
    async def lifespan(self) -> AsyncIterator[None]:
        s = self.settings
        if not s.url:
            raise ConfigError("adapters.kz_customs.url", "the customs system's base URL is required")
        timeout = httpx.Timeout(s.total_timeout, connect=s.connect_timeout, read=s.read_timeout)
        async with httpx.AsyncClient(base_url=s.url, timeout=timeout) as http:
            self._client = KzCustomsClient(http)
            try:
                yield
            finally:
                self._client = None

    def client(self) -> KzCustomsClient:
        if self._client is None:
            raise UpstreamUnavailable("the kz_customs adapter is not started (no lifespan)", service=self.name)
        return self._client

    def request_state(self, request: RequestContext) -> KzCustomsState:
        return make_state(self.client, agency=request.principal.agency)

    async def health(self) -> Health:
        try:
            await self.client().ping()
        except SubgraphError as exc:
            return Health(state=HealthState.DOWN, detail=exc.message)
        return Health(state=HealthState.UP)

    def sandboxes(self) -> Sequence[SandboxSpec]:
        return (
            SandboxSpec(
                name="kz-customs-rest",
                factory=create_app,
                default_port=4450,
                setting="url",
                description="Kazakhstan customs declarations (ASTANA-1 stand-in, REST/JSON)",
            ),
        )

    @classmethod
    def sample_keys(cls) -> Mapping[str, Sequence[Mapping[str, Any]]]:
        """Seeded declarations, for the contract kit's entity round-trip check."""
        return {"KzDeclaration": [{"id": "KZ-ASTANA1-2026-0001"}, {"id": "KZ-ASTANA1-2026-0003"}]}
