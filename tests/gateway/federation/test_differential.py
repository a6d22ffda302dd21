"""Differential oracle: for generated queries, the federated gateway answers exactly as one monolithic schema
serving the same data does."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from graphql import GraphQLSchema, lexicographic_sort_schema, print_schema
from hypothesis import HealthCheck, given, settings
from hypothesis_graphql import strategies as gql

from gateway.federation.compose import SubgraphSource, compose
from gateway.federation.engine import FederatedGraph, GraphQLRequest
from gateway.federation.supergraph import load_supergraph
from gateway.federation.transports import InProcessTransport
from gateway.sdk.context import RequestContext
from tests.gateway.federation import trade_graph
from tests.gateway.federation.cargo_customs import SchemaAdapter

SUBGRAPHS = trade_graph.subgraphs()
SUPERGRAPH = load_supergraph(
    compose([SubgraphSource(name=n, url=f"inprocess://{n}", sdl=s.as_str()) for n, s in SUBGRAPHS.items()])
)
GATEWAY = FederatedGraph(
    SUPERGRAPH,
    {n: InProcessTransport(SchemaAdapter(n, s)) for n, s in SUBGRAPHS.items()},
    max_tokens=None,
)
MONOLITH = trade_graph.monolith()
API_SDL = print_schema(SUPERGRAPH.api_schema)


def test_the_monolith_has_the_same_api_schema() -> None:
    def canonical(schema: Any) -> str:
        # the gateway itself serves @defer (incremental delivery), so its API schema declares it
        kwargs = schema.to_kwargs()
        kwargs["directives"] = tuple(d for d in kwargs["directives"] if d.name != "defer")
        return print_schema(lexicographic_sort_schema(GraphQLSchema(**kwargs)))

    assert canonical(MONOLITH._schema) == canonical(SUPERGRAPH.api_schema)


async def _both(query: str) -> tuple[Any, Any]:
    federated = await GATEWAY.execute(GraphQLRequest(query=query), RequestContext())
    monolithic = await MONOLITH.execute(query)
    return federated, monolithic


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=gql.queries(API_SDL))
def test_generated_queries_match_the_monolith(query: str) -> None:
    federated, monolithic = asyncio.run(_both(query))
    assert not federated.request_error, (query, federated.errors)
    assert federated.errors == [], (query, federated.errors)
    assert monolithic.errors is None, (query, monolithic.errors)
    assert federated.data == monolithic.data, query
