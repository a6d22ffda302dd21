"""XFSU 2.00 status messages (``rsm:StatusMessage``): one reported status per message; render and read.

Subset used here: header documents; the AWB; consignment totals, origin and destination; one
``ReportedStatus`` with its ``ReasonCode`` (the status code), the status consignment (pieces, weight, split
``T``/``P``), the occurrence (``StatusEvent``: time, airport) and, for flight-bound codes, the flight
(``SpecifiedLogisticsTransportMovement``).
"""

from __future__ import annotations

import datetime as dt

from lxml import etree

from adapters.cargo.cargo_xml import NSMAP_FSU, RAM, RSM_FSU, CargoXmlError, add, find_text, q
from adapters.cargo.model import CargoEvent, Interface
from adapters.cargo.status import StatusCode
from gateway.errors import BadUserInput
from gateway.sdk.identifiers import parse_awb

__all__ = ["StatusReport", "read_status", "render_status"]

_NS = {"rsm": RSM_FSU, "ram": RAM}


class StatusReport:
    """One status as an airline reports it."""

    def __init__(
        self,
        *,
        awb: str,
        code: str,
        at: str,
        location: str,
        flight: str | None,
        pieces: int,
        weight_kg: str,
        origin: str,
        destination: str,
    ) -> None:
        self.awb, self.code, self.at, self.location, self.flight = awb, code, at, location, flight
        self.pieces, self.weight_kg, self.origin, self.destination = pieces, weight_kg, origin, destination


def render_status(report: StatusReport, *, carrier: str, message_id: str) -> etree._Element:
    root = etree.Element(q(RSM_FSU, "StatusMessage"), nsmap=NSMAP_FSU)
    header = etree.SubElement(root, q(RSM_FSU, "MessageHeaderDocument"))
    add(header, "ram:ID", message_id)
    add(header, "ram:Name", "Status Message")
    add(header, "ram:TypeCode", "FSU")
    add(header, "ram:IssueDateTime", report.at)
    add(header, "ram:PurposeCode", "Creation")
    add(header, "ram:VersionID", "2.00")
    add(header, "ram:SenderParty/ram:PrimaryID", carrier, schemeID="C")
    business = etree.SubElement(root, q(RSM_FSU, "BusinessHeaderDocument"))
    add(business, "ram:ID", report.awb)
    consignment = etree.SubElement(root, q(RSM_FSU, "MasterConsignment"))
    add(consignment, "ram:GrossWeightMeasure", report.weight_kg, unitCode="KGM")
    add(consignment, "ram:TotalPieceQuantity", str(report.pieces))
    add(consignment, "ram:TransportContractDocument/ram:ID", report.awb)
    add(consignment, "ram:OriginLocation/ram:ID", report.origin)
    add(consignment, "ram:FinalDestinationLocation/ram:ID", report.destination)
    status = add(consignment, "ram:ReportedStatus")
    add(status, "ram:ReasonCode", report.code)
    part = add(status, "ram:AssociatedStatusConsignment")
    add(part, "ram:GrossWeightMeasure", report.weight_kg, unitCode="KGM")
    add(part, "ram:PieceQuantity", str(report.pieces))
    add(part, "ram:TransportSplitDescription", "T")
    event = add(part, "ram:StatusEvent")
    add(event, "ram:OccurrenceDateTime", report.at)
    add(event, "ram:DateTimeTypeCode", "A")
    add(event, "ram:OccurrenceLocation/ram:ID", report.location)
    if report.flight:
        movement = add(part, "ram:SpecifiedLogisticsTransportMovement")
        add(movement, "ram:StageCode", "Main-Carriage")
        add(movement, "ram:ID", report.flight)
    return root


def read_status(root: etree._Element) -> tuple[str, CargoEvent]:
    """``(awb, event)`` of one ``rsm:StatusMessage``."""
    if root.tag != q(RSM_FSU, "StatusMessage"):
        raise CargoXmlError(f"expected rsm:StatusMessage ({RSM_FSU}), got {root.tag}")
    consignment = root.find("rsm:MasterConsignment", _NS)
    if consignment is None:
        raise CargoXmlError("rsm:StatusMessage has no MasterConsignment")
    try:
        awb = parse_awb(find_text(consignment, "ram:TransportContractDocument/ram:ID", required=True))
    except BadUserInput as exc:
        raise CargoXmlError(f"status message AWB: {exc.message}") from None
    status = consignment.find("ram:ReportedStatus", _NS)
    if status is None:
        raise CargoXmlError(f"status message for {awb} has no ReportedStatus")
    try:
        code = StatusCode.parse(find_text(status, "ram:ReasonCode", required=True) or "")
    except ValueError as exc:
        raise CargoXmlError(f"status message for {awb}: {exc}") from None
    part = status.find("ram:AssociatedStatusConsignment", _NS)
    if part is None:
        raise CargoXmlError(f"status {code.name} for {awb} has no AssociatedStatusConsignment")
    when = find_text(part, "ram:StatusEvent/ram:OccurrenceDateTime", required=True) or ""
    try:
        at = dt.datetime.fromisoformat(when)
    except ValueError:
        raise CargoXmlError(f"status {code.name} for {awb}: {when!r} is not an ISO 8601 date-time") from None
    if at.tzinfo is None:
        raise CargoXmlError(f"status {code.name} for {awb}: {when!r} has no UTC offset")
    return awb, CargoEvent(
        code=code,
        at=at,
        location=find_text(part, "ram:StatusEvent/ram:OccurrenceLocation/ram:ID", required=True) or "",
        flight=find_text(part, "ram:SpecifiedLogisticsTransportMovement/ram:ID"),
        source=Interface.CARGO_XML,
    )
