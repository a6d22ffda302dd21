"""Type merging: interfaces, unions, enums, inputs, arguments, roots, links."""

from __future__ import annotations

from graphql import build_ast_schema, parse

from gateway.federation.compose import SubgraphSource, compose

from .composing import (
    compose_bodies,
    enum_values,
    field_directives,
    field_of,
    has_type,
    input_fields,
    problems_of,
    sdl,
    source,
    type_directives,
)


def test_interfaces_and_unions_record_which_subgraph_knows_each_implementation_and_member() -> None:
    supergraph = compose_bodies(
        a="""
type Query { things: [Thing] }
interface Node { id: ID! }
type Car implements Node @key(fields: "id") { id: ID! }
union Thing = Car
""",
        b="""
interface Node { id: ID! }
type Car implements Node @key(fields: "id") { id: ID! }
type Boat implements Node { id: ID! }
union Thing = Car | Boat
type Query { boat: Boat }
""",
    )
    assert type_directives(supergraph, "Car") == [
        '@join__implements(graph: A, interface: "Node")',
        '@join__implements(graph: B, interface: "Node")',
        '@join__type(graph: A, key: "id")',
        '@join__type(graph: B, key: "id")',
    ]
    assert type_directives(supergraph, "Thing") == [
        "@join__type(graph: A)",
        "@join__type(graph: B)",
        '@join__unionMember(graph: A, member: "Car")',
        '@join__unionMember(graph: B, member: "Car")',
        '@join__unionMember(graph: B, member: "Boat")',
    ]
    assert "union Thing\n  @join__type(graph: A)" in supergraph
    assert '@join__unionMember(graph: B, member: "Boat")\n = Car | Boat\n' in supergraph


def test_output_only_enum_takes_the_union_of_values() -> None:
    supergraph = compose_bodies(
        a="type Query { a: Colour } enum Colour { RED GREEN }",
        b="type Query { b: Colour } enum Colour { RED BLUE }",
    )
    assert enum_values(supergraph, "Colour") == {
        "RED": ["@join__enumValue(graph: A)", "@join__enumValue(graph: B)"],
        "GREEN": ["@join__enumValue(graph: A)"],
        "BLUE": ["@join__enumValue(graph: B)"],
    }


def test_input_only_enum_takes_the_intersection_of_values() -> None:
    supergraph = compose_bodies(
        a="type Query { a(c: Colour): Int } enum Colour { RED GREEN }",
        b="type Query { b(c: Colour): Int } enum Colour { RED BLUE }",
    )
    assert enum_values(supergraph, "Colour") == {"RED": ["@join__enumValue(graph: A)", "@join__enumValue(graph: B)"]}


def test_an_inaccessible_enum_value_may_be_missing_from_subgraphs_of_an_input_and_output_enum() -> None:
    supergraph = compose_bodies(
        customs="type Query { declarations(stage: Stage!): [Stage] } enum Stage { LODGED RELEASED }",
        cargo="type Query { stage: Stage } enum Stage { LODGED RELEASED PURGED @inaccessible }",
    )
    values = enum_values(supergraph, "Stage")
    assert list(values) == ["LODGED", "RELEASED", "PURGED"]
    assert "@inaccessible" in values["PURGED"]


def test_enum_used_as_input_and_output_must_be_identical() -> None:
    problems = problems_of(
        a="type Query { a(c: Colour): Colour } enum Colour { RED GREEN }",
        b="type Query { b: Colour } enum Colour { RED }",
    )
    assert problems == [
        'enum "Colour" is used both as an input and an output type, so its values must be the same in every '
        'subgraph, but value "GREEN" is defined in a and not in b'
    ]


def test_input_types_keep_common_fields_with_the_most_restrictive_type() -> None:
    supergraph = compose_bodies(
        a="type Query { a(f: Filter): Int } input Filter { text: String! limit: Int onlyA: Boolean }",
        b="type Query { b(f: Filter): Int } input Filter { text: String limit: Int }",
    )
    assert input_fields(supergraph, "Filter") == {"text": "String!", "limit": "Int"}


def test_input_field_required_in_one_subgraph_and_missing_in_another_is_an_error() -> None:
    problems = problems_of(
        a="type Query { a(f: Filter): Int } input Filter { text: String! }",
        b="type Query { b(f: Filter): Int } input Filter { text: String! page: Int! }",
    )
    assert problems == [
        "\"Filter.page\" is required in subgraph(s) 'b' but missing in others that define its parent; "
        "add it everywhere or make it optional"
    ]


def test_arguments_merge_by_intersection_and_optional_extras_are_dropped() -> None:
    supergraph = compose_bodies(
        a="type Query { a: T } type T @shareable { f(x: Int, y: Int): Int }",
        b="type Query { b: T } type T @shareable { f(x: Int!): Int }",
    )
    field = field_of(supergraph, "T", "f")
    assert [a.name.value for a in getattr(field, "arguments", ())] == ["x"]
    assert "  f(x: Int!): Int\n" in supergraph


def test_conflicting_field_types_name_every_subgraph() -> None:
    problems = problems_of(
        a="type Query { a: T } type T @shareable { f: Int }",
        b="type Query { b: T } type T @shareable { f: String }",
    )
    assert problems == [
        'field "T.f" has incompatible types across subgraphs: "Int" in subgraph "a", "String" in subgraph "b"'
    ]


def test_mutations_and_subscriptions_become_root_operations() -> None:
    supergraph = compose_bodies(
        a="type Query { a: Int } type Mutation { pay(amount: Int!): Boolean }",
        b="type Subscription { events: String }",
    )
    assert "  query: Query\n  mutation: Mutation\n  subscription: Subscription\n" in supergraph
    assert type_directives(supergraph, "Mutation") == ["@join__type(graph: A)"]
    # b has no root query field of its own: it is still listed on Query (as the reference composition does),
    # and Query.a names its graph
    assert type_directives(supergraph, "Query") == ["@join__type(graph: A)", "@join__type(graph: B)"]
    assert field_directives(supergraph, "Query", "a") == ["@join__field(graph: A)"]


def test_renamed_root_types_are_normalised() -> None:
    supergraph = compose(
        [
            source("a", "type RootQuery { a: Item } type Item { id: ID! }", roots="query: RootQuery"),
            source("b", "type Query { b: Int }"),
        ]
    )
    assert not has_type(supergraph, "RootQuery")
    assert field_directives(supergraph, "Query", "a") == ["@join__field(graph: A)"]


def test_federation_machinery_never_reaches_the_supergraph() -> None:
    body = """
type Query { _entities(representations: [_Any!]!): [_Entity]! _service: _Service! a: T }
type T @key(fields: "id") { id: ID! }
scalar _Any
scalar FieldSet
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
union _Entity = T
type _Service { sdl: String }
directive @key(fields: FieldSet!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
"""
    supergraph = compose_bodies(a=body)
    for name in ("_Any", "_Entity", "_Service", "FieldSet"):
        assert not has_type(supergraph, name)
    assert "_entities" not in supergraph
    assert "_service" not in supergraph
    assert "directive @key" not in supergraph


def test_renamed_imports_and_the_federation_prefix_are_understood() -> None:
    text = (
        'schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
        'import: [{name: "@key", as: "@primaryKey"}, "@external"]) { query: Query }\n'
        'type Query { t: T } type T @primaryKey(fields: "id") { id: ID! n: Int @federation__shareable }\n'
    )
    other = sdl('type T @key(fields: "id") { id: ID! n: Int @shareable }')
    supergraph = compose([SubgraphSource("a", "http://a", text), SubgraphSource("b", "http://b", other)])
    assert type_directives(supergraph, "T") == ['@join__type(graph: A, key: "id")', '@join__type(graph: B, key: "id")']
    assert field_directives(supergraph, "T", "n") == []


def test_linked_as_namespace_is_honoured() -> None:
    text = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.0", as: "fed")\n'
        'type Query { t: T } type T @fed__key(fields: "id") { id: ID! }\n'
    )
    supergraph = compose([SubgraphSource("a", "http://a", text)])
    assert type_directives(supergraph, "T") == ['@join__type(graph: A, key: "id")']


def test_graph_enum_values_are_upper_cased_and_unique() -> None:
    supergraph = compose_bodies(**{"trade-docs": "type Query { a: Int }", "trade_docs": "type Query { b: Int }"})
    assert 'TRADE_DOCS @join__graph(name: "trade-docs"' in supergraph
    assert 'TRADE_DOCS_1 @join__graph(name: "trade_docs"' in supergraph


def test_supergraph_builds_with_graphql_core() -> None:
    supergraph = compose_bodies(
        a="""
type Query { things: [Thing] byFilter(f: Filter): Int }
interface Node @key(fields: "id") { id: ID! }
type Car implements Node @key(fields: "id") { id: ID! colour: Colour @tag(name: "public") }
union Thing = Car
enum Colour { RED }
input Filter { colour: Colour }
scalar Date
""",
        b="""
type Node @key(fields: "id") @interfaceObject { id: ID! rating: Int @authenticated }
type Query { top: Node @inaccessible }
""",
    )
    schema = build_ast_schema(parse(supergraph))
    assert schema.query_type is not None
    assert set(schema.query_type.fields) == {"things", "byFilter", "top"}
    assert "rating" in schema.get_type("Car").fields  # type: ignore[union-attr]
    assert supergraph.endswith("\n") and not supergraph.endswith("\n\n")
    assert not any(line.endswith(" ") for line in supergraph.splitlines())


def test_federation_1_subgraph_is_upgraded() -> None:
    fed1 = """
extend type Product @key(fields: "id") {
  id: ID! @external
  stock: Int
}
type Money { amount: Int }
type Query { price: Money }
"""
    owner = sdl(
        'type Query { product: Product money: Money } type Product @key(fields: "id") { id: ID! } '
        "type Money @shareable { amount: Int }"
    )
    supergraph = compose([SubgraphSource("legacy", "http://legacy", fed1), SubgraphSource("owner", "http://o", owner)])
    assert type_directives(supergraph, "Product") == [
        '@join__type(graph: LEGACY, key: "id", extension: true)',
        '@join__type(graph: OWNER, key: "id")',
    ]
    assert field_directives(supergraph, "Product", "id") == []
    assert field_directives(supergraph, "Money", "amount") == []
