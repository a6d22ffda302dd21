"""The customs subgraph against the customs SOAP sandbox over a real socket (SOAP 1.1 and 1.2)."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.customs import CustomsAdapter
from gateway.sdk.sandbox import SandboxServer
from gateway.sdk.testing import entities, execute, operator, principal
from tests.adapters.soap.kit import service

HAIXIN = {"country": "CN", "taxId": "91370281MA3C5R7B0C"}
DECLARATION = """
query($id: CustomsEntryNumber!) { declaration(id: $id) {
  id entryNumber lrn direction status statusCode awb vin
  declarant { country taxId }
  procedure { code description } office { id name } exitOffice { id name } departurePort
  transportMode { code description } conveyance { name voyage } transactionTerms { code description }
  levyNature { code description } licences { code description number }
  goodsItems { sequence tariffCode hsCode quantity unit legalQuantity { amount unit unitName }
    secondLegalQuantity { amount unit } unitPrice value origin destination exemption { code } }
  notifications { code name status issuedAt }
} }
"""
SUBMIT = """
mutation($input: SubmitDeclarationInput!) { submitDeclaration(input: $input) {
  id lrn duplicate notification { code name status }
} }
"""
DECIDE = """
mutation($id: CustomsEntryNumber!, $status: DeclarationStatus!) { recordCustomsDecision(id: $id, status: $status) {
  id status statusCode notifications { status issuedAt }
} }
"""


def car_export(lrn: str = "HX-TEST-0001", **changes: Any) -> dict[str, Any]:
    draft: dict[str, Any] = {
        "lrn": lrn,
        "declarantCountry": "CN",
        "declarantTaxId": HAIXIN["taxId"],
        "direction": "EXPORT",
        "procedureCode": "0110",
        "officeId": "4201",
        "exitOfficeId": "9401",
        "departurePort": "URC",
        "transportMode": "5",
        "conveyance": "CZ6007",
        "transactionTerms": "3",
        "awb": "784-20260026",
        "vin": "LVSHCAMB1TE123456",
        "licences": [{"code": "4", "number": "EL2026-3702-00921"}],
        "goodsItems": [
            {
                "tariffCode": "8703234110",
                "description": "Used passenger car",
                "quantity": {"amount": "1", "unit": "003"},
                "legalQuantity": {"amount": "1", "unit": "003"},
                "secondLegalQuantity": {"amount": "1420", "unit": "035"},
                "value": {"amount": "132000.00", "currency": "CNY"},
                "origin": "CN",
                "destination": "KZ",
            }
        ],
    }
    draft.update(changes)
    return draft


async def test_declaration_by_entry_number_maps_the_whole_export_declaration(customs: CustomsAdapter) -> None:
    result = await execute(customs, DECLARATION, {"id": "420120260000000817"}, who=operator())
    assert result.errors is None
    d = result.data["declaration"]  # type: ignore[index]
    assert (d["id"], d["entryNumber"], d["lrn"]) == ("420120260000000817", "420120260000000817", "HX-2026-0815")
    assert d["declarant"] == HAIXIN
    assert (d["awb"], d["vin"]) == ("784-20260026", "LSVAM418XP2184847")
    assert d["office"] == {"id": "4201", "name": "Qingdao Airport Customs"}
    assert (d["exitOffice"]["id"], d["departurePort"]) == ("9401", "URC")
    assert d["transportMode"] == {"code": "5", "description": "Air (航空运输)"}
    assert d["conveyance"] == {"name": "CZ6007", "voyage": "20261123"}
    assert d["transactionTerms"] == {"code": "3", "description": "FOB"}
    assert d["levyNature"] == {"code": "101", "description": "General taxation (一般征税)"}
    assert d["licences"] == [{"code": "4", "description": "Export licence (出口许可证)", "number": "EL2026-3702-00815"}]
    [item] = d["goodsItems"]
    assert (item["tariffCode"], item["hsCode"], item["quantity"], item["unit"]) == ("8703234110", "8703.23", "1", "003")
    assert item["legalQuantity"] == {"amount": "1", "unit": "003", "unitName": "辆 (vehicle)"}
    assert item["secondLegalQuantity"] == {"amount": "1560", "unit": "035"}
    assert item["value"] == item["unitPrice"] == {"amount": "86000.00", "currency": "CNY"}
    assert (item["origin"], item["destination"], item["exemption"]) == ("CN", "KZ", {"code": "1"})
    assert [n["status"] for n in d["notifications"]] == ["DECLARED", "REVIEWED", "RELEASED", "CLEARED"]
    assert [n["name"] for n in d["notifications"]] == ["DMSRCV", "DMSACC", "DMSROG", "DMSCLE"]
    assert (d["status"], d["statusCode"]) == ("CLEARED", "09")


async def test_unknown_entry_number_is_null(customs: CustomsAdapter) -> None:
    result = await execute(customs, DECLARATION, {"id": "420120260999999999"}, who=operator())
    assert result.errors is None
    assert result.data == {"declaration": None}


@pytest.mark.parametrize("bad", ["", "   ", "26CN4201E000000017", "4201202600000008'; --", "420120262000000817"])
async def test_a_malformed_entry_number_is_refused_naming_the_argument(customs: CustomsAdapter, bad: str) -> None:
    result = await execute(customs, DECLARATION, {"id": bad}, who=operator())
    assert result.data is None
    assert result.errors is not None
    assert "customs entry number" in result.errors[0].message and "$id" in result.errors[0].message


async def test_submit_returns_an_export_entry_number_and_the_declared_notification(customs: CustomsAdapter) -> None:
    result = await execute(customs, SUBMIT, {"input": car_export()}, who=operator())
    assert result.errors is None
    payload = result.data["submitDeclaration"]  # type: ignore[index]
    assert len(payload["id"]) == 18 and payload["id"].startswith("420120260")
    assert payload["notification"] == {"code": "02", "name": "DMSRCV", "status": "DECLARED"}
    assert payload["duplicate"] is False


async def test_a_new_declaration_moves_through_review_and_release_to_cleared(customs: CustomsAdapter) -> None:
    submitted = await execute(customs, SUBMIT, {"input": car_export()}, who=operator())
    number = submitted.data["submitDeclaration"]["id"]  # type: ignore[index]
    seen = []
    for _ in range(4):
        result = await execute(customs, DECLARATION, {"id": number}, who=operator())
        seen.append(result.data["declaration"]["status"])  # type: ignore[index]
    assert seen == ["REVIEWED", "RELEASED", "CLEARED", "CLEARED"]


async def test_customs_decisions_follow_the_release_flow(customs: CustomsAdapter) -> None:
    number = "514120260000011033"  # released, not yet cleared
    refused = await execute(customs, DECIDE, {"id": number, "status": "INSPECTED"}, who=operator())
    assert refused.errors is not None
    error: Any = refused.errors[0].original_error
    assert (error.code, error.extensions["field"]) == ("ILLEGAL_TRANSITION", "status")
    assert "is RELEASED: it can move to CLEARED, not INSPECTED" in error.message
    cleared = await execute(customs, DECIDE, {"id": number, "status": "CLEARED"}, who=operator())
    assert cleared.errors is None
    d = cleared.data["recordCustomsDecision"]  # type: ignore[index]
    assert (d["status"], d["statusCode"]) == ("CLEARED", "09")
    assert [n["status"] for n in d["notifications"]][-2:] == ["RELEASED", "CLEARED"]
    again = await execute(customs, DECIDE, {"id": number, "status": "CLEARED"}, who=operator())
    assert again.errors is not None and again.errors[0].original_error.code == "ILLEGAL_TRANSITION"  # type: ignore[union-attr]


async def test_a_partner_cannot_decide_on_a_declaration_it_cannot_see(customs: CustomsAdapter) -> None:
    result = await execute(
        customs, DECIDE, {"id": "514120260000011033", "status": "CLEARED"}, who=principal(agency="kz-trade-agency")
    )
    assert result.errors is None and result.data == {"recordCustomsDecision": None}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"officeId": "CN4201"}, "input.officeId"),
        ({"transportMode": "8"}, "input.transportMode"),
        ({"transactionTerms": "9"}, "input.transactionTerms"),
        ({"levyNature": "789"}, "input.levyNature"),
        ({"awb": None}, "input.awb"),
        ({"licences": [{"code": "X", "number": "1"}]}, "input.licences.0.code"),
    ],
)
async def test_codes_outside_the_lists_are_refused_naming_the_field(
    customs: CustomsAdapter, changes: dict[str, Any], field: str
) -> None:
    result = await execute(customs, SUBMIT, {"input": car_export(**changes)}, who=operator())
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT", "field": field}


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"tariffCode": "8703.23"}, "input.goodsItems.0.tariffCode"),
        ({"quantity": {"amount": "1", "unit": "PCE"}}, "input.goodsItems.0.quantity.unit"),
        ({"legalQuantity": {"amount": "0", "unit": "003"}}, "input.goodsItems.0.legalQuantity.amount"),
        ({"exemption": "7"}, "input.goodsItems.0.exemption"),
    ],
)
async def test_goods_items_need_a_tariff_code_and_gacc_units(
    customs: CustomsAdapter, item: dict[str, Any], field: str
) -> None:
    draft = car_export()
    draft["goodsItems"] = [draft["goodsItems"][0] | item]
    result = await execute(customs, SUBMIT, {"input": draft}, who=operator())
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT", "field": field}


async def test_a_used_car_export_without_its_export_licence_is_refused_by_customs(customs: CustomsAdapter) -> None:
    result = await execute(customs, SUBMIT, {"input": car_export(licences=[])}, who=operator())
    assert result.errors is not None
    error: Any = result.errors[0].original_error
    assert error.extensions["validationCode"] == "LICENCE_REQUIRED"
    assert error.extensions["pointer"] == "/SubmitDeclarationRequest/Licence"


async def test_suspended_declarant_is_rejected(customs: CustomsAdapter) -> None:
    mumbai = car_export(
        lrn="MP-1", declarantCountry="IN", declarantTaxId="27AAPFU0939F1ZV", vin=None, awb="999-20260030", licences=[]
    )
    number = (await execute(customs, SUBMIT, {"input": mumbai}, who=operator())).data["submitDeclaration"]["id"]  # type: ignore[index]
    result = await execute(customs, DECLARATION, {"id": number}, who=operator())
    assert result.data["declaration"]["status"] == "REJECTED"  # type: ignore[index]


async def test_resubmitting_the_same_lrn_returns_the_same_entry_number(customs: CustomsAdapter) -> None:
    first = await execute(customs, SUBMIT, {"input": car_export()}, who=operator())
    again = await execute(customs, SUBMIT, {"input": car_export()}, who=operator())
    assert again.errors is None
    assert again.data["submitDeclaration"]["id"] == first.data["submitDeclaration"]["id"]  # type: ignore[index]
    assert again.data["submitDeclaration"]["duplicate"] is True  # type: ignore[index]


async def test_reusing_an_lrn_for_other_goods_is_a_conflict(customs: CustomsAdapter) -> None:
    await execute(customs, SUBMIT, {"input": car_export()}, who=operator())
    other = await execute(customs, SUBMIT, {"input": car_export(conveyance="CZ6008")}, who=operator())
    assert other.errors is not None
    error = other.errors[0].original_error
    assert getattr(error, "code", None) == "CONFLICT"


async def test_business_rule_fault_names_validation_code_and_pointer(customs: CustomsAdapter) -> None:
    barter = car_export(lrn="HG-X", procedureCode="0130", vin=None, licences=[])
    result = await execute(customs, SUBMIT, {"input": barter}, who=operator())
    assert result.errors is not None
    error: Any = result.errors[0].original_error
    assert error.code == "UPSTREAM_FAULT"
    assert error.extensions["faultCode"] == "Client"
    assert error.extensions["validationCode"] == "BARTER_CONTRACT_REQUIRED"
    assert error.extensions["pointer"] == "/SubmitDeclarationRequest/BarterContractID"


@pytest.mark.parametrize("eu_code", ["1000", "4000", "3151"])
async def test_eu_procedure_codes_are_no_chinese_trade_mode(customs: CustomsAdapter, eu_code: str) -> None:
    result = await execute(
        customs, SUBMIT, {"input": car_export(lrn=f"EU-{eu_code}", procedureCode=eu_code)}, who=operator()
    )
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT", "field": "input.procedureCode"}
    assert "0110" in result.errors[0].message and "9610" in result.errors[0].message


async def test_declarations_filter_pages_with_cursor(customs: CustomsAdapter) -> None:
    query = """query($after: String) { declarations(
      filter: {declarantCountry: "CN", declarantTaxId: "91650000MA77X8TQ31"}, first: 1, after: $after)
      { totalCount edges { cursor node { id procedure { code } } } pageInfo { hasNextPage endCursor } } }"""
    first = (await execute(customs, query, {"after": None}, who=operator())).data["declarations"]  # type: ignore[index]
    assert first["totalCount"] == 2
    assert first["pageInfo"]["hasNextPage"] is True
    second = (await execute(customs, query, {"after": first["pageInfo"]["endCursor"]}, who=operator())).data[
        "declarations"
    ]  # type: ignore[index]
    assert second["pageInfo"]["hasNextPage"] is False
    ids = {first["edges"][0]["node"]["id"], second["edges"][0]["node"]["id"]}
    assert ids == {"940320260000001003", "940120260000001118"}
    assert {e["node"]["procedure"]["code"] for e in first["edges"] + second["edges"]} == {"0130"}


LISTING = """query($first: Int!, $after: String) { declarations(first: $first, after: $after) {
  edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""


async def _page(customs: CustomsAdapter, first: int, after: str | None) -> dict[str, Any]:
    result = await execute(customs, LISTING, {"first": first, "after": after}, who=operator())
    assert result.errors is None, result.errors
    return result.data["declarations"]  # type: ignore[index,no-any-return]


async def test_every_edge_cursor_resumes_right_after_its_declaration(customs: CustomsAdapter) -> None:
    """Relay cursors over legacy page tokens: from any edge, the next page starts with the next declaration."""
    everything = await _page(customs, 100, None)
    ids = [e["node"]["id"] for e in everything["edges"]]
    assert len(ids) >= 4 and everything["pageInfo"]["hasPreviousPage"] is False
    for size in (1, 2, 3):
        walked: list[str] = []
        after = None
        while True:
            page = await _page(customs, size, after)
            walked += [e["node"]["id"] for e in page["edges"]]
            assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert walked == ids, size
    small = await _page(customs, 2, None)
    for n, edge in enumerate(small["edges"]):
        resumed = await _page(customs, 2, edge["cursor"])
        assert [e["node"]["id"] for e in resumed["edges"]] == ids[n + 1 : n + 3]
        assert resumed["pageInfo"]["hasPreviousPage"] is True


async def test_a_cursor_from_elsewhere_is_bad_user_input_on_after(customs: CustomsAdapter) -> None:
    result = await execute(customs, LISTING, {"first": 2, "after": "not-a-cursor"}, who=operator())
    assert result.errors is not None and result.errors[0].extensions["field"] == "after"  # type: ignore[index]


async def test_declaration_entities_are_one_batch_call(customs: CustomsAdapter, sandbox: SandboxServer) -> None:
    reps = [
        {"__typename": "CustomsDeclaration", "id": number}
        for number in ("420120260000000817", "223320260000011021", "514120260000011033")
    ]
    result = await entities(customs, reps, "... on CustomsDeclaration { id lrn }", who=operator())
    assert result.errors is None
    assert [e["lrn"] for e in result.data["_entities"]] == ["HX-2026-0815", "PD-2026-1102", "PD-2026-1110"]  # type: ignore[index]
    assert service(sandbox).calls["GetDeclarationStatuses"] == 1


async def test_extended_entities_resolve_declarations_in_one_list_call(
    customs: CustomsAdapter, sandbox: SandboxServer
) -> None:
    shipments = [{"__typename": "Shipment", "awb": awb} for awb in ("999-12345675", "784-30791202", "999-20260030")]
    result = await entities(customs, shipments, "... on Shipment { awb customs { id } }", who=operator())
    assert result.errors is None
    assert [[d["id"] for d in e["customs"]] for e in result.data["_entities"]] == [  # type: ignore[index]
        ["223320260000011021"],
        ["514120260000011033"],
        [],
    ]
    assert service(sandbox).calls["ListDeclarations"] == 1

    vehicles = [
        {"__typename": "Vehicle", "vin": v} for v in ("LSVAM418XP2184847", "JHMCM5653HC404453", "LVSHCAMB1TE123456")
    ]
    result = await entities(customs, vehicles, "... on Vehicle { customsDeclaration { id } }", who=operator())
    assert [e["customsDeclaration"] for e in result.data["_entities"]] == [  # type: ignore[index]
        {"id": "420120260000000817"},
        {"id": "940320260000000702"},
        None,
    ]
    companies = [{"__typename": "Company", **HAIXIN}, {"__typename": "Company", "country": "RU", "taxId": "7707083893"}]
    result = await entities(customs, companies, "... on Company { declarations { id } }", who=operator())
    assert [len(e["declarations"]) for e in result.data["_entities"]] == [2, 0]  # type: ignore[index]
    contracts = [{"__typename": "BarterContract", "id": "BC-2026-0001"}]
    result = await entities(customs, contracts, "... on BarterContract { declarations { id } }", who=operator())
    assert len(result.data["_entities"][0]["declarations"]) == 2  # type: ignore[index]
    assert service(sandbox).calls["ListDeclarations"] == 4


async def test_partner_agency_sees_only_its_clients(customs: CustomsAdapter) -> None:
    broker = await execute(customs, DECLARATION, {"id": "420120260000000817"}, who=principal(agency="qingdao-broker"))
    assert broker.data["declaration"]["id"] == "420120260000000817"  # type: ignore[index]
    other = await execute(customs, DECLARATION, {"id": "420120260000000817"}, who=principal(agency="ru-export-center"))
    assert other.data == {"declaration": None}


async def test_agency_cannot_declare_for_a_trader_it_does_not_serve(customs: CustomsAdapter) -> None:
    result = await execute(customs, SUBMIT, {"input": car_export()}, who=principal(agency="kz-trade-agency"))
    assert result.errors is not None
    assert result.errors[0].original_error.extensions["validationCode"] == "DECLARANT_NOT_IN_AGENCY"  # type: ignore[union-attr]
