"""``BarterAdapter``: the barter trade system (REST/JSON) as the ``barter`` subgraph."""

from __future__ import annotations

from collections.abc import Sequence

import httpx
import strawberry

from adapters.barter.client import BarterClient
from adapters.barter.loaders import BarterState, make_state
from adapters.barter.sandbox import create_app
from adapters.barter.subgraph import build_schema
from adapters.rest import RestLegacyAdapter
from gateway.sdk.adapter import SandboxSpec
from gateway.sdk.context import RequestContext
from gateway.sdk.retry import ReadRetry

__all__ = ["BarterAdapter"]


class BarterAdapter(RestLegacyAdapter[BarterClient]):
    """Barter contracts, their goods lists, deliveries and balance ledger.

    Settings: ``url`` (the register's base URL), timeouts; options ``today`` (ISO date the adapter treats as
    today, for demos and tests; default the real date), and the shared resilience options (docs/resilience.md).
    """

    name = "barter"
    description = "Cross-border barter trade system: contracts, goods lists, deliveries, balance"
    system = "the barter system"

    def build_schema(self) -> strawberry.federation.Schema:
        return build_schema()

    def make_client(self, http: httpx.AsyncClient, retry: ReadRetry) -> BarterClient:
        return BarterClient(http, retry=retry)

    def request_state(self, request: RequestContext) -> BarterState:
        return make_state(self.client, agency=request.principal.agency, today=self.today())

    def sandboxes(self) -> Sequence[SandboxSpec]:
        return (
            SandboxSpec(
                name="barter-rest",
                factory=create_app,
                default_port=4106,
                setting="url",
                description="barter contract register (REST/JSON)",
            ),
        )
