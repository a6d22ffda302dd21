"""The ONE Record sandbox's publisher side: subscriptions and notification delivery (queued, retried).

ONE Record makes the publisher responsible: subscriptions are immutable, and every notification is queued and
``POST``-ed to the subscriber until it is accepted (here: ``attempts`` tries with exponential backoff).
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import httpx

from adapters.cargo.one_record_graph import LD_CONTEXT
from adapters.cargo.seed import AirlineBook, BookedShipment
from adapters.credentials import demo_api_key

__all__ = ["Publisher", "Subscription"]

MEDIA_TYPE = "application/ld+json; version=2.3.0"


@dataclasses.dataclass(kw_only=True)
class Subscription:
    id: str
    topic_type: str
    topic: str
    callback: str
    agency: str | None


class Publisher:
    def __init__(self, book: AirlineBook, *, attempts: int, backoff: float) -> None:
        self.book = book
        self.attempts = attempts
        self.backoff = backoff
        self.subscriptions: list[Subscription] = []
        self.queue: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()
        #: every delivery attempt (callback URL, HTTP status or error name); ``delivered`` wakes waiters
        self.deliveries: list[tuple[str, int | str]] = []
        self.delivered = asyncio.Condition()
        #: the sandbox airline authenticates to subscribers with the platform's demo notification key
        self.headers = {"Content-Type": MEDIA_TYPE, "Authorization": f"Bearer {demo_api_key('cargo-notifications')}"}

    def subscribe(self, *, topic_type: str, topic: str, callback: str, agency: str | None) -> Subscription:
        sub = Subscription(
            id=f"sub-{len(self.subscriptions) + 1}",
            topic_type=topic_type,
            topic=topic,
            callback=callback,
            agency=agency,
        )
        self.subscriptions.append(sub)
        return sub

    def notify(
        self, base: str, *, event_type: str, lo: str, lo_type: str, event: str | None, s: BookedShipment
    ) -> None:
        """Queue a notification for every subscription whose topic matches and whose agency may see ``s``."""
        for sub in self.subscriptions:
            wanted = sub.topic == lo if sub.topic_type.endswith("LOGISTICS_OBJECT_IDENTIFIER") else sub.topic == lo_type
            if wanted and self.book.visible(s, sub.agency):
                note: dict[str, Any] = {
                    "@context": LD_CONTEXT,
                    "@type": "api:Notification",
                    "api:hasEventType": {"@id": f"api:{event_type}"},
                    "api:hasLogisticsObject": {"@id": lo},
                    "api:hasLogisticsObjectType": {"@id": lo_type},
                    "api:hasSubscription": {"@id": f"{base}/subscriptions/{sub.id}"},
                }
                if event:
                    note["api:triggeredByLogisticsEvent"] = {"@id": event}
                self.queue.put_nowait((sub.callback, note))

    async def deliver_forever(self) -> None:
        """Send queued notifications in order, retrying each with exponential backoff (publisher's duty)."""
        client: httpx.AsyncClient | None = None
        try:
            while True:
                url, note = await self.queue.get()
                client = client or httpx.AsyncClient(timeout=5.0)
                for attempt in range(1, self.attempts + 1):
                    try:
                        reply = await client.post(url, json=note, headers=self.headers)
                    except httpx.HTTPError as exc:
                        outcome: int | str = type(exc).__name__
                    else:
                        outcome = reply.status_code
                    async with self.delivered:
                        self.deliveries.append((url, outcome))
                        self.delivered.notify_all()
                    if isinstance(outcome, int) and outcome < 300:
                        break
                    await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
                self.queue.task_done()
        finally:
            if client is not None:
                await client.aclose()
