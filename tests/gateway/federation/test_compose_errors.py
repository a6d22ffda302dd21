"""Every composition problem is reported, each naming the subgraph, type and field involved."""

from __future__ import annotations

import pytest

from gateway.errors import CompositionError
from gateway.federation.compose import SubgraphSource, compose

from .composing import compose_bodies, problems_of, sdl, source


def _problems(*sources: SubgraphSource) -> list[str]:
    with pytest.raises(CompositionError) as raised:
        compose(list(sources))
    return raised.value.problems


def test_no_subgraphs() -> None:
    assert _problems() == ["no subgraphs to compose; give at least one"]


def test_invalid_sdl_names_the_subgraph_and_line() -> None:
    problems = _problems(SubgraphSource("tax", "http://tax", "type Query {\n  a: Int\n  b: \n}\n"))
    assert len(problems) == 1
    assert problems[0].startswith('subgraph "tax": invalid SDL at line 4, column 1: Syntax Error')


def test_duplicate_subgraph_names() -> None:
    problems = _problems(source("tax", "type Query { a: Int }"), source("tax", "type Query { b: Int }"))
    assert problems == ['subgraph name "tax" is used more than once; subgraph names must be unique']


def test_unknown_federation_import() -> None:
    problems = _problems(source("a", "type Query { a: Int }", imports=("@key", "@nonexistent")))
    assert len(problems) == 1
    assert problems[0].startswith(
        'subgraph "a": @link(url: "https://specs.apollo.dev/federation/v2.11") imports unknown directive "@nonexistent"'
    )


def test_directive_newer_than_the_linked_federation_version() -> None:
    problems = _problems(source("a", "type Query { a: Int }", imports=("@key", "@interfaceObject"), version="2.2"))
    assert len(problems) == 1
    assert 'imports unknown directive "@interfaceObject"' in problems[0]


def test_unsupported_federation_version() -> None:
    problems = _problems(source("a", "type Query { a: Int }", imports=("@key",), version="3.0"))
    assert problems == [
        'subgraph "a": unsupported federation version in @link(url: "https://specs.apollo.dev/federation/v3.0"); '
        "use v2.0 to v2.14"
    ]


def test_directive_used_without_import() -> None:
    problems = _problems(source("a", "type Query { a: Int @shareable }", imports=("@key",)))
    assert problems == [
        'subgraph "a": unknown directive "@shareable" on field "Query.a"; import it in the federation @link '
        "or define it in the subgraph"
    ]


def test_key_on_an_unknown_field() -> None:
    problems = problems_of(a='type Query { t: T } type T @key(fields: "id sku") { id: ID! }')
    assert problems == [
        'subgraph "a": on type "T", @key(fields: "id sku"): cannot query field "sku" on type "T" in subgraph "a"; '
        "add the field to this subgraph (with @external if another subgraph resolves it)"
    ]


def test_key_with_invalid_syntax_or_missing_selection() -> None:
    problems = problems_of(
        a="""
type Query { t: T u: U }
type T @key(fields: "id {") { id: ID! }
type U @key(fields: "ref") { ref: T }
"""
    )
    assert problems == [
        'subgraph "a": on type "T", @key(fields: "id {"): invalid field set syntax',
        'subgraph "a": on type "U", @key(fields: "ref"): field "U.ref" is of composite type "T" and needs a selection',
    ]


def test_requires_on_unknown_and_non_external_fields() -> None:
    problems = problems_of(
        a='type Query { t: T } type T @key(fields: "id") { id: ID! w: Int }',
        b="""
type T @key(fields: "id") {
  id: ID!
  w: Int @shareable
  x: Int @requires(fields: "missing")
  y: Int @requires(fields: "w")
}
""",
    )
    assert 'subgraph "b": on field "T.x", @requires(fields: "missing"): cannot query field "missing"' in problems[0]
    assert problems[1] == (
        'subgraph "b": on field "T.y", @requires(fields: "w"): field "T.w" is resolved by this subgraph; '
        "a required field must be marked @external"
    )


def test_provides_on_unknown_field_and_on_a_scalar() -> None:
    problems = problems_of(
        a="""
type Query { t: T @provides(fields: "nope") n: Int @provides(fields: "x") }
type T @key(fields: "id") { id: ID! }
"""
    )
    assert 'on field "Query.t", @provides(fields: "nope"): cannot query field "nope" on type "T"' in problems[0]
    assert problems[1] == (
        'subgraph "a": on field "Query.n", @provides(fields: "x"): the field returns "Int", not an object or interface'
    )


def test_override_errors() -> None:
    problems = problems_of(
        a="""
type Query { t: T }
type T @key(fields: "id") {
  id: ID!
  x: Int @override(from: "a")
  y: Int @override(from: "b", label: "percent(150)")
}
""",
        b='type T @key(fields: "id") { id: ID! y: Int }',
    )
    assert problems[0] == (
        'subgraph "a": field "T.x" has @override(from: "a"); a subgraph cannot override its own field, remove the '
        "directive"
    )
    assert problems[1].startswith('subgraph "a": field "T.y" has @override(from: "b", label: "percent(150)")')


def test_field_external_everywhere() -> None:
    problems = problems_of(
        a='type Query { t: T } type T @key(fields: "id") { id: ID! w: Int @external x: Int @requires(fields: "w") }',
    )
    assert problems == [
        'field "T.w" is marked @external in every subgraph that defines it (a); one subgraph must resolve it'
    ]


def test_fields_added_behind_a_non_resolvable_key() -> None:
    problems = problems_of(
        tax='type Query { company: Company } type Company @key(fields: "id") { id: ID! name: String }',
        payments='type Company @key(fields: "id", resolvable: false) { id: ID! accounts: [String!] }',
    )
    assert problems == [
        'subgraph "payments" adds field(s) accounts to entity "Company" but declares it only with '
        '@key(resolvable: false), so the gateway cannot fetch them; make the key resolvable in "payments"'
    ]


def test_stub_with_only_key_fields_is_fine() -> None:
    problems_free = compose_bodies(
        tax='type Query { company: Company } type Company @key(fields: "id") { id: ID! name: String }',
        payments="""
type Query { payment: Payment }
type Payment @key(fields: "uetr") { uetr: ID! payer: Company }
type Company @key(fields: "id", resolvable: false) { id: ID! }
""",
    )
    assert '@join__type(graph: PAYMENTS, key: "id", resolvable: false)' in problems_free


def test_a_reference_by_a_non_resolvable_key_composes() -> None:
    composed = compose_bodies(
        tax='type Query { company: Company } type Company @key(fields: "id") { id: ID! name: String }',
        payments="""
type Query { payer: Payer }
type Payer { company: Company }
type Company @key(fields: "id", resolvable: false) { id: ID! }
""",
    )
    assert '@join__type(graph: PAYMENTS, key: "id", resolvable: false)' in composed


def test_a_field_only_behind_a_non_resolvable_key_is_unsatisfiable_from_other_roots() -> None:
    # the reference composition rejects this set too: { company { accounts } } cannot be planned from tax
    problems = problems_of(
        tax='type Query { company: Company } type Company @key(fields: "id") { id: ID! name: String }',
        payments="""
type Query { payer: Payer }
type Payer { company: Company }
type Company @key(fields: "id", resolvable: false) { id: ID! accounts: [String!] }
""",
    )
    assert problems == [
        "Company.accounts cannot be reached from subgraph tax (by the path Query.company): no subgraph that "
        "resolves it can be reached by a @key whose fields tax can supply"
    ]


def test_a_field_overridden_away_cannot_serve_as_a_key_to_leave_its_old_subgraph() -> None:
    problems = problems_of(
        legacy='type Query { product: Product } type Product @key(fields: "sku") { sku: String! name: String }',
        modern="""
type Query { m: Int }
type Product @key(fields: "sku") { id: ID! sku: String! @override(from: "legacy") }
""",
    )
    assert sorted(problems) == [
        "Product.id cannot be reached from subgraph legacy (by the path Query.product): no subgraph that resolves "
        "it can be reached by a @key whose fields legacy can supply",
        "Product.sku cannot be reached from subgraph legacy (by the path Query.product): no subgraph that resolves "
        "it can be reached by a @key whose fields legacy can supply",
    ]


def test_type_kind_mismatch() -> None:
    problems = problems_of(a="type Query { t: T } type T { x: Int }", b="interface T { x: Int }")
    assert problems == [
        'type "T" has mismatched kinds across subgraphs: object type in subgraph "a", interface type in subgraph "b"'
    ]


def test_reference_to_an_undefined_type() -> None:
    problems = problems_of(a="type Query { t: Missing }")
    assert problems == ['subgraph "a": "Query.t" refers to type "Missing", which no subgraph defines']


def test_implementation_missing_an_interface_field() -> None:
    problems = problems_of(
        a="type Query { n: Node } interface Node { id: ID! } type Car implements Node { id: ID! }",
        b="interface Node { id: ID! name: String }",
    )
    assert problems == [
        'type "Car" implements interface "Node" but has no field(s) name in any subgraph; add them where "Car" is '
        "defined"
    ]


def test_interface_object_without_an_entity_interface() -> None:
    problems = problems_of(a='type Query { m: M } type M @key(fields: "id") @interfaceObject { id: ID! }')
    assert problems == [
        'type "M" is an @interfaceObject in subgraph(s) "a" but no subgraph defines an interface "M" with a @key'
    ]


def test_renamed_root_clashing_with_a_type_named_query() -> None:
    problems = _problems(source("a", "type Root { a: Query } type Query { x: Int }", roots="query: Root"))
    assert problems[0] == (
        'subgraph "a": the query root type is "Root" but the subgraph also defines a type named "Query"; rename that '
        'type so the root can be normalised to "Query"'
    )


def test_composed_directive_must_be_linked_and_defined() -> None:
    text = (
        "directive @hint on FIELD_DEFINITION\n"
        'schema @composeDirective(name: "@hint") @composeDirective(name: "@gone") '
        '@link(url: "https://specs.apollo.dev/federation/v2.11", import: ["@composeDirective"]) { query: Query }\n'
        "type Query { a: Int @hint }\n"
    )
    problems = _problems(SubgraphSource("a", "http://a", text))
    assert problems == [
        'subgraph "a": @composeDirective(name: "@hint"): @hint must be imported from a spec with '
        "@link(url: ..., import: [...])",
        'subgraph "a": @composeDirective(name: "@gone"): the subgraph does not define directive @gone; add its '
        "definition",
    ]


def test_all_problems_are_reported_together() -> None:
    with pytest.raises(CompositionError) as raised:
        compose(
            [
                SubgraphSource("bad", "http://bad", "type Query {"),
                source("a", 'type Query { t: T } type T @key(fields: "nope") { id: ID! }'),
                source("b", "type Query { t: Int }"),
            ]
        )
    assert len(raised.value.problems) == 3
    assert "composition failed with 3 problem(s)" in str(raised.value)


def test_empty_query_is_an_error() -> None:
    assert _problems(SubgraphSource("a", "http://a", sdl('type T @key(fields: "id") { id: ID! }'))) == [
        "no subgraph defines a field on the Query type; at least one root query field is needed"
    ]


def test_unused_external_field() -> None:
    problems = problems_of(
        a='type Query { t: T } type T @key(fields: "id") { id: ID! w: Int }',
        b='type T @key(fields: "id") { id: ID! w: Int @external }',
    )
    assert problems == [
        'subgraph "b": field "T.w" is marked @external but no @key, @requires or @provides of this subgraph uses '
        "it; remove it, or drop @external if this subgraph resolves it"
    ]


def test_requires_may_pass_through_an_owned_field_but_its_leaves_must_be_external() -> None:
    problems = problems_of(
        a='type Query { t: T } type L @key(fields: "id") { id: ID! hs: String qty: Int @shareable }',
        b="""
type T @key(fields: "id") {
  id: ID!
  lines(limit: Int!): [L]
  x: Int @requires(fields: "lines(limit: 2) { hs }")
  y: Int @requires(fields: "lines(limit: 2) { qty }")
}
type L @key(fields: "id") { id: ID! hs: String @external qty: Int @shareable }
""",
    )
    assert problems == [
        'subgraph "b": on field "T.y", @requires(fields: "lines(limit: 2) { qty }"): field "L.qty" is resolved by '
        "this subgraph; a required field must be marked @external"
    ]


def test_an_interface_key_missing_on_an_implementation_is_rejected() -> None:
    # as the reference composition (INTERFACE_KEY_NOT_ON_IMPLEMENTATION)
    problems = problems_of(
        a="""
type Query { n: Node }
interface Node @key(fields: "id") { id: ID! }
type Car implements Node @key(fields: "vin") { id: ID! vin: String! }
""",
        b='type Query { m: Int } type Node @key(fields: "id") @interfaceObject { id: ID! extra: String }',
    )
    assert problems == [
        'subgraph "a": @key(fields: "id") on interface "Node" is missing on its implementation "Car"; add the same '
        '@key to "Car"'
    ]


def test_an_interface_key_where_implementations_are_missing_is_rejected() -> None:
    # as the reference composition (INTERFACE_KEY_MISSING_IMPLEMENTATION_TYPE)
    problems = problems_of(
        a="""
type Query { n: Node }
interface Node @key(fields: "id") { id: ID! }
type Car implements Node @key(fields: "id") { id: ID! }
""",
        b='type Query { m: Int } interface Node { id: ID! } type Bike implements Node @key(fields: "id") { id: ID! }',
    )
    assert problems == [
        'subgraph "a": interface "Node" has a resolvable @key there, but the subgraph lacks \'Bike\' of its '
        'implementations in the supergraph; define them there (implementing "Node"), since it answers which object '
        "an interface key stands for"
    ]


def test_an_interface_object_subgraph_defining_an_implementation_is_rejected() -> None:
    # as the reference composition (INTERFACE_OBJECT_USAGE_ERROR): it could not tell a Car from its interface
    problems = problems_of(
        a="""
type Query { n: Node }
interface Node @key(fields: "id") { id: ID! }
type Car implements Node @key(fields: "id") { id: ID! }
""",
        b="""
type Query { m: Int }
type Node @key(fields: "id") @interfaceObject { id: ID! extra: String }
type Car @key(fields: "id") { id: ID! plate: String }
""",
    )
    assert problems == [
        'subgraph "b": "Node" is an @interfaceObject there, so that subgraph must not define its implementations, '
        "but it defines 'Car'; move their fields to the subgraphs that own them, or to the interface object"
    ]


def test_a_schema_root_naming_an_undefined_type_is_rejected() -> None:
    # as the reference composition ("Cannot set schema query root to unknown type Query")
    sdl_text = (
        'schema @link(url: "https://specs.apollo.dev/federation/v2.11", import: ["@key"]) { query: Query }\n'
        'type T @key(fields: "id") { id: ID! }'
    )
    problems = _problems(
        source("a", 'type Query { t: T } type T @key(fields: "id") { id: ID! }'),
        SubgraphSource("b", "http://b", sdl_text),
    )
    assert problems == [
        'subgraph "b": the schema sets the query root to "Query", a type the subgraph does not define; define it '
        "or drop it from the schema definition"
    ]
