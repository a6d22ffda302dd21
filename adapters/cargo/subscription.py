"""The cargo subgraph's ``Subscription``: shipment milestones as the airlines report them.

Each milestone carries its ``Shipment`` (the entity), so the gateway joins other subgraphs' fields per event —
the declaration customs holds for the shipment, the payment for it. Tenancy per event: a milestone reaches a
subscriber only if the airline, asked with the subscriber's agency, shows that shipment (the rule every cargo
query obeys); a subscriber without an agency gets nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator
from typing import cast

import strawberry
from strawberry.types import Info

from adapters.cargo.live import TOPIC
from adapters.cargo.status import StatusCode
from adapters.cargo.subgraph import CargoStatusCode, Shipment, _awb, _described, _loaders
from gateway.policy.scopes import CARGO_READ
from gateway.sdk.events import EventBus, LiveEvent, live_field, stream_visible
from gateway.sdk.rules import needs
from gateway.sdk.scalars import AWB

__all__ = ["Subscription"]


@strawberry.federation.type(
    name="ShipmentMilestone",
    description="A status an airline reported for a shipment, as it happens.",
    requires_scopes=needs(CARGO_READ),
)
class Milestone:
    awb: AWB
    code: CargoStatusCode  # type: ignore[valid-type]
    label: str
    at: dt.datetime
    location: str = strawberry.field(description="IATA code of the airport where it happened.")
    flight: str | None
    source: str = strawberry.field(
        description="Lineage: the airline message it came from (interface, message type, code, AWB, time)."
    )

    @_described("The shipment, as the airline shows it now.")
    async def shipment(self, info: Info) -> Shipment | None:
        loaders = _loaders(info)
        found = await loaders.airlines.waybills([str(self.awb)], loaders.agency)
        record = found.get(str(self.awb))
        return (
            Shipment(awb=self.awb, record=record) if record is not None and not isinstance(record, Exception) else None
        )

    @classmethod
    def of(cls, event: LiveEvent) -> Milestone:
        code = StatusCode.parse(str(event.data["code"]))
        return cls(
            awb=AWB(str(event.key["awb"])),
            code=code,
            label=code.label,
            at=dt.datetime.fromisoformat(str(event.data["at"])),
            location=str(event.data.get("location") or ""),
            flight=event.data.get("flight"),
            source=event.source,
        )


@strawberry.type
class Subscription:
    @live_field(
        CARGO_READ, "Milestones of the shipments you may see, as airlines report them; `awb` follows one shipment."
    )
    async def shipment_milestones(self, info: Info, awb: AWB | None = None) -> AsyncGenerator[Milestone, None]:
        wanted = _awb(awb, "awb", info) if awb is not None else None
        loaders = _loaders(info)

        async def visible(event: LiveEvent) -> bool | None:
            key = str(event.key.get("awb", ""))
            try:
                found = await loaders.airlines.waybills([key], loaders.agency)
            except Exception:  # the airline cannot say: this event is not delivered
                return None
            record = found.get(key)
            if isinstance(record, Exception):
                return None
            return record is not None

        bus = cast("EventBus", info.context.adapter.events)
        async for event in stream_visible(
            bus,
            TOPIC,
            loaders.agency,
            visible,
            matches=lambda e: wanted is None or e.key.get("awb") == wanted,
            lineage=info.context.request.extras,
        ):
            yield Milestone.of(event)
