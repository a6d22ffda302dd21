"""The linear pre-validation walk: each limit, counted the way an attacker cannot dodge."""

from __future__ import annotations

import pytest
from graphql import parse

from gateway.errors import LimitExceeded
from gateway.policy.limits import DocumentLimits, check_document_chars, measure

LIMITS = DocumentLimits(max_fields=50, max_aliases=5, max_depth=4, max_root_fields=3, max_directives=4)


def rejected(query: str, limits: DocumentLimits = LIMITS) -> LimitExceeded:
    with pytest.raises(LimitExceeded) as caught:
        limits.check(parse(query))
    return caught.value


def test_counts_fields_aliases_directives_root_fields_and_depth() -> None:
    shape = measure(parse("query Q @a { x: f g @b { h { i } } } fragment F on T { y: j @c }"))
    assert (shape.fields, shape.aliases, shape.directives, shape.root_fields, shape.depth) == (5, 2, 3, 2, 3)


def test_typename_aliases_count_like_any_alias() -> None:
    error = rejected("{ " + " ".join(f"a{i}: __typename" for i in range(6)) + " }")
    assert error.code == "MAX_ALIASES_LIMIT" and error.extensions["limit"] == 5


def test_aliases_hidden_in_fragments_are_counted() -> None:
    query = "{ ...F } fragment F on Query { " + " ".join(f"a{i}: x" for i in range(6)) + " }"
    assert rejected(query).code == "MAX_ALIASES_LIMIT"


def test_depth_counts_through_fragments() -> None:
    query = "{ a { ...B } } fragment B on T { b { ...C } } fragment C on T { c { d { e } } }"
    error = rejected(query)
    assert error.code == "MAX_DEPTH_LIMIT" and error.extensions["limit"] == 4


def test_a_fragment_named_like_introspection_gets_no_exemption() -> None:
    query = "{ a { ...__schema } } fragment __schema on T { b { c { d { e } } } }"
    assert rejected(query).code == "MAX_DEPTH_LIMIT"


def test_introspection_lists_nested_three_deep_are_refused_through_fragments() -> None:
    query = "{ __schema { types { ...F } } } fragment F on __Type { fields { type { fields { type { ...G } } } } }"
    query += " fragment G on __Type { interfaces { name } }"
    error = rejected(query)
    assert error.code == "MAX_DEPTH_LIMIT" and error.extensions["limit"] == 2
    assert "introspection" in str(error)


def test_introspection_nests_by_its_own_depth_cap_not_the_general_one() -> None:
    of_types = '{ __type(name: "T") { ' + "ofType { " * 12 + "name" + " }" * 12 + " } }"
    LIMITS.check(parse(of_types))  # 14 levels: over max_depth=4, within the introspection cap (20)
    too_deep = '{ __type(name: "T") { ' + "ofType { " * 20 + "name" + " }" * 20 + " } }"
    error = rejected(too_deep)
    assert error.code == "MAX_DEPTH_LIMIT" and error.extensions["limit"] == 20


def test_only_root_introspection_fields_get_the_introspection_rule() -> None:
    assert rejected('{ a { __type(name: "T") { b { c { d } } } } }').code == "MAX_DEPTH_LIMIT"
    assert rejected("{ a { __schema { b { c { d } } } } }").code == "MAX_DEPTH_LIMIT"
    via_fragment = "{ ...Root } fragment Root on Query { __schema { types { ofType { ofType { ofType { name } } } } } }"
    LIMITS.check(parse(via_fragment))


def test_introspection_fields_still_count_as_fields_and_aliases() -> None:
    aliases = "{ __schema { " + " ".join(f"t{i}: types {{ name }}" for i in range(6)) + " } }"
    assert rejected(aliases).code == "MAX_ALIASES_LIMIT"


def test_a_root_fragment_bomb_under_introspection_is_measured_once_per_fragment() -> None:
    bomb = "{ __schema { types { ...F0 } } } " + " ".join(
        f"fragment F{i} on __Type {{ ofType {{ ...F{i + 1} ...F{i + 1} }} }}" for i in range(40)
    )
    bomb += " fragment F40 on __Type { name }"
    shape = measure(parse(bomb))
    assert shape.introspection_depth == 43  # __schema, types, 40 ofType, name: no 2**40 walk
    assert rejected(bomb).code == "MAX_RECURSIVE_SELECTIONS_LIMIT"  # 2**40 selections once expanded


def test_circular_fragments_terminate() -> None:
    shape = measure(parse("{ ...A } fragment A on Query { a { ...B } } fragment B on T { b { ...A } }"))
    assert shape.depth >= 2
    DocumentLimits().check(parse("{ ...A } fragment A on Query { ...A }"))  # validation reports the cycle later


def test_root_fields_count_each_alias() -> None:
    assert rejected("{ a: x b: x c: x d: x }", DocumentLimits(max_aliases=10, max_root_fields=3)).code == (
        "MAX_ROOT_FIELDS_LIMIT"
    )


def test_directives_on_one_field_are_counted() -> None:
    assert rejected("{ x " + "@aa " * 5 + "}").code == "MAX_DIRECTIVES_LIMIT"


def test_field_node_cap() -> None:
    assert rejected("{ " + "x " * 51 + "}").code == "MAX_FIELDS_LIMIT"


def test_fragment_expansion_bomb_is_refused() -> None:
    levels = ["fragment L0 on T { a b c d e f g h i j }"]
    for n in range(1, 6):
        spreads = " ".join(f"...L{n - 1}" for _ in range(10))
        levels.append(f"fragment L{n} on T {{ {spreads} }}")
    query = "{ x { ...L5 } } " + " ".join(levels)
    error = rejected(query, DocumentLimits(max_directives=1000, max_fields=1000))
    assert error.code == "MAX_RECURSIVE_SELECTIONS_LIMIT"


def test_ordinary_operation_passes() -> None:
    DocumentLimits().check(parse("query Q($a: ID!) { shipment(awb: $a) { awb status weight } }"))


def test_document_character_limit() -> None:
    with pytest.raises(LimitExceeded) as caught:
        check_document_chars("{ x }" + " " * 100, 100)
    assert caught.value.code == "DOCUMENT_TOO_LARGE" and caught.value.extensions["limit"] == 100
    check_document_chars("{ x }", 100)


def test_a_directive_repeated_on_one_field_is_refused_before_validation() -> None:
    error = rejected("{ x @aa @aa }", DocumentLimits())
    assert error.code == "MAX_DIRECTIVES_LIMIT" and "@aa" in error.message
