"""graphql-ws on ``/graphql``: the ``graphql-transport-ws`` subprotocol (github.com/enisdenjo/graphql-ws, PROTOCOL.md).

``connection_init`` (its payload may carry ``Authorization``/``authorization``/``token``; else the upgrade
request's ``Authorization`` header) → ``connection_ack``; ``ping``/``pong`` both ways; ``subscribe`` →
``next``* then ``complete``, or ``error`` for a refused operation. Close codes: 4400 bad message, 4401 no or bad
credentials (and an expired token), 4403 subscribe before ack, 4406 subprotocol not acceptable, 4408 no
``connection_init`` in time, 4409 duplicate subscription id, 4429 a second ``connection_init``, 4413 a slow
consumer, 4500 internal error.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from gateway.errors import RequestError
from gateway.federation.engine import GraphQLRequest, GraphQLResponse
from gateway.live.service import LiveService
from gateway.sdk.context import Principal

__all__ = ["SUBPROTOCOL", "graphql_ws_endpoint"]

SUBPROTOCOL = "graphql-transport-ws"


class _Close(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason[:120]  # a close reason is at most 123 bytes


def _token(payload: Any, upgrade: str | None) -> str | None:
    if isinstance(payload, dict):
        for key in ("Authorization", "authorization"):
            value = payload.get(key)
            if isinstance(value, str) and value:
                return value
        token = payload.get("token")
        if isinstance(token, str) and token:
            return f"Bearer {token}"
        headers = payload.get("headers")
        if isinstance(headers, dict):
            return _token(headers, upgrade)
    return upgrade


class _Connection:
    def __init__(self, ws: WebSocket, service: LiveService) -> None:
        self.ws = ws
        self.service = service
        self.principal: Principal | None = None
        self.authorization: str | None = None
        self.init_seen = False
        self.operations: dict[str, asyncio.Task[None]] = {}
        self.send_lock = asyncio.Lock()
        self.closed: _Close | None = None
        self.headers = {k.lower(): v for k, v in ws.headers.items()}

    async def send(self, message: dict[str, Any]) -> None:
        async with self.send_lock:
            await self.ws.send_text(json.dumps(message, default=str))

    async def close(self, code: int, reason: str) -> None:
        if self.closed is None:
            self.closed = _Close(code, reason)
            with contextlib.suppress(Exception):
                await self.ws.close(code, reason[:120])

    async def run(self) -> None:
        settings = self.service.settings
        try:
            async with asyncio.timeout(settings.init_timeout):
                await self.receive_one()
        except TimeoutError:
            raise _Close(4408, "Connection initialisation timeout") from None
        pinger = asyncio.create_task(self.ping_forever())
        try:
            while True:
                await self.receive_one()
        finally:
            pinger.cancel()
            for task in self.operations.values():
                task.cancel()
            await asyncio.gather(pinger, *self.operations.values(), return_exceptions=True)

    async def ping_forever(self) -> None:
        while True:
            await asyncio.sleep(self.service.settings.ping_interval)
            await self.send({"type": "ping"})

    async def receive_one(self) -> None:
        text = await self.ws.receive_text()
        try:
            message = json.loads(text)
        except ValueError:
            raise _Close(4400, "Invalid message received: not JSON") from None
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            raise _Close(4400, "Invalid message received: no 'type'")
        kind = message["type"]
        if kind == "connection_init":
            await self.on_init(message)
        elif kind == "ping":
            await self.send({"type": "pong", **({"payload": message["payload"]} if "payload" in message else {})})
        elif kind == "pong":
            pass
        elif kind == "subscribe":
            await self.on_subscribe(message)
        elif kind == "complete":
            op_id = message.get("id")
            task = self.operations.pop(op_id, None) if isinstance(op_id, str) else None
            if task is not None:
                task.cancel()
        else:
            raise _Close(4400, f"Invalid message received: unknown type {kind!r}")

    async def on_init(self, message: dict[str, Any]) -> None:
        if self.init_seen:
            raise _Close(4429, "Too many initialisation requests")
        self.init_seen = True
        payload = message.get("payload")
        if payload is not None and not isinstance(payload, dict):
            raise _Close(4400, "Invalid message received: connection_init payload must be an object")
        authorization = self.authorization = _token(payload, self.ws.headers.get("authorization"))
        client = self.ws.client.host if self.ws.client else "unknown"
        try:
            # authenticate once for the connection with a trivial request (rate limits count it)
            _request, self.principal = await self.service.admit(
                GraphQLRequest(query="{__typename}"), authorization, client
            )
        except RequestError as exc:
            code = 4401 if exc.http_status == 401 else 4429 if exc.http_status == 429 else 4403
            raise _Close(code, exc.message) from None
        await self.send({"type": "connection_ack"})

    async def on_subscribe(self, message: dict[str, Any]) -> None:
        if self.principal is None:
            raise _Close(4401, "Unauthorized: send connection_init first")
        op_id = message.get("id")
        payload = message.get("payload")
        if not isinstance(op_id, str) or not op_id or not isinstance(payload, dict):
            raise _Close(4400, "Invalid message received: subscribe needs an 'id' string and a 'payload' object")
        if op_id in self.operations:
            raise _Close(4409, f"Subscriber for {op_id} already exists")
        query = payload.get("query")
        variables = payload.get("variables")
        name = payload.get("operationName")
        extensions = payload.get("extensions")
        if (
            not isinstance(query, str)
            or (variables is not None and not isinstance(variables, dict))
            or (name is not None and not isinstance(name, str))
            or (extensions is not None and not isinstance(extensions, dict))
        ):
            raise _Close(4400, "Invalid message received: payload needs 'query' (string), optional object 'variables'")
        if len(self.operations) >= self.service.settings.max_per_connection:
            await self.send(
                {
                    "id": op_id,
                    "type": "error",
                    "payload": [
                        {
                            "message": f"at most {self.service.settings.max_per_connection} operations per connection "
                            "(gateway.subscriptions.max_per_connection)",
                            "extensions": {"code": "TOO_MANY_SUBSCRIPTIONS"},
                        }
                    ],
                }
            )
            return
        request = GraphQLRequest(
            query=query,
            variables=variables,
            operation_name=name,
            extensions=extensions,
            allowed_operations=frozenset({"query", "mutation", "subscription"}),
        )
        self.operations[op_id] = asyncio.create_task(self.operate(op_id, request))

    async def operate(self, op_id: str, request: GraphQLRequest) -> None:
        assert self.principal is not None
        try:
            client = self.ws.client.host if self.ws.client else "unknown"
            try:  # every operation passes the gate, as on POST: rate limits, persisted queries, document size
                request, principal = await self.service.admit(request, self.authorization, client)
            except RequestError as exc:
                if exc.http_status == 401:
                    await self.close(4401, f"Unauthorized: {exc.message}")
                    return
                await self.send({"id": op_id, "type": "error", "payload": self.service.refusal(exc).errors})
                return
            opened = await self.service.open(request, principal, self.headers)
            if isinstance(opened, GraphQLResponse):
                if opened.request_error or (
                    opened.errors and opened.data is None and opened.operation_type == "subscription"
                ):
                    await self.send({"id": op_id, "type": "error", "payload": opened.errors})
                    return
                await self.send({"id": op_id, "type": "next", "payload": opened.to_json()})
                await self.send({"id": op_id, "type": "complete"})
                return
            try:
                async for result in opened:
                    code = _end_code(result)
                    if code == "TOKEN_EXPIRED":
                        await self.close(4401, "Unauthorized: the access token expired")
                        return
                    if code == "SLOW_CONSUMER":
                        await self.close(4413, "Slow consumer: too many undelivered events")
                        return
                    await self.send({"id": op_id, "type": "next", "payload": result.to_json()})
            finally:
                await opened.aclose()  # type: ignore[attr-defined]
            await self.send({"id": op_id, "type": "complete"})
        except asyncio.CancelledError:
            raise
        except (WebSocketDisconnect, RuntimeError):
            return
        finally:
            self.operations.pop(op_id, None)


def _end_code(result: GraphQLResponse) -> str | None:
    if result.data is None and len(result.errors) == 1:
        code = (result.errors[0].get("extensions") or {}).get("code")
        return code if isinstance(code, str) else None
    return None


def graphql_ws_endpoint(service: Any) -> Any:
    """The WebSocket endpoint; ``service`` returns the app's :class:`LiveService` (None until started)."""

    async def endpoint(ws: WebSocket) -> None:
        live: LiveService | None = service()
        offered = [p.strip() for p in ws.headers.get("sec-websocket-protocol", "").split(",") if p.strip()]
        if live is None:
            await ws.close(1013, "the gateway is starting")
            return
        if SUBPROTOCOL not in offered:
            await ws.accept(subprotocol=None)
            await ws.close(4406, "Subprotocol not acceptable: use graphql-transport-ws")
            return
        await ws.accept(subprotocol=SUBPROTOCOL)
        connection = _Connection(ws, live)
        try:
            await connection.run()
        except _Close as close:
            await connection.close(close.code, close.reason)
        except WebSocketDisconnect:
            pass
        except Exception:
            await connection.close(4500, "Internal error")
            raise

    return endpoint
