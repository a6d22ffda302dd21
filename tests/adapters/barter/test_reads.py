"""Reading barter contracts through the subgraph, against the sandbox over a real socket."""

from __future__ import annotations

from typing import Any

from adapters.barter import BarterAdapter
from gateway.sdk import SandboxServer
from gateway.sdk.testing import entities, execute, operator, principal
from tests.adapters.barter.conftest import calls, error_extensions, make_adapter

HORGOS = {"country": "CN", "taxId": "91650000MA77X8TQ31"}
ASTANA = {"country": "KZ", "taxId": "240540001232"}

CONTRACT = """
query($id: ID!) {
  barterContract(id: $id) {
    id number date type referenceCurrency status tolerancePct counterDeliveryDeadline
    partyA { country taxId } partyB { country taxId }
    goodsA { lineNo hsCode quantity unit unitValue value deliveredQuantity remainingQuantity origin incoterms }
    goodsB { hsCode quantity unitValue value deliveredQuantity remainingQuantity }
    deliveries { id side hsCode quantity value deliveredOn procedure declaration { id } shipment { awb } }
    balance {
      contractedA contractedB shippedA shippedB residual owedBy owedByParty { country taxId }
      tolerance withinTolerance completeA completeB settled
    }
  }
}
"""


async def test_the_story_contract_reads_with_goods_lists_deliveries_and_balance(adapter: BarterAdapter) -> None:
    result = await execute(adapter, CONTRACT, {"id": "BC-2026-0001"}, who=operator())
    assert result.errors is None
    contract = result.data["barterContract"]
    assert contract["number"] == "HG-KZ/2026/0001"
    assert contract["date"] == "2026-09-15"
    assert contract["type"] == "CLOSED"
    assert contract["status"] == "IN_EXECUTION"
    assert contract["partyA"] == HORGOS
    assert contract["partyB"] == ASTANA
    assert [g["hsCode"] for g in contract["goodsA"]] == ["8429.52", "8431.49"]
    assert contract["goodsA"][0]["unitValue"] == {"amount": "210000.00", "currency": "CNY"}
    assert contract["goodsA"][0]["value"] == {"amount": "1260000.00", "currency": "CNY"}
    wheat = contract["goodsB"][0]
    assert (wheat["deliveredQuantity"], wheat["remainingQuantity"]) == ("375", "345")
    first = contract["deliveries"][0]
    assert first["declaration"] == {"id": "940320260000001003"}
    assert first["shipment"] is None
    assert first["procedure"] == "0130"
    assert contract["deliveries"][1]["shipment"] == {"awb": "999-20260015"}
    balance = contract["balance"]
    assert balance["shippedA"] == {"amount": "1440000.00", "currency": "CNY"}
    assert balance["shippedB"] == {"amount": "750000.00", "currency": "CNY"}
    assert balance["residual"] == {"amount": "690000.00", "currency": "CNY"}
    assert balance["owedBy"] == "B"
    assert balance["owedByParty"] == ASTANA
    assert balance["withinTolerance"] is False
    assert (balance["completeA"], balance["completeB"], balance["settled"]) == (True, False, False)


async def test_an_unknown_contract_is_null(adapter: BarterAdapter) -> None:
    result = await execute(adapter, '{ barterContract(id: "BC-1999-0042") { id } }', who=operator())
    assert result.errors is None
    assert result.data == {"barterContract": None}


async def test_after_the_counter_delivery_deadline_the_contract_is_overdue(sandbox: SandboxServer) -> None:
    late = make_adapter(sandbox.url, today="2027-04-01")
    async with late.lifespan():
        result = await execute(late, '{ barterContract(id: "BC-2026-0001") { status } }', who=operator())
    assert result.data == {"barterContract": {"status": "OVERDUE"}}


async def test_contracts_filter_by_party_type_and_status(adapter: BarterAdapter) -> None:
    query = "query($f: BarterContractFilter) { barterContracts(filter: $f) { id } }"
    by_party = await execute(adapter, query, {"f": {"party": ASTANA}}, who=operator())
    assert by_party.data == {"barterContracts": [{"id": "BC-2026-0001"}]}
    other = await execute(adapter, query, {"f": {"party": {"country": "RU", "taxId": "7707083893"}}}, who=operator())
    assert other.data == {"barterContracts": []}
    tolling = await execute(adapter, query, {"f": {"type": "TOLLING"}}, who=operator())
    assert tolling.data == {"barterContracts": []}
    in_execution = await execute(adapter, query, {"f": {"status": "IN_EXECUTION"}}, who=operator())
    assert in_execution.data == {"barterContracts": [{"id": "BC-2026-0001"}]}
    balanced = await execute(adapter, query, {"f": {"status": "BALANCED"}}, who=operator())
    assert balanced.data == {"barterContracts": []}


async def test_a_filter_party_with_an_invalid_tax_id_is_bad_user_input(adapter: BarterAdapter) -> None:
    result = await execute(
        adapter,
        "query($f: BarterContractFilter) { barterContracts(filter: $f) { id } }",
        {"f": {"party": {"country": "KZ", "taxId": "240540001233"}}},
        who=operator(),
    )
    assert error_extensions(result) == {"code": "BAD_USER_INPUT", "field": "filter.party.taxId"}


async def test_entities_batch_many_contracts_into_one_legacy_call(
    adapter: BarterAdapter, sandbox: SandboxServer
) -> None:
    reps = [{"__typename": "BarterContract", "id": i} for i in ("BC-2026-0001", "BC-2026-9999", "BC-2026-0001")]
    result = await entities(adapter, reps, "... on BarterContract { id number balance { owedBy } }", who=operator())
    assert result.errors is None
    assert result.data["_entities"] == [
        {"id": "BC-2026-0001", "number": "HG-KZ/2026/0001", "balance": {"owedBy": "B"}},
        None,
        {"id": "BC-2026-0001", "number": "HG-KZ/2026/0001", "balance": {"owedBy": "B"}},
    ]
    assert calls(sandbox) == {"contracts.batch": 1}


async def test_company_barter_contracts_for_many_companies_take_one_legacy_call(
    adapter: BarterAdapter, sandbox: SandboxServer
) -> None:
    reps = [
        {"__typename": "Company", **HORGOS},
        {"__typename": "Company", **ASTANA},
        {"__typename": "Company", "country": "RU", "taxId": "7707083893"},
    ]
    result = await entities(
        adapter, reps, "... on Company { taxId barterContracts { id partyB { taxId } } }", who=operator()
    )
    assert result.errors is None
    contracts = [e["barterContracts"] for e in result.data["_entities"]]
    assert contracts[0] == contracts[1] == [{"id": "BC-2026-0001", "partyB": {"taxId": ASTANA["taxId"]}}]
    assert contracts[2] == []
    assert calls(sandbox) == {"contracts.list": 1}


async def test_an_agency_sees_only_contracts_of_companies_it_serves(adapter: BarterAdapter) -> None:
    query = '{ barterContracts { id } barterContract(id: "BC-2026-0001") { id } }'
    kz = await execute(adapter, query, who=principal(agency="kz-trade-agency"))
    assert kz.data == {"barterContracts": [{"id": "BC-2026-0001"}], "barterContract": {"id": "BC-2026-0001"}}
    ru = await execute(adapter, query, who=principal(agency="ru-export-center"))
    assert ru.errors is None
    assert ru.data == {"barterContracts": [], "barterContract": None}


async def test_the_sdl_declares_the_contract_entity_and_resolvable_false_stubs(adapter: BarterAdapter) -> None:
    sdl = adapter.sdl()
    assert 'type BarterContract @key(fields: "id")' in sdl
    assert 'type Company @key(fields: "country taxId")' in sdl
    assert 'type CustomsDeclaration @key(fields: "id", resolvable: false)' in sdl
    assert 'type Shipment @key(fields: "awb", resolvable: false)' in sdl
    assert "https://specs.apollo.dev/federation/v2.11" in sdl


async def test_the_operations_traceparent_reaches_the_register(adapter: BarterAdapter, sandbox: SandboxServer) -> None:
    traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    result = await execute(
        adapter, '{ barterContract(id: "BC-2026-0001") { id } }', who=operator(), traceparent=traceparent
    )
    assert result.errors is None
    app: Any = sandbox.faults.app
    assert app.state.register.traceparents == [traceparent]
