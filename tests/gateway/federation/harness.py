"""Serve small Strawberry subgraphs on loopback ports, compose them, and query them through the gateway."""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.federation import Schema

from gateway.federation.compose import SubgraphSource, compose
from gateway.federation.engine import FederatedGraph, GraphQLRequest, GraphQLResponse
from gateway.federation.executor import Transport
from gateway.federation.http_pool import HttpPool
from gateway.federation.supergraph import Supergraph, load_supergraph
from gateway.federation.transports import HttpTransport
from gateway.sdk.context import RequestContext
from gateway.sdk.sandbox import serve_sandbox


class _Recorder:
    """ASGI wrapper that keeps every GraphQL request body a subgraph receives."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.bodies: list[dict[str, Any]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        self.bodies.append(json.loads(body))
        sent = False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


@dataclasses.dataclass
class Federated:
    graph: FederatedGraph
    supergraph: Supergraph
    recorders: dict[str, _Recorder]

    def operations(self, name: str) -> list[str]:
        return [b["query"] for b in self.recorders[name].bodies if "_service" not in b["query"]]

    def entity_calls(self, name: str) -> int:
        return sum(1 for q in self.operations(name) if "_entities" in q)

    def reset(self) -> None:
        for r in self.recorders.values():
            r.bodies.clear()

    async def run(self, query: str, variables: dict[str, Any] | None = None, **kw: Any) -> GraphQLResponse:
        context = kw.pop("context", None) or RequestContext()
        return await self.graph.execute(GraphQLRequest(query=query, variables=variables, **kw), context)

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        result = await self.run(query, variables)
        assert result.errors == [], result.errors
        return result.data


@contextlib.asynccontextmanager
async def federated(
    subgraphs: Mapping[str, Schema], *, http_client: str = "pool", **graph_options: Any
) -> AsyncIterator[Federated]:
    """Each schema served by Strawberry on its own loopback port; the gateway talks to them over HTTP
    (with the pooled client, as in production, or an httpx client)."""
    async with contextlib.AsyncExitStack() as stack:
        recorders: dict[str, _Recorder] = {}
        urls: dict[str, str] = {}
        for name, schema in subgraphs.items():
            recorder = _Recorder(GraphQL(schema, graphql_ide=None))
            server = await stack.enter_async_context(serve_sandbox(lambda _c, app=recorder: app))
            recorders[name] = recorder
            urls[name] = server.url + "/"
        client = await stack.enter_async_context(httpx.AsyncClient())
        sources = []
        for name, url in urls.items():
            sdl = (await client.post(url, json={"query": "{ _service { sdl } }"})).json()["data"]["_service"]["sdl"]
            sources.append(SubgraphSource(name=name, url=url, sdl=sdl))
        supergraph = load_supergraph(compose(sources))
        pool: httpx.AsyncClient | HttpPool = client
        if http_client == "pool":
            pool = await stack.enter_async_context(HttpPool())
        transports: dict[str, Transport] = {
            name: HttpTransport(name, sub.url, pool) for name, sub in supergraph.subgraphs.items()
        }
        graph = FederatedGraph(supergraph, transports, **graph_options)
        result = Federated(graph=graph, supergraph=supergraph, recorders=recorders)
        result.reset()
        yield result
