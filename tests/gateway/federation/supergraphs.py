"""Hand-written supergraphs in the standard join format, as other composers produce them."""

from __future__ import annotations

HEADER = """
directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE
directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, \
external: Boolean, override: String, usedOverridden: Boolean, overrideLabel: String, \
contextArguments: [join__ContextArgument!]) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, \
resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) \
repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM \
| ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION
input join__ContextArgument { name: String! type: String! context: String! selection: join__FieldValue! }
scalar join__FieldSet
scalar join__FieldValue
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
"""


def schema_block(join: str = "v0.5", extra_links: str = "") -> str:
    return f"""
schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/{join}", for: EXECUTION)
  @link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)
  {extra_links}
{{
  query: Query
}}
"""


CARGO_CUSTOMS_TYPES = """
enum join__Graph {
  CARGO @join__graph(name: "cargo", url: "http://127.0.0.1:1/cargo")
  CUSTOMS @join__graph(name: "customs", url: "http://127.0.0.1:1/customs")
}

type Query @join__type(graph: CARGO) @join__type(graph: CUSTOMS) {
  shipment(awb: ID!): Shipment @join__field(graph: CARGO)
  shipments: [Shipment!]! @join__field(graph: CARGO)
  internalNote: String @join__field(graph: CARGO) @inaccessible
}

type Shipment @join__type(graph: CARGO, key: "awb") @join__type(graph: CUSTOMS, key: "awb") {
  awb: ID!
  weight: Float @join__field(graph: CARGO) @join__field(graph: CUSTOMS, external: true)
  status: String! @join__field(graph: CARGO)
  duty: Float @join__field(graph: CUSTOMS, requires: "weight")
  cleared: Boolean! @join__field(graph: CUSTOMS)
  secretScore: Int @join__field(graph: CUSTOMS) @inaccessible
}
"""


def cargo_customs(join: str = "v0.5") -> str:
    return schema_block(join) + HEADER + CARGO_CUSTOMS_TYPES
