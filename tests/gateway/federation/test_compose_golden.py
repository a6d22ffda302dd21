"""Whole supergraphs compared exactly with ``golden/*.graphql``: each is what ``@apollo/composition`` writes for the
same subgraphs (checked with bench/oracle/reference_composition), byte for byte."""

from __future__ import annotations

from pathlib import Path

from gateway.federation.compose import SubgraphSource, compose

from .composing import source

GOLDEN = Path(__file__).parent / "golden"


def _expected(name: str) -> str:
    return (GOLDEN / name).read_text(encoding="utf-8")


def test_one_subgraph_with_one_entity() -> None:
    strawberry_printed = '''schema @link(url: "https://specs.apollo.dev/federation/v2.11", import: ["@key"]) {
  query: Query
}

type Query {
  _entities(representations: [_Any!]!): [_Entity]!
  _service: _Service!
  shipment(awb: String!): Shipment
}

"""An air waybill"""
type Shipment @key(fields: "awb") {
  awb: String!
  pieces: Int!
}

scalar _Any

union _Entity = Shipment

type _Service {
  sdl: String!
}
'''
    supergraph = compose([SubgraphSource("cargo", "http://127.0.0.1:4101/graphql", strawberry_printed)])
    assert supergraph == _expected("one_entity.graphql")


def test_two_subgraphs_sharing_an_entity_a_value_type_and_an_enum() -> None:
    cargo = source(
        "cargo",
        """
type Query { shipment(awb: ID!): Shipment }
type Shipment @key(fields: "awb") { awb: ID! weightKg: Float status: Status! origin: Airport! @shareable }
type Airport @shareable { code: String! }
enum Status { BOOKED DEPARTED }
""",
    )
    customs = source(
        "customs-declarations",
        """
type Shipment @key(fields: "awb") {
  awb: ID!
  weightKg: Float @external
  duty: Float @requires(fields: "weightKg")
  origin: Airport @shareable
}
type Airport @shareable { code: String! }
enum Status { BOOKED CLEARED }
""",
    )
    assert compose([customs, cargo]) == _expected("shared_entity.graphql")


def test_union_interface_and_input_across_subgraphs() -> None:
    a = source(
        "a",
        """
type Query { search(filter: Filter!): [Result!]! node: Node }
interface Node { id: ID! }
type Book implements Node { id: ID! }
union Result = Book
input Filter { text: String! limit: Int = 10 }
""",
    )
    b = source(
        "b",
        """
type Mutation { noop(filter: Filter): Boolean }
input Filter { text: String limit: Int = 10 extra: Boolean }
""",
    )
    assert compose([a, b]) == _expected("abstract_and_input.graphql")


def test_output_is_deterministic_whatever_the_subgraph_order() -> None:
    a = source("a", 'type Query { a: T } type T @key(fields: "id") { id: ID! x: Int }')
    b = source("b", 'type Query { b: T } type T @key(fields: "id") { id: ID! y: Int }')
    assert compose([a, b]) == compose([b, a])
