"""An airline's book of shipments, seeded from the story (:mod:`adapters.story`): the sandboxes' shared state.

Both sandboxes keep one :class:`AirlineBook` for their AWB prefix. It applies tenancy (``X-Agency-Id``: only
shipments whose shipper or consignee lists the agency), allocates valid AWBs for new bookings and appends
status events. Protocol rendering lives in the sandboxes; this module is protocol-free.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from decimal import Decimal

from adapters import story
from adapters.cargo.status import FLIGHT_CODES, StatusCode
from gateway.sdk.identifiers import awb_check_digit

__all__ = ["MILESTONES", "AirlineBook", "BookedShipment", "Leg", "StatusEvent"]

#: the milestones a sandbox's clock walks a shipment through (booked → delivered)
MILESTONES = ("BKD", "RCS", "DEP", "ARR", "DLV")


@dataclasses.dataclass(kw_only=True)
class Leg:
    flight: str
    origin: str
    destination: str
    departure: str | None = None  # ISO timestamps: actual once flown
    arrival: str | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class StatusEvent:
    code: str
    at: str  # ISO 8601 with offset
    location: str
    flight: str | None = None


@dataclasses.dataclass(kw_only=True)
class BookedShipment:
    awb: str
    shipper: tuple[str, str]
    consignee: tuple[str, str]
    origin: str
    destination: str
    legs: list[Leg]
    pieces: int
    weight_kg: Decimal
    volume_m3: Decimal | None
    goods: str
    hs_code: str | None
    events: list[StatusEvent]
    booking_reference: str | None = None

    @property
    def prefix(self) -> str:
        return self.awb[:3]

    @property
    def serial(self) -> str:
        return self.awb[4:]


def _party_name(key: tuple[str, str]) -> str:
    try:
        return story.company(key).name
    except KeyError:
        return f"{key[0]} taxpayer {key[1]}"


def _agencies(key: tuple[str, str]) -> tuple[str, ...]:
    try:
        return story.company(key).agencies
    except KeyError:
        return ()


def from_story(shipment: story.Shipment) -> BookedShipment:
    """The airline's view of a story shipment: legs with actual times, events with their flights."""
    legs: list[Leg] = []
    for text in shipment.route:
        number, _, airports = text.partition(" ")
        origin, _, destination = airports.partition("-")
        legs.append(Leg(flight=number, origin=origin, destination=destination))
    events: list[StatusEvent] = []
    for code, at, where in shipment.events:
        flight: str | None = None
        if StatusCode.parse(code) in FLIGHT_CODES:
            departing = code in ("MAN", "DEP")
            leg = next((g for g in legs if (g.origin if departing else g.destination) == where), None)
            if leg is not None:
                flight = leg.flight
                if code == "DEP" and leg.departure is None:
                    leg.departure = at
                if code == "ARR" and leg.arrival is None:
                    leg.arrival = at
        events.append(StatusEvent(code=code, at=at, location=where, flight=flight))
    return BookedShipment(
        awb=shipment.awb,
        shipper=shipment.shipper,
        consignee=shipment.consignee,
        origin=shipment.origin,
        destination=shipment.destination,
        legs=legs,
        pieces=shipment.pieces,
        weight_kg=shipment.weight_kg,
        volume_m3=shipment.volume_m3,
        goods=shipment.goods,
        hs_code=shipment.hs_code,
        events=events,
    )


class AirlineBook:
    """The shipments one airline (AWB prefix) carries. Deterministic: same seed, same AWBs."""

    #: first serial handed out to new bookings (the seeded story uses lower serials)
    FIRST_BOOKING_SERIAL = 6_000_000

    def __init__(self, prefix: str, shipments: Iterable[story.Shipment]) -> None:
        self.prefix = prefix
        self._shipments: dict[str, BookedShipment] = {}
        for s in shipments:
            if s.awb.startswith(prefix + "-"):
                self._shipments[s.awb] = from_story(s)
        self._next_serial = self.FIRST_BOOKING_SERIAL

    party_name = staticmethod(_party_name)

    @staticmethod
    def visible(shipment: BookedShipment, agency: str | None) -> bool:
        if not agency:
            return True
        return agency in _agencies(shipment.shipper) or agency in _agencies(shipment.consignee)

    @staticmethod
    def may_act_for(party: tuple[str, str], agency: str | None) -> bool:
        return not agency or agency in _agencies(party)

    def get(self, awb: str, agency: str | None = None) -> BookedShipment | None:
        found = self._shipments.get(awb)
        return found if found is not None and self.visible(found, agency) else None

    def all(self, agency: str | None = None) -> list[BookedShipment]:
        return [s for _, s in sorted(self._shipments.items()) if self.visible(s, agency)]

    def involving(self, party: tuple[str, str], role: str, agency: str | None = None) -> list[BookedShipment]:
        """``role``: SHIPPER, CONSIGNEE or ANY."""
        return [
            s
            for s in self.all(agency)
            if (role in ("SHIPPER", "ANY") and s.shipper == party)
            or (role in ("CONSIGNEE", "ANY") and s.consignee == party)
        ]

    def find_reference(self, reference: str) -> BookedShipment | None:
        return next((s for s in self._shipments.values() if s.booking_reference == reference), None)

    def allocate_awb(self) -> str:
        while True:
            serial = self._next_serial
            self._next_serial += 1
            awb = f"{self.prefix}-{serial:07d}{awb_check_digit(str(serial))}"
            if awb not in self._shipments:
                return awb

    def add(self, shipment: BookedShipment) -> BookedShipment:
        self._shipments[shipment.awb] = shipment
        return shipment

    def advance(self, at: str) -> StatusEvent | None:
        """The sandbox's own clock: the next milestone of a shipment not yet delivered (round robin by AWB),
        recorded and returned. When every shipment is delivered, the same parties book again (a new AWB), so a
        long-running demo keeps moving."""
        self._turn = getattr(self, "_turn", -1) + 1
        pending = [s for _, s in sorted(self._shipments.items()) if not any(e.code == "DLV" for e in s.events)]
        if not pending:
            every = [s for _, s in sorted(self._shipments.items())]
            if not every:
                return None
            model = every[self._turn % len(every)]
            pending = [
                self.add(
                    dataclasses.replace(
                        model,
                        awb=self.allocate_awb(),
                        events=[],
                        legs=[dataclasses.replace(leg, departure=None, arrival=None) for leg in model.legs],
                        booking_reference=None,
                    )
                )
            ]
        s = pending[self._turn % len(pending)]
        done = {e.code for e in s.events}
        code = next(c for c in MILESTONES if c not in done)
        leg = s.legs[0] if s.legs else None
        at_origin = code in ("DEP", "BKD", "RCS")
        location = (leg.origin if leg else s.origin) if at_origin else s.destination
        event = StatusEvent(
            code=code, at=at, location=location, flight=leg.flight if leg and code in ("DEP", "ARR") else None
        )
        if code == "ARR" and leg is not None:
            event = dataclasses.replace(event, location=leg.destination)
        self.record(s.awb, event)
        return event

    def record(self, awb: str, event: StatusEvent) -> None:
        shipment = self._shipments[awb]
        shipment.events.append(event)
        for leg in shipment.legs:
            if event.flight == leg.flight and event.code == "DEP" and leg.origin == event.location:
                leg.departure = leg.departure or event.at
            if event.flight == leg.flight and event.code == "ARR" and leg.destination == event.location:
                leg.arrival = leg.arrival or event.at
