"""One adapter as a standalone Federation v2 subgraph service (``silkgraph subgraph NAME``).

Any federation router (Silkgraph's own, or another one running ``schema/supergraph.graphql``) can call it over
HTTP — but only with the caller's principal signed by the router (``Silkgraph-Principal``, see
:mod:`gateway.policy.signed_principal`). An unsigned, forged, stale or replayed request is answered 401 with no
data, before the adapter sees it; ``X-Agency-Id`` from the caller is never trusted. The verified principal is
the request's principal, so the adapter's legacy calls carry its agency (gateway.sdk.tenancy). ``traceparent``
is kept. Subscriptions are served over graphql-ws (``graphql-transport-ws``) on the same path; the WebSocket
upgrade must carry the signed principal (signed over an empty body), else the upgrade is refused.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.asgi import GraphQL

from gateway.errors import Unauthenticated
from gateway.policy.signed_principal import HEADER, PrincipalVerifier
from gateway.sdk.adapter import Adapter
from gateway.sdk.context import RequestContext, SubgraphContext, _reset_current, _set_current

__all__ = ["create_subgraph_app"]

#: the request (with its verified principal) in the ASGI scope
_REQUEST = "silkgraph.request"
#: a body larger than this is refused before it is verified
MAX_BODY_BYTES = 2_000_000


class _SubgraphGraphQL(GraphQL[SubgraphContext, None]):
    def __init__(self, adapter: Adapter) -> None:
        super().__init__(adapter.schema, graphql_ide=None, allow_queries_via_get=False)
        self.adapter = adapter

    async def get_context(self, request: Any, response: Any) -> SubgraphContext:
        ctx: RequestContext = request.scope[_REQUEST]
        return SubgraphContext(adapter=self.adapter, request=ctx, state=self.adapter.request_state(ctx))


class _SignedOnly:
    """Lets a request through only with a valid signed principal header; the body is read once and replayed."""

    def __init__(self, app: ASGIApp, verifier: PrincipalVerifier) -> None:
        self.app = app
        self.verifier = verifier

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            body = await _read(request)
            principal = self.verifier.verify(request.headers.get(HEADER), body)
        except Unauthenticated as exc:
            refusal = JSONResponse(
                {"errors": [{"message": exc.message, "extensions": {"code": exc.code}}]},
                status_code=401,
                headers={"www-authenticate": f'{HEADER} realm="silkgraph-subgraph"'},
            )
            await refusal(scope, receive, send)
            return
        ctx = RequestContext(principal=principal, traceparent=request.headers.get("traceparent"))
        scope[_REQUEST] = ctx
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        token = _set_current(ctx)
        try:
            await self.app(scope, replay, send)
        finally:
            _reset_current(token)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """graphql-ws: the upgrade request carries the signed principal; without a valid one it is refused."""
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []}
        try:
            principal = self.verifier.verify(headers.get(HEADER), b"")
        except Unauthenticated:
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 4401, "reason": "Unauthorized"})
            return
        ctx = RequestContext(principal=principal, traceparent=headers.get("traceparent"))
        scope[_REQUEST] = ctx
        token = _set_current(ctx)
        try:
            await self.app(scope, receive, send)
        finally:
            _reset_current(token)


async def _read(request: Request) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise Unauthenticated(f"the request body is over {MAX_BODY_BYTES} bytes; it was not verified")
        chunks.append(chunk)
    return b"".join(chunks)


def create_subgraph_app(adapter: Adapter, verifier: PrincipalVerifier) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with adapter.lifespan():
            yield

    async def healthz(request: Request) -> Response:
        health = await adapter.health()
        return JSONResponse({"status": health.state.value}, status_code=200 if health.ok else 503)

    graphql = _SignedOnly(_SubgraphGraphQL(adapter), verifier)
    return Starlette(
        # a Route, not a Mount: a Mount answers POST /graphql with a 307 to /graphql/, which routers do not follow
        routes=[
            Route("/healthz", healthz),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),  # graphql-ws: routers open a subscription's stream here
        ],
        lifespan=lifespan,
    )
