"""Listing and booking shipments across the connected airlines: validation and routing, no protocol detail."""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Container, Sequence
from decimal import Decimal

from adapters.cargo import one_record, xfwb
from adapters.cargo.airlines import airline_name
from adapters.cargo.cargo_xml_client import CargoXmlClient
from adapters.cargo.loaders import CargoLoaders
from adapters.cargo.model import FlightLeg, Interface, Party, ShipmentRecord
from adapters.cargo.one_record_client import OneRecordClient
from adapters.cargo.status import StatusCode
from adapters.cargo.transport import SERVICE
from gateway.errors import BadUserInput, UpstreamProtocolError
from gateway.sdk.identifiers import parse_tax_id

__all__ = ["BookingOrder", "book", "list_shipments"]

_IATA = re.compile(r"^[A-Z]{3}$")
_FLIGHT = re.compile(r"^[A-Z0-9]{2}\d{1,4}[A-Z]?$")
#: two-letter designators of the connected airlines (for the XFWB sender)
_DESIGNATORS = {"999": "CA", "784": "CZ", "781": "MU"}


def _connected(loaders: CargoLoaders, prefix: str, field: str) -> Interface:
    interfaces = loaders.airlines.interfaces
    if prefix not in interfaces:
        known = ", ".join(f"{p} ({airline_name(p)})" for p in sorted(interfaces)) or "none"
        raise BadUserInput(
            f"airline prefix {prefix!r} ({airline_name(prefix)}) is not connected; known airlines: {known}",
            field=field,
            prefix=prefix,
        )
    return interfaces[prefix]


async def list_shipments(
    loaders: CargoLoaders,
    *,
    airline: str | None,
    origin: str | None,
    destination: str | None,
    status: StatusCode | None,
) -> list[ShipmentRecord]:
    """Every shipment the caller may see, filtered, ordered by AWB (the cursor order)."""
    interfaces = [_connected(loaders, airline, "filter.airline")] if airline else loaders.airlines.connected
    records = await loaders.listing(interfaces)
    selected = [
        r
        for r in records
        if (airline is None or r.prefix == airline)
        and (origin is None or r.origin == origin.upper())
        and (destination is None or r.destination == destination.upper())
        and (status is None or (r.current is not None and r.current.code is status))
    ]
    return sorted(selected, key=lambda r: r.awb)


@dataclasses.dataclass(frozen=True, kw_only=True)
class BookingOrder:
    airline: str
    origin: str
    destination: str
    shipper: tuple[str, str]
    consignee: tuple[str, str]
    pieces: int
    weight_kg: float
    volume_m3: float | None
    goods: str
    hs_code: str | None
    flights: Sequence[tuple[str, str, str]]
    reference: str | None


def _airport(code: str, field: str, airports: Container[str] | None) -> str:
    code = code.strip().upper()
    if not _IATA.match(code) or (airports is not None and code not in airports):
        raise BadUserInput(f"{code!r} is not an IATA airport code (e.g. PVG, SVO, ALA)", field=field)
    return code


def _legs(order: BookingOrder, origin: str, destination: str, airports: Container[str] | None) -> list[FlightLeg]:
    legs = []
    for n, (flight, start, end) in enumerate(order.flights):
        field = f"input.flights.{n}"
        if not _FLIGHT.match(flight.strip().upper()):
            raise BadUserInput(f"flight {flight!r} is not a flight number like CA909", field=f"{field}.flight")
        legs.append(
            FlightLeg(
                flight=flight.strip().upper(),
                origin=_airport(start, f"{field}.from", airports),
                destination=_airport(end, f"{field}.to", airports),
            )
        )
    if legs:
        chained = all(a.destination == b.origin for a, b in itertools.pairwise(legs))
        if legs[0].origin != origin or legs[-1].destination != destination or not chained:
            route = " → ".join([legs[0].origin, *(g.destination for g in legs)])
            raise BadUserInput(
                f"flights must run from {origin} to {destination} leg after leg; they run {route}",
                field="input.flights",
            )
    return legs


async def book(loaders: CargoLoaders, order: BookingOrder, *, airports: Container[str] | None = None) -> str:
    """Validate the order, send it to the airline's interface, return the AWB the airline issued."""
    interface = _connected(loaders, order.airline, "input.airline")
    origin = _airport(order.origin, "input.origin", airports)
    destination = _airport(order.destination, "input.destination", airports)
    if origin == destination:
        raise BadUserInput(f"origin and destination are both {origin}", field="input.destination")
    if order.pieces < 1:
        raise BadUserInput(f"pieces must be at least 1, got {order.pieces}", field="input.pieces")
    if not order.weight_kg > 0:
        raise BadUserInput(f"weightKg must be positive, got {order.weight_kg}", field="input.weightKg")
    if not order.goods.strip():
        raise BadUserInput("goodsDescription must not be empty", field="input.goodsDescription")
    shipper = Party(country=order.shipper[0], tax_id=parse_tax_id(*order.shipper, field="input.shipper.taxId"))
    consignee = Party(country=order.consignee[0], tax_id=parse_tax_id(*order.consignee, field="input.consignee.taxId"))
    legs = _legs(order, origin, destination, airports)
    weight = Decimal(str(order.weight_kg))
    volume = Decimal(str(order.volume_m3)) if order.volume_m3 is not None else None
    client = loaders.airlines.client(interface)
    if isinstance(client, OneRecordClient):
        body = one_record.booking_request(
            origin=origin,
            destination=destination,
            shipper=shipper,
            consignee=consignee,
            pieces=order.pieces,
            weight_kg=weight,
            volume_m3=volume,
            goods=order.goods,
            hs_code=order.hs_code,
            flights=legs,
            reference=order.reference,
        )
        awb = await client.book(body, loaders.agency)
    else:
        assert isinstance(client, CargoXmlClient)
        draft = xfwb.WaybillDraft(
            awb=None,
            shipper=shipper,
            consignee=consignee,
            origin=origin,
            destination=destination,
            pieces=order.pieces,
            weight_kg=weight,
            volume_m3=volume,
            goods=order.goods,
            hs_code=order.hs_code,
            legs=legs,
            reference=order.reference,
        )
        awb = await client.book(draft, carrier=_DESIGNATORS.get(order.airline, "XX"), agency=loaders.agency)
    if not awb.startswith(order.airline + "-"):
        raise UpstreamProtocolError(f"airline {order.airline} issued AWB {awb} of another airline", service=SERVICE)
    loaders.forget_listings()
    return awb
