"""Rejects are data: a Payment with status RJCT and its ISO 20022 reason code; bad input never reaches the rail."""

from __future__ import annotations

import pytest

from .conftest import (
    ALMATY,
    ALMATY_ACCOUNT,
    ASTANA,
    ASTANA_ACCOUNT,
    HAIXIN,
    HAIXIN_ACCOUNT,
    HORGOS,
    HORGOS_ACCOUNT,
    MUMBAI,
    MUMBAI_ACCOUNT,
    PUDONG,
    PUDONG_ACCOUNT,
    REJECTED_UETR,
    VOLGA,
    VOLGA_ACCOUNT,
    error_code,
    initiate,
    payment,
    payment_input,
    rail_ledger,
)


async def _final(adapter, data) -> dict:
    result = await initiate(adapter, data)
    assert result.errors is None, result.errors
    return await payment(adapter, result.data["initiatePayment"]["uetr"])


async def test_insufficient_funds_is_rjct_am04(adapter, rail):
    final = await _final(adapter, payment_input(amount={"amount": "2000000.00", "currency": "CNY"}))
    assert (final["status"], final["statusReason"]) == ("RJCT", "AM04")
    assert "insufficient funds" in final["statusDetail"]
    assert (await rail_ledger(rail))["settlements"][final["uetr"]] == 0


async def test_blocked_creditor_account_is_rjct_ac06(adapter):
    data = payment_input(creditor=MUMBAI, creditorAccount=MUMBAI_ACCOUNT)
    final = await _final(adapter, data)
    assert (final["status"], final["statusReason"]) == ("RJCT", "AC06")
    seeded = await payment(adapter, REJECTED_UETR)
    assert (seeded["status"], seeded["statusReason"]) == ("RJCT", "AC06")


@pytest.mark.parametrize("rail_options", [{"account_status": {HAIXIN_ACCOUNT: "CLOSED"}}])
async def test_closed_creditor_account_is_rjct_ac04(adapter):
    final = await _final(adapter, payment_input())
    assert (final["status"], final["statusReason"]) == ("RJCT", "AC04")


@pytest.mark.parametrize("rail_options", [{"sanctioned_bics": ["SABRRUMM"]}])
async def test_sanctioned_agent_is_rjct_rr04(adapter, rail):
    data = payment_input(
        debtor=VOLGA,
        debtorAccount=VOLGA_ACCOUNT,
        creditor=PUDONG,
        creditorAccount=PUDONG_ACCOUNT,
        amount={"amount": "10000.00", "currency": "RUB"},
    )
    final = await _final(adapter, data)
    assert (final["status"], final["statusReason"]) == ("RJCT", "RR04")
    assert (await rail_ledger(rail))["settlements"][final["uetr"]] == 0


async def test_agent_on_hold_list_is_pending(adapter):
    data = payment_input(
        debtor=ALMATY,
        debtorAccount=ALMATY_ACCOUNT,
        creditor=HAIXIN,
        creditorAccount=HAIXIN_ACCOUNT,
        amount={"amount": "100.00", "currency": "CNY"},
    )
    assert (await _final(adapter, data))["status"] == "ACSC"
    minsk = {"country": "BY", "taxId": "200988541"}
    held = payment_input(
        debtor=minsk,
        debtorAccount="BY13NBRB3600900000002Z00AB00",
        creditor=PUDONG,
        creditorAccount=PUDONG_ACCOUNT,
        amount={"amount": "10.00", "currency": "CNY"},
    )
    assert (await _final(adapter, held))["status"] == "PDNG"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"debtorAccount": "4563510100892233999"}, "input.debtorAccount"),
        ({"creditorAccount": ASTANA_ACCOUNT}, "input.creditorAccount"),
        ({"amount": {"amount": "10.00", "currency": "RUB"}}, "input.amount"),
        ({"debtorAgent": "ICBKCNBJXXX"}, "input.debtorAgent"),
        ({"creditor": ASTANA, "creditorAccount": "12345678"}, "input.creditorAccount"),
        ({"creditor": ASTANA, "creditorAccount": "KZ00601A871001726921"}, "input.creditorAccount"),
        ({"creditor": {"country": "KZ", "taxId": "240540001233"}}, "input.creditor.taxId"),
        ({"endToEndId": "X" * 36}, "input.endToEndId"),
        ({"creditor": HORGOS, "creditorAccount": HORGOS_ACCOUNT}, "input.creditor"),
    ],
)
async def test_bad_input_is_bad_user_input_naming_the_field(adapter, rail, overrides, field):
    before = (await rail_ledger(rail))["calls"]
    result = await initiate(adapter, payment_input(**overrides))
    assert error_code(result) == "BAD_USER_INPUT"
    assert result.errors[0].original_error.extensions["field"] == field
    assert (await rail_ledger(rail))["calls"].get("pacs.008.001.08", 0) == before.get("pacs.008.001.08", 0)


@pytest.mark.parametrize("amount", ["10.001", "1250.005", "0.0000001"])
async def test_amount_with_too_many_decimals_is_refused_by_the_money_scalar(adapter, rail, amount):
    before = (await rail_ledger(rail))["calls"].get("pacs.008.001.08", 0)
    result = await initiate(adapter, payment_input(amount={"amount": amount, "currency": "CNY"}))
    assert result.errors
    assert "minor units" in result.errors[0].message
    assert (await rail_ledger(rail))["calls"].get("pacs.008.001.08", 0) == before  # never rounded and sent
