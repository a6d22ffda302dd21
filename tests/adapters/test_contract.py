"""Every built-in adapter meets the adapter contract (gateway.sdk.testing.AdapterContract).

Adding an adapter is one class here: its samples are records of adapters/story/ that its sandbox seeds.
"""

from __future__ import annotations

from adapters.barter import BarterAdapter
from adapters.cargo import CargoAdapter
from adapters.customs import CustomsAdapter
from adapters.payments import PaymentsAdapter
from adapters.reference import ReferenceAdapter
from adapters.story import ALMATY_AUTO, ASTANA_GRAIN, HAIXIN, HORGOS, PUDONG
from adapters.tax import TaxAdapter
from adapters.vehicles import VehiclesAdapter
from gateway.sdk.testing import AdapterContract, Probe, TenancySample


def company(key: tuple[str, str]) -> dict[str, str]:
    return {"country": key[0], "taxId": key[1]}


KZ = "kz-trade-agency"
QD = "qingdao-broker"
RU = "ru-export-center"


class TestReferenceContract(AdapterContract):
    adapter_class = ReferenceAdapter
    sample_keys = {
        "Airline": [{"awbPrefix": "999"}, {"awbPrefix": "784"}],
        "Airport": [{"iata": "PVG"}, {"iata": "ALA"}],
        "Country": [{"code": "KZ"}, {"code": "CN"}],
        "Currency": [{"code": "KZT"}, {"code": "CNY"}],
    }
    bad_input = Probe(query='{ country(code: "KAZ") { name } }')
    tenant_scoped = False  # shared reference data, the same for every agency


class TestTaxContract(AdapterContract):
    adapter_class = TaxAdapter
    sample_keys = {
        "Company": [company(HAIXIN), company(HORGOS)],
        "Invoice": [{"code": "3702261130", "number": "08152026"}],
    }
    bad_input = Probe(query='{ company(country: "CN", taxId: "not a tax id") { name } }')
    tenancy = [TenancySample(typename="Company", key=company(ASTANA_GRAIN), visible_to=KZ, hidden_from=QD)]


class TestCustomsContract(AdapterContract):
    adapter_class = CustomsAdapter
    sample_keys = {
        "BarterContract": [{"id": "BC-2026-0001"}],
        "Company": [company(HORGOS)],
        "CustomsDeclaration": [{"id": "940320260000001003"}, {"id": "420120260000000817"}],
        "Shipment": [{"awb": "999-12345675"}],
        "Vehicle": [{"vin": "LSVAM418XP2184847"}],
    }
    bad_input = Probe(query="{ declarations(first: 0) { totalCount } }")
    upstream_probe = Probe(query='{ declaration(id: "940320260000001003") { id } }')
    tenancy = [
        TenancySample(typename="CustomsDeclaration", key={"id": "420120260000000817"}, visible_to=QD, hidden_from=KZ)
    ]


class TestCargoContract(AdapterContract):
    adapter_class = CargoAdapter
    sample_keys = {
        "Company": [company(PUDONG)],
        "Shipment": [{"awb": "999-12345675"}, {"awb": "999-20260015"}],
    }
    bad_input = Probe(query='{ shipment(awb: "999-12345670") { awb } }')
    upstream_probe = Probe(query='{ shipment(awb: "999-12345675") { awb origin } }')
    tenancy = [TenancySample(typename="Shipment", key={"awb": "999-12345675"}, visible_to=QD, hidden_from=KZ)]


class TestBarterContract(AdapterContract):
    adapter_class = BarterAdapter
    adapter_options = {"retry_attempts": 1, "today": "2026-11-28"}
    sandbox_options = {"today": "2026-11-28"}
    sample_keys = {
        "BarterContract": [{"id": "BC-2026-0001"}],
        "Company": [company(HORGOS), company(ASTANA_GRAIN)],
    }
    bad_input = Probe(query='{ barterContracts(filter: {party: {country: "KAZ", taxId: "1"}}) { id } }')
    upstream_probe = Probe(query='{ barterContract(id: "BC-2026-0001") { id } }')
    tenancy = [
        TenancySample(typename="BarterContract", key={"id": "BC-2026-0001"}, visible_to=KZ, hidden_from=RU),
        TenancySample(
            typename="Company", key=company(HORGOS), visible_to=KZ, hidden_from=RU, selection="barterContracts { id }"
        ),
    ]


class TestVehiclesContract(AdapterContract):
    adapter_class = VehiclesAdapter
    sample_keys = {
        "Company": [company(HAIXIN)],
        "Vehicle": [{"vin": "LSVAM418XP2184847"}, {"vin": "JHMCM5653HC404453"}],
    }
    bad_input = Probe(query='{ vehicle(vin: "NOT-A-VIN") { vin } }')
    upstream_probe = Probe(query='{ vehicle(vin: "LSVAM418XP2184847") { vin } }')
    tenancy = [
        TenancySample(typename="Vehicle", key={"vin": "LSVAM418XP2184847"}, visible_to=KZ, hidden_from=RU),
        TenancySample(
            typename="Company", key=company(HAIXIN), visible_to=QD, hidden_from=RU, selection="vehicleExports { vin }"
        ),
    ]


class TestPaymentsContract(AdapterContract):
    adapter_class = PaymentsAdapter
    adapter_options = {"idempotency_store": "sqlite://:memory:"}
    sample_keys = {
        "Payment": [{"uetr": "6513270e-269e-4d37-b2a7-4de452e6b438"}, {"uetr": "d23f0824-128b-4f33-8c5c-7fd0a6a3a450"}],
        "Company": [company(ALMATY_AUTO)],
    }
    bad_input = Probe(query='{ payment(uetr: "not-a-uetr") { status } }')
    upstream_probe = Probe(query='{ payment(uetr: "6513270e-269e-4d37-b2a7-4de452e6b438") { status } }')
    tenancy = [
        TenancySample(
            typename="Payment", key={"uetr": "6513270e-269e-4d37-b2a7-4de452e6b438"}, visible_to=KZ, hidden_from=RU
        )
    ]
