"""Federation features one by one, each over two subgraphs served on loopback HTTP."""

from __future__ import annotations

from gateway.sdk.context import RequestContext
from tests.gateway.federation import directive_graphs as g
from tests.gateway.federation.harness import federated


async def test_provides_skips_the_entity_hop_and_resolvable_false_is_never_fetched() -> None:
    async with federated(g.provides_graph()) as f:
        data = await f.data("{ shipment { shipper { name } consignee { name country } } }")
        assert data == {
            "shipment": {
                "shipper": {"name": "Provided Name Ltd"},
                "consignee": {"name": "Registry Name Two", "country": "CN"},
            }
        }
        # shipper.name came with the shipment; only the consignee needed the registry
        reps = [r for b in f.recorders["registry"].bodies for r in b["variables"].get("representations", [])]
        assert reps == [{"__typename": "Company", "id": "c2"}]
        assert f.entity_calls("shipments") == 0  # resolvable: false there


async def test_override_moves_the_field_and_labels_switch_per_request() -> None:
    async with federated(g.override_graph()) as f:
        assert await f.data("{ payment { status amount } }") == {"payment": {"status": "RAIL", "amount": "LEGACY"}}
        labelled = RequestContext(override_labels=frozenset({"percent(50)"}))
        result = await f.run("{ payment { status amount } }", context=labelled)
        assert result.data == {"payment": {"status": "RAIL", "amount": "RAIL"}}
        # the active labels are part of the plan-cache key
        assert f.graph.planner.misses == 2


async def test_interface_fields_and_type_conditions_across_subgraphs() -> None:
    async with federated(g.abstract_graph()) as f:
        query = """{ documents { __typename id title ... on Waybill { awb status } ... on Declaration { risk } } }"""
        data = await f.data(query)
        assert data["documents"] == [
            {"__typename": "Waybill", "id": "w1", "title": "Waybill w1", "awb": "784-30791202", "status": "DEP:w1"},
            {"__typename": "Declaration", "id": "d1", "title": "Declaration d1", "risk": "GREEN:d1"},
        ]
        assert f.entity_calls("tracking") == 1  # both types in one _entities call


async def test_union_members_get_their_fields_from_their_subgraphs() -> None:
    async with federated(g.abstract_graph()) as f:
        data = await f.data("{ search { ... on Declaration { mrn risk } ... on Waybill { status } } }")
        assert data["search"] == [{"mrn": "26CN6501B000000003", "risk": "GREEN:d2"}, {"status": "DEP:w2"}]


async def test_compound_and_nested_keys() -> None:
    async with federated(g.keys_graph()) as f:
        data = await f.data("{ traders { name balance } }")
        assert data == {"traders": [{"name": "Astana Grain", "balance": "KZ/R-1: 12.50 CNY"}]}
        rep = f.recorders["ledger"].bodies[0]["variables"]["representations"][0]
        assert rep == {"__typename": "Trader", "registration": {"country": "KZ", "number": "R-1"}}
