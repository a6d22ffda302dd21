"""Whole supergraphs, written by hand from the join v0.5 spec, compared exactly."""

from __future__ import annotations

from gateway.federation.compose import SubgraphSource, compose

from .composing import source

SPEC_DEFINITIONS = '''directive @join__directive(graphs: [join__Graph!], name: String!, args: join__DirectiveArguments) repeatable on SCHEMA | OBJECT | INTERFACE | FIELD_DEFINITION

directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE

directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean, overrideLabel: String, contextArguments: [join__ContextArgument!]) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION

directive @join__graph(name: String!, url: String!) on ENUM_VALUE

directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE

directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR

directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION

directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA

input join__ContextArgument {
  name: String!
  type: String!
  context: String!
  selection: join__FieldValue!
}

scalar join__DirectiveArguments

scalar join__FieldSet

scalar join__FieldValue
'''

LINK_TYPES = '''scalar link__Import

enum link__Purpose {
  """
  `SECURITY` features provide metadata necessary to securely resolve fields.
  """
  SECURITY

  """
  `EXECUTION` features provide metadata necessary for operation execution.
  """
  EXECUTION
}
'''

SCHEMA = '''schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.5", for: EXECUTION)
{
  query: Query
}
'''


def test_one_subgraph_with_one_entity() -> None:
    supergraph = compose(
        [
            SubgraphSource(
                "cargo",
                "http://127.0.0.1:4101/graphql",
                'schema @link(url: "https://specs.apollo.dev/federation/v2.11", import: ["@key"]) {\n'
                "  query: Query\n}\n\n"
                'type Query {\n  _entities(representations: [_Any!]!): [_Entity]!\n  _service: _Service!\n'
                "  shipment(awb: String!): Shipment\n}\n\n"
                '"""An air waybill"""\ntype Shipment @key(fields: "awb") {\n  awb: String!\n  pieces: Int!\n}\n\n'
                "scalar _Any\n\nunion _Entity = Shipment\n\ntype _Service {\n  sdl: String!\n}\n",
            )
        ]
    )
    assert supergraph == (
        SCHEMA
        + "\n"
        + SPEC_DEFINITIONS
        + '''
enum join__Graph {
  CARGO @join__graph(name: "cargo", url: "http://127.0.0.1:4101/graphql")
}

'''
        + LINK_TYPES
        + '''
type Query
  @join__type(graph: CARGO)
{
  shipment(awb: String!): Shipment
}

"""An air waybill"""
type Shipment
  @join__type(graph: CARGO, key: "awb")
{
  awb: String!
  pieces: Int!
}
'''
    )


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
    supergraph = compose([customs, cargo])
    assert supergraph == (
        SCHEMA
        + "\n"
        + SPEC_DEFINITIONS
        + '''
enum join__Graph {
  CARGO @join__graph(name: "cargo", url: "http://cargo.test/graphql")
  CUSTOMS_DECLARATIONS @join__graph(name: "customs-declarations", url: "http://customs-declarations.test/graphql")
}

'''
        + LINK_TYPES
        + '''
type Airport
  @join__type(graph: CARGO)
  @join__type(graph: CUSTOMS_DECLARATIONS)
{
  code: String!
}

type Query
  @join__type(graph: CARGO)
  @join__type(graph: CUSTOMS_DECLARATIONS)
{
  shipment(awb: ID!): Shipment @join__field(graph: CARGO)
}

type Shipment
  @join__type(graph: CARGO, key: "awb")
  @join__type(graph: CUSTOMS_DECLARATIONS, key: "awb")
{
  awb: ID!
  weightKg: Float @join__field(graph: CARGO) @join__field(graph: CUSTOMS_DECLARATIONS, external: true)
  status: Status! @join__field(graph: CARGO)
  origin: Airport @join__field(graph: CARGO, type: "Airport!") @join__field(graph: CUSTOMS_DECLARATIONS, type: "Airport")
  duty: Float @join__field(graph: CUSTOMS_DECLARATIONS, requires: "weightKg")
}

enum Status
  @join__type(graph: CARGO)
  @join__type(graph: CUSTOMS_DECLARATIONS)
{
  BOOKED @join__enumValue(graph: CARGO) @join__enumValue(graph: CUSTOMS_DECLARATIONS)
  DEPARTED @join__enumValue(graph: CARGO)
  CLEARED @join__enumValue(graph: CUSTOMS_DECLARATIONS)
}
'''
    )


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
    supergraph = compose([a, b])
    assert supergraph == (
        SCHEMA.replace("  query: Query\n", "  query: Query\n  mutation: Mutation\n")
        + "\n"
        + SPEC_DEFINITIONS
        + '''
enum join__Graph {
  A @join__graph(name: "a", url: "http://a.test/graphql")
  B @join__graph(name: "b", url: "http://b.test/graphql")
}

'''
        + LINK_TYPES
        + '''
type Book implements Node
  @join__type(graph: A)
  @join__implements(graph: A, interface: "Node")
{
  id: ID!
}

input Filter
  @join__type(graph: A)
  @join__type(graph: B)
{
  text: String! @join__field(graph: A, type: "String!") @join__field(graph: B, type: "String")
  limit: Int = 10
}

type Mutation
  @join__type(graph: B)
{
  noop(filter: Filter): Boolean
}

interface Node
  @join__type(graph: A)
{
  id: ID!
}

type Query
  @join__type(graph: A)
  @join__type(graph: B)
{
  search(filter: Filter!): [Result!]! @join__field(graph: A)
  node: Node @join__field(graph: A)
}

union Result
  @join__type(graph: A)
  @join__unionMember(graph: A, member: "Book")
 = Book
'''
    )
