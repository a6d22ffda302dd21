"""What every live protocol shares: admission (the same gate as ``POST /graphql``), limits, the stream, audit.

graphql-ws, GraphQL over SSE and multipart subscriptions differ only in framing; each asks :class:`LiveService`
to admit a caller and open an operation, and gets back either one result (a refusal, a query, a mutation) or a
stream of results. The stream ends by itself when the caller's token expires (``TOKEN_EXPIRED``), when nothing
arrives for ``idle_timeout`` seconds (``IDLE_TIMEOUT``) or when the caller falls behind (``SLOW_CONSUMER``);
its start, every delivered event (with the legacy notification it came from) and its stop are audited.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from typing import Any

from gateway.config import SubscriptionSettings
from gateway.errors import RequestError
from gateway.federation.engine import GraphQLRequest, GraphQLResponse
from gateway.federation.fanout import SharedStreams
from gateway.federation.incremental import incremental_payloads, split_defer
from gateway.federation.subscriptions import LIVE_EVENT, Subscriptions
from gateway.observability import request_id_var
from gateway.sdk.context import Principal, RequestContext, _reset_current, _set_current

__all__ = ["LiveService", "ended"]


def ended(code: str, message: str) -> GraphQLResponse:
    return GraphQLResponse(errors=[{"message": message, "extensions": {"code": code}}], operation_type="subscription")


class LiveService:
    def __init__(self, runtime: Callable[[], Any], audit: Callable[[], Any], settings: SubscriptionSettings) -> None:
        self._runtime = runtime
        self._audit = audit
        self.settings = settings
        self.per_principal: Counter[str] = Counter()
        #: identical subscriptions (same operation, variables and authorization) share one upstream stream
        self.shared = SharedStreams(queue_limit=settings.queue_limit)

    async def admit(
        self, request: GraphQLRequest, authorization: str | None, client: str
    ) -> tuple[GraphQLRequest, Principal]:
        """The gate of ``POST /graphql``: authentication, rate limits, persisted queries; RequestError refuses."""
        rt = self._runtime()
        admitted: tuple[GraphQLRequest, Principal] = await rt.gate.admit(request, authorization, client)
        return admitted

    def refusal(self, error: RequestError) -> GraphQLResponse:
        refused: GraphQLResponse = self._runtime().gate.refusal(error)
        return refused

    def context(self, principal: Principal, headers: dict[str, str]) -> RequestContext:
        return RequestContext(
            principal=principal,
            request_id=request_id_var.get(),
            traceparent=headers.get("traceparent"),
            client_name=headers.get("apollographql-client-name"),
            client_version=headers.get("apollographql-client-version"),
        )

    async def open(
        self, request: GraphQLRequest, principal: Principal, headers: dict[str, str]
    ) -> GraphQLResponse | AsyncIterator[GraphQLResponse]:
        """One result, or a stream of them. Per-connection limits are the protocol's; per-principal ones here."""
        rt = self._runtime()
        context = self.context(principal, headers)
        started = time.time()
        opened = await Subscriptions(rt.graph).open(request, context)
        if opened is None:  # a query or mutation over a live protocol: one result
            result = await self._execute(rt.graph, request, context)
            await self._record(context, request, result, started)
            return result
        if isinstance(opened, GraphQLResponse):
            await self._record(context, request, opened, started)
            return opened
        who = f"{principal.agency or '-'}:{principal.subject}"
        if self.per_principal[who] >= self.settings.max_per_principal:
            await _aclose(opened)
            return ended(
                "TOO_MANY_SUBSCRIPTIONS",
                f"at most {self.settings.max_per_principal} subscriptions per caller "
                "(gateway.subscriptions.max_per_principal); close one first",
            )
        key = (
            id(rt.graph),  # a reloaded graph opens its own streams
            request.query,
            request.operation_name,
            json.dumps(request.variables or {}, sort_keys=True, default=str),
            principal.agency,
            tuple(sorted(principal.roles)),
            tuple(sorted(principal.scopes)),
        )
        shared = await self.shared.open(key, opened)
        return self._guarded(shared, request, context, who, started, _operation_name(rt.graph, request))

    def incremental(
        self, request: GraphQLRequest, principal: Principal, headers: dict[str, str]
    ) -> AsyncIterator[dict[str, Any]] | None:
        """The parts of a ``@defer`` response, or None when the operation defers nothing (answer it normally)."""
        rt = self._runtime()
        if "@defer" not in request.query:
            return None
        document = rt.graph.prepare(request.query).document
        if document is None:
            return None
        split = split_defer(document, request.operation_name, request.variables or {})
        if split is None:
            return None
        context = self.context(principal, headers)

        async def run(part: GraphQLRequest) -> GraphQLResponse:
            started = time.time()
            result = await self._execute(rt.graph, part, context)
            await self._record(context, part, result, started)
            return result

        return incremental_payloads(request, split, run)

    @staticmethod
    async def _execute(graph: Any, request: GraphQLRequest, context: RequestContext) -> GraphQLResponse:
        """One operation, with the request current (legacy calls are recorded in it, as on POST)."""
        token = _set_current(context)
        try:
            result: GraphQLResponse = await graph.execute(request, context)
        finally:
            _reset_current(token)
        return result

    async def _guarded(
        self,
        stream: AsyncIterator[GraphQLResponse],
        request: GraphQLRequest,
        context: RequestContext,
        who: str,
        started: float,
        name: str | None,
    ) -> AsyncIterator[GraphQLResponse]:
        self.per_principal[who] += 1
        expires = context.principal.claims.get("exp")
        await self._record(context, request, _phase(name), started, phase="start")
        delivered = 0
        reason = "complete"
        try:
            while True:
                wait = self.settings.idle_timeout
                if isinstance(expires, int | float):
                    wait = min(wait, max(0.0, expires - time.time()))
                try:
                    async with asyncio.timeout(wait):
                        result = await anext(stream)
                except StopAsyncIteration:
                    return
                except TimeoutError:
                    if isinstance(expires, int | float) and time.time() >= expires:
                        reason = "TOKEN_EXPIRED"
                        yield ended("TOKEN_EXPIRED", "the access token expired: reconnect with a fresh token")
                    else:
                        reason = "IDLE_TIMEOUT"
                        yield ended(
                            "IDLE_TIMEOUT",
                            f"nothing happened for {self.settings.idle_timeout:g} s "
                            "(gateway.subscriptions.idle_timeout): subscribe again to keep listening",
                        )
                    return
                source = result.headers.pop("x-live-event", "")
                delivered += 1
                await self._record(
                    context,
                    request,
                    result,
                    started,
                    phase="event",
                    event={"source": source, "delivered": delivered},
                )
                yield result
                if result.errors and any(
                    (e.get("extensions") or {}).get("code") == "SLOW_CONSUMER" for e in result.errors
                ):
                    reason = "SLOW_CONSUMER"
                    return
        finally:
            self.per_principal[who] -= 1
            if self.per_principal[who] <= 0:
                del self.per_principal[who]
            await _aclose(stream)
            with contextlib.suppress(Exception):
                await self._record(
                    context,
                    request,
                    _phase(name),
                    started,
                    phase="stop",
                    event={"reason": reason, "delivered": delivered},
                )

    async def _record(
        self,
        context: RequestContext,
        request: GraphQLRequest,
        result: GraphQLResponse,
        started: float,
        *,
        phase: str | None = None,
        event: dict[str, Any] | None = None,
    ) -> None:
        audit = self._audit()
        if audit is None:
            return
        context.extras.pop(LIVE_EVENT, None)
        if phase is not None:
            context.extras["live"] = {"phase": phase, **(event or {})}
        await audit.record(
            context=context,
            request=request,
            result=result,
            graph=self._runtime().graph,
            started=started,
            latency_ms=(time.time() - started) * 1000,
        )
        context.extras.pop("live", None)


def _phase(name: str | None) -> GraphQLResponse:
    return GraphQLResponse(operation_type="subscription", operation_name=name)


def _operation_name(graph: Any, request: GraphQLRequest) -> str | None:
    if request.operation_name:
        return request.operation_name
    document = graph.prepare(request.query).document
    if document is None:
        return None
    names = [d.name.value for d in document.definitions if getattr(d, "name", None) and hasattr(d, "operation")]
    return names[0] if len(names) == 1 else None


async def _aclose(stream: Any) -> None:
    close = getattr(stream, "aclose", None)
    if close is not None:
        with contextlib.suppress(Exception):
            await close()
