"""A payment from initiation to settlement, and the reads that show it."""

from __future__ import annotations

from gateway.sdk.testing import execute, operator

from .conftest import (
    HAIXIN,
    HAIXIN_ACCOUNT,
    HORGOS,
    HORGOS_ACCOUNT,
    SETTLED_UETR,
    initiate,
    payment,
    payment_input,
    rail_ledger,
)


async def test_initiate_payment_is_accepted_then_settles(adapter, rail):
    result = await initiate(adapter, payment_input())
    assert result.errors is None, result.errors
    created = result.data["initiatePayment"]
    assert created["status"] == "ACTC"
    assert created["amount"] == {"amount": "1250.00", "currency": "CNY"}
    assert created["debtor"] == {"company": HORGOS, "account": HORGOS_ACCOUNT, "agent": "BKCHCNBJXXX"}
    assert created["creditor"]["company"] == HAIXIN
    assert created["msgId"].startswith("SG")

    settled = await payment(adapter, created["uetr"])
    assert settled["status"] == "ACSC"
    assert [e["status"] for e in settled["statusHistory"]] == ["RCVD", "ACTC", "ACCP", "ACSP", "ACSC"]
    assert settled["settlementDate"] is not None
    assert settled["endToEndId"] == created["endToEndId"]
    assert settled["remittance"] == "Invoice HG-2026-118"
    assert (await rail_ledger(rail))["settlements"][created["uetr"]] == 1


async def test_seeded_payment_reads_with_its_details(adapter):
    seeded = await payment(adapter, SETTLED_UETR)
    assert seeded["status"] == "ACSC"
    assert seeded["msgId"] == "ALMAUTO20261118001"
    assert seeded["amount"] == {"amount": "86000.00", "currency": "CNY"}
    assert seeded["creditor"]["account"] == HAIXIN_ACCOUNT
    assert seeded["chargeBearer"] == "SHAR"
    assert seeded["settlementDate"] == "2026-11-18"


async def test_unknown_uetr_is_null(adapter):
    assert await payment(adapter, "00000000-0000-4000-8000-000000000000") is None


async def test_company_lists_accounts_and_payments(adapter):
    query = """
    query($reps: [_Any!]!) { _entities(representations: $reps) {
      ... on Company { accounts { number bic currency status iban } payments { uetr status } } } }
    """
    result = await execute(adapter, query, {"reps": [{"__typename": "Company", **HAIXIN}]}, who=operator())
    assert result.errors is None, result.errors
    company = result.data["_entities"][0]
    assert company["accounts"] == [
        {"number": HAIXIN_ACCOUNT, "bic": "ICBKCNBJXXX", "currency": "CNY", "status": "OPEN", "iban": False}
    ]
    assert {"uetr": SETTLED_UETR, "status": "ACSC"} in company["payments"]


async def test_payments_filter_by_company_and_status(adapter):
    query = """query($f: PaymentFilter) { payments(filter: $f) { uetr status } }"""
    result = await execute(adapter, query, {"f": {"company": HAIXIN, "status": "ACSC"}}, who=operator())
    assert result.errors is None, result.errors
    assert result.data["payments"] == [{"uetr": SETTLED_UETR, "status": "ACSC"}]
    everything = await execute(adapter, query, {"f": None}, who=operator())
    assert len(everything.data["payments"]) == 4
