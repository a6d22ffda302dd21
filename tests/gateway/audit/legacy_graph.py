"""The cargo/customs test graph where customs asks a legacy system (a loopback server) for its duty rate."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import strawberry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from strawberry.federation import Schema
from strawberry.types import Info

from gateway.app import create_app
from gateway.config import Settings
from gateway.federation.engine import FederatedGraph
from gateway.federation.transports import InProcessTransport
from gateway.policy.devkeys import DevKey
from gateway.runtime import Runtime
from gateway.sdk.adapter import Adapter, AdapterSettings
from gateway.sdk.calls import legacy_http_client
from gateway.sdk.sandbox import serve_sandbox
from gateway.sdk.testing import bearer, partner
from gateway.telemetry import Telemetry
from tests.gateway.federation.cargo_customs import Recorder, SchemaAdapter, cargo_schema
from tests.gateway.policy.conftest import annotated, load

QUERY = 'query Duty { shipment(awb: "999-12345675") { awb duty } }'


class LegacyServer:
    """Answers ``POST /rate`` and remembers the headers it was sent."""

    def __init__(self) -> None:
        self.headers: list[dict[str, str]] = []

    def app(self, _: object) -> Starlette:
        async def rate(request: Request) -> JSONResponse:
            self.headers.append(dict(request.headers))
            return JSONResponse({"rate": 0.1})

        return Starlette(routes=[Route("/rate", rate, methods=["POST"])])


def customs_schema() -> Schema:
    @strawberry.federation.type(keys=["awb"])
    class Shipment:
        awb: strawberry.ID
        weight: float | None = strawberry.federation.field(external=True)

        @strawberry.federation.field(requires=["weight"])
        async def duty(self, info: Info) -> float | None:
            client: httpx.AsyncClient = info.context.adapter.client
            reply = await client.post("/rate", json={"awb": self.awb}, extensions={"silkgraph.operation": "GetRate"})
            return None if self.weight is None else round(self.weight * reply.json()["rate"], 2)

        @strawberry.field
        def cleared(self) -> bool:
            return True

        @strawberry.federation.field(inaccessible=True)
        def secret_score(self) -> int | None:
            return 7

        @classmethod
        def resolve_reference(cls, awb: strawberry.ID, weight: float | None = None) -> Any:
            return Shipment(awb=awb, weight=weight)

    @strawberry.type
    class Query:
        @strawberry.field
        def ping(self) -> str:
            return "pong"

    return Schema(query=Query, types=[Shipment], federation_version="2.11")


class LegacyCustoms(Adapter):
    name = "customs"

    def __init__(self, url: str) -> None:
        super().__init__(AdapterSettings(name="customs", url=url))
        self.client: httpx.AsyncClient | None = None

    def build_schema(self) -> Schema:
        return customs_schema()

    @contextlib.asynccontextmanager
    async def lifespan(self) -> AsyncIterator[None]:
        async with legacy_http_client(self.settings, source="customs-soap") as client:
            self.client = client
            yield


@contextlib.asynccontextmanager
async def gateway(
    settings: Settings, *, telemetry: Telemetry | None = None, port: int = 0
) -> AsyncIterator[tuple[httpx.AsyncClient, LegacyServer, Starlette]]:
    """The gateway app on a loopback port over cargo (in-process) and customs (calling the legacy server).

    The graph's fields are tagged public (the gateway is closed by default); the client asks as a partner
    agency's user, since the customs legacy call is tenant-scoped."""
    legacy = LegacyServer()
    async with serve_sandbox(legacy.app) as legacy_server:
        customs = LegacyCustoms(legacy_server.url)

        async def factory(s: Settings, stack: contextlib.AsyncExitStack) -> Runtime:
            http = await stack.enter_async_context(httpx.AsyncClient())
            await stack.enter_async_context(customs.lifespan())
            transports = {
                "cargo": InProcessTransport(SchemaAdapter("cargo", cargo_schema(Recorder()))),
                "customs": InProcessTransport(customs),
            }
            graph = FederatedGraph(load(annotated({})), transports)
            return Runtime(settings=s, supergraph=graph.supergraph, graph=graph, adapters={}, remotes={}, http=http)

        app = create_app(settings, runtime_factory=factory, telemetry=telemetry)
        who = bearer(partner(), DevKey.load_or_create(settings.auth.demo_key_file))
        async with (
            serve_sandbox(lambda _: app, port=port) as server,
            httpx.AsyncClient(base_url=server.url, headers=who) as client,
        ):
            yield client, legacy, app
