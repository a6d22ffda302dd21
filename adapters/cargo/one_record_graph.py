"""The ONE Record sandbox's logistics objects: an airline's shipments rendered as compacted JSON-LD.

Object ids (the last path segment of ``{base}/logistics-objects/{id}``): ``waybill-<awb>``, ``shipment-<awb>``,
``piece-<awb>-<n>``, ``booking-<awb>``, ``movement-<awb>-<n>`` (one TransportMovement per flight leg) and
``booking-request-<n>``. A shipment's logistics events live under ``shipment-<awb>/logistics-events/<n>``; DEP
and ARR are recorded *for* the flight's TransportMovement, the others for the Shipment.

Terms as the ONE Record cargo ontology (3.x) has them: the route is the Waybill's ``cargo:referredBookingOption``
(a ``cargo:Booking``) whose ``cargo:activitySequences`` order its ``cargo:TransportMovement`` activities;
``cargo:hsCode`` is a ``cargo:CodeListElement`` (code, code list name, level); ``cargo:locationType`` is a plain
string ("Airport"), the IATA code a ``cargo:locationCodes`` element; ``cargo:totalVolume`` replaces the
deprecated ``cargo:totalDimensions``.
"""

from __future__ import annotations

from typing import Any

from adapters.cargo.jsonld import CODE_LISTS, CONTEXT, JsonLdError, Node
from adapters.cargo.one_record import hs_code_element, read_hs_code, read_location, read_measure, read_party
from adapters.cargo.seed import BookedShipment, Leg, StatusEvent
from adapters.cargo.status import StatusCode

__all__ = [
    "LD_CONTEXT",
    "api_error",
    "code",
    "dt_literal",
    "location",
    "logistics_event",
    "movements",
    "read_booking_request",
    "shallow",
    "waybill",
]

LD_CONTEXT: dict[str, str] = dict(CONTEXT)


def code(code_list: str, value: str) -> dict[str, str]:
    """A code-list value as an IRI node, e.g. ``{"@id": ".../code-lists/StatusCode#DEP"}``."""
    return {"@id": f"{CODE_LISTS}{code_list}#{value}"}


def dt_literal(value: str) -> dict[str, str]:
    return {"@type": "xsd:dateTime", "@value": value}


def location(iata: str) -> dict[str, Any]:
    return {
        "@type": "cargo:Location",
        "cargo:locationType": "Airport",
        "cargo:locationCodes": [{"@type": "cargo:CodeListElement", "cargo:code": iata, "cargo:codeListName": "IATA"}],
    }


def _organization(name: str, country: str | None = None, tax_id: str | None = None) -> dict[str, Any]:
    org: dict[str, Any] = {"@type": "cargo:Organization", "cargo:name": name}
    if country:
        org["cargo:basedAtLocation"] = {
            "@type": "cargo:Location",
            "cargo:address": {"@type": "cargo:Address", "cargo:country": code("CountryCode", country)},
        }
    if tax_id:
        org["cargo:otherIdentifiers"] = [
            {"@type": "cargo:OtherIdentifier", "cargo:otherIdentifierType": "TAX_ID", "cargo:textualValue": tax_id}
        ]
    return org


def _party(role: str, key: tuple[str, str], name: str) -> dict[str, Any]:
    return {
        "@type": "cargo:Party",
        "cargo:partyRole": code("ParticipantIdentifier", role),
        "cargo:partyDetails": _organization(name, key[0], key[1]),
    }


def _value(number: Any, unit: str) -> dict[str, Any]:
    return {
        "@type": "cargo:Value",
        "cargo:numericalValue": {"@type": "xsd:double", "@value": str(number)},
        "cargo:unit": code("MeasurementUnitCode", unit),
    }


def _movement(base: str, s: BookedShipment, n: int, leg: Leg) -> dict[str, Any]:
    times: list[dict[str, Any]] = []
    for when, direction in ((leg.departure, "OUTBOUND"), (leg.arrival, "INBOUND")):
        if when:
            times.append(
                {
                    "@type": "cargo:MovementTime",
                    "cargo:direction": code("MovementDirection", direction),
                    "cargo:movementTimestamp": dt_literal(when),
                    "cargo:movementTimeType": code("MovementTimeType", "ACTUAL"),
                }
            )
    return {
        "@id": f"{base}/logistics-objects/movement-{s.awb}-{n}",
        "@type": "cargo:TransportMovement",
        "cargo:transportIdentifier": leg.flight,
        "cargo:modeCode": code("ModeCode", "4"),
        "cargo:departureLocation": location(leg.origin),
        "cargo:arrivalLocation": location(leg.destination),
        "cargo:movementTimes": times,
    }


def logistics_event(base: str, s: BookedShipment, n: int, event: StatusEvent, carrier: str) -> dict[str, Any]:
    status = StatusCode.parse(event.code)
    subject = f"{base}/logistics-objects/shipment-{s.awb}"
    if event.code in ("DEP", "ARR") and event.flight:
        leg_no = next((i for i, g in enumerate(s.legs, 1) if g.flight == event.flight), None)
        if leg_no is not None:
            subject = f"{base}/logistics-objects/movement-{s.awb}-{leg_no}"
    return {
        "@id": f"{base}/logistics-objects/shipment-{s.awb}/logistics-events/{n}",
        "@type": "cargo:LogisticsEvent",
        "cargo:eventCode": {"@id": status.iri},
        "cargo:eventName": status.label,
        "cargo:eventDate": dt_literal(event.at),
        "cargo:creationDate": dt_literal(event.at),
        "cargo:eventTimeType": code("EventTimeType", "ACTUAL"),
        "cargo:partialEventIndicator": False,
        "cargo:eventLocation": location(event.location),
        "cargo:eventFor": {"@id": subject},
        "cargo:recordingOrganization": _organization(carrier),
    }


def waybill(base: str, s: BookedShipment, carrier: str, shipper: str, consignee: str) -> dict[str, Any]:
    """The Waybill of one shipment with everything embedded (Shipment, Pieces, movements, events)."""
    shipment_id = f"{base}/logistics-objects/shipment-{s.awb}"
    product: dict[str, Any] = {"@type": "cargo:Product", "cargo:description": s.goods}
    if s.hs_code:
        product["cargo:hsCode"] = hs_code_element(s.hs_code)
    shipment: dict[str, Any] = {
        "@id": shipment_id,
        "@type": "cargo:Shipment",
        "cargo:waybill": {"@id": f"{base}/logistics-objects/waybill-{s.awb}"},
        "cargo:goodsDescription": s.goods,
        "cargo:totalGrossWeight": _value(s.weight_kg, "KGM"),
        "cargo:pieces": [
            {
                "@id": f"{base}/logistics-objects/piece-{s.awb}-{n}",
                "@type": "cargo:Piece",
                "cargo:ofShipment": {"@id": shipment_id},
                "cargo:contentProducts": [product],
            }
            for n in range(1, s.pieces + 1)
        ],
        "cargo:events": [logistics_event(base, s, n, e, carrier) for n, e in enumerate(s.events, 1)],
    }
    if s.volume_m3 is not None:
        shipment["cargo:totalVolume"] = _value(s.volume_m3, "MTQ")
    booking = {
        "@id": f"{base}/logistics-objects/booking-{s.awb}",
        "@type": "cargo:Booking",
        "cargo:activitySequences": [
            {
                "@type": "cargo:ActivitySequence",
                "cargo:sequenceNumber": str(n),
                "cargo:activity": _movement(base, s, n, leg),
            }
            for n, leg in enumerate(s.legs, 1)
        ],
    }
    node: dict[str, Any] = {
        "@id": f"{base}/logistics-objects/waybill-{s.awb}",
        "@type": "cargo:Waybill",
        "cargo:waybillType": code("WaybillType", "MASTER"),
        "cargo:waybillPrefix": s.prefix,
        "cargo:waybillNumber": s.serial,
        "cargo:modularCheckNumber": int(s.serial[-1]),
        "cargo:departureLocation": location(s.origin),
        "cargo:arrivalLocation": location(s.destination),
        "cargo:involvedParties": [_party("SHP", s.shipper, shipper), _party("CNE", s.consignee, consignee)],
        "cargo:shipment": shipment,
        "cargo:referredBookingOption": booking,
    }
    if s.booking_reference:
        node["cargo:externalReferences"] = [
            {
                "@type": "cargo:ExternalReference",
                "cargo:documentType": "BOOKING_REFERENCE",
                "cargo:documentIdentifier": s.booking_reference,
            }
        ]
    return node


def movements(waybill_node: dict[str, Any]) -> list[dict[str, Any]]:
    """The TransportMovements of a rendered Waybill, in sequence."""
    return [a["cargo:activity"] for a in waybill_node["cargo:referredBookingOption"]["cargo:activitySequences"]]


def shallow(node: dict[str, Any], *, top: bool = True) -> Any:
    """A logistics object as ``GET`` returns it without ``?embedded=true``: other LOs become ``{"@id"}``."""
    if not top and "@id" in node:
        return {"@id": node["@id"]}
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "cargo:events":
            continue  # served by …/logistics-events
        if isinstance(value, dict):
            out[key] = shallow(value, top=False)
        elif isinstance(value, list):
            out[key] = [shallow(v, top=False) if isinstance(v, dict) else v for v in value]
        else:
            out[key] = value
    return out


def api_error(title: str, *details: tuple[str, str, str | None]) -> dict[str, Any]:
    """``api:Error`` with ``(code, message, resource)`` details."""
    return {
        "@context": LD_CONTEXT,
        "@type": "api:Error",
        "api:hasTitle": title,
        "api:hasErrorDetail": [
            {
                "@type": "api:ErrorDetail",
                "api:hasCode": c,
                "api:hasMessage": m,
                **({"api:hasResource": {"@id": r}} if r else {}),
            }
            for c, m, r in details
        ],
    }


def read_booking_request(node: Node) -> tuple[BookedShipment, str | None]:
    """A posted ``cargo:BookingRequest`` → the shipment to book (no AWB yet) and its booking reference."""
    if not node.is_a("cargo:BookingRequest"):
        raise JsonLdError("POST /logistics-objects here accepts a cargo:BookingRequest")
    details = node.node("cargo:bookingShipmentDetails")
    if details is None:
        raise JsonLdError("the BookingRequest has no bookingShipmentDetails")
    parties = dict(read_party(p) for p in node.nodes("cargo:involvedParties"))
    if "SHP" not in parties or "CNE" not in parties:
        raise JsonLdError("the BookingRequest needs a shipper (SHP) and a consignee (CNE) party")
    dims = details.node("cargo:volume") or (details.node("cargo:totalDimensions") or Node({})).node("cargo:volume")
    try:
        pieces = int(details.require("cargo:pieceCount"))
    except ValueError:
        raise JsonLdError("pieceCount must be an integer") from None
    weight = read_measure(details.node("cargo:totalGrossWeight"), "totalGrossWeight")[0]
    if pieces < 1 or weight <= 0:
        raise JsonLdError("pieceCount and totalGrossWeight must be positive")
    legs = [
        Leg(
            flight=m.require("cargo:transportIdentifier"),
            origin=read_location(m.node("cargo:departureLocation")),
            destination=read_location(m.node("cargo:arrivalLocation")),
        )
        for m in node.nodes("cargo:transportLegs")
    ]
    reference = next(
        (
            r.text("cargo:documentIdentifier")
            for r in node.nodes("cargo:externalReferences")
            if r.text("cargo:documentType") == "BOOKING_REFERENCE"
        ),
        None,
    )
    shipment = BookedShipment(
        awb="",
        shipper=(parties["SHP"].country, parties["SHP"].tax_id),
        consignee=(parties["CNE"].country, parties["CNE"].tax_id),
        origin=read_location(node.node("cargo:departureLocation")),
        destination=read_location(node.node("cargo:arrivalLocation")),
        legs=legs,
        pieces=pieces,
        weight_kg=weight,
        volume_m3=read_measure(dims, "volume")[0] if dims else None,
        goods=details.require("cargo:goodsDescription"),
        hs_code=read_hs_code(details),
        events=[],
        booking_reference=reference,
    )
    return shipment, reference
