"""ONE Record JSON-LD ↔ the normalised shipment: pure mapping functions (no I/O).

Readers take documents already passed through :func:`adapters.cargo.jsonld.normalise`, so prefixed and full
IRIs read the same. Anything missing or ill-typed raises :class:`~adapters.cargo.jsonld.JsonLdError`, which the
client turns into ``UPSTREAM_PROTOCOL_ERROR``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from adapters.cargo.jsonld import CODE_LISTS, CONTEXT, JsonLdError, Node
from adapters.cargo.model import CargoEvent, FlightLeg, Interface, Party, ShipmentRecord, assign_flights
from adapters.cargo.status import status_from_iri
from gateway.errors import BadUserInput
from gateway.sdk.identifiers import parse_awb

__all__ = [
    "booking_request",
    "hs_code_element",
    "read_datetime",
    "read_hs_code",
    "read_location",
    "read_measure",
    "read_party",
    "read_waybill",
    "subscription_request",
]

_POUND_KG = Decimal("0.45359237")


def _code(iri: str | None) -> str | None:
    return iri.rsplit("#", 1)[-1] if iri else None


def read_datetime(node: Node, prop: str) -> dt.datetime | None:
    text = node.text(prop)
    if text is None:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise JsonLdError(f"{prop} of {node!r} is not an ISO 8601 date-time: {text!r}") from None
    if value.tzinfo is None:
        raise JsonLdError(f"{prop} of {node!r} has no UTC offset: {text!r}")
    return value


def read_location(node: Node | None) -> str:
    """The IATA code of a ``cargo:Location`` (its first ``locationCodes`` entry)."""
    codes = node.nodes("cargo:locationCodes") if node is not None else []
    if not codes:
        raise JsonLdError(f"location {node!r} has no locationCodes")
    return codes[0].require("cargo:code").upper()


def read_measure(node: Node | None, what: str) -> tuple[Decimal, str]:
    if node is None:
        raise JsonLdError(f"{what} is missing")
    try:
        number = Decimal(node.require("cargo:numericalValue"))
    except InvalidOperation:
        raise JsonLdError(f"{what} is not a number: {node.text('cargo:numericalValue')!r}") from None
    return number, _code(node.text("cargo:unit")) or ""


def read_party(node: Node) -> tuple[str | None, Party]:
    """``(role code, party)`` of a ``cargo:Party`` (roles SHP shipper, CNE consignee)."""
    role = _code(node.text("cargo:partyRole"))
    details = node.node("cargo:partyDetails")
    if details is None:
        raise JsonLdError(f"party {node!r} has no partyDetails")
    based = details.node("cargo:basedAtLocation")
    address = based.node("cargo:address") if based else None
    country = _code(address.text("cargo:country")) if address else None
    tax_id = next(
        (
            i.text("cargo:textualValue")
            for i in details.nodes("cargo:otherIdentifiers")
            if i.text("cargo:otherIdentifierType") == "TAX_ID"
        ),
        None,
    )
    if not country or not tax_id:
        raise JsonLdError(f"party {role} has no country or TAX_ID identifier")
    return role, Party(country=country, tax_id=tax_id, name=details.text("cargo:name", "") or "")


def hs_code_element(hs_code: str) -> dict[str, Any]:
    """``cargo:hsCode`` as the ontology types it: a CodeListElement with its own IRI (``{list}#{code}``)."""
    digits = hs_code.replace(".", "")
    return {
        "@id": f"{CODE_LISTS}HSCode#{digits}",
        "@type": "cargo:CodeListElement",
        "cargo:code": hs_code,
        "cargo:codeListName": "HS",
        "cargo:codeLevel": {"@type": "xsd:integer", "@value": str(len(digits) // 2)},
    }


def read_hs_code(node: Node) -> str | None:
    """``cargo:hsCode`` of a Product or BookingShipment: a CodeListElement (its ``code``, else its IRI's fragment)."""
    element = node.node("cargo:hsCode")
    if element is not None:
        return element.text("cargo:code") or _code(element.id)
    return None


def _sequence(step: Node) -> tuple[int, int, str]:
    """Sort key of an ActivitySequence: ``sequenceNumber`` is alphanumeric text; numbers sort as numbers."""
    text = step.require("cargo:sequenceNumber")
    return (0, int(text), "") if text.isdigit() else (1, 0, text)


def _movements(waybill: Node) -> list[Node]:
    """The Waybill's route: its Booking's ActivitySequences that are TransportMovements, in sequence order."""
    booking = waybill.node("cargo:referredBookingOption")
    steps = sorted(booking.nodes("cargo:activitySequences"), key=_sequence) if booking else []
    found = [step.node("cargo:activity") for step in steps]
    return [m for m in found if m is not None and m.is_a("cargo:TransportMovement")]


def _legs(waybill: Node) -> tuple[tuple[FlightLeg, ...], dict[str, str]]:
    legs: list[FlightLeg] = []
    flights_by_id: dict[str, str] = {}
    for movement in _movements(waybill):
        times = {
            _code(t.text("cargo:direction")): read_datetime(t, "cargo:movementTimestamp")
            for t in movement.nodes("cargo:movementTimes")
        }
        flight = movement.require("cargo:transportIdentifier")
        legs.append(
            FlightLeg(
                flight=flight,
                origin=read_location(movement.node("cargo:departureLocation")),
                destination=read_location(movement.node("cargo:arrivalLocation")),
                departure=times.get("OUTBOUND"),
                arrival=times.get("INBOUND"),
            )
        )
        if movement.id:
            flights_by_id[movement.id] = flight
    return tuple(legs), flights_by_id


def read_events(shipment: Node, flights_by_id: dict[str, str]) -> tuple[CargoEvent, ...]:
    events: list[CargoEvent] = []
    for event in shipment.nodes("cargo:events"):
        try:
            status = status_from_iri(event.require("cargo:eventCode"))
        except ValueError as exc:
            raise JsonLdError(f"event {event.id}: {exc}") from None
        at = read_datetime(event, "cargo:eventDate")
        if at is None:
            raise JsonLdError(f"event {event.id} has no eventDate")
        subject = event.node("cargo:eventFor")
        events.append(
            CargoEvent(
                code=status,
                at=at,
                location=read_location(event.node("cargo:eventLocation")),
                flight=flights_by_id.get(subject.id or "") if subject else None,
                source=Interface.ONE_RECORD,
            )
        )
    events.sort(key=lambda e: e.at)
    return tuple(events)


def read_waybill(node: Node) -> ShipmentRecord:
    """A Waybill with its Shipment embedded (``?embedded=true``) → the normalised record."""
    if not node.is_a("cargo:Waybill"):
        raise JsonLdError(f"expected a cargo:Waybill, got {node!r}")
    try:
        awb = parse_awb(f"{node.require('cargo:waybillPrefix')}-{node.require('cargo:waybillNumber')}")
    except BadUserInput as exc:
        raise JsonLdError(f"waybill {node.id}: {exc.message}") from None
    shipment = node.node("cargo:shipment")
    if shipment is None or shipment.text("cargo:goodsDescription") is None:
        raise JsonLdError(f"waybill {awb} does not embed its Shipment (ask with ?embedded=true)")
    weight, unit = read_measure(shipment.node("cargo:totalGrossWeight"), f"{awb} totalGrossWeight")
    if unit == "LBR":
        weight = (weight * _POUND_KG).quantize(Decimal("0.1"))
    dims = shipment.node("cargo:totalDimensions")  # deprecated in ontology 3.3, still read from older servers
    volume = shipment.node("cargo:totalVolume") or (dims.node("cargo:volume") if dims else None)
    pieces = shipment.nodes("cargo:pieces")
    products = pieces[0].nodes("cargo:contentProducts") if pieces else []
    parties = dict(read_party(p) for p in node.nodes("cargo:involvedParties"))
    legs, flights_by_id = _legs(node)
    reference = next(
        (
            r.text("cargo:documentIdentifier")
            for r in node.nodes("cargo:externalReferences")
            if r.text("cargo:documentType") == "BOOKING_REFERENCE"
        ),
        None,
    )
    return ShipmentRecord(
        awb=awb,
        origin=read_location(node.node("cargo:departureLocation")),
        destination=read_location(node.node("cargo:arrivalLocation")),
        pieces=len(pieces),
        weight_kg=weight,
        volume_m3=read_measure(volume, f"{awb} volume")[0] if volume else None,
        goods=shipment.require("cargo:goodsDescription"),
        hs_code=read_hs_code(products[0]) if products else None,
        shipper=parties.get("SHP"),
        consignee=parties.get("CNE"),
        legs=legs,
        events=assign_flights(read_events(shipment, flights_by_id), legs),
        source=Interface.ONE_RECORD,
        booking_reference=reference,
    )


def _loc(iata: str) -> dict[str, Any]:
    return {"@type": "cargo:Location", "cargo:locationCodes": [{"@type": "cargo:CodeListElement", "cargo:code": iata}]}


def _party(role: str, party: Party) -> dict[str, Any]:
    return {
        "@type": "cargo:Party",
        "cargo:partyRole": {"@id": f"https://onerecord.iata.org/ns/code-lists/ParticipantIdentifier#{role}"},
        "cargo:partyDetails": {
            "@type": "cargo:Organization",
            "cargo:name": party.name,
            "cargo:basedAtLocation": {
                "@type": "cargo:Location",
                "cargo:address": {
                    "@type": "cargo:Address",
                    "cargo:country": {"@id": f"https://onerecord.iata.org/ns/code-lists/CountryCode#{party.country}"},
                },
            },
            "cargo:otherIdentifiers": [
                {
                    "@type": "cargo:OtherIdentifier",
                    "cargo:otherIdentifierType": "TAX_ID",
                    "cargo:textualValue": party.tax_id,
                }
            ],
        },
    }


def booking_request(
    *,
    origin: str,
    destination: str,
    shipper: Party,
    consignee: Party,
    pieces: int,
    weight_kg: Decimal,
    volume_m3: Decimal | None,
    goods: str,
    hs_code: str | None,
    flights: Sequence[FlightLeg],
    reference: str | None,
) -> dict[str, Any]:
    """A ``cargo:BookingRequest`` as the adapter posts it to ``POST /logistics-objects``."""
    details: dict[str, Any] = {
        "@type": "cargo:BookingShipment",
        "cargo:pieceCount": pieces,
        "cargo:goodsDescription": goods,
        "cargo:totalGrossWeight": {
            "@type": "cargo:Value",
            "cargo:numericalValue": str(weight_kg),
            "cargo:unit": {"@id": "https://onerecord.iata.org/ns/code-lists/MeasurementUnitCode#KGM"},
        },
    }
    if volume_m3 is not None:
        details["cargo:totalDimensions"] = {
            "@type": "cargo:Dimensions",
            "cargo:volume": {
                "@type": "cargo:Value",
                "cargo:numericalValue": str(volume_m3),
                "cargo:unit": {"@id": "https://onerecord.iata.org/ns/code-lists/MeasurementUnitCode#MTQ"},
            },
        }
    if hs_code:
        details["cargo:hsCode"] = hs_code_element(hs_code)
    body: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "cargo:BookingRequest",
        "cargo:departureLocation": _loc(origin),
        "cargo:arrivalLocation": _loc(destination),
        "cargo:involvedParties": [_party("SHP", shipper), _party("CNE", consignee)],
        "cargo:bookingShipmentDetails": details,
        "cargo:transportLegs": [
            {
                "@type": "cargo:TransportMovement",
                "cargo:transportIdentifier": leg.flight,
                "cargo:departureLocation": _loc(leg.origin),
                "cargo:arrivalLocation": _loc(leg.destination),
            }
            for leg in flights
        ],
    }
    if reference:
        body["cargo:externalReferences"] = [
            {
                "@type": "cargo:ExternalReference",
                "cargo:documentType": "BOOKING_REFERENCE",
                "cargo:documentIdentifier": reference,
            }
        ]
    return body


def subscription_request(*, subscriber: str, callback_url: str, topic: str) -> dict[str, Any]:
    """Subscribe to every logistics object of type ``topic`` (e.g. ``cargo:Shipment``)."""
    return {
        "@context": CONTEXT,
        "@type": "api:Subscription",
        "api:hasSubscriber": {"@id": subscriber},
        "api:hasTopicType": {"@id": "api:LOGISTICS_OBJECT_TYPE"},
        "api:hasTopic": {"@type": "xsd:anyURI", "@value": topic},
        "api:hasCallbackUrl": callback_url,
        "api:includeSubscriptionEventType": [
            {"@id": "api:LOGISTICS_EVENT_RECEIVED"},
            {"@id": "api:LOGISTICS_OBJECT_CREATED"},
        ],
    }
