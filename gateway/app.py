"""The Starlette application: ``/graphql`` (+ GraphiQL), ``/healthz``, ``/readyz``, ``/metrics``.

In production ``/metrics`` needs a bearer token with ``ops:read`` and ``/console`` one with ``audit:read`` or
``ops:read``; ``/readyz`` tells anonymous callers only its status (details with ``ops:read``).

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
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway import redis_store
from gateway.audit.store import AuditStore
from gateway.audit.trail import AuditTrail, open_audit_trail
from gateway.config import Settings
from gateway.console import console_routes
from gateway.errors import RequestError, Unauthenticated, to_graphql_extensions
from gateway.federation.engine import GraphQLRequest, GraphQLResponse
from gateway.graphiql import asset_routes, graphiql_page
from gateway.http import HttpOptions, graphql_endpoint
from gateway.live.graphql_ws import graphql_ws_endpoint
from gateway.live.http_streams import streaming_endpoint
from gateway.live.service import LiveService
from gateway.observability import Metrics, request_id_var
from gateway.policy.authn import authenticate
from gateway.policy.gate import Gate, open_gate
from gateway.policy.scopes import AUDIT_READ, OPS_READ
from gateway.reload import LiveRuntime, ReloadOptions
from gateway.resilience import registry as resilience_registry
from gateway.runtime import Runtime, build_runtime
from gateway.sdk import pgpool
from gateway.sdk.adapter import Adapter
from gateway.sdk.calls import LEGACY_CALLS
from gateway.sdk.context import ANONYMOUS, RequestContext, _reset_current, _set_current
from gateway.sdk.registry import make_adapter
from gateway.telemetry import Telemetry
from gateway.webhooks import webhook_routes

__all__ = ["create_app"]

log = logging.getLogger("silkgraph.gateway")

RuntimeFactory = Callable[[Settings, contextlib.AsyncExitStack], Awaitable[Runtime]]


class RequestIdMiddleware:
    """Gives every request an id (kept from ``X-Request-Id`` when sane), echoed in the response."""

    def __init__(self, app: ASGIApp, *, production: bool = False) -> None:
        self.app = app
        self.extra_headers = _PRODUCTION_HEADERS if production else []

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
                headers.extend(self.extra_headers)
                if not any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers):
                    headers.append((b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"))
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
    (b"cache-control", b"no-store"),
]
#: behind TLS in production: browsers must keep to https
_PRODUCTION_HEADERS = [(b"strict-transport-security", b"max-age=31536000; includeSubDomains")]


class _Gateway(Starlette):
    """Starlette, except that ``POST /graphql`` — nearly every request — goes straight to its endpoint (behind the
    request id) when no other middleware is configured, instead of through Starlette's error and exception
    middleware and its router: ``graphql_endpoint`` answers every error itself, so those layers only cost time
    (about a tenth of the CPU of a small operation). Everything else, any request under a ``root_path``, and every
    request once another middleware is added (CORS, say), takes the full stack."""

    graphql: ASGIApp | None = None

    def add_middleware(self, middleware_class: Any, *args: Any, **kwargs: Any) -> None:
        if middleware_class is not RequestIdMiddleware:  # the short way would pass it by
            self.graphql = None
        super().add_middleware(middleware_class, *args, **kwargs)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self.graphql is not None
            and scope["type"] == "http"
            and scope["method"] == "POST"
            and scope["path"] == "/graphql"
            and not scope.get("root_path")
        ):
            scope["app"] = self
            await self.graphql(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def _asgi(endpoint: Callable[[Request], Awaitable[Response]]) -> ASGIApp:
    """An endpoint as a plain ASGI app (what Starlette's route does, less its exception handling)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        response = await endpoint(Request(scope, receive, send))
        await response(scope, receive, send)

    return app


def _internal_error(exc: Exception) -> GraphQLResponse:
    """An unexpected exception as the client sees it: a GraphQL error with a code, no internal text."""
    message, extensions = to_graphql_extensions(exc)
    return GraphQLResponse(errors=[{"message": message, "extensions": extensions}], request_error=True, status=500)


def create_app(
    settings: Settings,
    *,
    adapters: Sequence[Adapter] | None = None,
    runtime_factory: RuntimeFactory | None = None,
    telemetry: Telemetry | None = None,
    audit_store: AuditStore | None = None,
    reload: ReloadOptions | None = None,
) -> Starlette:
    """The gateway app. ``telemetry`` and ``audit_store`` override what settings would create (tests, bench);
    with ``reload``, the supergraph is rebuilt on config change or SIGHUP (gateway.reload)."""
    if reload is not None and adapters is not None:
        # each generation needs its own adapter instances (the old one keeps serving while the new one starts)
        raise ValueError("reload builds adapters from settings on every generation; do not also pass adapters=")
    stores = settings.stores
    pgpool.configure(stores.postgres)
    redis_store.configure(
        connect_timeout=stores.redis_connect_timeout,
        timeout=stores.redis_timeout,
        breaker_reset=stores.redis_breaker_reset,
    )
    metrics = Metrics()
    tracing = telemetry or Telemetry(settings.telemetry)
    state: dict[str, Any] = {"runtime": None, "started": None, "audit": None, "live": None}

    async def build(s: Settings, stack: contextlib.AsyncExitStack) -> Runtime:
        """One generation of the graph: adapters (+ the audit subgraph), composition, and its security gate."""
        if runtime_factory is not None:
            rt = await runtime_factory(s, stack)
        else:
            chosen = list(adapters) if adapters is not None else None
            if state["audit"] is not None and not s.gateway.supergraph:
                from gateway.audit.subgraph import AuditSubgraph

                if chosen is None:
                    chosen = [make_adapter(a) for a in s.enabled_adapters()]
                chosen.append(AuditSubgraph(state["audit"].log))
            rt = await build_runtime(s, stack, adapters=chosen)
        rt.gate = await stack.enter_async_context(open_gate(s, rt.graph, rt.http))
        return rt

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            if telemetry is None:  # ours: flush exporters at shutdown
                stack.callback(tracing.shutdown)
            # audit first: the audit subgraph reads it, and it must close after the last operation
            if settings.audit.enabled:
                state["audit"] = app.state.audit = await stack.enter_async_context(
                    open_audit_trail(settings.audit, store=audit_store, timeouts=settings.stores.postgres)
                )
            live = LiveRuntime(settings, build, options=reload, registry=metrics.registry)
            async with live.running():
                state["live"] = app.state.live = live
                state["runtime"] = app.state.runtime = live.current
                state["started"] = time.time()
                log.info(
                    "gateway ready",
                    extra={
                        "fields": {
                            "subgraphs": sorted(live.current.supergraph.subgraphs),
                            "mode": settings.gateway.mode,
                        }
                    },
                )
                yield
                state["runtime"] = state["live"] = None

    def _current() -> Runtime | None:
        live: LiveRuntime | None = state["live"]
        return live.current if live is not None else None

    def _live() -> LiveRuntime:
        live: LiveRuntime | None = state["live"]
        if live is None:
            raise RuntimeError("the gateway is not started")
        return live

    async def handle(request: GraphQLRequest, http_request: Request) -> GraphQLResponse:
        started, started_wall = time.perf_counter(), time.time()
        async with _live().lease() as rt:  # a reload meanwhile lets this request finish on its generation
            gate: Gate = rt.gate
            try:
                request, principal = await gate.admit(
                    request,
                    http_request.headers.get("authorization"),
                    http_request.client.host if http_request.client else "unknown",
                )
            except Exception as exc:  # a refusal; or a bug, answered (and audited) without a traceback
                if isinstance(exc, RequestError):
                    refused = gate.refusal(exc)
                else:
                    log.exception("unhandled error while admitting an operation")
                    refused = _internal_error(exc)
                metrics.requests.labels("unknown", "refused").inc()
                log.info("refused", extra={"fields": {"code": refused.errors[0]["extensions"].get("code")}})
                refusal_audit: AuditTrail | None = state["audit"]
                if refusal_audit is not None and await refusal_audit.admit() is None:
                    # auditors see who was turned away too (bad token, rate limit, unknown persisted query)
                    anonymous = RequestContext(
                        principal=ANONYMOUS,
                        request_id=request_id_var.get(),
                        traceparent=http_request.headers.get("traceparent"),
                        client_name=http_request.headers.get("apollographql-client-name"),
                        client_version=http_request.headers.get("apollographql-client-version"),
                    )
                    refused = await refusal_audit.record(
                        context=anonymous,
                        request=request,
                        result=refused,
                        graph=rt.graph,
                        started=started_wall,
                        latency_ms=(time.perf_counter() - started) * 1000,
                    )
                return refused
            audit: AuditTrail | None = state["audit"]
            if audit is not None and (unavailable := await audit.admit()) is not None:
                metrics.requests.labels("unknown", "audit_unavailable").inc()
                return unavailable
            context = RequestContext(
                principal=principal,
                request_id=request_id_var.get(),
                traceparent=http_request.headers.get("traceparent"),
                client_name=http_request.headers.get("apollographql-client-name"),
                client_version=http_request.headers.get("apollographql-client-version"),
            )
            token = _set_current(context)
            with tracing.operation(context, http_request.headers.get("traceparent")) as span:
                try:
                    result = await rt.graph.execute(request, context)
                except Exception as exc:  # last line of defence: never a traceback to the client
                    log.exception("unhandled error while executing an operation")
                    result = _internal_error(exc)
                finally:
                    _reset_current(token)
                tracing.finish(span, result, started_wall)
                if audit is not None:  # the response waits for its committed audit record
                    latency_ms = (time.perf_counter() - started) * 1000
                    result = await audit.record(
                        context=context,
                        request=request,
                        result=result,
                        graph=rt.graph,
                        started=started_wall,
                        latency_ms=latency_ms,
                    )
        elapsed = time.perf_counter() - started
        for call in context.extras.get(LEGACY_CALLS, ()):
            metrics.legacy_calls.labels(call.source, "error" if call.error_code else "ok").inc()
            metrics.legacy_seconds.labels(call.source).observe(call.latency_ms / 1000)
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
    subscriptions = gw.subscriptions

    def _live_service() -> LiveService | None:
        if state["live"] is None or not subscriptions.enabled:
            return None
        if state.get("live_service") is None:
            state["live_service"] = LiveService(_current, lambda: state["audit"], subscriptions)
        service: LiveService = state["live_service"]
        return service

    options = HttpOptions(
        max_body_bytes=gw.limits.max_body_bytes,
        graphiql=gw.graphiql_enabled,
        allow_plain_get=not gw.production,
        max_batch=gw.limits.max_batch,
        graphiql_html=graphiql_page(demo=not gw.production, cdn=gw.graphiql_cdn),
        stream=streaming_endpoint(_live_service) if subscriptions.enabled else None,
    )

    async def healthz(request: Request) -> Response:
        return JSONResponse(
            {"status": "ok" if state["live"] is not None else "starting"},
            status_code=200 if state["live"] is not None else 503,
        )

    async def ops_refusal(request: Request, scopes: tuple[str, ...]) -> Response | None:
        """In production an operations endpoint needs a bearer token with one of ``scopes``; None lets it in."""
        if not gw.production:
            return None
        rt = _current()
        verifier = rt.gate.verifier if rt is not None and rt.gate is not None else None
        try:
            principal = await authenticate(verifier, request.headers.get("authorization"), required=True)
        except Unauthenticated as exc:
            body = {"errors": [{"message": exc.message, "extensions": {"code": exc.code}}]}
            return JSONResponse(body, status_code=401, headers={"www-authenticate": 'Bearer realm="silkgraph-ops"'})
        if not any(principal.has_scope(scope) for scope in scopes):
            message = f"this endpoint needs the {' or '.join(scopes)} scope"
            return JSONResponse({"errors": [{"message": message, "extensions": {"code": "FORBIDDEN"}}]}, 403)
        return None

    async def readyz(request: Request) -> Response:
        rt = _current()
        if rt is None:
            return JSONResponse({"status": "starting"}, status_code=503)
        health = await rt.health()
        for name, h in health.items():
            metrics.source_up.labels(name).set(1 if h.ok else 0)
        audit: AuditTrail | None = state["audit"]
        if audit is not None:
            await audit.log.probe(interval=0)
        # ready = this gateway can serve. A legacy system or subgraph that is down makes the answers partial, not
        # the gateway unready: taking every replica out of the load balancer would turn one outage into a total one.
        ready = audit is None or audit.ready  # (a down audit log refuses every operation: fail closed)
        status = "unavailable" if not ready else "ready" if all(h.ok for h in health.values()) else "degraded"
        code = 200 if ready else 503
        if gw.production and (
            "authorization" not in request.headers or await ops_refusal(request, (OPS_READ,)) is not None
        ):
            # anonymous callers (load balancers) learn ready / degraded / unavailable, never topology or errors
            return JSONResponse({"status": status}, status_code=code)
        breakers = resilience_registry().status()
        body = {
            "status": status,
            "supergraph": rt.supergraph.hash[:16],
            "sources": {
                n: {"state": h.state.value, "detail": h.detail, **({"sources": dict(h.sources)} if h.sources else {})}
                for n, h in health.items()
            },
            "audit": audit.status() if audit is not None else {"enabled": False},
            "reload": _live().status.as_dict(),
            "breakers": breakers,
        }
        return JSONResponse(body, status_code=code)

    async def metrics_endpoint(request: Request) -> Response:
        refused = await ops_refusal(request, (OPS_READ,))
        if refused is not None:
            return refused
        rt = _current()
        if rt is not None:
            metrics.plan_cache.labels("hit").set(rt.graph.planner.hits)
            metrics.plan_cache.labels("miss").set(rt.graph.planner.misses)
        return PlainTextResponse(metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")

    async def jwks(request: Request) -> Response:
        rt = _current()
        gate = rt.gate if rt is not None else None
        if gate is None or gate.jwks is None:
            return JSONResponse({"error": "no demo keys"}, status_code=404)
        return JSONResponse(gate.jwks)

    graphql = graphql_endpoint(handle, options)
    routes: list[BaseRoute] = [
        Route("/graphql", graphql, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
        *console_routes(lambda request: ops_refusal(request, (AUDIT_READ, OPS_READ))),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics_endpoint, methods=["GET"]),
        *webhook_routes(_current),
    ]
    if subscriptions.enabled:  # graphql-ws on the same path (no WebSocket route at all when live data is off)
        routes.insert(1, WebSocketRoute("/graphql", graphql_ws_endpoint(_live_service)))
    if not gw.production:
        routes.append(Route("/.well-known/jwks.json", jwks, methods=["GET"]))
    if gw.graphiql_enabled and gw.graphiql_cdn is None:
        routes.extend(asset_routes())
    app = _Gateway(routes=routes, lifespan=lifespan)
    app.graphql = RequestIdMiddleware(_asgi(graphql), production=gw.production)
    app.state.metrics = metrics
    app.state.telemetry = tracing
    cors = gw.cors
    if cors.allow_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(cors.allow_origins),
            allow_methods=["GET", "POST"],
            allow_headers=list(cors.allow_headers),
            allow_credentials=cors.allow_credentials,
            max_age=cors.max_age,
        )
    app.add_middleware(RequestIdMiddleware, production=gw.production)
    return app
