"""ONE Record and Cargo-XML terms exactly as the published ontology and samples have them.

``ONTOLOGY`` lists the classes and properties of the ONE Record cargo ontology (3.x, 3.3.0 RC1 checked) that the
sandbox and the adapter use; a term outside it (such as the invented ``cargo:transportMovements``) fails here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from adapters import story
from adapters.cargo import one_record_graph as graph
from adapters.cargo import xfsu, xfwb
from adapters.cargo.cargo_xml import parse, to_bytes
from adapters.cargo.jsonld import Node, normalise
from adapters.cargo.one_record import read_waybill
from adapters.cargo.seed import AirlineBook

from .test_messages import CAN, _draft

ONTOLOGY = frozenset(
    {
        # classes
        *("ActivitySequence", "Address", "Booking", "CodeListElement", "Location", "LogisticsEvent"),
        *("MovementTime", "Organization", "OtherIdentifier", "Party", "Piece", "Product", "Shipment"),
        *("TransportMovement", "Value", "Waybill"),
        # properties
        *("activity", "activitySequences", "address", "arrivalLocation", "basedAtLocation", "code"),
        *("codeLevel", "codeListName", "contentProducts", "country", "creationDate", "departureLocation"),
        *("description", "direction", "eventCode", "eventDate", "eventFor", "eventLocation", "eventName"),
        *("eventTimeType", "events", "goodsDescription", "hsCode", "involvedParties", "locationCodes"),
        *("locationType", "modeCode", "modularCheckNumber", "movementTimeType", "movementTimes"),
        *("movementTimestamp", "name", "numericalValue", "ofShipment", "otherIdentifierType", "otherIdentifiers"),
        *("partialEventIndicator", "partyDetails", "partyRole", "pieces", "recordingOrganization"),
        *("referredBookingOption", "sequenceNumber", "shipment", "textualValue", "totalGrossWeight"),
        *("totalVolume", "transportIdentifier", "unit", "waybill", "waybillNumber", "waybillPrefix", "waybillType"),
        *("externalReferences", "documentType", "documentIdentifier", "ExternalReference"),
    }
)


def _terms(value: Any, found: set[str]) -> set[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            if key.startswith("cargo:"):
                found.add(key.removeprefix("cargo:"))
            if key == "@type":
                found.update(t.removeprefix("cargo:") for t in (inner if isinstance(inner, list) else [inner]))
            _terms(inner, found)
    elif isinstance(value, list):
        for inner in value:
            _terms(inner, found)
    return found


def _waybills() -> list[dict[str, Any]]:
    book = AirlineBook("999", story.SHIPMENTS)
    shipments = [book.get(s.awb, None) for s in story.SHIPMENTS if s.awb.startswith("999-")]
    return [graph.waybill("https://1r.example", s, "Air China", "S", "C") for s in shipments if s is not None]


def test_every_term_the_sandbox_sends_is_in_the_ontology() -> None:
    used: set[str] = set()
    for waybill in _waybills():
        _terms(waybill, used)
    assert used, "no waybill rendered"
    assert used - {"xsd:dateTime", "xsd:double", "xsd:integer"} <= ONTOLOGY
    assert "transportMovements" not in used


def test_hs_code_is_a_code_list_element_and_location_type_a_string() -> None:
    waybill = next(w for w in _waybills() if w["cargo:shipment"]["cargo:pieces"])
    product = waybill["cargo:shipment"]["cargo:pieces"][0]["cargo:contentProducts"][0]
    assert product["cargo:hsCode"]["@type"] == "cargo:CodeListElement"
    assert product["cargo:hsCode"]["cargo:codeListName"] == "HS"
    assert isinstance(waybill["cargo:departureLocation"]["cargo:locationType"], str)


def test_the_route_is_read_from_the_bookings_activity_sequences_in_order() -> None:
    for waybill in _waybills():
        steps = waybill["cargo:referredBookingOption"]["cargo:activitySequences"]
        waybill["cargo:referredBookingOption"]["cargo:activitySequences"] = list(reversed(steps))
        record = read_waybill(Node(normalise({"@context": graph.LD_CONTEXT, **waybill})))
        flights = [s["cargo:activity"]["cargo:transportIdentifier"] for s in steps]
        assert [leg.flight for leg in record.legs] == flights


def test_cargo_xml_headers_are_those_of_the_published_samples() -> None:
    fwb = parse(to_bytes(xfwb.render_waybill(_draft(), carrier="CZ", message_id="m1", issued=dt.datetime.now(CAN))))
    ram = {"ram": "iata:datamodel:3"}
    assert fwb.findtext("*/ram:TypeCode", namespaces=ram) == "741"  # master air waybill
    assert fwb.findtext("*/ram:VersionID", namespaces=ram) == "3.00"
    report = xfsu.StatusReport(
        awb="784-30791202",
        code="RCS",
        at="2026-11-12T08:20:00+08:00",
        location="CAN",
        flight=None,
        pieces=30,
        weight_kg="4210.0",
        origin="CAN",
        destination="MSQ",
    )
    fsu = parse(to_bytes(xfsu.render_status(report, carrier="CZ", message_id="m2")))
    assert (fsu.findtext("*/ram:TypeCode", namespaces=ram), fsu.findtext("*/ram:VersionID", namespaces=ram)) == (
        "FSU",
        "2.00",
    )
