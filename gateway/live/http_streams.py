"""Subscriptions over plain HTTP on ``/graphql``: GraphQL over SSE and multipart subscriptions.

* **GraphQL over SSE**, "distinct connections" mode (github.com/enisdenjo/graphql-sse, PROTOCOL.md): a ``GET`` or
  ``POST`` with ``Accept: text/event-stream``; each result is ``event: next`` with the result as ``data``, the end
  is ``event: complete``.
* **Multipart subscriptions** as Apollo Client and Apollo Router speak them: ``Accept: multipart/mixed;
  subscriptionSpec="1.0"``; the response is ``multipart/mixed; boundary="graphql"; subscriptionSpec="1.0"``, each
  part ``{"payload": result}``, ``{}`` heartbeats every few seconds, and a transport error as
  ``{"payload": null, "errors": [...]}``.

Authentication is the ``Authorization`` header, through the same gate as ``POST /graphql``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from gateway.errors import RequestError
from gateway.federation.engine import GraphQLRequest, GraphQLResponse
from gateway.live.service import LiveService

__all__ = ["stream_kind", "streaming_endpoint"]

HEARTBEAT_SECONDS = 5.0


def stream_kind(accept: str | None) -> str | None:
    """``"sse"``, ``"multipart"`` or None (an ordinary request) for an ``Accept`` header."""
    text = (accept or "").lower()
    if "text/event-stream" in text:
        return "sse"
    if "multipart/mixed" in text and "subscriptionspec" in text:
        return "multipart"
    if "multipart/mixed" in text and "deferspec" in text:
        return "defer"
    return None


def _sse(event: str, data: Any) -> bytes:
    body = json.dumps(data, default=str) if data is not None else ""
    return f"event: {event}\ndata: {body}\n\n".encode()


def _part(payload: dict[str, Any]) -> bytes:
    return (
        b"\r\n--graphql\r\ncontent-type: application/json; charset=utf-8\r\n\r\n"
        + json.dumps(payload, default=str).encode()
    )


async def _with_heartbeat(
    stream: AsyncIterator[GraphQLResponse], every: float
) -> AsyncIterator[GraphQLResponse | None]:
    """The stream's results, and None whenever ``every`` seconds pass without one (a heartbeat)."""
    pending: asyncio.Task[GraphQLResponse] | None = None
    try:
        while True:
            if pending is None:
                pending = asyncio.ensure_future(anext(stream))
            done, _ = await asyncio.wait({pending}, timeout=every)
            if not done:
                yield None
                continue
            try:
                result = pending.result()
            except StopAsyncIteration:
                return
            pending = None
            yield result
    finally:
        if pending is not None:
            pending.cancel()
            with contextlib.suppress(BaseException):
                await pending
        close = getattr(stream, "aclose", None)
        if close is not None:
            await close()


def streaming_endpoint(
    service: Callable[[], LiveService | None],
) -> Callable[[Request, str, GraphQLRequest | list[GraphQLRequest]], Awaitable[Response | None]]:
    async def endpoint(request: Request, kind: str, parsed: GraphQLRequest | list[GraphQLRequest]) -> Response | None:
        live = service()
        if live is None:
            return Response("starting", status_code=503)
        if kind == "defer":
            return await _deferred(live, request, parsed)
        if isinstance(parsed, list):
            return _json_error(400, "a stream carries one operation, not a batch", "BAD_REQUEST")
        parsed = GraphQLRequest(
            query=parsed.query,
            variables=parsed.variables,
            operation_name=parsed.operation_name,
            extensions=parsed.extensions,
            allowed_operations=frozenset({"query", "subscription"})
            | (frozenset({"mutation"}) if request.method == "POST" else frozenset()),
        )
        client = request.client.host if request.client else "unknown"
        try:
            admitted, principal = await live.admit(parsed, request.headers.get("authorization"), client)
        except RequestError as exc:
            refused = live.refusal(exc)
            return Response(
                json.dumps(refused.to_json()),
                status_code=exc.http_status,
                media_type="application/json",
                headers=refused.headers,
            )
        opened = await live.open(admitted, principal, {k.lower(): v for k, v in request.headers.items()})
        if isinstance(opened, GraphQLResponse):
            if opened.request_error:
                codes = {(e.get("extensions") or {}).get("code") for e in opened.errors}
                status = opened.status or (
                    401 if "UNAUTHENTICATED" in codes else 403 if "UNAUTHORIZED_FIELD_OR_TYPE" in codes else 400
                )
                return Response(
                    json.dumps(opened.to_json(), default=str), status_code=status, media_type="application/json"
                )
            single = _one(opened)
            return _stream_response(kind, single)
        return _stream_response(kind, opened)

    return endpoint


async def _deferred(
    live: LiveService, request: Request, parsed: GraphQLRequest | list[GraphQLRequest]
) -> Response | None:
    """``@defer`` over ``multipart/mixed; deferSpec=20220824``; None: nothing deferred, answer as usual."""
    if isinstance(parsed, list) or "@defer" not in parsed.query:
        return None
    client = request.client.host if request.client else "unknown"
    try:
        admitted, principal = await live.admit(parsed, request.headers.get("authorization"), client)
    except RequestError:
        return None  # the ordinary path refuses it with the usual status and body
    parts = live.incremental(admitted, principal, {k.lower(): v for k, v in request.headers.items()})
    if parts is None:
        return None

    async def body() -> AsyncIterator[bytes]:
        async for payload in parts:
            yield _part(payload)
        yield b"\r\n--graphql--\r\n"

    return StreamingResponse(
        body(),
        media_type='multipart/mixed; boundary="graphql"; deferSpec=20220824',
        headers={"cache-control": "no-cache"},
    )


async def _one(result: GraphQLResponse) -> AsyncIterator[GraphQLResponse]:
    yield result


def _stream_response(kind: str, results: AsyncIterator[GraphQLResponse]) -> Response:
    if kind == "sse":

        async def sse() -> AsyncIterator[bytes]:
            async for result in _with_heartbeat(results, HEARTBEAT_SECONDS):
                yield b":\n\n" if result is None else _sse("next", result.to_json())
            yield _sse("complete", None)

        return StreamingResponse(
            sse(), media_type="text/event-stream", headers={"cache-control": "no-cache", "x-accel-buffering": "no"}
        )

    async def multipart() -> AsyncIterator[bytes]:
        yield _part({})  # the first part: lets clients see the stream is open
        async for result in _with_heartbeat(results, HEARTBEAT_SECONDS):
            if result is None:
                yield _part({})
            elif result.data is None and result.errors and result.operation_type == "subscription":
                yield _part({"payload": None, "errors": result.errors})
            else:
                yield _part({"payload": result.to_json()})
        yield b"\r\n--graphql--\r\n"

    return StreamingResponse(
        multipart(),
        media_type='multipart/mixed; boundary="graphql"; subscriptionSpec="1.0"',
        headers={"cache-control": "no-cache"},
    )


def _json_error(status: int, message: str, code: str) -> Response:
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return Response(json.dumps(body), status_code=status, media_type="application/json")
