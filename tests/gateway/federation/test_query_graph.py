"""The query graph: reach over key edges (fewest entity fetches), and the planner's target choice on it."""

from __future__ import annotations

from graphql import parse

from gateway.federation.planning import QueryPlanner
from gateway.federation.planning.query_graph import QueryGraph
from gateway.federation.supergraph import Supergraph, load_supergraph

from .composing import compose_bodies

# b holds T by id only; c owns T with both keys; a resolves T.sku-keyed fields and T.sku itself
BODIES = {
    "a": 'type Query { aVersion: Int } type T @key(fields: "sku") { sku: String! label: String }',
    "b": 'type Query { ts: [T!]! } type T @key(fields: "id") { id: ID! }',
    "c": 'type Query { cVersion: Int } type T @key(fields: "id") @key(fields: "sku") { id: ID! sku: String! }',
}


def _supergraph() -> Supergraph:
    return load_supergraph(compose_bodies(**BODIES))


def test_reach_counts_the_entity_fetches_a_chain_of_keys_needs() -> None:
    graph = QueryGraph(_supergraph())
    reach = graph.reach("T", "b")
    assert reach.graphs == {"b": 0, "c": 1, "a": 2}  # a only by sku, which c must bring first
    assert reach.fields["id"] == (0, "b")
    assert reach.fields["sku"] == (1, "c")
    assert reach.fields["label"] == (2, "a")


def test_a_field_is_fetched_where_a_usable_key_leads_not_where_its_own_key_is_needed() -> None:
    planner = QueryPlanner(_supergraph())
    plan = str(planner.plan(parse("{ ts { sku label } }")))
    # sku comes from c by id (a needs sku itself as its key); label from a, by the sku c brought
    first, second = plan.index('Fetch(service: "c")'), plan.index('Fetch(service: "a")')
    assert first < second
    assert plan.count("Fetch(") == 3


def test_a_set_where_every_root_reaches_every_field_is_satisfiable() -> None:
    supergraph = load_supergraph(
        compose_bodies(
            tax='type Query { company: Company } type Company @key(fields: "id") { id: ID! name: String }',
            payments='type Query { p: Int } type Company @key(fields: "id") { id: ID! iban: String }',
        )
    )
    assert QueryGraph(supergraph).unsatisfiable() == []
