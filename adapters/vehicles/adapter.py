"""``VehiclesAdapter``: the second-hand car export information system (legacy REST) as the ``vehicles`` subgraph."""

from __future__ import annotations

from collections.abc import Sequence

import httpx
import strawberry

from adapters.rest import RestLegacyAdapter
from adapters.vehicles.client import VehiclesClient
from adapters.vehicles.loaders import VehiclesState, make_state
from adapters.vehicles.sandbox import create_app
from adapters.vehicles.subgraph import build_schema
from gateway.sdk.adapter import SandboxSpec
from gateway.sdk.context import RequestContext
from gateway.sdk.retry import ReadRetry

__all__ = ["VehiclesAdapter"]


class VehiclesAdapter(RestLegacyAdapter[VehiclesClient]):
    """Used-car export filings by VIN: decoding, the export procedure, and the export rules they break.

    Settings: ``url`` (the export system's base URL), timeouts; options ``today`` (ISO date the adapter treats as
    today, for demos and tests; default the real date), and the shared resilience options (docs/resilience.md).
    """

    name = "vehicles"
    description = "Second-hand car export information system: VINs, export licences, deregistration"
    system = "the vehicle export system"

    def build_schema(self) -> strawberry.federation.Schema:
        return build_schema()

    def make_client(self, http: httpx.AsyncClient, retry: ReadRetry) -> VehiclesClient:
        return VehiclesClient(http, retry=retry)

    def request_state(self, request: RequestContext) -> VehiclesState:
        return make_state(self.client, agency=request.principal.agency, today=self.today())

    def sandboxes(self) -> Sequence[SandboxSpec]:
        return (
            SandboxSpec(
                name="vehicles-rest",
                factory=create_app,
                default_port=4107,
                setting="url",
                description="used-car export filings (legacy paged REST)",
            ),
        )
