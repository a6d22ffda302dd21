"""Entities: keys, @external/@requires/@provides, @shareable, @override, @interfaceObject."""

from __future__ import annotations

from .composing import compose_bodies, field_directives, field_names, field_type, problems_of, type_directives

PRODUCT_OWNER = """
type Query { product(id: ID!): Product }
type Product @key(fields: "id") { id: ID! name: String weight: Float }
"""


def test_single_key_gives_one_join_type_per_subgraph() -> None:
    supergraph = compose_bodies(
        products=PRODUCT_OWNER, reviews='type Product @key(fields: "id") { id: ID! rating: Int }'
    )
    assert type_directives(supergraph, "Product") == [
        '@join__type(graph: PRODUCTS, key: "id")',
        '@join__type(graph: REVIEWS, key: "id")',
    ]
    assert field_directives(supergraph, "Product", "id") == []
    assert field_directives(supergraph, "Product", "rating") == ["@join__field(graph: REVIEWS)"]


def test_multiple_compound_and_nested_keys_are_each_listed() -> None:
    supergraph = compose_bodies(
        trade="""
type Query { company: Company }
type Company @key(fields: "country taxId") @key(fields: "registry { code number }") {
  country: String! taxId: String! registry: Registry!
}
type Registry { code: String! number: String! }
"""
    )
    assert type_directives(supergraph, "Company") == [
        '@join__type(graph: TRADE, key: "country taxId")',
        '@join__type(graph: TRADE, key: "registry { code number }")',
    ]


def test_resolvable_false_stub_is_kept_on_its_join_type() -> None:
    supergraph = compose_bodies(
        products=PRODUCT_OWNER,
        payments="""
type Query { paidProduct: Product }
type Product @key(fields: "id", resolvable: false) { id: ID! }
""",
    )
    assert '@join__type(graph: PAYMENTS, key: "id", resolvable: false)' in type_directives(supergraph, "Product")


def test_extend_type_and_extends_mark_the_join_type_as_extension() -> None:
    supergraph = compose_bodies(
        products=PRODUCT_OWNER,
        reviews='extend type Product @key(fields: "id") { id: ID! rating: Int }',
        stock='type Product @key(fields: "id") @extends { id: ID! inStock: Boolean }',
    )
    assert type_directives(supergraph, "Product") == [
        '@join__type(graph: PRODUCTS, key: "id")',
        '@join__type(graph: REVIEWS, key: "id", extension: true)',
        '@join__type(graph: STOCK, key: "id", extension: true)',
    ]


def test_external_key_fields_of_an_extension_are_resolved_by_it_in_federation_2_too() -> None:
    # the Fed 1 habit: an extension marks its key fields @external, yet it resolves them (its root field
    # returns them); composition treats them as its own, so the gateway may read the key from it
    supergraph = compose_bodies(
        products=PRODUCT_OWNER,
        catalogue="""
type Query { top: [Product] }
type Product @extends @key(fields: "id") { id: ID! @external rank: Int }
""",
        ranking='extend type Product @key(fields: "id") { id: ID! @external score: Int }',
    )
    assert not any("external: true" in d for d in field_directives(supergraph, "Product", "id"))


def test_external_and_requires_with_field_arguments() -> None:
    supergraph = compose_bodies(
        products="""
type Query { product(id: ID!): Product }
type Product @key(fields: "id") { id: ID! weight(unit: Unit!): Float }
enum Unit { KG LB }
""",
        shipping="""
type Product @key(fields: "id") {
  id: ID!
  weight(unit: Unit!): Float @external
  cost: Float @requires(fields: "weight(unit: KG)")
}
enum Unit { KG LB }
""",
    )
    assert field_directives(supergraph, "Product", "weight") == [
        "@join__field(graph: PRODUCTS)",
        "@join__field(graph: SHIPPING, external: true)",
    ]
    assert field_directives(supergraph, "Product", "cost") == [
        '@join__field(graph: SHIPPING, requires: "weight(unit: KG)")'
    ]


def test_provides_on_a_shareable_field() -> None:
    supergraph = compose_bodies(
        products="""
type Query { product(id: ID!): Product }
type Product @key(fields: "id") { id: ID! name: String @shareable }
""",
        search="""
type Query { topProducts: [Product] @provides(fields: "name") }
type Product @key(fields: "id") { id: ID! name: String @external }
""",
    )
    assert field_directives(supergraph, "Query", "topProducts") == ['@join__field(graph: SEARCH, provides: "name")']
    assert field_directives(supergraph, "Product", "name") == [
        "@join__field(graph: PRODUCTS)",
        "@join__field(graph: SEARCH, external: true)",
    ]


def test_shareable_fields_resolved_by_several_subgraphs_need_no_join_field() -> None:
    supergraph = compose_bodies(
        a="type Query { a: Money } type Money @shareable { amount: Float! currency: String! }",
        b="type Query { b: Money } type Money { amount: Float! @shareable currency: String! @shareable }",
    )
    assert field_directives(supergraph, "Money", "amount") == []
    assert type_directives(supergraph, "Money") == ["@join__type(graph: A)", "@join__type(graph: B)"]


def test_output_field_type_widens_to_nullable_and_records_each_subgraph_type() -> None:
    supergraph = compose_bodies(
        a="type Query { a: T } type T @shareable { x: Int! }",
        b="type Query { b: T } type T @shareable { x: Int }",
    )
    assert field_type(supergraph, "T", "x") == "Int"
    assert field_directives(supergraph, "T", "x") == [
        '@join__field(graph: A, type: "Int!")',
        '@join__field(graph: B, type: "Int")',
    ]


def test_override_moves_the_field_and_drops_the_unused_old_owner() -> None:
    supergraph = compose_bodies(
        legacy=PRODUCT_OWNER,
        modern='type Product @key(fields: "id") { id: ID! name: String @override(from: "legacy") }',
    )
    assert field_directives(supergraph, "Product", "name") == ['@join__field(graph: MODERN, override: "legacy")']


def test_override_of_a_field_still_used_by_a_key_marks_used_overridden() -> None:
    # (the reference composition checks the same set: legacy still takes representations by sku)
    supergraph = compose_bodies(
        legacy="""
type Query { legacyVersion: Int }
type Product @key(fields: "sku") { sku: String! name: String }
""",
        modern="""
type Query { product: Product }
type Product @key(fields: "sku") { sku: String! @override(from: "legacy") }
""",
    )
    assert field_directives(supergraph, "Product", "sku") == [
        "@join__field(graph: LEGACY, usedOverridden: true)",
        '@join__field(graph: MODERN, override: "legacy")',
    ]


def test_progressive_override_labels_both_sides() -> None:
    supergraph = compose_bodies(
        legacy=PRODUCT_OWNER,
        modern="""
type Product @key(fields: "id") { id: ID! name: String @override(from: "legacy", label: "percent(25)") }
""",
    )
    assert field_directives(supergraph, "Product", "name") == [
        '@join__field(graph: LEGACY, overrideLabel: "percent(25)")',
        '@join__field(graph: MODERN, override: "legacy", overrideLabel: "percent(25)")',
    ]


def test_interface_object_contributes_fields_to_the_entity_interface_and_its_implementations() -> None:
    supergraph = compose_bodies(
        media="""
type Query { media: [Media] }
interface Media @key(fields: "id") { id: ID! title: String }
type Book implements Media @key(fields: "id") { id: ID! title: String pages: Int }
""",
        reviews="""
type Media @key(fields: "id") @interfaceObject { id: ID! reviews: [String!] }
""",
    )
    assert type_directives(supergraph, "Media") == [
        '@join__type(graph: MEDIA, key: "id")',
        '@join__type(graph: REVIEWS, key: "id", isInterfaceObject: true)',
    ]
    assert field_directives(supergraph, "Media", "reviews") == ["@join__field(graph: REVIEWS)"]
    assert field_directives(supergraph, "Media", "title") == ["@join__field(graph: MEDIA)"]
    assert "reviews" in field_names(supergraph, "Book")
    assert field_directives(supergraph, "Book", "reviews") == ["@join__field"]


def test_non_shareable_field_in_two_subgraphs_is_an_error() -> None:
    problems = problems_of(a="type Query { a: Money } type Money { amount: Float }", b="type Money { amount: Float }")
    assert problems == [
        'non-shareable field "Money.amount" is resolved from several subgraphs: it is resolved from "a" and "b" '
        'and defined as non-shareable in "a", "b"; mark it @shareable in every subgraph that resolves it, or move '
        "it to one owner (use @override to migrate it)"
    ]


def test_root_field_in_two_subgraphs_must_be_shareable() -> None:
    problems = problems_of(a="type Query { ping: Int }", b="type Query { ping: Int @shareable }")
    assert len(problems) == 1
    assert '"Query.ping"' in problems[0]
    assert 'non-shareable in "a"' in problems[0]


def test_provided_field_must_be_shareable_in_its_owner() -> None:
    problems = problems_of(
        products=PRODUCT_OWNER,
        search="""
type Query { top: [Product] @provides(fields: "name") }
type Product @key(fields: "id") { id: ID! name: String @external }
""",
    )
    assert len(problems) == 1
    assert 'non-shareable field "Product.name"' in problems[0]


def test_key_fields_are_shareable_without_the_directive() -> None:
    supergraph = compose_bodies(products=PRODUCT_OWNER, reviews='type Product @key(fields: "id") { id: ID! }')
    assert field_directives(supergraph, "Product", "id") == []


def test_external_declarations_do_not_shape_the_field_type() -> None:
    supergraph = compose_bodies(
        products='type Query { p: Product } type Product @key(fields: "id") { id: ID! weight: Float! }',
        shipping="""
type Product @key(fields: "id") { id: ID! weight: Float @external cost: Int @requires(fields: "weight") }
""",
    )
    assert field_type(supergraph, "Product", "weight") == "Float!"
    assert field_directives(supergraph, "Product", "weight") == [
        "@join__field(graph: PRODUCTS)",
        "@join__field(graph: SHIPPING, external: true)",
    ]


def test_external_with_an_incompatible_type_is_an_error() -> None:
    problems = problems_of(
        products='type Query { p: Product } type Product @key(fields: "id") { id: ID! weight: Float }',
        shipping="""
type Product @key(fields: "id") { id: ID! weight: String @external cost: Int @requires(fields: "weight") }
""",
    )
    assert problems == [
        'field "Product.weight" is declared @external in subgraph "shipping" with type "String", incompatible with '
        'its type "Float" in the subgraphs that resolve it'
    ]


def test_provides_may_select_interface_fields_whose_implementations_are_all_external() -> None:
    # @external cannot go on an interface field: Parcel.weight counts as external in the provider because every
    # implementation there marks it so
    owner = """
type Query { version: Int }
interface Document { id: ID! parcels: [Parcel] }
interface Parcel { id: ID! weight: Float }
type Crate implements Parcel @key(fields: "id") { id: ID! weight: Float @shareable }
type Drum implements Parcel @key(fields: "id") { id: ID! weight: Float @shareable }
type Manifest implements Document @key(fields: "id") { id: ID! parcels: [Parcel] @shareable }
"""
    provider = """
type Query { manifest: Document @provides(fields: "parcels { weight }") }
interface Document { id: ID! parcels: [Parcel] }
interface Parcel { id: ID! weight: Float }
type Crate implements Parcel @key(fields: "id") { id: ID! weight: Float @external }
type Drum implements Parcel @key(fields: "id") { id: ID! weight: Float %s }
type Manifest implements Document @key(fields: "id") { id: ID! parcels: [Parcel] @shareable }
"""
    supergraph = compose_bodies(owner=owner, provider=provider % "@external")
    assert '@join__field(graph: PROVIDER, provides: "parcels { weight }")' in field_directives(
        supergraph, "Query", "manifest"
    )
    # one implementation resolving the field itself: the interface field is not external here
    problems = problems_of(owner=owner, provider=provider % "@shareable")
    assert any('field "Parcel.weight" is resolved by this subgraph anyway' in p for p in problems)
