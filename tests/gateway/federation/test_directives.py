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
        assert data["search"] == [{"mrn": "940320260000001003", "risk": "GREEN:d2"}, {"status": "DEP:w2"}]


async def test_compound_and_nested_keys() -> None:
    async with federated(g.keys_graph()) as f:
        data = await f.data("{ traders { name balance } }")
        assert data == {"traders": [{"name": "Astana Grain", "balance": "KZ/R-1: 12.50 CNY"}]}
        rep = f.recorders["ledger"].bodies[0]["variables"]["representations"][0]
        assert rep == {"__typename": "Trader", "registration": {"country": "KZ", "number": "R-1"}}


async def test_interface_object_gets_concrete_types_from_the_interface_owner() -> None:
    async with federated(g.interface_object_graph()) as f:
        data = await f.data("{ accounts { id bic riskScore ... on EscrowAccount { releaseDate } } }")
        assert data["accounts"] == [
            {"id": "a1", "bic": "ICBKCNBJXXX", "riskScore": 10},
            {"id": "a2", "bic": "HSBKKZKX", "riskScore": 70, "releaseDate": "2026-12-01"},
        ]
        # the interface-object subgraph receives representations typed as the interface
        reps = f.recorders["risk"].bodies[0]["variables"]["representations"]
        assert {r["__typename"] for r in reps} == {"Account"}


async def test_root_field_of_an_interface_object_learns_its_concrete_type() -> None:
    async with federated(g.interface_object_graph()) as f:
        data = await f.data("{ riskyAccounts { id riskScore __typename ... on EscrowAccount { releaseDate } } }")
        assert data == {
            "riskyAccounts": [{"id": "a2", "riskScore": 70, "__typename": "EscrowAccount", "releaseDate": "2026-12-01"}]
        }


async def test_mutations_run_serially_in_document_order() -> None:
    g.JOURNAL.clear()
    async with federated(g.mutation_graph()) as f:
        result = await f.run('mutation { a: debit(ref: "1") b: notify(ref: "1") c: debit(ref: "2") }')
        assert result.errors == []
        assert g.JOURNAL == ["debit:1", "notify:1", "debit:2"]
        assert result.data == {"a": "debited 1", "b": "notified 1", "c": "debited 2"}
        assert "Sequence" in str(result.plan)


async def test_independent_fetches_are_in_flight_together() -> None:
    import asyncio

    g.BARRIER.barrier = asyncio.Barrier(2)  # each resolver waits until the other one has started
    async with federated(g.mutation_graph()) as f:
        result = await f.run("{ ledgerPing noticePing }")
        assert result.errors == []
        assert result.data == {"ledgerPing": "ledger", "noticePing": "notice"}


async def test_entity_fetches_on_different_paths_of_one_level_share_one_call() -> None:
    async with federated(g.abstract_graph()) as f:
        query = (
            "{ documents { ... on Waybill { status } } "
            "search { ... on Declaration { risk } ... on Waybill { status } } }"
        )
        data = await f.data(query)
        assert data["documents"][0] == {"status": "DEP:w1"}
        assert data["search"] == [{"risk": "GREEN:d2"}, {"status": "DEP:w2"}]
        assert f.entity_calls("tracking") == 1  # documents.@ and search.@ in one request
        body = next(b for b in f.recorders["tracking"].bodies if "_entities" in b["query"])
        assert "e0: _entities" in body["query"] and "e1: _entities" in body["query"]
