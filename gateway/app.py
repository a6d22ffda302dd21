"""The Starlette application: ``/graphql`` (+ GraphiQL), ``/healthz``, ``/readyz``, ``/metrics``.

The lifespan owns every resource: it builds the :class:`~gateway.runtime.Runtime` (adapter clients, the shared
httpx pool, the composed supergraph) at start-up and closes it at shutdown.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.config import Settings
from gateway.errors import to_graphql_extensions
from gateway.federation.engine import GraphQLRequest, GraphQLResponse
from gateway.graphiql import graphiql_page
from gateway.http import HttpOptions, graphql_endpoint
from gateway.observability import Metrics, request_id_var
from gateway.reload import LiveRuntime, ReloadOptions
from gateway.runtime import Runtime, build_runtime
from gateway.sdk.adapter import Adapter
from gateway.sdk.context import ANONYMOUS, RequestContext, _reset_current, _set_current

__all__ = ["create_app"]

log = logging.getLogger("silkgraph.gateway")

RuntimeFactory = Callable[[Settings, contextlib.AsyncExitStack], Awaitable[Runtime]]


class RequestIdMiddleware:
    """Gives every request an id (kept from ``X-Request-Id`` when sane), echoed in the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else secrets.token_hex(8)
        token = request_id_var.set(request_id)

        async def send_with_id(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                headers.extend(_SECURITY_HEADERS)
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id_var.reset(token)


_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


def create_app(
    settings: Settings,
    *,
    adapters: Sequence[Adapter] | None = None,
    runtime_factory: RuntimeFactory | None = None,
    reload: ReloadOptions | None = None,
) -> Starlette:
    """The gateway app. With ``reload``, the supergraph is rebuilt on config change or SIGHUP (gateway.reload)."""
    if reload is not None and adapters is not None:
        # each generation needs its own adapter instances (the old one keeps serving while the new one starts)
        raise ValueError("reload builds adapters from settings on every generation; do not also pass adapters=")
    metrics = Metrics()
    state: dict[str, Any] = {"runtime": None, "started": None, "live": None}

    async def build(s: Settings, stack: contextlib.AsyncExitStack) -> Runtime:
        if runtime_factory is not None:
            return await runtime_factory(s, stack)
        return await build_runtime(s, stack, adapters=adapters)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        live = LiveRuntime(settings, build, options=reload, registry=metrics.registry)
        async with live.running():
            state["live"] = live
            state["runtime"] = live.current
            state["started"] = time.time()
            app.state.live = live
            log.info(
                "gateway ready",
                extra={
                    "fields": {"subgraphs": sorted(live.current.supergraph.subgraphs), "mode": settings.gateway.mode}
                },
            )
            yield
            state["runtime"] = state["live"] = None

    def runtime() -> Runtime:
        live: LiveRuntime | None = state["live"]
        if live is None:
            raise RuntimeError("the gateway is not started")
        return live.current

    def _live() -> LiveRuntime:
        live: LiveRuntime | None = state["live"]
        if live is None:
            raise RuntimeError("the gateway is not started")
        return live

    async def handle(request: GraphQLRequest, http_request: Request) -> GraphQLResponse:
        started = time.perf_counter()
        context = RequestContext(
            principal=ANONYMOUS,
            request_id=request_id_var.get(),
            traceparent=http_request.headers.get("traceparent"),
            client_name=http_request.headers.get("apollographql-client-name"),
            client_version=http_request.headers.get("apollographql-client-version"),
        )
        token = _set_current(context)
        try:
            async with _live().lease() as rt:  # a reload meanwhile lets this request finish on its graph
                result = await rt.graph.execute(request, context)
        except Exception as exc:  # last line of defence: never a traceback to the client
            log.exception("unhandled error while executing an operation")
            message, extensions = to_graphql_extensions(exc)
            result = GraphQLResponse(
                errors=[{"message": message, "extensions": extensions}], request_error=True, status=500
            )
        finally:
            _reset_current(token)
        elapsed = time.perf_counter() - started
        outcome = "request_error" if result.request_error else ("partial" if result.errors else "ok")
        metrics.requests.labels(result.operation_type or "unknown", outcome).inc()
        metrics.request_seconds.observe(elapsed)
        for fetch in result.fetches:
            metrics.fetches.labels(
                fetch.service, "entities" if fetch.entity else "root", "ok" if fetch.ok else "error"
            ).inc()
            metrics.fetch_seconds.labels(fetch.service).observe(fetch.duration_ms / 1000)
        log.info(
            "operation",
            extra={
                "fields": {
                    "operation": result.operation_name,
                    "type": result.operation_type,
                    "outcome": outcome,
                    "ms": round(elapsed * 1000, 2),
                    "fetches": len(result.fetches),
                    "errors": [e.get("extensions", {}).get("code") for e in result.errors][:10],
                }
            },
        )
        return result

    gw = settings.gateway
    options = HttpOptions(
        max_body_bytes=gw.limits.max_body_bytes,
        graphiql=gw.graphiql_enabled,
        allow_plain_get=not gw.production,
        max_batch=gw.limits.max_batch,
        graphiql_html=graphiql_page(demo=not gw.production),
    )

    async def healthz(request: Request) -> Response:
        return JSONResponse(
            {"status": "ok" if state["runtime"] is not None else "starting"},
            status_code=200 if state["runtime"] is not None else 503,
        )

    async def readyz(request: Request) -> Response:
        live: LiveRuntime | None = state["live"]
        if live is None:
            return JSONResponse({"status": "starting"}, status_code=503)
        rt = live.current
        health = await rt.health()
        for name, h in health.items():
            metrics.source_up.labels(name).set(1 if h.ok else 0)
        ready = all(h.ok for h in health.values())
        body = {
            "status": "ready" if ready else "unavailable",
            "supergraph": rt.supergraph.hash[:16],
            "sources": {
                n: {"state": h.state.value, "detail": h.detail, **({"sources": dict(h.sources)} if h.sources else {})}
                for n, h in health.items()
            },
            "reload": live.status.as_dict(),
        }
        return JSONResponse(body, status_code=200 if ready else 503)

    async def metrics_endpoint(request: Request) -> Response:
        if state["live"] is not None:
            rt = runtime()
            metrics.plan_cache.labels("hit").set(rt.graph.planner.hits)
            metrics.plan_cache.labels("miss").set(rt.graph.planner.misses)
        return PlainTextResponse(metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")

    routes = [
        Route("/graphql", graphql_endpoint(handle, options), methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics_endpoint, methods=["GET"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.metrics = metrics
    app.add_middleware(RequestIdMiddleware)
    return app
