"""Planning and execution over four subgraphs served on loopback HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.gateway.federation import trade_graph
from tests.gateway.federation.harness import Federated, federated

pytestmark = pytest.mark.slow  # four loopback subgraphs per test, twice (one per HTTP client): tens of seconds


@pytest.fixture(params=["pool", "httpx"])
async def trade(request: pytest.FixtureRequest) -> AsyncIterator[Federated]:
    async with federated(trade_graph.subgraphs(), http_client=request.param) as f:
        yield f


async def test_three_level_entity_chain(trade: Federated) -> None:
    data = await trade.data("{ orders { id buyer { name orders { id } } lines { qty item { name shippingCost } } } }")
    first = data["orders"][0]
    assert first["buyer"] == {"name": "Almaty Auto", "orders": [{"id": "o1"}, {"id": "o3"}]}
    assert first["lines"][0] == {"qty": 2, "item": {"name": "Excavator", "shippingCost": 2105}}


async def test_one_entities_call_per_subgraph_per_level_with_deduplication(trade: Federated) -> None:
    await trade.data("{ orders { buyer { name } lines { item { name shippingCost } } } }")
    assert len(trade.operations("orders")) == 1
    assert trade.entity_calls("accounts") == 1
    assert trade.entity_calls("catalog") == 1
    assert trade.entity_calls("shipping") == 1
    sent = next(b for b in trade.recorders["catalog"].bodies if "_entities" in b["query"])
    skus = [r["sku"] for r in sent["variables"]["representations"]]
    assert sorted(skus) == ["sku-1", "sku-2", "sku-3"]  # five lines, three distinct items


async def test_requires_input_comes_from_its_owner(trade: Federated) -> None:
    data = await trade.data("{ items { sku shippingCost } }")
    assert data["items"] == [
        {"sku": s, "shippingCost": trade_graph.shipping_cost(v["weight"])} for s, v in trade_graph.ITEMS.items()
    ]
    sent = next(b for b in trade.recorders["shipping"].bodies if "_entities" in b["query"])
    assert sent["variables"]["representations"][0] == {"__typename": "Item", "sku": "sku-1", "weight": 21000}


async def test_shareable_type_is_taken_from_the_subgraph_already_fetching(trade: Federated) -> None:
    await trade.data("{ items { carrier { code name } } }")
    assert trade.entity_calls("shipping") == 1
    assert trade.entity_calls("catalog") == 0


async def test_independent_root_fields_run_in_parallel(trade: Federated) -> None:
    result = await trade.run("{ traders { name } items { name } orders { id } }")
    assert result.errors == []
    assert "Parallel" in str(result.plan)
    assert result.plan is not None and result.plan.fetches == 3


async def test_plan_text_shows_flatten_paths(trade: Federated) -> None:
    result = await trade.run("{ orders { lines { item { shippingCost } } } }")
    text = str(result.plan)
    assert 'Flatten(path: "orders.@.lines.@.item")' in text
    assert text.index('Fetch(service: "catalog")') < text.index('Fetch(service: "shipping")')


async def test_variables_are_forwarded_only_where_used(trade: Federated) -> None:
    query = "query($id: ID!, $with: Boolean!) { trader(id: $id) { name orders @include(if: $with) { total } } }"
    data = await trade.data(query, {"id": "t3", "with": True})
    assert data == {"trader": {"name": "Volga Agro", "orders": [{"total": 9000}]}}
    assert trade.recorders["accounts"].bodies[0]["variables"] == {"id": "t3"}
    assert trade.recorders["orders"].bodies[0]["variables"]["with"] is True


async def test_unreachable_subgraph_gives_partial_data(trade: Federated) -> None:
    trade.graph.executor.transports["accounts"].url = "http://127.0.0.1:9/nowhere"  # type: ignore[attr-defined]
    result = await trade.run('{ trader(id: "t1") { name } items { name } }')
    assert result.data is not None
    assert result.data["items"][0]["name"] == "Excavator"
    assert result.data["trader"] is None
    codes = {e["extensions"]["code"] for e in result.errors}
    assert codes & {"UPSTREAM_UNAVAILABLE", "SUBREQUEST_HTTP_ERROR"}
    assert {e["extensions"]["serviceName"] for e in result.errors} == {"accounts"}


async def test_non_null_failures_propagate_to_the_root(trade: Federated) -> None:
    trade.graph.executor.transports["accounts"].url = "http://127.0.0.1:9/nowhere"  # type: ignore[attr-defined]
    result = await trade.run("{ orders { id buyer { name } } }")
    assert result.data is None  # Trader.name! -> Order.buyer! -> [Order!]! -> Query.orders!
    assert len(result.errors) == 3  # one per affected buyer, at its own path
    assert result.errors[0]["path"] == ["orders", 0, "buyer", "name"]


async def test_a_finished_run_leaves_no_cycle_holding_its_data(trade: Federated) -> None:
    """Fetched objects are freed when the answer is made, not at the collector's next pass (a whole list each)."""
    import gc

    query = "{ orders { buyer { name } lines { item { name shippingCost } } } }"
    await trade.data(query)  # warm: plans and connections
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        await trade.data(query)
        gc.collect()
        leaked = {type(o).__name__ for o in gc.garbage} & {"_Run", "_EntityBatcher"}
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert leaked == set()
