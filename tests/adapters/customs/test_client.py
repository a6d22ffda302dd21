"""The typed customs client, for operations the subgraph does not expose directly, and adapter health."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest

from adapters.customs import CustomsAdapter
from adapters.customs.client import DeclarationDraft, DraftItem
from adapters.soap import Scope
from gateway.errors import Conflict, UpstreamFault
from gateway.sdk.adapter import HealthState
from gateway.sdk.sandbox import FaultConfig, SandboxServer

HAIXIN = ("CN", "91370281MA3C5R7B0C")


async def test_status_by_lrn_finds_the_declaration(customs: CustomsAdapter) -> None:
    record = await customs.client.status(Scope(), lrn="HX-2026-0815")
    assert record is not None
    assert record.entry_number == "420120260000000817"
    assert record.declarant == HAIXIN


async def test_status_by_lrn_respects_the_agency(customs: CustomsAdapter) -> None:
    assert await customs.client.status(Scope(agency="kz-trade-agency"), lrn="HX-2026-0815") is None


async def test_statuses_leave_unknown_entry_numbers_out(customs: CustomsAdapter) -> None:
    found = await customs.client.statuses(["940120260000001118", "000020260000000000"], Scope())
    assert list(found) == ["940120260000001118"]
    assert (found["940120260000001118"].status.status, found["940120260000001118"].status.code) == ("CLEARED", "09")


async def test_health_is_up_while_the_service_answers(customs: CustomsAdapter, sandbox: SandboxServer) -> None:
    assert (await customs.health()).state is HealthState.UP
    sandbox.faults.reconfigure(FaultConfig(error_rate=1.0))
    health = await customs.health()
    assert health.state is HealthState.DOWN
    assert "without a SOAP fault" in health.detail


async def test_health_before_start_is_down(sandbox: SandboxServer) -> None:
    adapter = CustomsAdapter(dataclasses.replace(CustomsAdapter().settings, url=sandbox.url))
    assert (await adapter.health()).state is HealthState.DOWN


# -- the sandbox's own checks: what customs refuses even when a client skips the graph's --------------------------

DRAFT = DeclarationDraft(
    lrn="PD-CLIENT-1",
    declarant=("CN", "91310115MA1K3Y4A90"),
    direction="EXPORT",
    trade_mode="0110",
    office="2233",
    exit_office="2233",
    departure_port="PVG",
    transport_mode="5",
    conveyance="CA1520",
    voyage=None,
    transaction_terms="3",
    awb="999-12345686",
    items=(
        DraftItem(
            tariff_code="8433901000",
            description="Parts of harvesting machinery",
            quantity=Decimal(4),
            unit="011",
            legal_quantity=Decimal(610),
            legal_unit="035",
            second_quantity=None,
            second_unit=None,
            value=Decimal("120000.00"),
            currency="CNY",
            origin="CN",
            destination="RU",
            exemption="1",
        ),
    ),
)


async def test_a_submitted_declaration_round_trips_every_field(customs: CustomsAdapter) -> None:
    receipt = await customs.client.submit(DRAFT, Scope())
    assert receipt.entry_number.startswith("223320260") and receipt.notification.status == "DECLARED"
    record = await customs.client.status(Scope(), entry_number=receipt.entry_number)
    assert record is not None
    assert (record.office, record.exit_office) == (("2233", "Shanghai Pudong Airport Customs"),) * 2
    assert (record.transport_mode, record.conveyance, record.transaction_terms) == ("5", "CA1520", "3")
    [line] = record.items
    assert (line.tariff_code, line.quantity.unit, line.legal.amount, line.legal.unit) == (
        "8433901000",
        "011",
        610,
        "035",
    )
    assert line.unit_price == Decimal("30000.0000") and line.second is None


@pytest.mark.parametrize(
    ("changes", "code", "pointer"),
    [
        ({"trade_mode": "1000"}, "UNKNOWN_TRADE_MODE", "/SubmitDeclarationRequest/TradeMode"),
        ({"office": "4299"}, "UNKNOWN_OFFICE", "/SubmitDeclarationRequest/OfficeCode"),
        ({"transport_mode": "7"}, "UNKNOWN_CODE", "/SubmitDeclarationRequest/TransportMode"),
        ({"levy_nature": "789"}, "UNKNOWN_CODE", "/SubmitDeclarationRequest/LevyNature"),
        ({"awb": None}, "AWB_REQUIRED", "/SubmitDeclarationRequest/AWB"),
        ({"licences": (("Z", "1"),)}, "UNKNOWN_CODE", "/SubmitDeclarationRequest/Licence[1]/Code"),
    ],
)
async def test_customs_refuses_codes_outside_its_lists(
    customs: CustomsAdapter, changes: dict[str, Any], code: str, pointer: str
) -> None:
    with pytest.raises(UpstreamFault) as caught:
        await customs.client.submit(dataclasses.replace(DRAFT, **changes), Scope())
    assert (caught.value.extensions["validationCode"], caught.value.extensions["pointer"]) == (code, pointer)


@pytest.mark.parametrize(
    ("item", "code", "pointer"),
    [
        ({"unit": "999"}, "UNKNOWN_UNIT", "GoodsItem[1]/Unit"),
        ({"second_quantity": Decimal(1)}, "SECOND_UNIT", "GoodsItem[1]/SecondUnit"),
        ({"tariff_code": "7701000000"}, "INVALID_TARIFF_CODE", "GoodsItem[1]/TariffCode"),
    ],
)
async def test_customs_refuses_goods_items_outside_its_rules(
    customs: CustomsAdapter, item: dict[str, Any], code: str, pointer: str
) -> None:
    draft = dataclasses.replace(DRAFT, items=(dataclasses.replace(DRAFT.items[0], **item),))
    with pytest.raises(UpstreamFault) as caught:
        await customs.client.submit(draft, Scope())
    assert caught.value.extensions["validationCode"] == code
    assert caught.value.extensions["pointer"] == f"/SubmitDeclarationRequest/{pointer}"


async def test_an_illegal_move_is_a_conflict_naming_the_flow(customs: CustomsAdapter) -> None:
    receipt = await customs.client.submit(DRAFT, Scope())
    with pytest.raises(Conflict) as caught:
        await customs.client.decide(receipt.entry_number, "CLEARED", Scope())
    assert caught.value.code == "ILLEGAL_TRANSITION"
    assert "is DECLARED: it can move to INSPECTED, REJECTED, REVIEWED, not CLEARED" in caught.value.message
    inspected = await customs.client.decide(receipt.entry_number, "INSPECTED", Scope())
    assert inspected is not None and [n.status for n in inspected.notifications] == ["DECLARED", "INSPECTED"]
