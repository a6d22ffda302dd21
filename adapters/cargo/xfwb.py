"""XFWB 3.00 air waybill messages (``rsm:Waybill``): render and read.

Header as in published XFWB samples: ``Name`` "Master Air Waybill", ``TypeCode`` 741 (master air waybill; 740
is a plain air waybill, 703 a house waybill), ``VersionID`` 3.00, ``PurposeCode`` Creation.

Subset used here: header documents, AWB, weight/volume/pieces, consignor and consignee with their tax
registration, origin and destination, one ``SpecifiedLogisticsTransportMovement`` per flight leg, and the goods
item (nature of goods, HS code). A waybill without an AWB (``BusinessHeaderDocument/ID`` absent) is a booking
request: the airline allocates the AWB.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from lxml import etree

from adapters.cargo.cargo_xml import NSMAP_FWB, RSM_FWB, CargoXmlError, add, find_text, q
from adapters.cargo.model import FlightLeg, Interface, Party, ShipmentRecord
from gateway.errors import BadUserInput
from gateway.sdk.identifiers import parse_awb

__all__ = ["WaybillDraft", "read_waybill", "render_waybill"]


class WaybillDraft:
    """What an XFWB says, before the airline has added events."""

    def __init__(
        self,
        *,
        awb: str | None,
        shipper: Party,
        consignee: Party,
        origin: str,
        destination: str,
        pieces: int,
        weight_kg: Decimal,
        volume_m3: Decimal | None,
        goods: str,
        hs_code: str | None,
        legs: Sequence[FlightLeg],
        reference: str | None = None,
    ) -> None:
        self.awb, self.shipper, self.consignee = awb, shipper, consignee
        self.origin, self.destination, self.pieces = origin, destination, pieces
        self.weight_kg, self.volume_m3, self.goods, self.hs_code = weight_kg, volume_m3, goods, hs_code
        self.legs, self.reference = tuple(legs), reference


def _iso(value: dt.datetime) -> str:
    return value.isoformat(timespec="seconds")


def _party(parent: etree._Element, tag: str, party: Party) -> None:
    node = add(parent, f"ram:{tag}")
    add(node, "ram:Name", party.name)
    add(node, "ram:SpecifiedTaxRegistration/ram:ID", party.tax_id)
    add(node, "ram:PostalStructuredAddress/ram:CountryID", party.country)


def render_waybill(draft: WaybillDraft, *, carrier: str, message_id: str, issued: dt.datetime) -> etree._Element:
    root = etree.Element(q(RSM_FWB, "Waybill"), nsmap=NSMAP_FWB)
    header = etree.SubElement(root, q(RSM_FWB, "MessageHeaderDocument"))
    add(header, "ram:ID", message_id)
    add(header, "ram:Name", "Master Air Waybill")
    add(header, "ram:TypeCode", "741")
    add(header, "ram:IssueDateTime", _iso(issued))
    add(header, "ram:PurposeCode", "Creation")
    add(header, "ram:VersionID", "3.00")
    add(header, "ram:SenderParty/ram:PrimaryID", carrier, schemeID="C")
    business = etree.SubElement(root, q(RSM_FWB, "BusinessHeaderDocument"))
    if draft.awb:
        add(business, "ram:ID", draft.awb)
    if draft.reference:
        add(business, "ram:SenderAssignedID", draft.reference)
    consignment = etree.SubElement(root, q(RSM_FWB, "MasterConsignment"))
    add(consignment, "ram:IncludedTareGrossWeightMeasure", str(draft.weight_kg), unitCode="KGM")
    if draft.volume_m3 is not None:
        add(consignment, "ram:GrossVolumeMeasure", str(draft.volume_m3), unitCode="MTQ")
    add(consignment, "ram:TotalPieceQuantity", str(draft.pieces))
    _party(consignment, "ConsignorParty", draft.shipper)
    _party(consignment, "ConsigneeParty", draft.consignee)
    add(consignment, "ram:OriginLocation/ram:ID", draft.origin)
    add(consignment, "ram:FinalDestinationLocation/ram:ID", draft.destination)
    for leg in draft.legs:
        movement = add(consignment, "ram:SpecifiedLogisticsTransportMovement")
        add(movement, "ram:StageCode", "Main-Carriage")
        add(movement, "ram:ModeCode", "4")
        add(movement, "ram:ID", leg.flight)
        departure = add(movement, "ram:DepartureEvent")
        if leg.departure:
            add(departure, "ram:DepartureOccurrenceDateTime", _iso(leg.departure))
            add(departure, "ram:DepartureDateTimeTypeCode", "A")
        add(departure, "ram:OccurrenceDepartureLocation/ram:ID", leg.origin)
        arrival = add(movement, "ram:ArrivalEvent")
        if leg.arrival:
            add(arrival, "ram:ArrivalOccurrenceDateTime", _iso(leg.arrival))
            add(arrival, "ram:ArrivalDateTimeTypeCode", "A")
        add(arrival, "ram:OccurrenceArrivalLocation/ram:ID", leg.destination)
    item = add(consignment, "ram:IncludedMasterConsignmentItem")
    add(item, "ram:SequenceNumeric", "1")
    if draft.hs_code:
        add(item, "ram:TypeCode", draft.hs_code, listID="HS")
    add(item, "ram:NatureIdentificationTransportCargo/ram:Identification", draft.goods)
    return root


def _when(node: etree._Element, path: str) -> dt.datetime | None:
    text = find_text(node, path)
    if text is None:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CargoXmlError(f"{path} is not an ISO 8601 date-time: {text!r}") from None
    if value.tzinfo is None:
        raise CargoXmlError(f"{path} has no UTC offset: {text!r}")
    return value


def _read_party(consignment: etree._Element, tag: str) -> Party:
    node = consignment.find(f"ram:{tag}", {"ram": "iata:datamodel:3"})
    if node is None:
        raise CargoXmlError(f"MasterConsignment has no {tag}")
    return Party(
        country=find_text(node, "ram:PostalStructuredAddress/ram:CountryID", required=True) or "",
        tax_id=find_text(node, "ram:SpecifiedTaxRegistration/ram:ID", required=True) or "",
        name=find_text(node, "ram:Name") or "",
    )


def _number(node: etree._Element, path: str) -> Decimal:
    text = find_text(node, path, required=True) or ""
    try:
        return Decimal(text)
    except InvalidOperation:
        raise CargoXmlError(f"{path} is not a number: {text!r}") from None


def read_draft(root: etree._Element) -> WaybillDraft:
    """The contents of an ``rsm:Waybill`` (AWB optional: absent in a booking request)."""
    if root.tag != q(RSM_FWB, "Waybill"):
        raise CargoXmlError(f"expected rsm:Waybill ({RSM_FWB}), got {root.tag}")
    ns = {"rsm": RSM_FWB, "ram": "iata:datamodel:3"}
    business = root.find("rsm:BusinessHeaderDocument", ns)
    consignment = root.find("rsm:MasterConsignment", ns)
    if business is None or consignment is None:
        raise CargoXmlError("rsm:Waybill needs a BusinessHeaderDocument and a MasterConsignment")
    awb = find_text(business, "ram:ID")
    if awb is not None:
        try:
            awb = parse_awb(awb)
        except BadUserInput as exc:
            raise CargoXmlError(f"waybill AWB: {exc.message}") from None
    legs = [
        FlightLeg(
            flight=find_text(m, "ram:ID", required=True) or "",
            origin=find_text(m, "ram:DepartureEvent/ram:OccurrenceDepartureLocation/ram:ID", required=True) or "",
            destination=find_text(m, "ram:ArrivalEvent/ram:OccurrenceArrivalLocation/ram:ID", required=True) or "",
            departure=_when(m, "ram:DepartureEvent/ram:DepartureOccurrenceDateTime"),
            arrival=_when(m, "ram:ArrivalEvent/ram:ArrivalOccurrenceDateTime"),
        )
        for m in consignment.findall("ram:SpecifiedLogisticsTransportMovement", ns)
    ]
    pieces = find_text(consignment, "ram:TotalPieceQuantity", required=True) or ""
    if not pieces.isdigit():
        raise CargoXmlError(f"TotalPieceQuantity is not a count: {pieces!r}")
    return WaybillDraft(
        awb=awb,
        shipper=_read_party(consignment, "ConsignorParty"),
        consignee=_read_party(consignment, "ConsigneeParty"),
        origin=find_text(consignment, "ram:OriginLocation/ram:ID", required=True) or "",
        destination=find_text(consignment, "ram:FinalDestinationLocation/ram:ID", required=True) or "",
        pieces=int(pieces),
        weight_kg=_number(consignment, "ram:IncludedTareGrossWeightMeasure"),
        volume_m3=_number(consignment, "ram:GrossVolumeMeasure")
        if find_text(consignment, "ram:GrossVolumeMeasure")
        else None,
        goods=find_text(
            consignment,
            "ram:IncludedMasterConsignmentItem/ram:NatureIdentificationTransportCargo/ram:Identification",
            required=True,
        )
        or "",
        hs_code=find_text(consignment, "ram:IncludedMasterConsignmentItem/ram:TypeCode"),
        legs=legs,
        reference=find_text(business, "ram:SenderAssignedID"),
    )


def read_waybill(root: etree._Element) -> ShipmentRecord:
    """An issued XFWB (with its AWB) → the normalised record, without events (those come from XFSU)."""
    draft = read_draft(root)
    if draft.awb is None:
        raise CargoXmlError("rsm:Waybill has no AWB (BusinessHeaderDocument/ID)")
    return ShipmentRecord(
        awb=draft.awb,
        origin=draft.origin,
        destination=draft.destination,
        pieces=draft.pieces,
        weight_kg=draft.weight_kg,
        volume_m3=draft.volume_m3,
        goods=draft.goods,
        hs_code=draft.hs_code,
        shipper=draft.shipper,
        consignee=draft.consignee,
        legs=draft.legs,
        source=Interface.CARGO_XML,
        booking_reference=draft.reference,
    )
