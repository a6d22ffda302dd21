"""Directives the supergraph keeps: @inaccessible, @tag, auth, demand control, composed custom directives."""

from __future__ import annotations

from graphql import parse, validate

from gateway.federation.compose import SubgraphSource, compose
from gateway.federation.supergraph import load_supergraph

from .composing import compose_bodies, enum_values, field_directives, schema_links, sdl, type_directives


def test_inaccessible_is_kept_with_its_definition_and_security_link() -> None:
    supergraph = compose_bodies(
        a="""
type Query { a: T internal: Int @inaccessible }
type T @inaccessible { x: Int }
enum E { A B @inaccessible }
type U { f(arg: Int @inaccessible): Int }
""",
    )
    assert '@link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)' in schema_links(supergraph)
    assert (
        "directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | "
        "ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION\n"
    ) in supergraph
    assert field_directives(supergraph, "Query", "internal") == ["@inaccessible"]
    assert type_directives(supergraph, "T") == ["@join__type(graph: A)", "@inaccessible"]
    assert enum_values(supergraph, "E")["B"] == ["@join__enumValue(graph: A)", "@inaccessible"]
    assert "f(arg: Int @inaccessible): Int" in supergraph


def test_inaccessible_in_one_subgraph_hides_the_shared_element() -> None:
    supergraph = compose_bodies(
        a="type Query { a: T } type T @shareable { x: Int @inaccessible }",
        b="type Query { b: T } type T @shareable { x: Int }",
    )
    assert field_directives(supergraph, "T", "x") == ["@inaccessible"]


def test_tags_are_merged_without_duplicates() -> None:
    supergraph = compose_bodies(
        a='type Query { a: T } type T @shareable @tag(name: "public") { x: Int @tag(name: "v1") }',
        b='type Query { b: T } type T @shareable @tag(name: "public") @tag(name: "partner") { x: Int }',
    )
    assert '@link(url: "https://specs.apollo.dev/tag/v0.3")' in schema_links(supergraph)
    assert type_directives(supergraph, "T")[2:] == ['@tag(name: "public")', '@tag(name: "partner")']
    assert field_directives(supergraph, "T", "x") == ['@tag(name: "v1")']


def test_authorization_directives_are_kept_with_their_specs() -> None:
    supergraph = compose_bodies(
        payments="""
type Query {
  statement: String @authenticated
  payments: [String] @requiresScopes(scopes: [["payments:read"], ["admin"]])
  fx: Float @policy(policies: [["fx_desk"]])
}
""",
    )
    links = schema_links(supergraph)
    assert '@link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)' in links
    assert '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)' in links
    assert '@link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)' in links
    assert "directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM\n" in supergraph
    assert "directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!) on" in supergraph
    assert "directive @policy(policies: [[policy__Policy!]!]!) on" in supergraph
    assert "\nscalar requiresScopes__Scope\n" in supergraph
    assert "\nscalar policy__Policy\n" in supergraph
    assert field_directives(supergraph, "Query", "statement") == ["@authenticated"]
    assert (
        field_directives(supergraph, "Query", "payments")[0]
        == '@requiresScopes(scopes: [["payments:read"], ["admin"]])'
    )
    assert field_directives(supergraph, "Query", "fx")[0] == '@policy(policies: [["fx_desk"]])'


def test_scopes_from_several_subgraphs_are_all_required() -> None:
    supergraph = compose_bodies(
        a='type Query { a: T } type T @shareable { x: Int @requiresScopes(scopes: [["read"]]) y: Int }',
        b="""
type Query { b: T }
type T @shareable {
  x: Int @requiresScopes(scopes: [["audit"], ["admin"]])
  y: Int @policy(policies: [["desk"]])
}
""",
    )
    assert field_directives(supergraph, "T", "x") == ['@requiresScopes(scopes: [["read", "audit"], ["read", "admin"]])']
    assert field_directives(supergraph, "T", "y") == ['@policy(policies: [["desk"]])']


def test_scope_alternatives_implied_by_another_are_dropped() -> None:
    supergraph = compose_bodies(
        a='type Query { a: T } type T @shareable { x: Int @requiresScopes(scopes: [["read"]]) }',
        b='type Query { b: T } type T @shareable { x: Int @requiresScopes(scopes: [["read"], ["admin"]]) }',
    )
    assert field_directives(supergraph, "T", "x") == ['@requiresScopes(scopes: [["read"]])']


def test_cost_and_list_size_are_kept_with_the_demand_control_link() -> None:
    supergraph = compose_bodies(
        a="""
type Query {
  expensive: Int @cost(weight: 5)
  list(first: Int): [Int] @listSize(slicingArguments: ["first"], requireOneSlicingArgument: false)
}
""",
    )
    assert '@link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@listSize"])' in schema_links(supergraph)
    assert "directive @cost(weight: Int!) on" in supergraph
    assert "directive @listSize(assumedSize: Int, slicingArguments: [String!]" in supergraph
    assert field_directives(supergraph, "Query", "expensive")[0] == "@cost(weight: 5)"


def test_unused_metadata_specs_are_not_linked() -> None:
    supergraph = compose_bodies(a="type Query { a: Int }")
    assert schema_links(supergraph) == [
        '@link(url: "https://specs.apollo.dev/link/v1.0")',
        '@link(url: "https://specs.apollo.dev/join/v0.5", for: EXECUTION)',
    ]
    assert "@inaccessible" not in supergraph


def test_composed_custom_directive_is_kept_with_its_link_and_definition() -> None:
    text = (
        "directive @cacheControl(maxAge: Int!) on FIELD_DEFINITION\n\n"
        'schema @composeDirective(name: "@cacheControl") '
        '@link(url: "https://specs.apollo.dev/federation/v2.11", import: ["@composeDirective", "@key"]) '
        '@link(url: "https://example.com/cache/v1.0", import: ["@cacheControl"]) {\n  query: Query\n}\n\n'
        "type Query { rates: [Float] @cacheControl(maxAge: 30) }\n"
    )
    supergraph = compose([SubgraphSource("fx", "http://fx", text)])
    assert '@link(url: "https://example.com/cache/v1.0", import: ["@cacheControl"])' in schema_links(supergraph)
    assert "directive @cacheControl(maxAge: Int!) on FIELD_DEFINITION\n" in supergraph
    assert field_directives(supergraph, "Query", "rates") == ["@cacheControl(maxAge: 30)"]


def test_a_composed_directive_takes_an_argument_default_another_subgraph_gives() -> None:
    # customs writes @clearance(level: Level!) without a default, transit with one: the supergraph keeps the default,
    # so a client may write @clearance without arguments on either subgraph's fields
    def text(name: str, argument: str) -> str:
        return (
            f"directive @clearance({argument}) on FIELD\n"
            "enum Level { PUBLIC RESTRICTED }\n"
            'schema @composeDirective(name: "@clearance") '
            '@link(url: "https://specs.apollo.dev/federation/v2.11", import: ["@composeDirective", "@key"]) '
            '@link(url: "https://example.com/clearance/v1.0", import: ["@clearance"]) {\n  query: Query\n}\n\n'
            f"type Query {{ {name}Status: String }}\n"
        )

    supergraph = compose(
        [
            SubgraphSource("customs", "http://customs", text("customs", "level: Level!")),
            SubgraphSource("transit", "http://transit", text("transit", "level: Level! = PUBLIC")),
        ]
    )
    assert "directive @clearance(level: Level! = PUBLIC) on FIELD\n" in supergraph
    api = load_supergraph(supergraph).api_schema
    assert validate(api, parse("{ customsStatus @clearance transitStatus @clearance }")) == []


def test_custom_directive_not_composed_is_dropped() -> None:
    text = "directive @internal on FIELD_DEFINITION\n" + sdl("type Query { a: Int @internal }")
    supergraph = compose([SubgraphSource("a", "http://a", text)])
    assert "@internal" not in supergraph


def test_descriptions_and_deprecations_are_kept() -> None:
    supergraph = compose_bodies(
        a='''
"""The root"""
type Query {
  """Old field"""
  old: Int @deprecated(reason: "use new")
  new: Int
}
''',
    )
    assert '"""The root"""\ntype Query' in supergraph
    assert '  """Old field"""\n  old: Int @deprecated(reason: "use new")\n' in supergraph


def test_described_arguments_and_enum_values_print_on_their_own_lines() -> None:
    supergraph = compose_bodies(
        a='''
type Query {
  find(
    """the id"""
    id: ID!
    """
    long
    text
    """
    flag: Boolean = false @deprecated(reason: "no")
  ): Int
}
enum E {
  """first"""
  A
  """second"""
  B
}
''',
    )
    assert (
        '  find(\n    """the id"""\n    id: ID!\n\n    """\n    long\n    text\n    """\n'
        '    flag: Boolean = false @deprecated(reason: "no")\n  ): Int\n'
    ) in supergraph
    assert (
        '{\n  """first"""\n  A @join__enumValue(graph: A)\n\n  """second"""\n  B @join__enumValue(graph: A)\n}'
        in supergraph
    )
