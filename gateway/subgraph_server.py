"""One adapter as a standalone Federation v2 subgraph service (``silkgraph subgraph NAME``).

Any federation router (Silkgraph's own, or another one running ``schema/supergraph.graphql``) can call it over
HTTP, and open subscriptions over graphql-ws (``graphql-transport-ws``) on the same path. The principal's agency
arrives in ``X-Agency-Id`` from a trusted router (on the WebSocket upgrade for subscriptions); ``traceparent`` is
kept.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from strawberry.asgi import GraphQL

from gateway.sdk.adapter import Adapter
from gateway.sdk.context import Principal, RequestContext, SubgraphContext

__all__ = ["create_subgraph_app"]


class _SubgraphGraphQL(GraphQL[SubgraphContext, None]):
    def __init__(self, adapter: Adapter) -> None:
        super().__init__(adapter.schema, graphql_ide=None, allow_queries_via_get=False)
        self.adapter = adapter

    async def get_context(self, request: Any, response: Any) -> SubgraphContext:
        agency = request.headers.get("x-agency-id") or None
        principal = Principal(subject="router", agency=agency)
        ctx = RequestContext(principal=principal, traceparent=request.headers.get("traceparent"))
        return SubgraphContext(adapter=self.adapter, request=ctx, state=self.adapter.request_state(ctx))


def create_subgraph_app(adapter: Adapter) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with adapter.lifespan():
            yield

    async def healthz(request: Request) -> Response:
        health = await adapter.health()
        return JSONResponse(
            {"status": health.state.value, "detail": health.detail}, status_code=200 if health.ok else 503
        )

    graphql = _SubgraphGraphQL(adapter)
    return Starlette(
        # a Route, not a Mount: a Mount answers POST /graphql with a 307 to /graphql/, which routers do not follow
        # graphql-ws on the same path: routers open a subscription's stream here (graphql-transport-ws)
        routes=[
            Route("/healthz", healthz),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
        ],
        lifespan=lifespan,
    )
