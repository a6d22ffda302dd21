"""The real gateway app with its security settings, on a loopback socket over the test graph."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import httpx

from gateway.app import create_app
from gateway.config import load_settings
from gateway.federation.engine import FederatedGraph
from gateway.federation.executor import Transport
from gateway.runtime import Runtime
from gateway.sdk.context import RequestContext
from gateway.sdk.sandbox import serve_sandbox
from gateway.sdk.testing import PRODUCTION_AUTH
from tests.gateway.federation.conftest import Graph
from tests.gateway.policy.conftest import AUTHZ, annotated, load

GRAPHQL_RESPONSE = "application/graphql-response+json"


class ContextSpy:
    """Records the request context every subgraph fetch receives."""

    def __init__(self, inner: Transport) -> None:
        self.inner = inner
        self.contexts: list[RequestContext] = []

    async def fetch(
        self, operation: str, variables: Any, context: RequestContext, operation_name: str | None = None
    ) -> Any:
        self.contexts.append(context)
        return await self.inner.fetch(operation, variables, context, operation_name)


class Running:
    def __init__(
        self, client: httpx.AsyncClient, graph: Graph, spies: Mapping[str, ContextSpy], app: Any = None
    ) -> None:
        self.app = app
        self.client = client
        self.graph = graph
        self.spies = spies

    async def post(self, body: Any, **headers: str) -> httpx.Response:
        return await self.client.post("/graphql", json=body, headers=headers)


@contextlib.asynccontextmanager
async def running(
    tmp_path: Path, mode: str = "demo", sdl: str | None = None, **overrides: Any
) -> AsyncIterator[Running]:
    settings = load_settings(
        None,
        overrides={
            "gateway.mode": mode,
            "auth.demo_key_file": str(tmp_path / "dev.pem"),
            "audit.store": "memory",
            "audit.checkpoint_path": str(tmp_path / "checkpoints"),
            **(PRODUCTION_AUTH if mode == "production" else {}),
            **overrides,
        },
    )
    graph = Graph()
    spies = {name: ContextSpy(t) for name, t in graph.transports.items()}
    supergraph = load(sdl or annotated(AUTHZ))

    async def factory(s: object, stack: contextlib.AsyncExitStack) -> Runtime:
        http = await stack.enter_async_context(httpx.AsyncClient())
        fg = FederatedGraph(
            supergraph,
            dict(spies),
            introspection=settings.gateway.introspection_enabled,
            include_subgraph_errors=not settings.gateway.production,
        )
        return Runtime(settings=settings, supergraph=supergraph, graph=fg, adapters={}, remotes={}, http=http)

    app = create_app(settings, runtime_factory=factory)
    async with (
        serve_sandbox(lambda _: app) as server,
        httpx.AsyncClient(base_url=server.url, headers={"accept": GRAPHQL_RESPONSE}) as client,
    ):
        yield Running(client, graph, spies, app)
