"""The normalised shipment both airline interfaces map to.

ONE Record JSON-LD (:mod:`adapters.cargo.one_record`) and Cargo-XML messages (:mod:`adapters.cargo.xfwb`,
:mod:`adapters.cargo.xfsu`) become these plain values; the subgraph only ever sees them, so a shipment reads the
same whichever airline carries it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from decimal import Decimal

from adapters.cargo.status import FLIGHT_CODES, StatusCode

__all__ = ["CargoEvent", "FlightLeg", "Interface", "Party", "ShipmentRecord", "assign_flights"]


class Interface(enum.Enum):
    """How an airline talks to the platform."""

    ONE_RECORD = "one-record"
    CARGO_XML = "cargo-xml"


@dataclasses.dataclass(frozen=True, kw_only=True)
class Party:
    """A shipper or consignee, keyed like the platform's ``Company`` entity."""

    country: str
    tax_id: str
    name: str = ""


@dataclasses.dataclass(frozen=True, kw_only=True)
class FlightLeg:
    flight: str
    origin: str
    destination: str
    departure: dt.datetime | None = None
    arrival: dt.datetime | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class CargoEvent:
    code: StatusCode
    at: dt.datetime
    location: str
    source: Interface
    flight: str | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class ShipmentRecord:
    awb: str
    origin: str
    destination: str
    pieces: int
    weight_kg: Decimal
    goods: str
    source: Interface
    volume_m3: Decimal | None = None
    hs_code: str | None = None
    shipper: Party | None = None
    consignee: Party | None = None
    legs: tuple[FlightLeg, ...] = ()
    events: tuple[CargoEvent, ...] = ()
    booking_reference: str | None = None

    @property
    def prefix(self) -> str:
        return self.awb[:3]

    @property
    def current(self) -> CargoEvent | None:
        """The latest event (by time; of simultaneous ones, the last reported)."""
        return max(reversed(self.events), key=lambda e: e.at) if self.events else None

    def involves(self, country: str, tax_id: str, role: str) -> bool:
        """Whether the company is this shipment's ``SHIPPER``, ``CONSIGNEE`` or either (``ANY``)."""
        key = (country, tax_id)
        shipper = self.shipper is not None and (self.shipper.country, self.shipper.tax_id) == key
        consignee = self.consignee is not None and (self.consignee.country, self.consignee.tax_id) == key
        return {"SHIPPER": shipper, "CONSIGNEE": consignee}.get(role, shipper or consignee)


def assign_flights(events: tuple[CargoEvent, ...], legs: tuple[FlightLeg, ...]) -> tuple[CargoEvent, ...]:
    """Fill in the flight of flight-bound events (MAN, DEP, ARR, RCF, AWR) that arrived without one.

    Departure-side codes (MAN, DEP) take the leg leaving the event's airport, arrival-side codes the leg arriving
    there — the airline's route says which flight it was even when the message did not.
    """
    out: list[CargoEvent] = []
    for event in events:
        leg = None
        if event.flight is None and event.code in FLIGHT_CODES:
            departing = event.code in (StatusCode.MAN, StatusCode.DEP)
            leg = next((g for g in legs if (g.origin if departing else g.destination) == event.location), None)
        out.append(dataclasses.replace(event, flight=leg.flight) if leg is not None else event)
    return tuple(out)
