"""The gateway as a graphql-ws client: a subscription's root fetch to a remote subgraph (``graphql-transport-ws``).

One WebSocket per subscription (the subgraph's ``connection_init`` carries nothing: the principal travels in the
upgrade request's headers, as it does on every HTTP fetch). ``next`` payloads are yielded as GraphQL responses;
``error`` becomes one response with the errors; ``complete`` or a close ends the stream. Frames are capped like
every upstream read.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from typing import Any

import websockets

from gateway.errors import SubgraphError, UpstreamProtocolError, UpstreamUnavailable

__all__ = ["subscribe_over_ws"]

SUBPROTOCOL = "graphql-transport-ws"


def ws_url(url: str) -> str:
    return "ws" + url[4:] if url.startswith("http") else url


async def subscribe_over_ws(
    service: str,
    url: str,
    operation: str,
    variables: Mapping[str, Any],
    headers: Mapping[str, str],
    *,
    open_timeout: float = 10.0,
    max_message_bytes: int = 1024 * 1024,
) -> AsyncIterator[Mapping[str, Any]]:
    try:
        connection = await websockets.connect(
            ws_url(url),
            subprotocols=[SUBPROTOCOL],  # type: ignore[list-item]
            additional_headers=dict(headers),
            open_timeout=open_timeout,
            max_size=max_message_bytes,
        )
    except (OSError, websockets.WebSocketException, TimeoutError) as exc:
        raise UpstreamUnavailable(
            f"subgraph {service!r} did not accept a graphql-ws connection: {type(exc).__name__}", service=service
        ) from None
    try:
        await connection.send(json.dumps({"type": "connection_init", "payload": {}}))
        ack = await _message(connection, service)
        if ack.get("type") != "connection_ack":
            raise UpstreamProtocolError(f"subgraph {service!r} did not acknowledge the connection", service=service)
        payload = {"query": operation, "variables": dict(variables)}
        await connection.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        while True:
            message = await _message(connection, service)
            kind = message.get("type")
            if kind == "ping":
                await connection.send(json.dumps({"type": "pong"}))
            elif kind == "next" and isinstance(message.get("payload"), dict):
                yield message["payload"]
            elif kind == "error":
                errors = message.get("payload")
                yield {"data": None, "errors": errors if isinstance(errors, list) else []}
                return
            elif kind == "complete":
                return
    finally:
        await connection.close()


async def _message(connection: Any, service: str) -> dict[str, Any]:
    try:
        raw = await connection.recv()
    except websockets.ConnectionClosed as closed:
        code = closed.rcvd.code if closed.rcvd else None
        raise SubgraphError(
            f"subgraph {service!r} closed the subscription (code {code})", service=service, code="SUBSCRIPTION_CLOSED"
        ) from None
    try:
        message = json.loads(raw)
    except ValueError:
        raise UpstreamProtocolError(f"subgraph {service!r} sent a frame that is not JSON", service=service) from None
    if not isinstance(message, dict):
        raise UpstreamProtocolError(f"subgraph {service!r} sent a frame that is not an object", service=service)
    return message
