"""Proposing contracts and recording deliveries: validation in the adapter and in the register."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from adapters.barter import BarterAdapter
from gateway.sdk import SandboxServer
from gateway.sdk.testing import execute, operator, principal
from tests.adapters.barter.conftest import calls, error_extensions

PROPOSE = """
mutation($input: ProposeBarterContractInput!) {
  proposeBarterContract(input: $input) {
    id number status type partyA { taxId } partyB { taxId }
    goodsA { hsCode value } goodsB { hsCode value }
    balance { contractedA contractedB shippedA owedBy }
  }
}
"""
RECORD = """
mutation($input: RecordBarterDeliveryInput!) {
  recordBarterDelivery(input: $input) {
    status
    goodsB { deliveredQuantity remainingQuantity }
    deliveries { side quantity declaration { id } }
    balance { residual owedBy withinTolerance settled }
  }
}
"""

PROPOSAL: dict[str, Any] = {
    "number": "PD-BY/2026/0007",
    "date": "2026-11-20",
    "partyA": {"country": "CN", "taxId": "91310115MA1K3Y4A90"},
    "partyB": {"country": "BY", "taxId": "200988541"},
    "type": "CLOSED",
    "referenceCurrency": "CNY",
    "validUntil": "2027-11-20",
    "counterDeliveryDeadline": "2027-06-30",
    "goods": [
        {
            "side": "A",
            "hsCode": "8708.40",
            "description": "Tractor gearboxes",
            "quantity": "20",
            "unit": "PCE",
            "unitValue": "31000.00",
            "origin": "CN",
            "incoterms": "FCA Guangzhou",
        },
        {
            "side": "B",
            "hsCode": "3104.20",
            "description": "Potassium chloride",
            "quantity": "1550",
            "unit": "tne",
            "unitValue": "400.00",
            "origin": "BY",
            "incoterms": "DAP Horgos",
        },
    ],
}


def proposal(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(PROPOSAL)
    data.update(changes)
    return data


def delivery(**changes: Any) -> dict[str, Any]:
    return {
        "contractId": "BC-2026-0001",
        "side": "B",
        "hsCode": "1001.99",
        "quantity": "345",
        "deliveredOn": "2026-11-27",
        "mrn": "26KZ0101I000000502",
        **changes,
    }


async def test_a_proposal_is_filed_as_draft_with_its_goods_valued(adapter: BarterAdapter) -> None:
    result = await execute(adapter, PROPOSE, {"input": PROPOSAL}, who=operator())
    assert result.errors is None
    contract = result.data["proposeBarterContract"]
    assert contract["id"] == "BC-2026-0002"
    assert contract["status"] == "DRAFT"
    assert contract["partyB"] == {"taxId": "200988541"}
    assert contract["goodsA"] == [{"hsCode": "8708.40", "value": {"amount": "620000.00", "currency": "CNY"}}]
    assert contract["balance"] == {
        "contractedA": {"amount": "620000.00", "currency": "CNY"},
        "contractedB": {"amount": "620000.00", "currency": "CNY"},
        "shippedA": {"amount": "0.00", "currency": "CNY"},
        "owedBy": None,
    }
    again = await execute(adapter, '{ barterContract(id: "BC-2026-0002") { number status } }', who=operator())
    assert again.data == {"barterContract": {"number": "PD-BY/2026/0007", "status": "DRAFT"}}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"partyB": {"country": "CN", "taxId": "91650000MA77X8TQ31"}}, "input.partyB.country"),
        ({"partyB": {"country": "BY", "taxId": "200988542"}}, "input.partyB.taxId"),
        ({"partyA": {"country": "CN", "taxId": "91310115MA1K3Y4A91"}}, "input.partyA.taxId"),
        ({"validUntil": "2026-11-01"}, "input.validUntil"),
        ({"counterDeliveryDeadline": "2028-01-01"}, "input.counterDeliveryDeadline"),
        ({"tolerancePct": "150"}, "input.tolerancePct"),
        ({"number": "  "}, "input.number"),
        ({"goods": PROPOSAL["goods"][:1]}, "input.goods"),
    ],
)
async def test_a_proposal_breaking_a_rule_is_bad_user_input_naming_the_field(
    adapter: BarterAdapter, sandbox: SandboxServer, changes: dict[str, Any], field: str
) -> None:
    result = await execute(adapter, PROPOSE, {"input": proposal(**changes)}, who=operator())
    assert result.data is None
    assert error_extensions(result) == {"code": "BAD_USER_INPUT", "field": field}
    assert "contracts.propose" not in calls(sandbox)


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"quantity": "0"}, "input.goods[1].quantity"),
        ({"quantity": "-5"}, "input.goods[1].quantity"),
        ({"unitValue": "0"}, "input.goods[1].unitValue"),
        ({"hsCode": "8708.40", "side": "A"}, "input.goods[1].hsCode"),
        ({"incoterms": ""}, "input.goods[1].incoterms"),
    ],
)
async def test_a_goods_line_breaking_a_rule_names_its_index(
    adapter: BarterAdapter, line: dict[str, Any], field: str
) -> None:
    data = proposal()
    data["goods"][1].update(line)
    result = await execute(adapter, PROPOSE, {"input": data}, who=operator())
    assert error_extensions(result) == {"code": "BAD_USER_INPUT", "field": field}


async def test_a_malformed_hs_code_or_currency_is_rejected_by_the_shared_scalars(adapter: BarterAdapter) -> None:
    bad_hs = proposal()
    bad_hs["goods"][0]["hsCode"] = "7799.10"
    result = await execute(adapter, PROPOSE, {"input": bad_hs}, who=operator())
    assert result.errors is not None
    assert "chapter 77 does not exist" in result.errors[0].message
    bad_currency = await execute(adapter, PROPOSE, {"input": proposal(referenceCurrency="XYZ")}, who=operator())
    assert bad_currency.errors is not None
    assert "ISO 4217" in bad_currency.errors[0].message


async def test_an_agency_cannot_propose_for_companies_it_does_not_serve(adapter: BarterAdapter) -> None:
    result = await execute(adapter, PROPOSE, {"input": PROPOSAL}, who=principal(agency="kz-trade-agency"))
    assert error_extensions(result)["code"] == "FORBIDDEN"
    visible = await execute(adapter, '{ barterContract(id: "BC-2026-0002") { id } }', who=operator())
    assert visible.data == {"barterContract": None}


async def test_recording_the_remaining_wheat_balances_the_contract(adapter: BarterAdapter) -> None:
    result = await execute(adapter, RECORD, {"input": delivery()}, who=operator())
    assert result.errors is None
    contract = result.data["recordBarterDelivery"]
    assert contract["status"] == "BALANCED"
    assert contract["goodsB"] == [{"deliveredQuantity": "720", "remainingQuantity": "0"}]
    assert contract["deliveries"][-1] == {"side": "B", "quantity": "345", "declaration": {"id": "26KZ0101I000000502"}}
    assert contract["balance"] == {
        "residual": {"amount": "0.00", "currency": "CNY"},
        "owedBy": None,
        "withinTolerance": True,
        "settled": True,
    }


async def test_a_partial_delivery_keeps_the_contract_in_execution(adapter: BarterAdapter) -> None:
    result = await execute(adapter, RECORD, {"input": delivery(quantity="150")}, who=operator())
    contract = result.data["recordBarterDelivery"]
    assert contract["status"] == "IN_EXECUTION"
    assert contract["balance"]["residual"] == {"amount": "390000.00", "currency": "CNY"}
    assert contract["balance"]["owedBy"] == "B"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quantity": "2301"}, "input.quantity"),
        ({"hsCode": "8429.52"}, "input.hsCode"),
        ({"side": "A", "hsCode": "1001.99"}, "input.hsCode"),
        ({"contractId": "BC-2026-0404"}, "input.contractId"),
    ],
)
async def test_the_register_rejects_deliveries_outside_the_goods_list(
    adapter: BarterAdapter, sandbox: SandboxServer, changes: dict[str, Any], field: str
) -> None:
    result = await execute(adapter, RECORD, {"input": delivery(**changes)}, who=operator())
    assert error_extensions(result) == {"code": "BAD_USER_INPUT", "field": field}
    assert calls(sandbox)["contracts.deliveries"] == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quantity": "0"}, "input.quantity"),
        ({"quantity": "-1"}, "input.quantity"),
        ({"mrn": None}, "input.mrn"),
        ({"mrn": "26KZ-123"}, "input.mrn"),
        ({"procedure": "13"}, "input.procedure"),
    ],
)
async def test_a_delivery_breaking_a_rule_never_reaches_the_register(
    adapter: BarterAdapter, sandbox: SandboxServer, changes: dict[str, Any], field: str
) -> None:
    result = await execute(adapter, RECORD, {"input": delivery(**changes)}, who=operator())
    assert error_extensions(result) == {"code": "BAD_USER_INPUT", "field": field}
    assert "contracts.deliveries" not in calls(sandbox)


async def test_a_delivery_on_a_draft_contract_is_a_conflict(adapter: BarterAdapter) -> None:
    await execute(adapter, PROPOSE, {"input": PROPOSAL}, who=operator())
    result = await execute(
        adapter,
        RECORD,
        {"input": delivery(contractId="BC-2026-0002", side="A", hsCode="8708.40", quantity="5")},
        who=operator(),
    )
    assert error_extensions(result)["code"] == "CONFLICT"
    assert "DRAFT" in result.errors[0].message


SIGN = "mutation($id: ID!) { signBarterContract(contractId: $id) { id status } }"


async def test_signing_a_proposal_opens_it_for_deliveries(adapter: BarterAdapter, sandbox: SandboxServer) -> None:
    await execute(adapter, PROPOSE, {"input": PROPOSAL}, who=operator())
    signed = await execute(adapter, SIGN, {"id": "BC-2026-0002"}, who=operator())
    assert signed.errors is None and signed.data == {"signBarterContract": {"id": "BC-2026-0002", "status": "SIGNED"}}
    leg = delivery(contractId="BC-2026-0002", side="A", hsCode="8708.40", quantity="5")
    recorded = await execute(adapter, RECORD, {"input": leg}, who=operator())
    assert recorded.errors is None and recorded.data["recordBarterDelivery"]["status"] == "IN_EXECUTION"
    again = await execute(adapter, SIGN, {"id": "BC-2026-0002"}, who=operator())
    assert error_extensions(again)["code"] == "CONFLICT" and "only a DRAFT" in again.errors[0].message
    assert calls(sandbox)["contracts.sign"] == 2


async def test_signing_an_unknown_or_invisible_contract_is_not_found(adapter: BarterAdapter) -> None:
    assert error_extensions(await execute(adapter, SIGN, {"id": "BC-2026-0404"}, who=operator()))["code"] == "NOT_FOUND"
    await execute(adapter, PROPOSE, {"input": PROPOSAL}, who=operator())
    other = await execute(adapter, SIGN, {"id": "BC-2026-0002"}, who=principal(agency="kz-trade-agency"))
    assert error_extensions(other)["code"] == "NOT_FOUND"


@pytest.mark.parametrize("blank", ["", "   "])
async def test_an_empty_contract_id_never_reaches_the_register(
    adapter: BarterAdapter, sandbox: SandboxServer, blank: str
) -> None:
    recorded = await execute(adapter, RECORD, {"input": delivery(contractId=blank)}, who=operator())
    assert error_extensions(recorded) == {"code": "BAD_USER_INPUT", "field": "input.contractId"}
    signed = await execute(adapter, SIGN, {"id": blank}, who=operator())
    assert error_extensions(signed) == {"code": "BAD_USER_INPUT", "field": "contractId"}
    read = await execute(adapter, "query($id: ID!) { barterContract(id: $id) { id } }", {"id": blank})
    assert error_extensions(read) == {"code": "BAD_USER_INPUT", "field": "id"}
    assert not {"contracts.deliveries", "contracts.sign", "contracts.batch"} & set(calls(sandbox))
