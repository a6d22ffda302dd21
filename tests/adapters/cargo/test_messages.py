"""Cargo-XML (XFWB, XFSU) and FSU text: render, read back, refuse hostile or broken documents."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from adapters.cargo import fsu, xfsu, xfwb
from adapters.cargo.cargo_xml import CargoXmlError, parse, to_bytes
from adapters.cargo.model import CargoEvent, FlightLeg, Interface, Party, ShipmentRecord
from adapters.cargo.status import STATUS_CODE_IRI, StatusCode, status_from_iri

CAN = dt.timezone(dt.timedelta(hours=8))


def test_there_are_the_26_iata_status_codes_each_with_a_label() -> None:
    assert len(StatusCode) == 26
    assert all(code.label for code in StatusCode)
    assert status_from_iri(STATUS_CODE_IRI + "RCF") is StatusCode.RCF


def test_an_unknown_status_code_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="known: BKD, RCS"):
        StatusCode.parse("XXX")


def _draft(awb: str | None = "784-30791202") -> xfwb.WaybillDraft:
    return xfwb.WaybillDraft(
        awb=awb,
        shipper=Party(country="CN", tax_id="91310115MA1K3Y4A90", name="Pudong"),
        consignee=Party(country="BY", tax_id="200988541", name="Minsk"),
        origin="CAN",
        destination="MSQ",
        pieces=30,
        weight_kg=Decimal("4210.0"),
        volume_m3=Decimal("22.50"),
        goods="Tractor gearbox assemblies",
        hs_code="8708.40",
        legs=[
            FlightLeg(
                flight="CZ6077", origin="CAN", destination="URC", departure=dt.datetime(2026, 11, 12, 8, 20, tzinfo=CAN)
            )
        ],
        reference="PO-1",
    )


def test_xfwb_round_trips_through_xml() -> None:
    document = xfwb.render_waybill(
        _draft(), carrier="CZ", message_id="m1", issued=dt.datetime(2026, 11, 10, tzinfo=CAN)
    )
    assert b'xmlns:rsm="iata:waybill:1"' in to_bytes(document)
    record = xfwb.read_waybill(parse(to_bytes(document)))
    assert (record.awb, record.pieces, record.weight_kg, record.hs_code) == (
        "784-30791202",
        30,
        Decimal("4210.0"),
        "8708.40",
    )
    assert record.shipper == Party(country="CN", tax_id="91310115MA1K3Y4A90", name="Pudong")
    assert record.legs[0].departure == dt.datetime(2026, 11, 12, 8, 20, tzinfo=CAN)
    assert record.booking_reference == "PO-1"
    assert record.source is Interface.CARGO_XML


def test_xfsu_round_trips_one_status() -> None:
    report = xfsu.StatusReport(
        awb="784-30791202",
        code="DEP",
        at="2026-11-12T08:20:00+08:00",
        location="CAN",
        flight="CZ6077",
        pieces=30,
        weight_kg="4210.0",
        origin="CAN",
        destination="MSQ",
    )
    document = xfsu.render_status(report, carrier="CZ", message_id="m2")
    assert b'xmlns:rsm="iata:statusmessage:1"' in to_bytes(document)
    awb, event = xfsu.read_status(parse(to_bytes(document)))
    assert awb == "784-30791202"
    assert (event.code, event.location, event.flight) == (StatusCode.DEP, "CAN", "CZ6077")
    assert event.at == dt.datetime(2026, 11, 12, 8, 20, tzinfo=CAN)


def test_a_status_message_with_a_bad_awb_is_refused() -> None:
    report = xfsu.StatusReport(
        awb="784-30791203",
        code="RCS",
        at="2026-11-12T08:20:00+08:00",
        location="CAN",
        flight=None,
        pieces=1,
        weight_kg="1",
        origin="CAN",
        destination="MSQ",
    )
    with pytest.raises(CargoXmlError, match="check digit"):
        xfsu.read_status(parse(to_bytes(xfsu.render_status(report, carrier="CZ", message_id="m"))))


def test_external_entities_are_never_expanded() -> None:
    hostile = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"""
    root = parse(hostile)
    assert "root:" not in (root.text or "")


def test_broken_xml_is_a_named_error() -> None:
    with pytest.raises(CargoXmlError, match="not well-formed"):
        parse(b"<<<not what you expected")


def test_fsu_text_renders_and_reads_back() -> None:
    text = fsu.render_fsu(
        awb="784-30791202",
        origin="CAN",
        destination="MSQ",
        pieces=30,
        weight_kg=Decimal("4210.0"),
        code="DEP",
        at=dt.datetime(2026, 11, 12, 8, 20, tzinfo=CAN),
        location="CAN",
        flight="CZ6077",
        next_airport="URC",
    )
    assert text.splitlines() == ["FSU/14", "784-30791202CANMSQ/T30K4210.0", "DEP/CZ6077/12NOV0820/CANURC/T30K4210.0"]
    (status,) = fsu.read_fsu(text, year=2026)
    assert (status.code, status.flight, status.location, status.pieces) == (StatusCode.DEP, "CZ6077", "CAN", 30)
    assert status.local_time == dt.datetime(2026, 11, 12, 8, 20)


def test_fsu_reads_the_classic_example_and_refuses_a_flightless_departure() -> None:
    (status,) = fsu.read_fsu("FSU/14\n020-12345675FRAJFK/T1K100\nRCS/16OCT1317/FRA/T1K100", year=2026)
    assert (status.awb, status.code, status.location) == ("020-12345675", StatusCode.RCS, "FRA")
    with pytest.raises(ValueError, match="needs flight details"):
        fsu.read_fsu("FSU/14\n020-12345675FRAJFK/T1K100\nDEP/16OCT1317/FRA", year=2026)


def test_the_current_status_is_the_latest_and_the_last_reported_of_simultaneous_ones() -> None:
    at = dt.datetime(2026, 11, 12, 8, 20, tzinfo=CAN)
    events = tuple(
        CargoEvent(code=code, at=at + dt.timedelta(hours=h), location="CAN", source=Interface.CARGO_XML)
        for code, h in ((StatusCode.RCS, 0), (StatusCode.MAN, 1), (StatusCode.DEP, 1))
    )
    record = ShipmentRecord(
        awb="784-30791202",
        origin="CAN",
        destination="MSQ",
        pieces=1,
        weight_kg=Decimal(1),
        goods="x",
        source=Interface.CARGO_XML,
        events=events,
    )
    assert record.current is not None and record.current.code is StatusCode.DEP
