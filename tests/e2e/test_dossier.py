"""The trade dossier end to end: every example operation through ``POST /graphql`` over every sandbox.

The facts asserted are the seed story's (``adapters/story/``), read back across systems: the gateway must join
the tax register, customs, both cargo interfaces, the barter register and the vehicle-export system into one
answer, fetch independent systems concurrently and batch each system's entity lookups into one call.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from gateway.federation.plan import Fetch, Flatten, Parallel, PlanNode, Sequence
from gateway.operations import example_operations
from gateway.policy.demo import EXAMPLE_CALLERS, caller
from gateway.sdk.context import Principal
from gateway.sdk.sandbox import FaultConfig
from gateway.sdk.testing import operator
from tests.e2e.live import Platform, running_platform

pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="module")]

OPERATIONS = example_operations()
HAIXIN = {"country": "CN", "taxId": "91370281MA3C5R7B0C"}
HORGOS = {"country": "CN", "taxId": "91650000MA77X8TQ31"}


async def run(
    platform: Platform, name: str, variables: dict[str, Any] | None = None, *, who: Principal | None = None
) -> dict[str, Any]:
    """Run one example operation (with its own variables unless given) as ``who`` — by default the demo banner's
    caller for it (gateway.policy.demo.EXAMPLE_CALLERS) — and insist on a clean answer."""
    op = OPERATIONS[name]
    who = who or caller(EXAMPLE_CALLERS[name]).principal
    body = await platform.post(op.text, op.variables if variables is None else variables, who=who)
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    return data


def money(amount: str, currency: str = "CNY") -> dict[str, str]:
    return {"amount": amount, "currency": currency}


@pytest.mark.parametrize("name", [n for n, op in OPERATIONS.items() if op.kind != "subscription"])
async def test_every_example_operation_answers_with_data_and_no_errors(platform: Platform, name: str) -> None:
    data = await run(platform, name)
    assert all(value is not None for value in data.values())


async def test_company_dossier_joins_haixins_cars_declarations_flight_and_rebate(platform: Platform) -> None:
    company = (await run(platform, "CompanyDossier", HAIXIN, who=operator()))["company"]
    assert company["name"] == "Qingdao Haixin Trading Co., Ltd." and company["status"] == "ACTIVE"  # tax
    assert [d["id"] for d in company["declarations"]] == ["940320260000000702", "420120260000000817"]  # customs
    assert {d["vin"] for d in company["declarations"]} == {"JHMCM5653HC404453", "LSVAM418XP2184847"}
    cars = {v["vin"]: v for v in company["vehicleExports"]}  # vehicles
    assert {vin: car["status"] for vin, car in cars.items()} == {
        "LSVAM418XP2184847": "EXITED",
        "LVSHCAMB1TE123456": "LICENSED",
        "JHMCM5653HC404453": "DEREGISTERED",
    }
    assert [r["code"] for r in cars["LVSHCAMB1TE123456"]["ruleViolations"]] == ["MANUFACTURER_CONFIRMATION_MISSING"]
    assert {car["buyer"]["name"] for car in cars.values()} == {"Almaty Auto Import LLP"}
    (flight,) = company["shipments"]  # cargo, Cargo-XML airline
    assert flight["awb"] == "784-20260026" and flight["airline"]["interface"] == "CARGO_XML"
    assert flight["consignee"]["name"] == "Almaty Auto Import LLP"
    assert flight["status"]["code"] == "RCF" and flight["status"]["location"] == "ALA"
    assert company["barterContracts"] == []
    (rebate,) = company["exportRebates"]
    assert rebate["id"] == "RB-2026-000815" and rebate["declaration"]["id"] == "420120260000000817"


async def test_company_dossier_of_horgos_shows_the_barter_balance_owed_by_astana(platform: Platform) -> None:
    company = (await run(platform, "CompanyDossier", HORGOS, who=operator()))["company"]
    (contract,) = company["barterContracts"]
    assert contract["id"] == "BC-2026-0001" and contract["partyB"]["name"] == "Astana Grain Trading LLP"
    assert contract["balance"] == {
        "shippedA": money("1440000.00"),
        "shippedB": money("750000.00"),
        "residual": money("690000.00"),
        "owedBy": "B",
        "withinTolerance": False,
        "settled": False,
    }
    assert {s["awb"] for s in company["shipments"]} == {"999-20260015", "999-20260030"}  # shipper and consignee
    assert [d["procedure"]["code"] for d in company["declarations"]] == ["0130", "0130"]


@pytest.mark.parametrize(
    ("awb", "interface", "codes", "last", "mrn", "clearance"),
    [
        (
            "999-12345675",
            "ONE_RECORD",
            ["BKD", "RCS", "MAN", "DEP", "ARR", "DEP", "ARR", "RCF", "NFD", "DLV"],
            ("DLV", "SVO"),
            "223320260000011021",
            "CLEARED",
        ),
        (
            "784-30791202",
            "CARGO_XML",
            ["BKD", "RCS", "MAN", "DEP", "ARR"],
            ("ARR", "URC"),
            "514120260000011033",
            "RELEASED",
        ),
    ],
)
async def test_shipment_timelines_read_the_same_whichever_interface_the_airline_speaks(
    platform: Platform, awb: str, interface: str, codes: list[str], last: tuple[str, str], mrn: str, clearance: str
) -> None:
    shipment = (await run(platform, "ShipmentDossier", {"awb": awb}))["shipment"]
    assert shipment["airline"]["interface"] == interface
    assert [e["code"] for e in shipment["events"]] == codes
    assert {e["source"] for e in shipment["events"]} == {interface}
    assert (shipment["status"]["code"], shipment["status"]["location"]) == last
    assert shipment["shipper"]["name"] == "Shanghai Pudong Machinery Export Co., Ltd."  # tax
    assert [(c["id"], c["status"]) for c in shipment["customs"]] == [(mrn, clearance)]  # customs


async def test_vehicle_dossier_follows_a_car_from_export_filing_to_flight(platform: Platform) -> None:
    car = (await run(platform, "VehicleDossier", who=operator()))["vehicle"]
    assert car["vin"] == "LSVAM418XP2184847" and car["status"] == "EXITED" and car["checkDigit"] == "VALID"
    assert car["exporter"]["name"] == "Qingdao Haixin Trading Co., Ltd."
    assert car["buyer"] == {
        "id": "Company:KZ:191240005671",
        "name": "Almaty Auto Import LLP",
        "country": "KZ",
        "taxId": "191240005671",
        "status": "ACTIVE",
    }
    assert car["customsDeclaration"]["id"] == "420120260000000817"
    assert car["customsDeclaration"]["goodsItems"][0]["value"] == money("86000.00")
    assert car["shipment"]["awb"] == "784-20260026" and car["shipment"]["airline"]["name"] == "China Southern"


async def test_vehicle_registered_under_180_days_surfaces_its_rule_violation_as_data(platform: Platform) -> None:
    car = (await run(platform, "VehicleDossier", {"vin": "LVSHCAMB1TE123456"}))["vehicle"]
    assert [v["code"] for v in car["ruleViolations"]] == ["MANUFACTURER_CONFIRMATION_MISSING"]
    assert car["customsDeclaration"] is None and car["exportLicence"]["status"] != "NOT_APPLIED"


async def test_declaration_links_declarant_flight_and_barter_contract(platform: Platform) -> None:
    declaration = (await run(platform, "Declaration"))["declaration"]
    assert declaration["status"] == "CLEARED" and declaration["statusCode"] == "09"
    assert [n["code"] for n in declaration["notifications"]] == ["02", "01", "08", "09"]
    assert declaration["transportMode"]["code"] == "5" and declaration["exitOffice"]["id"] == "9401"
    assert declaration["goodsItems"][0]["tariffCode"] == "8431499900"
    assert declaration["declarant"]["name"] == "Xinjiang Horgos Border Trade Co., Ltd."
    assert declaration["shipment"]["awb"] == "999-20260015" and declaration["shipment"]["status"]["code"] == "DEP"
    assert declaration["barterContract"]["id"] == "BC-2026-0001"


async def test_barter_contract_balance_legs_and_declarations(platform: Platform) -> None:
    contract = (await run(platform, "BarterContract"))["barterContract"]
    balance = contract["balance"]
    assert balance["residual"] == money("690000.00") and balance["owedBy"] == "B"
    assert balance["owedByParty"] == {"id": "Company:KZ:240540001232", "name": "Astana Grain Trading LLP"}
    assert balance["completeA"] and not balance["completeB"] and not balance["settled"]
    assert [g["remainingQuantity"] for g in contract["goodsB"]] == ["345"]
    legs = {d["hsCode"]: d for d in contract["deliveries"]}
    assert legs["8431.49"]["shipment"]["awb"] == "999-20260015"
    assert legs["1001.99"]["declaration"] == {"id": "26KZ0101I000000451"}
    assert {d["id"]: d["status"] for d in contract["declarations"]} == {
        "940320260000001003": "CLEARED",
        "940120260000001118": "CLEARED",
    }


@pytest.mark.parametrize(
    ("change", "result", "mismatched"),
    [
        ({}, "CONSISTENT", []),
        ({"amount": "76000.00"}, "MISMATCH", ["Amount"]),
        ({"number": "07022026", "issuedOn": "2026-08-01", "amount": "42477.88", "checkCode": None}, "ABANDONED", []),
    ],
)
async def test_invoice_verification_outcomes(
    platform: Platform, change: dict[str, Any], result: str, mismatched: list[str]
) -> None:
    invoice = {**OPERATIONS["VerifyInvoice"].variables["input"], **change}
    check = (await run(platform, "VerifyInvoice", {"input": invoice}))["verifyInvoice"]
    assert (check["result"], check["mismatchedFields"]) == (result, mismatched)
    # the purchase invoice the export rebate rests on: the used-car market sold the car to Haixin
    assert check["invoice"]["seller"]["name"] == "Qingdao West Coast Used Car Market Co., Ltd."


async def test_submitting_the_same_declaration_twice_returns_the_same_mrn(platform: Platform) -> None:
    variables = {"input": {**OPERATIONS["SubmitDeclaration"].variables["input"], "lrn": "PD-E2E-TWICE"}}
    first = (await run(platform, "SubmitDeclaration", variables))["submitDeclaration"]
    again = (await run(platform, "SubmitDeclaration", variables))["submitDeclaration"]
    assert first["id"] == again["id"] and (first["duplicate"], again["duplicate"]) == (False, True)
    assert again["declaration"]["declarant"]["name"] == "Shanghai Pudong Machinery Export Co., Ltd."


# ----------------------------------------------------------------------------------------------- the plan


def _entity_fetches(node: PlanNode | None) -> list[Flatten]:
    if node is None or isinstance(node, Fetch):
        return []
    if isinstance(node, Flatten):
        return [node]
    if isinstance(node, Sequence | Parallel):
        return [f for child in node.nodes for f in _entity_fetches(child)]
    return _entity_fetches(node.if_clause) + _entity_fetches(node.else_clause)


def _first_service(node: PlanNode) -> str:
    while not isinstance(node, Fetch):
        node = node.node if isinstance(node, Flatten) else node.nodes[0]  # type: ignore[union-attr]
    return node.service


async def test_company_dossier_fetches_every_system_concurrently_after_the_tax_register(platform: Platform) -> None:
    response = await platform.execute(OPERATIONS["CompanyDossier"].text, HAIXIN)
    assert not response.errors and response.plan is not None
    assert isinstance(response.plan.node, Sequence)
    root, then = response.plan.node.nodes[0], response.plan.node.nodes[1]
    assert isinstance(root, Fetch) and root.service == "tax"
    assert isinstance(then, Parallel)
    assert {_first_service(branch) for branch in then.nodes} == {"customs", "cargo", "barter", "vehicles", "payments"}
    assert set(response.plan.services()) == {"tax", "customs", "cargo", "barter", "vehicles", "payments"}
    payments = response.data["company"]["payments"] if response.data else []
    incoming = next(p for p in payments if p["uetr"] == "6513270e-269e-4d37-b2a7-4de452e6b438")
    assert incoming["debtor"]["company"]["name"] == "Almaty Auto Import LLP"  # the buyer of the cars paid
    assert incoming["amount"] == {"amount": "86000.00", "currency": "CNY"}


@pytest.mark.parametrize("name", [n for n, op in OPERATIONS.items() if op.kind == "query"])
async def test_each_system_is_called_once_per_entity_path_with_every_representation(
    platform: Platform, name: str
) -> None:
    op = OPERATIONS[name]
    response = await platform.execute(op.text, op.variables)
    assert not response.errors and response.plan is not None
    planned = Counter((f.node.service, f.path) for f in _entity_fetches(response.plan.node))
    made = Counter((f.service, f.path) for f in response.fetches if f.entity)
    assert set(planned.values()) <= {1}, planned  # no subgraph is asked twice for the same objects
    # no N+1: at most one `_entities` call per planned fetch, whatever the list length (none if nothing to fetch)
    assert set(made.values()) <= {1} and set(made) <= set(planned), made
    assert len([f for f in response.fetches if not f.entity]) == 1


async def test_a_list_of_entities_is_resolved_in_one_batched_deduplicated_call(platform: Platform) -> None:
    horgos = await platform.execute(OPERATIONS["CompanyDossier"].text, HORGOS)
    shippers = [f for f in horgos.fetches if f.path == ("company", "shipments", "@", "shipper")]
    assert [(f.service, f.representations) for f in shippers] == [("tax", 2)]  # Horgos and Mumbai, one call
    haixin = await platform.execute(OPERATIONS["CompanyDossier"].text, HAIXIN)
    buyers = [f for f in haixin.fetches if f.path == ("company", "vehicleExports", "@", "buyer")]
    assert [(f.service, f.representations) for f in buyers] == [("tax", 1)]  # three cars, one buyer


async def test_graphiql_opens_the_example_operations_as_tabs_with_a_dev_token_hint(platform: Platform) -> None:
    page = await platform.client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    for name in OPERATIONS:
        assert f"{OPERATIONS[name].kind} {name}(" in page.text
    assert "silkgraph token" in page.text


# ------------------------------------------------------------------------------------------ partial results


async def test_a_system_down_nulls_only_its_fields_and_says_which_system_and_where() -> None:
    query = """query CarsOfHaixin($country: CountryCode!, $taxId: TaxId!) {
      company(country: $country, taxId: $taxId) { name vehicleExports { vin customsDeclaration { id } } }
    }"""
    async with running_platform(faults_of={"customs": FaultConfig(error_rate=1.0)}) as platform:
        body = await platform.post(query, HAIXIN)
        dossier = await platform.post(OPERATIONS["CompanyDossier"].text, HAIXIN)
    company = body["data"]["company"]
    assert company["name"] == "Qingdao Haixin Trading Co., Ltd."  # tax and vehicles answered
    cars = {car["vin"]: car["customsDeclaration"] for car in company["vehicleExports"]}
    assert cars == {"JHMCM5653HC404453": None, "LSVAM418XP2184847": None, "LVSHCAMB1TE123456": None}
    assert {(e["extensions"]["code"], e["extensions"]["service"]) for e in body["errors"]} == {
        ("UPSTREAM_UNAVAILABLE", "customs")
    }
    paths = sorted(tuple(e["path"]) for e in body["errors"])  # every car's declaration is unknown, not absent
    assert paths == [("company", "vehicleExports", i, "customsDeclaration") for i in range(3)]
    # the failed system's list on the company (Company.declarations) is nullable: it alone is null, with its
    # error; the company and what tax, cargo and vehicles answered stay
    whole = dossier["data"]["company"]
    assert whole["declarations"] is None and ["company", "declarations"] in [e["path"] for e in dossier["errors"]]
    assert whole["name"] == company["name"] and whole["status"] == "ACTIVE"
    assert {car["vin"] for car in whole["vehicleExports"]} == set(cars)
    assert [s["awb"] for s in whole["shipments"]] == ["784-20260026"]
