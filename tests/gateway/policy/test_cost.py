"""Demand control from @cost and @listSize (IBM cost spec weights)."""

from __future__ import annotations

import pytest
from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse

from gateway.errors import LimitExceeded
from gateway.policy.cost import CostAnalyzer
from gateway.sdk.context import RequestContext
from tests.gateway.policy.conftest import annotated, load


def estimate(analyzer: CostAnalyzer, query: str, variables: dict[str, object] | None = None) -> int:
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    return analyzer.estimate(operation, fragments, variables)


def test_objects_cost_one_scalars_zero_lists_use_the_default_size() -> None:
    analyzer = CostAnalyzer(load(annotated({})), list_size=10)
    assert estimate(analyzer, '{ shipment(awb: "1") { awb status } }') == 1
    assert estimate(analyzer, "{ shipments { awb } }") == 10  # 10 × (1 + 0)


def test_cost_and_list_size_directives_change_the_weights() -> None:
    sg = load(annotated({"shipments:": "@listSize(assumedSize: 50)", "duty:": "@cost(weight: 5)"}))
    analyzer = CostAnalyzer(sg, list_size=10)
    assert estimate(analyzer, "{ shipments { awb duty } }") == 50 * (1 + 5)
    assert estimate(analyzer, '{ ...F } fragment F on Query { shipment(awb: "1") { duty } }') == 6


def test_enforce_mode_refuses_and_measure_mode_only_records() -> None:
    sg = load(annotated({"shipments:": "@listSize(assumedSize: 500)"}))
    query = parse("{ shipments { awb } }")
    operation = query.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    context = RequestContext()
    CostAnalyzer(sg, mode="measure", max_cost=100)(operation, {}, {}, context)
    assert context.extras["cost"] == 500
    with pytest.raises(LimitExceeded) as caught:
        CostAnalyzer(sg, mode="enforce", max_cost=100)(operation, {}, {}, context)
    assert caught.value.code == "COST_ESTIMATED_TOO_EXPENSIVE"
    assert caught.value.extensions == {"limit": 100, "cost": 500}


async def test_engine_refuses_an_expensive_operation_before_any_fetch() -> None:
    from tests.gateway.policy.conftest import SecuredGraph

    graph = SecuredGraph(annotated({"shipments:": "@listSize(assumedSize: 5000)"}))
    graph.graph.operation_checks.append(CostAnalyzer(graph.supergraph, mode="enforce", max_cost=1000))
    r = await graph.run("{ shipments { awb } }")
    assert r.request_error and r.errors[0]["extensions"]["code"] == "COST_ESTIMATED_TOO_EXPENSIVE"
    assert graph.calls("cargo") == []
