"""Recalls and returns, statements, FX quotes, batching of entity reads, and tenancy."""

from __future__ import annotations

import httpx
import pytest

from gateway.sdk.testing import entities, execute, operator, principal

from .conftest import (
    ALMATY,
    HAIXIN,
    HAIXIN_ACCOUNT,
    HORGOS_ACCOUNT,
    PENDING_UETR,
    RAIL_KEY,
    REJECTED_UETR,
    SETTLED_UETR,
    initiate,
    payment,
    payment_input,
    rail_ledger,
)

RECALL = """
mutation($u: UETR!, $r: RecallReason!) {
  recallPayment(uetr: $u, reason: $r) {
    status rejectionReason returnId requestedReason
    payment { status return { returnId reason amount } }
  }
}
"""
STATEMENT = """
query($a: String!, $d: Date!) {
  statement(account: $a, date: $d) {
    account date openingBalance closingBalance
    entries { reference amount credit status kind uetr endToEndId bookingDate payment { uetr } }
  }
}
"""


async def _recall(adapter, uetr, reason="FRAD", who=None):
    result = await execute(adapter, RECALL, {"u": uetr, "r": reason}, who=who or operator())
    assert result.errors is None, result.errors
    return result.data["recallPayment"]


async def test_recall_of_a_settled_payment_is_accepted_and_returned(adapter, rail):
    created = (await initiate(adapter, payment_input())).data["initiatePayment"]
    assert (await payment(adapter, created["uetr"]))["status"] == "ACSC"
    recall = await _recall(adapter, created["uetr"])
    assert recall["status"] == "ACCR"
    assert recall["returnId"].startswith("RTR")
    assert recall["payment"]["return"] == {
        "returnId": recall["returnId"],
        "reason": "FRAD",
        "amount": created["amount"],
    }
    async with httpx.AsyncClient(
        base_url=rail.url, verify=False, headers=RAIL_KEY
    ) as http:  # the pacs.004 is recorded on the rail
        pacs004 = await http.get("/iso20022/returns", params={"uetr": created["uetr"]})
    assert pacs004.status_code == 200
    assert b"urn:iso:std:iso:20022:tech:xsd:pacs.004.001.09" in pacs004.content
    assert (await rail_ledger(rail))["returns"] == [recall["returnId"]]
    returned = await adapter.client.fetch_return(created["uetr"])
    assert returned is not None and returned.return_id == recall["returnId"]


async def test_second_recall_is_rejected_as_already_returned(adapter):
    await _recall(adapter, SETTLED_UETR)
    again = await _recall(adapter, SETTLED_UETR, "DUPL")
    assert (again["status"], again["rejectionReason"]) == ("RJCR", "ARDT")


@pytest.mark.parametrize("uetr", [PENDING_UETR, REJECTED_UETR])
async def test_recall_of_an_unsettled_payment_is_rejected(adapter, uetr):
    recall = await _recall(adapter, uetr)
    assert (recall["status"], recall["rejectionReason"], recall["returnId"]) == ("RJCR", "NARR", None)
    assert recall["payment"]["return"] is None


async def test_recall_of_an_unknown_payment_is_rejected_no_original(adapter):
    recall = await _recall(adapter, "00000000-0000-4000-8000-000000000001")
    assert (recall["status"], recall["rejectionReason"], recall["payment"]) == ("RJCR", "NOOR", None)


async def test_statement_entries_match_the_payments(adapter):
    created = (await initiate(adapter, payment_input())).data["initiatePayment"]
    settled = await payment(adapter, created["uetr"])
    result = await execute(adapter, STATEMENT, {"a": HORGOS_ACCOUNT, "d": settled["settlementDate"]}, who=operator())
    assert result.errors is None, result.errors
    stmt = result.data["statement"]
    mine = [e for e in stmt["entries"] if e["uetr"] == created["uetr"]]
    assert mine == [
        {
            "reference": mine[0]["reference"],
            "amount": {"amount": "1250.00", "currency": "CNY"},
            "credit": False,
            "status": "BOOK",
            "kind": "XBCT",
            "uetr": created["uetr"],
            "endToEndId": created["endToEndId"],
            "bookingDate": settled["settlementDate"],
            "payment": {"uetr": created["uetr"]},
        }
    ]
    opening, closing = (float(stmt[k]["amount"]) for k in ("openingBalance", "closingBalance"))
    delta = sum(float(e["amount"]["amount"]) * (1 if e["credit"] else -1) for e in stmt["entries"])
    assert closing == pytest.approx(opening + delta)


async def test_seeded_statement_shows_the_story_payment_converted_to_the_account_currency(adapter):
    result = await execute(adapter, STATEMENT, {"a": "KZ86125KZT5004100100", "d": "2026-11-18"}, who=operator())
    stmt = result.data["statement"]
    assert stmt["openingBalance"] == {"amount": "350000000.00", "currency": "KZT"}
    [entry] = stmt["entries"]
    assert (entry["uetr"], entry["credit"], entry["amount"]["currency"]) == (SETTLED_UETR, False, "KZT")
    credited = await execute(adapter, STATEMENT, {"a": HAIXIN_ACCOUNT, "d": "2026-11-18"}, who=operator())
    assert credited.data["statement"]["entries"][0]["amount"] == {"amount": "86000.00", "currency": "CNY"}


async def test_statement_of_an_unknown_account_is_null(adapter):
    result = await execute(adapter, STATEMENT, {"a": "999999999", "d": "2026-11-18"}, who=operator())
    assert result.errors is None and result.data["statement"] is None


async def test_fx_quote_is_deterministic(adapter):
    query = 'query { fxQuote(from: CNY, to: KZT, amount: "1000.00 CNY") { quoteId from to rate amount converted } }'
    first = await execute(adapter, query, who=operator())
    second = await execute(adapter, query, who=operator())
    assert first.errors is None, first.errors
    quote = first.data["fxQuote"]
    assert quote == second.data["fxQuote"]
    assert (quote["from"], quote["to"], quote["rate"]) == ("CNY", "KZT", "70.926966")
    assert quote["converted"] == {"amount": "70926.97", "currency": "KZT"}


async def test_fx_quote_refuses_a_currency_the_rail_does_not_quote(adapter):
    result = await execute(adapter, 'query { fxQuote(from: CNY, to: JPY, amount: "1 CNY") { rate } }', who=operator())
    assert result.errors[0].original_error.extensions["field"] == "to"


async def test_entities_batch_many_payments_into_one_inquiry(adapter, rail):
    uetrs = [SETTLED_UETR, PENDING_UETR, REJECTED_UETR, "d23f0824-128b-4f33-8c5c-7fd0a6a3a450"]
    before = await rail_ledger(rail)
    result = await entities(
        adapter, [{"__typename": "Payment", "uetr": u} for u in uetrs], "... on Payment { uetr status }", who=operator()
    )
    assert result.errors is None, result.errors
    assert [e["status"] for e in result.data["_entities"]] == ["ACSC", "PDNG", "RJCT", "ACSC"]
    after = await rail_ledger(rail)
    assert after["calls"]["pacs.028.001.03"] - before["calls"].get("pacs.028.001.03", 0) == 1
    assert after["calls"]["pacs.028.uetrs"] - before["calls"].get("pacs.028.uetrs", 0) == 4


async def test_agency_sees_only_its_companies_payments(adapter):
    kz = principal("kz-user", agency="kz-trade-agency")
    ru = principal("ru-user", agency="ru-export-center")
    assert (await payment(adapter, SETTLED_UETR, who=kz))["uetr"] == SETTLED_UETR  # Almaty Auto is a KZ client
    assert await payment(adapter, SETTLED_UETR, who=ru) is None
    accounts = await entities(
        adapter,
        [{"__typename": "Company", **ALMATY}, {"__typename": "Company", **HAIXIN}],
        "... on Company { accounts { number } }",
        who=kz,
    )
    assert [len(c["accounts"]) for c in accounts.data["_entities"]] == [1, 0]


async def test_agency_cannot_pay_from_a_company_outside_it(adapter):
    result = await initiate(adapter, payment_input(), who=principal("ru-user", agency="ru-export-center"))
    assert result.errors[0].original_error.extensions["field"] == "input.debtorAccount"


async def test_agency_gets_no_statement_for_an_account_outside_it(adapter):
    query = "query($a: String!, $d: Date!) { statement(account: $a, date: $d) { account } }"
    variables = {"a": HAIXIN_ACCOUNT, "d": "2026-11-18"}
    assert (await execute(adapter, query, variables, who=principal("q", agency="qingdao-broker"))).data["statement"]
    outside = await execute(adapter, query, variables, who=principal("k", agency="kz-trade-agency"))
    assert outside.errors is None and outside.data["statement"] is None


async def test_agency_cannot_recall_a_payment_outside_it(adapter):
    recall = await _recall(adapter, SETTLED_UETR, who=principal("r", agency="ru-export-center"))
    assert (recall["status"], recall["rejectionReason"]) == ("RJCR", "NOOR")
    assert (await payment(adapter, SETTLED_UETR))["return"] is None
