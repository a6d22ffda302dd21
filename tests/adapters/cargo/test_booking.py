"""bookShipment: the airline issues a valid AWB through either interface; duplicates and bad input are refused."""

from __future__ import annotations

from typing import Any

import pytest

from adapters import story
from adapters.cargo import CargoAdapter
from gateway.sdk.identifiers import parse_awb
from gateway.sdk.sandbox import SandboxServer
from gateway.sdk.testing import execute, operator, principal

from .conftest import calls, errors

BOOK = """
mutation($input: BookShipmentInput!) {
  bookShipment(input: $input) {
    awb airline { prefix interface } origin destination pieces weightKg volumeM3 goodsDescription hsCode
    shipper { taxId } consignee { taxId } route { flight from to } status { code } booking { reference bookedAt }
  }
}
"""


def order(airline: str, **changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "airline": airline,
        "origin": "PVG",
        "destination": "SVO",
        "shipper": {"country": "CN", "taxId": story.PUDONG[1]},
        "consignee": {"country": "RU", "taxId": story.VOLGA[1]},
        "pieces": 6,
        "weightKg": 920.5,
        "volumeM3": 4.2,
        "goodsDescription": "Combine harvester spare parts",
        "hsCode": "8433.90",
        "flights": [{"flight": "CA1520", "from": "PVG", "to": "PEK"}, {"flight": "CA909", "from": "PEK", "to": "SVO"}],
        "reference": f"PO-{airline}-1",
    }
    return {**base, **changes}


@pytest.mark.parametrize(("airline", "interface"), [("999", "ONE_RECORD"), ("784", "CARGO_XML")])
async def test_a_booking_creates_a_shipment_with_a_valid_awb(
    adapter: CargoAdapter, airline: str, interface: str
) -> None:
    result = await execute(adapter, BOOK, {"input": order(airline)}, who=operator())
    assert result.errors is None
    booked = result.data["bookShipment"]  # type: ignore[index]
    assert parse_awb(booked["awb"]) == booked["awb"]
    assert booked["airline"] == {"prefix": airline, "interface": interface}
    assert (booked["origin"], booked["destination"], booked["pieces"], booked["weightKg"]) == ("PVG", "SVO", 6, 920.5)
    assert (booked["volumeM3"], booked["hsCode"], booked["goodsDescription"]) == (
        4.2,
        "8433.90",
        "Combine harvester spare parts",
    )
    assert booked["shipper"]["taxId"] == story.PUDONG[1]
    assert [leg["flight"] for leg in booked["route"]] == ["CA1520", "CA909"]
    assert booked["status"] == {"code": "BKD"}
    assert booked["booking"]["reference"] == f"PO-{airline}-1"
    again = await execute(
        adapter, "query($a: AWB!) { shipment(awb: $a) { awb status { code } } }", {"a": booked["awb"]}, who=operator()
    )
    assert again.data == {"shipment": {"awb": booked["awb"], "status": {"code": "BKD"}}}


@pytest.mark.parametrize("airline", ["999", "784"])
async def test_booking_the_same_reference_twice_is_a_conflict(adapter: CargoAdapter, airline: str) -> None:
    first = await execute(adapter, BOOK, {"input": order(airline)}, who=operator())
    assert first.errors is None
    second = await execute(adapter, BOOK, {"input": order(airline, pieces=7)}, who=operator())
    (error,) = errors(second)
    assert error["code"] == "CONFLICT"
    assert first.data["bookShipment"]["awb"] in error["message"]  # type: ignore[index]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"origin": "XQZ"}, "input.origin"),
        ({"destination": "PVG"}, "input.destination"),
        ({"pieces": 0}, "input.pieces"),
        ({"weightKg": -1.0}, "input.weightKg"),
        ({"flights": [{"flight": "CA909", "from": "PEK", "to": "SVO"}]}, "input.flights"),
        ({"flights": [{"flight": "CA-909", "from": "PVG", "to": "SVO"}]}, "input.flights.0.flight"),
        ({"shipper": {"country": "CN", "taxId": "91310115MA1K3Y4A91"}}, "input.shipper.taxId"),
        ({"airline": "176"}, "input.airline"),
    ],
    ids=[
        "unknown-airport",
        "same-airports",
        "no-pieces",
        "negative-weight",
        "broken-route",
        "bad-flight",
        "bad-tax-id",
        "unconnected-airline",
    ],
)
async def test_bad_booking_input_names_the_field_and_sends_nothing(
    adapter: CargoAdapter, one_record: SandboxServer, changes: dict[str, Any], field: str
) -> None:
    result = await execute(adapter, BOOK, {"input": {**order("999"), **changes}}, who=operator())
    (error,) = errors(result)
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", field)
    assert calls(one_record)["create"] == 0


@pytest.mark.parametrize("airline", ["999", "784"])
async def test_an_agency_cannot_book_for_a_shipper_it_does_not_serve(adapter: CargoAdapter, airline: str) -> None:
    kz = principal(agency="kz-trade-agency")  # Pudong is served by qingdao-broker and ru-export-center only
    result = await execute(adapter, BOOK, {"input": order(airline)}, who=kz)
    (error,) = errors(result)
    assert error["code"] == "FORBIDDEN"
    allowed = await execute(adapter, BOOK, {"input": order(airline)}, who=principal(agency="ru-export-center"))
    assert allowed.errors is None
