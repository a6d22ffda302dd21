"""Cargo milestones as live events: the airlines' status messages, watched and published to the event bus.

Cargo-XML airlines put status messages (XFSU) in a mailbox and ONE Record airlines keep ``LogisticsEvent`` s on
the shipment; both reach the platform as the normalised timeline of :class:`~adapters.cargo.model.ShipmentRecord`.
:class:`MilestoneWatcher` reads every connected airline's listing every ``poll_seconds`` (with the platform's
own view, no agency: tenancy is applied per subscriber when the event is delivered) and publishes each status it
has not seen before as a ``cargo.milestone`` event whose lineage names the airline message it came from.

ONE Record airlines also *push*: a ``LOGISTICS_EVENT_RECEIVED`` notification names the shipment, and
:meth:`MilestoneWatcher.follow` reads that one shipment at once. Push and poll share one record of what has been
published per AWB (under one lock), so a status seen both ways is published once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from adapters.cargo.loaders import Airlines
from adapters.cargo.model import CargoEvent, ShipmentRecord
from gateway.errors import SilkgraphError
from gateway.sdk.events import EventBus, LiveEvent

__all__ = ["TOPIC", "MilestoneWatcher", "milestone_event"]

log = logging.getLogger("silkgraph.cargo.live")

TOPIC = "cargo.milestone"


def milestone_event(record: ShipmentRecord, event: CargoEvent) -> LiveEvent:
    """The live event of one status of one shipment, with its lineage (interface, code, AWB, time)."""
    message = "XFSU" if event.source.value == "cargo-xml" else "LogisticsEvent"
    return LiveEvent(
        topic=TOPIC,
        key={"awb": record.awb},
        data={
            "code": event.code.name,
            "at": event.at.isoformat(),
            "location": event.location,
            "flight": event.flight,
            "interface": event.source.value,
        },
        source=f"{event.source.value}:{message}:{event.code.name}:{record.awb}:{event.at.isoformat()}",
    )


class MilestoneWatcher:
    """Polls the airlines and publishes new statuses. The first read only learns what is already there."""

    def __init__(self, airlines: Callable[[], Airlines], bus: Callable[[], EventBus], *, poll_seconds: float) -> None:
        self._airlines = airlines
        self._bus = bus
        self.poll_seconds = poll_seconds
        #: per AWB, how many of its statuses have been published (or were there before watching began)
        self._seen: dict[str, int] = {}
        self._primed = False
        self._lock = asyncio.Lock()

    async def _publish(self, fresh: list[LiveEvent]) -> list[LiveEvent]:
        for event in fresh:
            await self._bus().publish(event)
        return fresh

    async def poll_once(self) -> list[LiveEvent]:
        async with self._lock:
            airlines = self._airlines()
            listings = await airlines.listings(airlines.connected, None)
            records = [r for found in listings.values() for r in found]
            fresh: list[LiveEvent] = []
            for record in records:
                known = self._seen.get(record.awb)
                if self._primed or known is not None:  # the first read only learns (AWBs pushed meanwhile aside)
                    fresh.extend(milestone_event(record, e) for e in record.events[known or 0 :])
                self._seen[record.awb] = len(record.events)
            self._primed = True
            return await self._publish(fresh)

    async def follow(self, awb: str) -> list[LiveEvent]:
        """An airline said ``awb`` has a new status: publish what has not been published yet.

        An AWB never read before publishes only its newest status (the one the notification is about), not its
        whole history.
        """
        async with self._lock:
            found = (await self._airlines().waybills([awb], None)).get(awb)
            if found is None or isinstance(found, Exception):
                if isinstance(found, SilkgraphError):
                    raise found
                return []
            known = self._seen.get(awb, max(len(found.events) - 1, 0))
            fresh = [milestone_event(found, e) for e in found.events[known:]]
            self._seen[awb] = max(known, len(found.events))
            return await self._publish(fresh)

    async def run(self) -> None:
        while True:
            try:
                await self.poll_once()
            except SilkgraphError as exc:  # an airline down: try again next round
                log.warning("cargo milestone poll failed: %s", exc.message)
            await asyncio.sleep(self.poll_seconds)
