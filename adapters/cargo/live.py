"""Cargo milestones as live events: the airlines' status messages, watched and published to the event bus.

Cargo-XML airlines put status messages (XFSU) in a mailbox and ONE Record airlines keep ``LogisticsEvent`` s on
the shipment; both reach the platform as the normalised timeline of :class:`~adapters.cargo.model.ShipmentRecord`.
:class:`MilestoneWatcher` reads every connected airline's listing every ``poll_seconds`` (with the platform's
own view, no agency: tenancy is applied per subscriber when the event is delivered) and publishes each status it
has not seen before as a ``cargo.milestone`` event whose lineage names the airline message it came from.
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
        self._seen: dict[str, int] | None = None

    async def poll_once(self) -> list[LiveEvent]:
        airlines = self._airlines()
        listings = await airlines.listings(airlines.connected, None)
        records = [r for found in listings.values() for r in found]
        fresh: list[LiveEvent] = []
        seen = self._seen if self._seen is not None else {}
        for record in records:
            known = seen.get(record.awb, 0)
            if self._seen is not None:
                fresh.extend(milestone_event(record, e) for e in record.events[known:])
            seen[record.awb] = len(record.events)
        self._seen = seen
        for event in fresh:
            await self._bus().publish(event)
        return fresh

    async def run(self) -> None:
        while True:
            try:
                await self.poll_once()
            except SilkgraphError as exc:  # an airline down: try again next round
                log.warning("cargo milestone poll failed: %s", exc.message)
            await asyncio.sleep(self.poll_seconds)
