"""Run oracle cases: the gateway's answer over the generated subgraphs against graphql-core over the monolith."""

from __future__ import annotations

import dataclasses
import json
import random
from typing import Any

from graphql import GraphQLSchema, graphql_sync, parse, validate

from bench.oracle.executable import OracleTransport, monolith_schema, subgraph_schema
from bench.oracle.operations import generate_operation
from bench.oracle.sdl import views
from bench.oracle.world import World, generate_world
from gateway.errors import CompositionError, PlanningError, SupergraphError
from gateway.federation.compose import SubgraphSource, compose
from gateway.federation.engine import FederatedGraph, GraphQLRequest
from gateway.federation.supergraph import load_supergraph
from gateway.sdk.context import RequestContext

__all__ = ["Difference", "Tally", "run_world"]


@dataclasses.dataclass
class Difference:
    seed: int
    operation: str
    expected: Any
    got: Any
    errors: list[Any]
    subgraphs: dict[str, str]
    plan: str = ""

    def describe(self) -> str:
        sdls = "\n".join(f"--- subgraph {name}\n{sdl}" for name, sdl in self.subgraphs.items())
        return (
            f"seed {self.seed}\noperation: {self.operation}\nexpected: {json.dumps(self.expected)}\n"
            f"got:      {json.dumps(self.got)}\nerrors:   {json.dumps(self.errors)[:2000]}\n{self.plan}\n{sdls}"
        )


@dataclasses.dataclass
class Tally:
    worlds: int = 0
    rejected: int = 0
    cases: int = 0
    differences: list[Difference] = dataclasses.field(default_factory=list)
    rejections: list[str] = dataclasses.field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.worlds += other.worlds
        self.rejected += other.rejected
        self.cases += other.cases
        self.differences.extend(other.differences)
        self.rejections.extend(other.rejections)


def _operation(rng: random.Random, schema: GraphQLSchema, world: World) -> str:
    for _ in range(20):
        text = generate_operation(rng, schema, world)
        if not validate(schema, parse(text)):
            return text
    raise AssertionError(f"seed {world.seed}: no valid operation in 20 tries")


async def run_world(seed: int, operations: int) -> Tally:
    """Compose one generated world and run ``operations`` generated operations against it."""
    tally = Tally(worlds=1)
    world = generate_world(seed)
    graph_views = views(world)
    sources = [SubgraphSource(name, f"http://{name}.oracle/graphql", v.sdl) for name, v in graph_views.items()]
    try:
        supergraph = load_supergraph(compose(sources))
    except (CompositionError, SupergraphError) as error:
        tally.rejected = 1
        tally.rejections.append(f"seed {seed}: {error}")
        return tally
    transports = {name: OracleTransport(subgraph_schema(world, v)) for name, v in graph_views.items()}
    gateway = FederatedGraph(supergraph, transports, max_tokens=None)
    monolith = monolith_schema(world)
    rng = random.Random(seed * 7919 + 1)
    for _ in range(operations):
        text = _operation(rng, monolith, world)
        expected = graphql_sync(monolith, text)
        assert not expected.errors, (seed, text, expected.errors)
        got = await gateway.execute(GraphQLRequest(query=text), RequestContext())
        tally.cases += 1
        if got.errors or json.dumps(got.data) != json.dumps(expected.data):
            try:
                plan = str(gateway.planner.plan(parse(text), None, frozenset()))
            except PlanningError as error:
                plan = f"plan failed: {error}"
            tally.differences.append(
                Difference(
                    seed,
                    text,
                    expected.data,
                    got.data,
                    list(got.errors or []),
                    {n: v.sdl for n, v in graph_views.items()},
                    plan,
                )
            )
    return tally
