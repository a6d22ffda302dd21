"""The tax subgraph against the tax SOAP sandbox over a real socket (SOAP 1.1 and 1.2)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from adapters.tax import TaxAdapter
from adapters.tax.sandbox import create_app
from gateway.sdk.adapter import AdapterSettings
from gateway.sdk.sandbox import SandboxConfig, SandboxServer, serve_sandbox
from gateway.sdk.testing import entities, execute, operator, principal
from tests.adapters.soap.kit import service

HAIXIN = {"country": "CN", "taxId": "91370281MA3C5R7B0C"}
VERIFY = """query($input: VerifyInvoiceInput!) { verifyInvoice(input: $input) {
  result message mismatchedFields invoice { code number abandoned amountWithTax } } }"""


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxServer]:
    async with serve_sandbox(create_app, SandboxConfig(options={"progress": "all"})) as server:
        yield server


@pytest.fixture(params=["1.1", "1.2"], ids=["soap11", "soap12"])
async def tax(request: pytest.FixtureRequest, sandbox: SandboxServer) -> AsyncIterator[TaxAdapter]:
    adapter = TaxAdapter(AdapterSettings(name="tax", url=sandbox.url, options={"soap_version": request.param}))
    async with adapter.lifespan():
        yield adapter


def data(result: Any) -> Any:
    assert result.errors is None, result.errors
    return result.data


async def test_company_from_the_register(tax: TaxAdapter) -> None:
    query = """{ company(country: "CN", taxId: "91370281MA3C5R7B0C") {
      name nameLocal city registeredOn status vatPayerType } }"""
    company = data(await execute(tax, query, who=operator()))["company"]
    assert company == {
        "name": "Qingdao Haixin Trading Co., Ltd.",
        "nameLocal": "青岛海信贸易有限公司",
        "city": "Qingdao",
        "registeredOn": "2019-03-12",
        "status": "ACTIVE",
        "vatPayerType": "GENERAL",
    }


async def test_companies_of_one_country(tax: TaxAdapter) -> None:
    companies = data(await execute(tax, '{ companies(country: "KZ") { taxId } }', who=operator()))["companies"]
    assert {c["taxId"] for c in companies} == {"191240005671", "240540001232"}


async def test_invoice_with_parties_and_rebate(tax: TaxAdapter) -> None:
    query = """{ invoice(code: "3200261130", number: "11022026") {
      issuedOn amountWithTax seller { name } buyer { country } exportRebate { id status declaration { id } } } }"""
    invoice = data(await execute(tax, query, who=operator()))["invoice"]
    assert invoice["amountWithTax"] == {"amount": "360000.00", "currency": "CNY"}
    assert invoice["seller"] == {"name": "Changzhou Harvester & Tractor Parts Co., Ltd."}  # a purchase invoice
    assert invoice["buyer"] == {"country": "CN"}
    assert invoice["exportRebate"]["declaration"] == {"id": "223320260000011021"}


@pytest.mark.parametrize(
    ("changes", "result", "fields"),
    [
        ({}, "CONSISTENT", []),
        ({"checkCode": "987620"}, "CONSISTENT", []),
        ({"amount": "76106.00"}, "MISMATCH", ["Amount"]),
        ({"issuedOn": "2026-10-03", "checkCode": "000000"}, "MISMATCH", ["InvoiceDate", "CheckCode"]),
        ({"number": "99999999"}, "NOT_FOUND", []),
    ],
    ids=["consistent", "short-check-code", "amount", "date-and-check-code", "unknown"],
)
async def test_verify_invoice(tax: TaxAdapter, changes: dict[str, str], result: str, fields: list[str]) -> None:
    given = {
        "code": "3702261130",
        "number": "08152026",
        "issuedOn": "2026-10-02",
        "amount": "70796.46",
        "checkCode": "41250311875430987620",
        **changes,
    }
    outcome = data(await execute(tax, VERIFY, {"input": given}, who=operator()))["verifyInvoice"]
    assert outcome["result"] == result
    assert outcome["mismatchedFields"] == fields


async def test_voided_invoice_is_abandoned(tax: TaxAdapter) -> None:
    given = {"code": "3702261130", "number": "07022026", "issuedOn": "2026-08-01", "amount": "42477.88"}
    outcome = data(await execute(tax, VERIFY, {"input": given}, who=operator()))["verifyInvoice"]
    assert outcome["result"] == "ABANDONED"
    assert outcome["invoice"]["abandoned"] is True


async def test_bad_invoice_number_is_bad_user_input(tax: TaxAdapter) -> None:
    given = {"code": "3702261130", "number": "12", "issuedOn": "2026-08-01", "amount": "1.00"}
    result = await execute(tax, VERIFY, {"input": given}, who=operator())
    assert result.errors is not None
    assert result.errors[0].original_error.extensions["field"] == "input.number"  # type: ignore[union-attr]


async def test_export_rebate_progresses_to_refunded(tax: TaxAdapter) -> None:
    query = '{ exportRebate(id: "RB-2026-000815") { status amount history { status } } }'
    seen = [data(await execute(tax, query, who=operator()))["exportRebate"]["status"] for _ in range(3)]
    assert seen == ["APPROVED", "REFUNDED", "REFUNDED"]


async def test_rebate_without_matching_declaration_is_data_mismatch(tax: TaxAdapter) -> None:
    query = '{ exportRebate(id: "RB-2026-001110") { status remark declaration { id } } }'
    rebate = data(await execute(tax, query, who=operator()))["exportRebate"]
    assert rebate["status"] == "DATA_MISMATCH"
    assert "514120260000011099" in rebate["remark"]


async def test_company_entities_are_one_batch_call(tax: TaxAdapter, sandbox: SandboxServer) -> None:
    reps = [
        {"__typename": "Company", **HAIXIN},
        {"__typename": "Company", "country": "KZ", "taxId": "191240005671"},
        {"__typename": "Company", "country": "RU", "taxId": "7707083893"},
        {"__typename": "Company", "country": "RU", "taxId": "500100732259"},
    ]
    result = data(await entities(tax, reps, "... on Company { name exportRebates { id } }", who=operator()))
    names = [e and e["name"] for e in result["_entities"]]
    assert names == ["Qingdao Haixin Trading Co., Ltd.", "Almaty Auto Import LLP", "Volga Agro Import LLC", None]
    assert [len(e["exportRebates"]) for e in result["_entities"][:3]] == [1, 0, 0]
    calls = service(sandbox).calls
    assert (calls["GetTaxpayers"], calls["GetExportRebateStatus"]) == (1, 1)


async def test_invoice_entities_are_one_batch_call(tax: TaxAdapter, sandbox: SandboxServer) -> None:
    reps = [
        {"__typename": "Invoice", "code": "3702261130", "number": "08152026"},
        {"__typename": "Invoice", "code": "3200261130", "number": "11102026"},
    ]
    result = data(await entities(tax, reps, "... on Invoice { number seller { name } }", who=operator()))
    assert [e["number"] for e in result["_entities"]] == ["08152026", "11102026"]
    calls = service(sandbox).calls
    assert (calls["GetInvoices"], calls["GetTaxpayers"]) == (1, 1)


async def test_partner_agency_sees_only_its_clients(tax: TaxAdapter) -> None:
    query = '{ company(country: "CN", taxId: "91370281MA3C5R7B0C") { name } }'
    assert data(await execute(tax, query, who=principal(agency="qingdao-broker")))["company"] is not None
    assert data(await execute(tax, query, who=principal(agency="kz-trade-agency")))["company"] is None
    companies = data(await execute(tax, "{ companies { taxId } }", who=principal(agency="kz-trade-agency")))
    assert {c["taxId"] for c in companies["companies"]} == {"191240005671", "240540001232", "91650000MA77X8TQ31"}
