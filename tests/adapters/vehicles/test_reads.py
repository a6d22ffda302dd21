"""Reading export filings through the vehicles subgraph, against the legacy sandbox over a real socket."""

from __future__ import annotations

from typing import Any

from adapters.vehicles import VehiclesAdapter
from gateway.sdk import SandboxServer
from gateway.sdk.testing import entities, execute, operator, principal
from tests.adapters.vehicles.conftest import calls, error_extensions, make_adapter

HAIXIN = {"country": "CN", "taxId": "91370281MA3C5R7B0C"}
ALMATY = {"country": "KZ", "taxId": "191240005671"}

VEHICLE = """
query($vin: VIN!) {
  vehicle(vin: $vin) {
    vin manufacturer wmi countryOfManufacture region modelYears modelYear checkDigit
    exporter { country taxId } buyer { country taxId }
    firstRegisteredOn purchasedOn
    tempPlate { number issuedOn expiresOn expired }
    test { result testedOn }
    exportLicence { status number date }
    manufacturerConfirmation declarationMrn shipment { awb } exitedOn
    deregistration { status deadline deregisteredOn }
    status mileageKm price
    ruleViolations { code message }
  }
}
"""
LISTING_ONE = "{ vehicleExports(first: 1) { totalCount } }"
EXPORTS = """
query($filter: VehicleExportFilter, $first: Int!, $after: String) {
  vehicleExports(filter: $filter, first: $first, after: $after) {
    totalCount
    edges { cursor node { vin status } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


async def vehicle(adapter: VehiclesAdapter, vin: str) -> dict[str, Any]:
    result = await execute(adapter, VEHICLE, {"vin": vin}, who=operator())
    assert result.errors is None
    assert result.data is not None
    return dict(result.data["vehicle"])


async def test_an_exited_car_reads_decoded_and_mapped(adapter: VehiclesAdapter) -> None:
    car = await vehicle(adapter, "LSVAM418XP2184847")
    assert car["manufacturer"] == "SAIC Volkswagen"
    assert (car["wmi"], car["countryOfManufacture"], car["region"]) == ("LSV", "CN", "Asia")
    assert (car["modelYears"], car["modelYear"], car["checkDigit"]) == ([2023, 1993], 2023, "VALID")
    assert car["exporter"] == HAIXIN
    assert car["buyer"] == ALMATY
    assert car["firstRegisteredOn"] == "2023-04-18"
    assert car["tempPlate"] == {
        "number": "鲁B·临0815",
        "issuedOn": "2026-10-08",
        "expiresOn": "2026-12-07",
        "expired": False,
    }
    assert car["test"] == {"result": "PASSED", "testedOn": "2026-10-12"}
    assert car["exportLicence"] == {"status": "ISSUED", "number": "EL2026-3702-00815", "date": "2026-10-15"}
    assert car["declarationMrn"] == "420120260000000817"
    assert car["shipment"] == {"awb": "784-20260026"}
    assert car["exitedOn"] == "2026-11-23"
    assert car["deregistration"] == {"status": "PENDING", "deadline": "2027-01-23", "deregisteredOn": None}
    assert car["status"] == "EXITED"
    assert car["price"] == {"amount": "86000.00", "currency": "CNY"}
    assert car["mileageKm"] == 61200
    assert car["ruleViolations"] == []


async def test_a_car_registered_within_180_days_without_confirmation_surfaces_a_violation(
    adapter: VehiclesAdapter,
) -> None:
    car = await vehicle(adapter, "LVSHCAMB1TE123456")
    assert car["manufacturer"] == "Changan Ford"
    assert car["status"] == "LICENSED"
    assert car["manufacturerConfirmation"] is False
    assert car["declarationMrn"] is None
    assert [v["code"] for v in car["ruleViolations"]] == ["MANUFACTURER_CONFIRMATION_MISSING"]
    assert "180 days" in car["ruleViolations"][0]["message"]


async def test_a_deregistered_car_is_done(adapter: VehiclesAdapter) -> None:
    car = await vehicle(adapter, "JHMCM5653HC404453")
    assert (car["manufacturer"], car["countryOfManufacture"], car["modelYear"]) == ("Honda", "JP", 2017)
    assert car["status"] == "DEREGISTERED"
    assert car["deregistration"] == {"status": "DONE", "deadline": "2026-10-25", "deregisteredOn": "2026-10-20"}
    assert car["shipment"] is None
    assert car["ruleViolations"] == []


async def test_later_dates_expire_the_plate_and_make_deregistration_overdue(sandbox: SandboxServer) -> None:
    later = make_adapter(sandbox.url, today="2027-02-01")
    async with later.lifespan():
        licensed = await vehicle(later, "LVSHCAMB1TE123456")
        exited = await vehicle(later, "LSVAM418XP2184847")
    assert licensed["tempPlate"]["expired"] is True
    assert [v["code"] for v in licensed["ruleViolations"]] == [
        "MANUFACTURER_CONFIRMATION_MISSING",
        "TEMP_PLATE_EXPIRED",
    ]
    assert exited["status"] == "OVERDUE_DEREGISTRATION"
    assert exited["deregistration"]["status"] == "OVERDUE"
    assert [v["code"] for v in exited["ruleViolations"]] == ["DEREGISTRATION_OVERDUE"]


async def test_an_unknown_vin_is_null_and_a_malformed_one_is_rejected(adapter: VehiclesAdapter) -> None:
    unknown = await execute(adapter, VEHICLE, {"vin": "WVWZZZ1JZXW000001"}, who=operator())
    assert unknown.errors is None
    assert unknown.data == {"vehicle": None}
    malformed = await execute(adapter, VEHICLE, {"vin": "LSVAM4187C2184848"}, who=operator())
    assert malformed.errors is not None
    assert "check digit" in malformed.errors[0].message


async def test_entities_batch_many_vins_into_one_legacy_call(adapter: VehiclesAdapter, sandbox: SandboxServer) -> None:
    vins = ["LSVAM418XP2184847", "LVSHCAMB1TE123456", "JHMCM5653HC404453", "XTA21099043576182", "LSVAM418XP2184847"]
    result = await entities(
        adapter, [{"__typename": "Vehicle", "vin": v} for v in vins], "... on Vehicle { vin status }", who=operator()
    )
    assert result.errors is None
    assert result.data["_entities"] == [
        {"vin": "LSVAM418XP2184847", "status": "EXITED"},
        {"vin": "LVSHCAMB1TE123456", "status": "LICENSED"},
        {"vin": "JHMCM5653HC404453", "status": "DEREGISTERED"},
        None,
        {"vin": "LSVAM418XP2184847", "status": "EXITED"},
    ]
    assert calls(sandbox) == {"exports.batchQuery": 1}


async def test_company_vehicle_exports_for_many_companies_take_one_legacy_call(
    adapter: VehiclesAdapter, sandbox: SandboxServer
) -> None:
    reps = [
        {"__typename": "Company", **HAIXIN},
        {"__typename": "Company", **ALMATY},
        {"__typename": "Company", "country": "RU", "taxId": "7707083893"},
    ]
    result = await entities(adapter, reps, "... on Company { vehicleExports { vin } }", who=operator())
    assert result.errors is None
    exports = [[v["vin"] for v in e["vehicleExports"]] for e in result.data["_entities"]]
    assert exports[0] == exports[1] == ["JHMCM5653HC404453", "LSVAM418XP2184847", "LVSHCAMB1TE123456"]
    assert exports[2] == []
    assert calls(sandbox) == {"exports.batchQuery": 1}


async def test_vehicle_exports_page_through_the_legacy_listing(
    adapter: VehiclesAdapter, sandbox: SandboxServer
) -> None:
    first = await execute(adapter, EXPORTS, {"first": 2}, who=operator())
    assert first.errors is None
    page = first.data["vehicleExports"]
    assert page["totalCount"] == 3
    assert [e["node"]["vin"] for e in page["edges"]] == ["JHMCM5653HC404453", "LSVAM418XP2184847"]
    assert page["pageInfo"]["hasNextPage"] is True
    assert page["pageInfo"]["hasPreviousPage"] is False
    second = await execute(adapter, EXPORTS, {"first": 2, "after": page["pageInfo"]["endCursor"]}, who=operator())
    rest = second.data["vehicleExports"]
    assert [e["node"]["vin"] for e in rest["edges"]] == ["LVSHCAMB1TE123456"]
    assert rest["pageInfo"]["hasNextPage"] is False
    assert rest["pageInfo"]["hasPreviousPage"] is True
    assert calls(sandbox) == {"exports.list": 2}


async def test_a_page_straddling_two_legacy_pages_reads_both(adapter: VehiclesAdapter, sandbox: SandboxServer) -> None:
    first = await execute(adapter, EXPORTS, {"first": 1}, who=operator())
    cursor = first.data["vehicleExports"]["edges"][0]["cursor"]
    result = await execute(adapter, EXPORTS, {"first": 2, "after": cursor}, who=operator())
    assert [e["node"]["vin"] for e in result.data["vehicleExports"]["edges"]] == [
        "LSVAM418XP2184847",
        "LVSHCAMB1TE123456",
    ]
    assert calls(sandbox) == {"exports.list": 3}


async def test_vehicle_exports_filter_by_exporter_buyer_and_status(adapter: VehiclesAdapter) -> None:
    async def vins(filter: dict[str, Any]) -> list[str]:
        result = await execute(adapter, EXPORTS, {"filter": filter, "first": 10}, who=operator())
        assert result.errors is None
        return [e["node"]["vin"] for e in result.data["vehicleExports"]["edges"]]

    assert len(await vins({"exporterTaxId": HAIXIN["taxId"]})) == 3
    assert await vins({"exporterTaxId": "91310115MA1K3Y4A90"}) == []
    assert len(await vins({"buyer": ALMATY})) == 3
    assert await vins({"status": "LICENSED"}) == ["LVSHCAMB1TE123456"]
    assert await vins({"status": "OVERDUE_DEREGISTRATION"}) == []


async def test_paging_and_filter_mistakes_are_bad_user_input(adapter: VehiclesAdapter) -> None:
    too_many = await execute(adapter, EXPORTS, {"first": 101}, who=operator())
    assert error_extensions(too_many) == {"code": "BAD_USER_INPUT", "field": "first"}
    foreign = await execute(adapter, EXPORTS, {"first": 2, "after": "opaque"}, who=operator())
    assert error_extensions(foreign) == {"code": "BAD_USER_INPUT", "field": "after"}
    bad_tax_id = await execute(
        adapter, EXPORTS, {"first": 2, "filter": {"exporterTaxId": "91370281MA3C5R7B0D"}}, who=operator()
    )
    assert error_extensions(bad_tax_id) == {"code": "BAD_USER_INPUT", "field": "filter.exporterTaxId"}
    bad_buyer = await execute(
        adapter, EXPORTS, {"first": 2, "filter": {"buyer": {"country": "KZ", "taxId": "191240005672"}}}, who=operator()
    )
    assert error_extensions(bad_buyer) == {"code": "BAD_USER_INPUT", "field": "filter.buyer.taxId"}


async def test_an_agency_sees_only_filings_of_companies_it_serves(adapter: VehiclesAdapter) -> None:
    query = '{ vehicleExports(first: 10) { totalCount } vehicle(vin: "LSVAM418XP2184847") { vin } }'
    broker = await execute(adapter, query, who=principal(agency="qingdao-broker"))
    assert broker.data == {"vehicleExports": {"totalCount": 3}, "vehicle": {"vin": "LSVAM418XP2184847"}}
    ru = await execute(adapter, query, who=principal(agency="ru-export-center"))
    assert ru.errors is None
    assert ru.data == {"vehicleExports": {"totalCount": 0}, "vehicle": None}


async def test_the_sdl_declares_vehicle_and_a_resolvable_false_shipment_stub(adapter: VehiclesAdapter) -> None:
    sdl = adapter.sdl()
    assert 'type Vehicle @key(fields: "vin")' in sdl
    assert 'type Company @key(fields: "country taxId")' in sdl
    assert 'type Shipment @key(fields: "awb", resolvable: false)' in sdl
    assert "customsDeclaration" not in sdl  # owned by the customs subgraph (docs/subgraph-conventions.md)


async def test_the_operations_traceparent_reaches_the_legacy_system(
    adapter: VehiclesAdapter, sandbox: SandboxServer
) -> None:
    traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    await execute(adapter, LISTING_ONE, who=operator())
    result = await execute(adapter, LISTING_ONE, who=operator(), traceparent=traceparent)
    assert result.errors is None
    app: Any = sandbox.faults.app
    assert app.state.registry.traceparents == [traceparent]
