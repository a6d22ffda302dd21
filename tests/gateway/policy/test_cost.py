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


SLICED = """
directive @cost(weight: Int!) on FIELD_DEFINITION | OBJECT | ARGUMENT_DEFINITION | SCALAR | ENUM
directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!],
  requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
type Query {
  declarations(first: Int, last: Int): [Declaration!]! @listSize(slicingArguments: ["first", "last"], assumedSize: 7)
  risky(deep: Boolean @cost(weight: 20)): Int
}
type Mutation { submitDeclaration(id: ID!): Declaration }
type Declaration @cost(weight: 3) { id: ID! lines: [Line!]! }
type Line { hs: String }
"""


def sliced_analyzer() -> CostAnalyzer:
    from types import SimpleNamespace

    from graphql import build_schema

    schema = build_schema(SLICED)
    return CostAnalyzer(SimpleNamespace(api_schema=schema, schema=schema), list_size=10)  # type: ignore[arg-type]


def test_slicing_arguments_and_variables_size_a_list() -> None:
    analyzer = sliced_analyzer()
    assert estimate(analyzer, "{ declarations(first: 4) { id } }") == 4 * 3
    assert estimate(analyzer, "{ declarations(first: 2, last: 5) { id } }") == 5 * 3  # the largest slice
    query = "query($n: Int) { declarations(first: $n) { id } }"
    assert estimate(analyzer, query, {"n": 20}) == 20 * 3
    assert estimate(analyzer, "{ declarations { id } }") == 7 * 3  # assumedSize when no slice is given
    assert estimate(analyzer, "{ declarations(first: 2) { lines { hs } } }") == 2 * (3 + 10 * 1)


def test_argument_weights_and_mutation_base_cost() -> None:
    analyzer = sliced_analyzer()
    assert estimate(analyzer, "{ risky }") == 0
    assert estimate(analyzer, "{ risky(deep: true) }") == 20
    assert estimate(analyzer, 'mutation { submitDeclaration(id: "1") { id } }') == 10
