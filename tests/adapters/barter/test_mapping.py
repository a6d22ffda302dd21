"""The register's JSON → the adapter's records: every field, and every way it can be malformed."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from adapters.barter.mapping import contract_from_json, contracts_from_json
from adapters.barter.model import Party
from gateway.errors import UpstreamProtocolError

CONTRACT: dict[str, Any] = {
    "id": "BC-2026-0001",
    "number": "HG-KZ/2026/0001",
    "date": "2026-09-15",
    "partyA": {"country": "CN", "taxId": "91650000MA77X8TQ31"},
    "partyB": {"country": "KZ", "taxId": "240540001232"},
    "type": "CLOSED",
    "referenceCurrency": "CNY",
    "validUntil": "2027-09-15",
    "counterDeliveryDeadline": "2027-03-31",
    "status": "IN_EXECUTION",
    "tolerancePct": "2.0",
    "goods": [
        {
            "lineNo": 1,
            "side": "A",
            "hsCode": "8429.52",
            "description": "Hydraulic excavator, 21 t",
            "quantity": "6",
            "unit": "PCE",
            "unitValue": "210000.00",
            "origin": "CN",
            "incoterms": "DAP Khorgos",
        }
    ],
    "deliveries": [
        {
            "id": "BC-2026-0001-D1",
            "side": "A",
            "hsCode": "8429.52",
            "quantity": "6",
            "mrn": "940320260000001003",
            "awb": None,
            "date": "2026-10-08",
            "procedure": "0130",
        }
    ],
}


def broken(path: str, value: Any) -> dict[str, Any]:
    """CONTRACT with the value at a dotted path (list indexes as digits) replaced; ``...`` deletes it."""
    data = copy.deepcopy(CONTRACT)
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    key: Any = int(last) if last.isdigit() else last
    if value is ...:
        del node[key]
    else:
        node[key] = value
    return data


def test_every_field_maps() -> None:
    contract = contract_from_json(CONTRACT)
    assert contract.id == "BC-2026-0001"
    assert contract.date == dt.date(2026, 9, 15)
    assert contract.party_a == Party(country="CN", tax_id="91650000MA77X8TQ31")
    assert contract.party_b.ref == "KZ:240540001232"
    assert contract.kind == "CLOSED"
    assert contract.counter_delivery_deadline == dt.date(2027, 3, 31)
    assert contract.tolerance_pct == Decimal("2.0")
    (line,) = contract.goods
    assert (line.line_no, line.side, line.hs_code, line.unit) == (1, "A", "8429.52", "PCE")
    assert line.value == Decimal("1260000.00")
    (leg,) = contract.deliveries
    assert leg.mrn == "940320260000001003"
    assert leg.awb is None
    assert leg.delivered_on == dt.date(2026, 10, 8)
    assert contract.delivered(line) == Decimal(6)


def test_a_missing_procedure_defaults_to_barter_0130_and_empty_awb_is_none() -> None:
    data = broken("deliveries.0.procedure", ...)
    data["deliveries"][0]["awb"] = ""
    leg = contract_from_json(data).deliveries[0]
    assert (leg.procedure, leg.awb) == ("0130", None)


def test_integer_quantities_are_accepted_as_decimals() -> None:
    assert contract_from_json(broken("goods.0.quantity", 6)).goods[0].quantity == Decimal(6)


@pytest.mark.parametrize(
    ("path", "value", "names"),
    [
        ("id", ..., "id"),
        ("number", 42, "number"),
        ("date", "15.09.2026", "date"),
        ("partyA", "CN:91650000MA77X8TQ31", "partyA"),
        ("partyB.taxId", None, "partyB.taxId"),
        ("type", "BARTER", "type"),
        ("status", "LOST", "status"),
        ("tolerancePct", "two", "tolerancePct"),
        ("tolerancePct", "NaN", "tolerancePct"),
        ("tolerancePct", True, "tolerancePct"),
        ("goods", {}, "goods"),
        ("goods.0", "line", "goods[0]"),
        ("goods.0.lineNo", "1", "goods[0].lineNo"),
        ("goods.0.side", "C", "goods[0].side"),
        ("goods.0.unitValue", 210000.5, "goods[0].unitValue"),
        ("deliveries", None, "deliveries"),
        ("deliveries.0.date", "yesterday", "deliveries[0].date"),
        ("deliveries.0.mrn", 7, "deliveries[0].mrn"),
    ],
)
def test_a_malformed_contract_is_an_upstream_protocol_error_naming_the_field(path: str, value: Any, names: str) -> None:
    with pytest.raises(UpstreamProtocolError) as caught:
        contract_from_json(broken(path, value))
    assert names in caught.value.message
    assert caught.value.service == "barter"


@pytest.mark.parametrize("listing", [None, [], {"items": None}, {"items": [1]}])
def test_a_malformed_listing_is_an_upstream_protocol_error(listing: Any) -> None:
    with pytest.raises(UpstreamProtocolError):
        contracts_from_json(listing)


def test_a_listing_maps_every_item() -> None:
    assert [c.id for c in contracts_from_json({"items": [CONTRACT, CONTRACT]})] == ["BC-2026-0001"] * 2
