"""Recording legacy calls: every request an adapter makes to its legacy system, for the audit trail and traces.

Adapters create their client with :func:`legacy_http_client` instead of ``httpx.AsyncClient(...)``::

    self.client = legacy_http_client(self.settings, source="customs")   # base_url + timeouts from settings

Each request through it

* opens an OpenTelemetry span (a child of the subgraph fetch it serves) and sends a W3C ``traceparent`` naming
  that span to the legacy system;
* is bounded by ``connect_timeout`` / ``read_timeout`` and, for the whole exchange (the response body is read
  inside the client, so legacy bodies are buffered), ``total_timeout``;
* reads the reply body whole, decoded, and at most ``max_response_bytes`` of it (default 2 MB; more is an
  ``UPSTREAM_PROTOCOL_ERROR``; :mod:`gateway.bodies`);
* carries the tenant of the operation's principal in ``X-Agency-Id`` (stamped here, never left to the adapter),
  or is refused before it leaves when that principal may see no tenant records (:mod:`gateway.sdk.tenancy`);
* is recorded as a :class:`LegacyCall` in the current request (``current_request().extras["legacy_calls"]``)
  with SHA-256 digests of the request and response bodies, status, latency and the subgraph fetch it belongs to.

Clients that do not speak httpx call :func:`record_legacy_call` once per exchange. The legacy operation name
defaults to the ``SOAPAction`` header or ``METHOD /path``; pass ``extensions={"silkgraph.operation": "..."}`` on
a request to name it. A repeat of an identical request (same source, method, endpoint and body) within one
operation is counted as a retry.
"""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
import hashlib
import time
import weakref
from collections.abc import Callable
from typing import Any

import httpx
from opentelemetry import trace
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from gateway.errors import ConfigError, SilkgraphError
from gateway.resilience import GuardedTransport, SourceGuard, guard_settings, registry
from gateway.sdk.adapter import AdapterSettings
from gateway.sdk.context import current_request
from gateway.sdk.tenancy import AGENCY_HEADER, NoTenant, tenancy_of

__all__ = [
    "GRANT_USED",
    "LEGACY_CALLS",
    "LegacyCall",
    "current_fetch",
    "guard_of",
    "legacy_http_client",
    "max_response_bytes",
    "record_legacy_call",
]

#: key of the list of :class:`LegacyCall` in ``RequestContext.extras``
LEGACY_CALLS = "legacy_calls"
#: key in ``RequestContext.extras`` naming the platform grant a cross-agency legacy read was made under
GRANT_USED = "tenancy.grant"
#: key of the OpenTelemetry tracer the gateway puts in ``RequestContext.extras``
TRACER = "otel.tracer"

#: The subgraph fetch being served by this task (set by the gateway's executor), if any.
current_fetch: contextvars.ContextVar[Any] = contextvars.ContextVar("silkgraph_fetch", default=None)

#: the guard behind each client :func:`legacy_http_client` made (weak: a closed, dropped client leaves no entry)
_GUARDS: weakref.WeakKeyDictionary[httpx.AsyncClient, SourceGuard] = weakref.WeakKeyDictionary()


def guard_of(client: httpx.AsyncClient) -> SourceGuard | None:
    """The breaker, bulkhead and retry budget of the source behind ``client`` (``None`` for a plain client).

    :class:`gateway.sdk.retry.ReadRetry` takes it, so retries see the breaker and share the source's budget."""
    return _GUARDS.get(client)


@dataclasses.dataclass(kw_only=True)
class LegacyCall:
    """One exchange with a legacy system."""

    source: str
    operation: str
    endpoint: str
    method: str
    started: float
    status: int | None = None
    latency_ms: float = 0.0
    retries: int = 0
    breaker: str | None = None
    request_digest: str | None = None
    response_digest: str | None = None
    error_code: str | None = None
    span_id: str | None = None
    #: the executor's FetchRecord this call served (not serialised; the audit record stores its index)
    fetch: Any = dataclasses.field(default=None, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out.pop("fetch")
        out["latency_ms"] = round(self.latency_ms, 3)
        return out


def _digest(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def _attach(call: LegacyCall) -> None:
    """Put the call into the current request (if any), linked to the current fetch, and count retries."""
    call.fetch = current_fetch.get()
    ctx = current_request()
    if ctx is None:
        return
    calls: list[LegacyCall] = ctx.extras.setdefault(LEGACY_CALLS, [])
    call.retries = sum(
        1
        for c in calls
        if (c.source, c.method, c.endpoint, c.request_digest)
        == (call.source, call.method, call.endpoint, call.request_digest)
    )
    calls.append(call)


def record_legacy_call(
    *,
    source: str,
    operation: str,
    endpoint: str,
    method: str = "POST",
    status: int | None = None,
    latency_ms: float = 0.0,
    request_body: bytes | None = None,
    response_body: bytes | None = None,
    error_code: str | None = None,
    breaker: str | None = None,
) -> LegacyCall:
    """Record one exchange made without :func:`legacy_http_client` (e.g. a raw socket or a queue)."""
    call = LegacyCall(
        source=source,
        operation=operation,
        endpoint=endpoint,
        method=method,
        started=time.time() - latency_ms / 1000,
        status=status,
        latency_ms=latency_ms,
        breaker=breaker,
        request_digest=_digest(request_body),
        response_digest=_digest(response_body),
        error_code=error_code,
    )
    _attach(call)
    return call


def _operation(request: httpx.Request) -> str:
    named = request.extensions.get("silkgraph.operation")
    if isinstance(named, str):
        return named
    action = request.headers.get("soapaction")
    if action:
        return str(action).strip('"')
    return f"{request.method} {request.url.path}"


def _error_code(exc: BaseException) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "UPSTREAM_TIMEOUT"
    if isinstance(exc, asyncio.CancelledError):
        return "CANCELLED"
    if isinstance(exc, SilkgraphError):
        return exc.code
    if isinstance(exc, httpx.ConnectError | httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return "UPSTREAM_UNAVAILABLE"
    return "UPSTREAM_ERROR"


def _tracer() -> Any:
    ctx = current_request()
    tracer = ctx.extras.get(TRACER) if ctx is not None else None
    if tracer is None:
        from opentelemetry import trace

        tracer = trace.get_tracer("silkgraph.legacy")
    return tracer


def _stamp_tenant(request: httpx.Request, source: str) -> None:
    """Set the tenant header from the principal of the operation being served (gateway.sdk.tenancy).

    Whatever the adapter put there is replaced: the header a legacy system trusts comes from the principal only.
    Outside an operation (start-up, health probes) the request is the platform's own and is left alone.
    """
    ctx = current_request()
    if ctx is None:
        return
    tenancy = tenancy_of(ctx.principal)
    if tenancy.nothing:
        raise NoTenant(f"{source} was not asked")
    if tenancy.agency is not None:
        request.headers[AGENCY_HEADER] = tenancy.agency
    else:
        request.headers.pop(AGENCY_HEADER, None)
        ctx.extras[GRANT_USED] = tenancy.grant


class LegacyTransport(httpx.AsyncBaseTransport):
    """Wraps a transport: span + ``traceparent`` per request and a :class:`LegacyCall` record; a total timeout
    (enforced by the inner :class:`~gateway.resilience.GuardedTransport`) becomes ``httpx.ReadTimeout``."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        *,
        source: str,
        total_timeout: float | None,
        breaker: Callable[[], str | None] | None = None,
    ) -> None:
        self.inner = inner
        self.source = source
        self.total_timeout = total_timeout
        self.breaker = breaker

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        _stamp_tenant(request, self.source)
        body = await request.aread()
        call = LegacyCall(
            source=self.source,
            operation=_operation(request),
            endpoint=str(request.url.copy_with(query=None, fragment=None)),
            method=request.method,
            started=time.time(),
            request_digest=_digest(body),
            breaker=self.breaker() if self.breaker is not None else None,
        )
        _attach(call)
        started = time.perf_counter()
        span = _tracer().start_span(
            f"legacy {self.source} {call.operation}",
            kind=trace.SpanKind.CLIENT,
            attributes={
                "silkgraph.legacy.source": self.source,
                "silkgraph.legacy.operation": call.operation,
                "http.request.method": request.method,
                "url.full": call.endpoint,
            },
        )
        sc = span.get_span_context()
        if sc.is_valid:
            call.span_id = format(sc.span_id, "016x")
        carrier: dict[str, str] = {}
        TraceContextTextMapPropagator().inject(carrier, context=trace.set_span_in_context(span))
        for key, value in carrier.items():
            request.headers[key] = value

        try:
            # the inner GuardedTransport reads the reply whole and capped, within total_timeout, inside the guard:
            # a deadline that passes is the source's failure (a TimeoutError here)
            response = await self.inner.handle_async_request(request)
            content = response.content
        except TimeoutError:
            self._finish(call, span, started, "UPSTREAM_TIMEOUT")
            raise httpx.ReadTimeout(
                f"legacy system {self.source!r} did not answer within total_timeout={self.total_timeout}s",
                request=request,
            ) from None
        except BaseException as exc:
            self._finish(call, span, started, _error_code(exc))
            raise
        call.status = response.status_code
        call.response_digest = _digest(content)
        span.set_attribute("http.response.status_code", response.status_code)
        self._finish(call, span, started, f"HTTP_{response.status_code}" if response.status_code >= 500 else None)
        return response

    @staticmethod
    def _finish(call: LegacyCall, span: Any, started: float, error: str | None) -> None:
        call.latency_ms = (time.perf_counter() - started) * 1000
        if error is not None:
            call.error_code = error
            span.set_status(trace.StatusCode.ERROR, error)
        span.end()

    async def aclose(self) -> None:
        await self.inner.aclose()


#: the default cap on a legacy reply's decoded body (``[adapters.<name>] max_response_bytes``)
DEFAULT_MAX_RESPONSE_BYTES = 2_000_000


def max_response_bytes(settings: AdapterSettings) -> int:
    """The adapter's cap on a legacy reply's decoded body: ``max_response_bytes``, 1 byte to 1 GiB."""
    value = settings.option("max_response_bytes", DEFAULT_MAX_RESPONSE_BYTES)
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 1 << 30:
        raise ConfigError(
            f"adapters.{settings.name}.max_response_bytes", f"must be a whole number from 1 to {1 << 30}, got {value!r}"
        )
    return value


#: connections to a legacy system (httpx's defaults, but a kept-alive one is dropped after 4 idle seconds): below the
#: 5 s idle timeout common to HTTP servers (uvicorn's and Apache's default), so a request is not sent on a connection
#: the server is closing at that moment (a read would then be retried: one more call in the system's log and audit)
_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=4.0)


def legacy_http_client(
    settings: AdapterSettings,
    *,
    source: str,
    breaker: Callable[[], str | None] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    reply_check: Callable[[httpx.Response], None] | None = None,
    **kwargs: Any,
) -> httpx.AsyncClient:
    """A drop-in for ``httpx.AsyncClient(base_url=settings.url, timeout=...)`` that records every call.

    ``breaker`` (optional) returns the circuit breaker's state for the record; ``transport`` wraps another
    transport (default: httpx's own). ``reply_check`` (optional) judges each complete reply inside the source's
    guard and raises for one the protocol refuses, so it counts as a failure. Other keyword arguments go to
    ``httpx.AsyncClient``. The source's guard
    (:func:`guard_of`) is shared by every client of the same source and address.
    """
    timeout = kwargs.pop(
        "timeout",
        httpx.Timeout(
            connect=settings.connect_timeout,
            read=settings.read_timeout,
            write=settings.read_timeout,
            pool=settings.connect_timeout,
        ),
    )
    # breaker + bulkhead per legacy source (gateway.resilience); the recording layer sits outside it, so a call
    # refused by an open breaker is audited too
    address = str(kwargs.get("base_url") or settings.url or "")
    options = guard_settings(settings.options, where=f"adapters.{settings.name}")
    guard = registry().guard(source, options, address=address)
    inner = GuardedTransport(
        transport or httpx.AsyncHTTPTransport(limits=_LIMITS),
        guard,
        service=settings.name,
        max_bytes=max_response_bytes(settings),
        reply_check=reply_check,
        total_timeout=settings.total_timeout,
    )
    if breaker is None:

        def breaker() -> str | None:
            return guard.breaker.state.value

    if settings.url is not None:
        kwargs.setdefault("base_url", settings.url)
    client = httpx.AsyncClient(
        transport=LegacyTransport(inner, source=source, total_timeout=settings.total_timeout, breaker=breaker),
        timeout=timeout,
        **kwargs,
    )
    _GUARDS[client] = guard
    return client
