"""A small graphql-transport-ws client for the tests (the npm clients are exercised in tests/e2e/live)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

__all__ = ["MILESTONES", "WsClient", "connect"]

MILESTONES = "subscription { shipmentMilestones { awb code source shipment { awb origin customs { id } } } }"


class WsClient:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message))

    async def recv(self, within: float = 30) -> dict[str, Any]:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(self.ws.recv(), within))
        return message

    async def next_of(self, op_id: str, within: float = 30) -> dict[str, Any]:
        """The next message for ``op_id`` (pings answered, others skipped)."""
        while True:
            message = await self.recv(within)
            if message.get("type") == "ping":
                await self.send({"type": "pong"})
                continue
            if message.get("id") == op_id:
                return message

    async def init(self, token: str | None) -> dict[str, Any]:
        await self.send({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"} if token else {}})
        return await self.recv()

    async def subscribe(self, op_id: str, query: str, variables: dict[str, Any] | None = None) -> None:
        await self.send({"type": "subscribe", "id": op_id, "payload": {"query": query, "variables": variables or {}}})

    async def closed(self, within: float = 30) -> tuple[int | None, str | None]:
        """Wait for the server to close; its close code and reason."""
        try:
            while True:
                await asyncio.wait_for(self.ws.recv(), within)
        except websockets.ConnectionClosed as closed:
            return (closed.rcvd.code, closed.rcvd.reason) if closed.rcvd else (None, None)


def connect(url: str, subprotocols: tuple[str, ...] = ("graphql-transport-ws",), **kw: Any) -> Any:
    return websockets.connect(url, subprotocols=list(subprotocols), open_timeout=30, **kw)  # type: ignore[arg-type]
