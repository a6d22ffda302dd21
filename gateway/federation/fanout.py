"""Shared subscription streams: identical subscriptions open one upstream stream and run one plan per event.

A thousand traders watching the same milestones with the same authorization need the subgraph's resolver, the
per-event plan and the response shaping once per event, not a thousand times. Subscriptions are identical when
their operation, variables and authorization (agency, roles, scopes) are the same — tenants never share a
stream. Each listener still has its own bounded queue (a slow listener is cut off alone, with
``SLOW_CONSUMER``), its own token expiry, limits and audit records (gateway.live.service).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator, Hashable
from typing import Any

from gateway.federation.engine import GraphQLResponse

__all__ = ["SharedStreams"]

_END = None


class _Listener:
    __slots__ = ("limit", "overflowed", "queue")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.queue: asyncio.Queue[GraphQLResponse | None] = asyncio.Queue()
        self.overflowed = False

    def offer(self, result: GraphQLResponse | None) -> None:
        if self.overflowed:
            return
        if result is not _END and self.queue.qsize() >= self.limit:
            self.overflowed = True
            self.queue.put_nowait(_slow(self.limit))
            self.queue.put_nowait(_END)
            return
        self.queue.put_nowait(result)


def _slow(limit: int) -> GraphQLResponse:
    message = f"the subscriber fell {limit} results behind and was closed (slow consumer)"
    return GraphQLResponse(
        errors=[{"message": message, "extensions": {"code": "SLOW_CONSUMER"}}], operation_type="subscription"
    )


class _Hub:
    def __init__(self, owner: SharedStreams, key: Hashable, source: AsyncIterator[GraphQLResponse]) -> None:
        self.owner = owner
        self.key = key
        self.source = source
        self.listeners: set[_Listener] = set()
        self.task = asyncio.create_task(self._pump(), name="shared-subscription")

    async def _pump(self) -> None:
        try:
            async for result in self.source:
                for listener in tuple(self.listeners):
                    # each listener gets its own headers (the lineage is read and removed per listener)
                    listener.offer(dataclasses.replace(result, headers=dict(result.headers)))
        finally:
            self.owner._forget(self)
            for listener in tuple(self.listeners):
                listener.offer(_END)
            with contextlib.suppress(Exception):
                await self.source.aclose()  # type: ignore[attr-defined]

    async def listen(self, listener: _Listener) -> AsyncIterator[GraphQLResponse]:
        try:
            while True:
                result = await listener.queue.get()
                if result is _END:
                    return
                yield result
        finally:
            self.listeners.discard(listener)
            if not self.listeners and not self.task.done():
                self.owner._forget(self)
                self.task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await self.task


class SharedStreams:
    """The open shared streams of one gateway, by subscription identity."""

    def __init__(self, *, queue_limit: int = 256) -> None:
        self.queue_limit = queue_limit
        self._hubs: dict[Hashable, _Hub] = {}
        self.opened = 0
        self.joined = 0

    def __len__(self) -> int:
        return len(self._hubs)

    async def open(self, key: Hashable, stream: AsyncIterator[GraphQLResponse]) -> AsyncIterator[GraphQLResponse]:
        """Listen to the shared stream for ``key``; ``stream`` (not yet started) becomes it, or is closed unused."""
        hub = self._hubs.get(key)
        if hub is None or hub.task.done():
            hub = self._hubs[key] = _Hub(self, key, stream)
            self.opened += 1
        else:
            self.joined += 1
            await _aclose(stream)
        listener = _Listener(self.queue_limit)
        hub.listeners.add(listener)
        return hub.listen(listener)

    def _forget(self, hub: _Hub) -> None:
        if self._hubs.get(hub.key) is hub:
            del self._hubs[hub.key]


async def _aclose(stream: Any) -> None:
    close = getattr(stream, "aclose", None)
    if close is not None:
        with contextlib.suppress(Exception):
            await close()
