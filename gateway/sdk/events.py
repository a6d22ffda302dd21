"""Live events: what legacy systems report (a cargo milestone, a customs decision, a pacs.002) on their way to
subscribers.

An adapter *publishes* a :class:`LiveEvent` when its legacy system tells it something happened (a ONE Record
notification, a Cargo-XML status message, the answer to a mutation); a subscription resolver *subscribes* to a
topic and turns events into GraphQL results. Between the two sits an :class:`EventBus`:

* :class:`MemoryEventBus` delivers within one process (the demo, tests);
* :class:`RedisEventBus` publishes to Redis pub/sub and delivers what Redis hands back, so an event ingested by
  one gateway replica reaches subscribers on every replica (each replica also hears its own events through
  Redis — one path, no double delivery).

Every subscriber has a bounded queue: a subscriber that does not keep up is cut off with
:class:`SlowConsumer` (memory stays bounded; the client is told why), never by dropping events silently.
Tenancy is not decided here: events carry the entity key, and the subscription resolver asks its legacy system,
with the subscriber's agency, whether that entity is visible (:func:`visible_to`).
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import dataclasses
import json
import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, TypeVar, cast

__all__ = [
    "EventBus",
    "LiveEvent",
    "MemoryEventBus",
    "RedisEventBus",
    "SlowConsumer",
    "live_field",
    "stream_visible",
]

log = logging.getLogger("silkgraph.events")

#: events a subscriber may have waiting before it is cut off as too slow
DEFAULT_QUEUE = 256


@dataclasses.dataclass(frozen=True, kw_only=True)
class LiveEvent:
    """One thing that happened upstream.

    ``topic`` names the kind (``cargo.milestone``), ``key`` the entity it happened to (``{"awb": ...}``),
    ``data`` the event's own fields, and ``source`` its lineage: the legacy message it came from
    (``cargo-xml:FSU:DEP:...``, ``pacs.002:<msgId>``), kept in every audit record of its delivery.
    """

    topic: str
    key: Mapping[str, Any]
    data: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    source: str = ""
    id: str = dataclasses.field(default_factory=lambda: secrets.token_hex(8))
    at: float = dataclasses.field(default_factory=time.time)

    def to_json(self) -> str:
        return json.dumps(
            {
                "topic": self.topic,
                "key": dict(self.key),
                "data": dict(self.data),
                "source": self.source,
                "id": self.id,
                "at": self.at,
            },
            default=str,
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> LiveEvent:
        raw = json.loads(text)
        if not isinstance(raw, dict) or not isinstance(raw.get("topic"), str) or not isinstance(raw.get("key"), dict):
            raise ValueError("a live event is a JSON object with a 'topic' string and a 'key' object")
        return cls(
            topic=raw["topic"],
            key=raw["key"],
            data=raw.get("data") or {},
            source=str(raw.get("source") or ""),
            id=str(raw.get("id") or secrets.token_hex(8)),
            at=float(raw.get("at") or time.time()),
        )


class SlowConsumer(Exception):
    """A subscriber let ``limit`` events pile up: it is closed instead of growing memory without bound."""

    def __init__(self, topic: str, limit: int) -> None:
        super().__init__(f"subscriber of {topic!r} fell {limit} events behind and was closed (slow consumer)")
        self.topic = topic
        self.limit = limit


class _Subscriber:
    __slots__ = ("limit", "overflowed", "queue", "topic")

    def __init__(self, topic: str, limit: int) -> None:
        self.topic = topic
        self.limit = limit
        self.queue: asyncio.Queue[LiveEvent | None] = asyncio.Queue()
        self.overflowed = False

    def offer(self, event: LiveEvent) -> None:
        if self.overflowed:
            return
        if self.queue.qsize() >= self.limit:
            self.overflowed = True
            self.queue.put_nowait(None)  # wakes the reader, which raises SlowConsumer
            return
        self.queue.put_nowait(event)


class EventBus(abc.ABC):
    """Fan-out of live events by topic, with a bounded queue per subscriber."""

    def __init__(self, *, queue_limit: int = DEFAULT_QUEUE) -> None:
        self.queue_limit = queue_limit
        self._subscribers: dict[str, set[_Subscriber]] = {}
        self.published = 0
        self.delivered = 0
        self._changed = asyncio.Condition()

    @abc.abstractmethod
    async def publish(self, event: LiveEvent) -> None:
        """Send ``event`` to every subscriber of its topic (on every replica for a shared bus)."""

    def _dispatch(self, event: LiveEvent) -> None:
        for sub in tuple(self._subscribers.get(event.topic, ())):
            sub.offer(event)
            self.delivered += 1

    def subscribers(self, topic: str | None = None) -> int:
        if topic is not None:
            return len(self._subscribers.get(topic, ()))
        return sum(len(s) for s in self._subscribers.values())

    async def until_subscribers(self, topic: str, count: int) -> None:
        """Wait until ``topic`` has at least ``count`` subscribers (the caller bounds the wait)."""
        async with self._changed:
            await self._changed.wait_for(lambda: self.subscribers(topic) >= count)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    @contextlib.asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[AsyncIterator[LiveEvent]]:
        """Events of ``topic`` from now on, as an async iterator; leaving the block unsubscribes."""
        sub = _Subscriber(topic, self.queue_limit)
        self._subscribers.setdefault(topic, set()).add(sub)
        await self._notify()

        async def events() -> AsyncIterator[LiveEvent]:
            while True:
                item = await sub.queue.get()
                if item is None:
                    raise SlowConsumer(topic, sub.limit)
                yield item

        try:
            yield events()
        finally:
            subs = self._subscribers.get(topic)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    del self._subscribers[topic]
            with contextlib.suppress(RuntimeError):  # the loop is closing
                await self._notify()

    async def aclose(self) -> None:  # noqa: B027 - most buses hold nothing to release
        """Release what the bus holds (connections, listener tasks)."""


class MemoryEventBus(EventBus):
    """Delivers within this process only."""

    async def publish(self, event: LiveEvent) -> None:
        self.published += 1
        self._dispatch(event)


class RedisEventBus(EventBus):
    """Delivers through Redis pub/sub (channel ``<prefix><topic>``): every replica sees every event."""

    def __init__(self, client: Any, *, prefix: str = "silkgraph:events:", queue_limit: int = DEFAULT_QUEUE) -> None:
        super().__init__(queue_limit=queue_limit)
        self.client = client
        self.prefix = prefix
        self._pubsub: Any = None
        self._listener: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def start(self) -> None:
        """Subscribe to every topic's channel and start the listener (the lifespan calls this)."""
        self._pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        await self._pubsub.psubscribe(self.prefix + "*")
        self._listener = asyncio.create_task(self._listen(), name="silkgraph-redis-events")
        self._ready.set()

    async def _listen(self) -> None:
        while True:
            try:
                message = await self._pubsub.get_message(timeout=1.0)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis went away: say so, wait, keep listening (redis-py reconnects)
                log.warning("redis event listener: %s", type(exc).__name__)
                await asyncio.sleep(1.0)
                continue
            if message is None or message.get("type") != "pmessage":
                continue
            try:
                event = LiveEvent.from_json(message["data"])
            except (ValueError, TypeError) as exc:
                log.warning("dropped a malformed live event from redis: %s", exc)
                continue
            self._dispatch(event)

    async def publish(self, event: LiveEvent) -> None:
        if not self._ready.is_set():
            raise RuntimeError("RedisEventBus.start() was not called (the gateway lifespan starts the bus)")
        self.published += 1
        await self.client.publish(self.prefix + event.topic, event.to_json())

    async def aclose(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        if self._pubsub is not None:
            with contextlib.suppress(Exception):
                await self._pubsub.aclose()


async def stream_visible(
    bus: EventBus,
    topic: str,
    agency: str | None,
    visible: Callable[[LiveEvent], Awaitable[bool | None]],
    *,
    matches: Callable[[LiveEvent], bool] = lambda _e: True,
    lineage: dict[str, Any] | None = None,
) -> AsyncIterator[LiveEvent]:
    """The events of ``topic`` this subscriber may see: tenancy per event, failing closed.

    A subscriber without an agency gets nothing (the stream stays open and silent, like an empty list). For the
    others, ``visible`` asks the legacy system — with the subscriber's agency, the same rule its queries obey —
    whether the event's entity is theirs; the verdict is remembered per entity for this stream. ``None`` (the
    legacy system could not say) drops this event without remembering anything. ``lineage`` (the request
    context's ``extras``) receives each delivered event under ``"live_event"``, for the gateway's audit record.
    """
    async with bus.subscribe(topic) as events:
        verdicts: dict[str, bool] = {}
        async for event in events:
            if not agency or not matches(event):
                continue
            key = json.dumps(dict(event.key), sort_keys=True, default=str)
            verdict = verdicts.get(key)
            if verdict is None:
                verdict = await visible(event)
                if verdict is None:
                    continue
                verdicts[key] = verdict
            if verdict:
                if lineage is not None:
                    lineage["live_event"] = event
                yield event


_F = TypeVar("_F", bound=Callable[..., Any])


def live_field(scope: str, description: str) -> Callable[[_F], _F]:
    """A subscription field, closed by default: ``@authenticated`` and ``@requiresScopes`` of its domain's read
    scope (the same rule as the domain's queries)."""
    import strawberry.federation

    return cast(
        "Callable[[_F], _F]",
        strawberry.federation.field(
            is_subscription=True, authenticated=True, requires_scopes=[[scope]], description=description
        ),
    )
