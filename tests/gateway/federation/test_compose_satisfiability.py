"""Sets the composer must reject because no plan could answer some query, each as the reference composition does.

Every case was found by ``python -m bench.oracle.mutants`` (a generated world with one edit) where Silkgraph
accepted what ``@apollo/composition`` rejects, or the other way round; the last test runs a fixed slice of that
generator against the reference itself.
"""

from __future__ import annotations

import pytest

from bench.oracle.mutants import generate_mutant, reference_verdicts
from bench.oracle.reference import our_errors

from .composing import compose_bodies, problems_of


def test_a_key_field_marked_external_cannot_lead_away_from_a_root_field() -> None:
    # b returns T from its root field but resolves no field of T's key, so it can fetch nothing else about it
    problems = problems_of(
        a='type Query { a: Int } type T @key(fields: "id") { id: ID! name: String }',
        b='type Query { t: T } type T @key(fields: "id") { id: ID! @external extra: String }',
    )
    assert any(p.startswith("T.name cannot be reached from subgraph b (by the path Query.t)") for p in problems)


def test_a_nested_key_needs_its_subfields_from_the_same_subgraph() -> None:
    problems = problems_of(
        a="""
type Query { a: Int }
type T @key(fields: "ref { code }") { ref: Ref! name: String }
type Ref @shareable { code: String! }
""",
        b="""
type Query { t: T }
type T @key(fields: "ref { code }") { ref: Ref! }
type Ref @shareable { code: String! @external }
""",
    )
    assert any(p.startswith("T.name cannot be reached from subgraph b") for p in problems)


def test_a_requires_must_be_collectable_from_the_requiring_subgraph() -> None:
    # the required field lives in a, whose key is not resolvable: b could not fetch it, whatever path led to T
    problems = problems_of(
        a='type Query { t: T } type T @key(fields: "id", resolvable: false) { id: ID! w: Int }',
        b='type Query { b: Int } type T @key(fields: "id") { id: ID! w: Int @external x: Int @requires(fields: "w") }',
    )
    assert any(p.startswith("T.x cannot be reached from subgraph a") for p in problems)


def test_a_requires_needs_a_key_to_come_back_with_its_inputs() -> None:
    # c returns T from its root field; to add the required w it must fetch T again, by a key it resolves itself
    problems = problems_of(
        a='type Query { a: Int } type T @key(fields: "id") { id: ID! w: Int }',
        c="""
type Query { t: T }
type T @key(fields: "sku ref { code }") { id: ID! @shareable sku: String! ref: Ref! @external
  w: Int @external x: Int @requires(fields: "w") }
type Ref @shareable { code: String! }
""",
        b='type Query { b: Int } type T @key(fields: "id") @key(fields: "sku ref { code }") { id: ID! @shareable '
        "sku: String! ref: Ref! } type Ref @shareable { code: String! }",
    )
    assert any(p.startswith("T.x cannot be reached from subgraph c") for p in problems)


def test_an_interface_object_needs_a_key_to_find_the_implementation() -> None:
    problems = problems_of(
        a="""
type Query { a: Int }
interface Item @key(fields: "id") { id: ID! }
type Car implements Item @key(fields: "id") { id: ID! }
""",
        b='type Query { items: [Item!]! } type Item @key(fields: "id") @interfaceObject { id: ID! @external x: Int }',
    )
    assert any(p.startswith("the implementation type of @interfaceObject Item cannot be found") for p in problems)


def test_an_implementation_missing_an_interface_field_is_rejected() -> None:
    problems = problems_of(
        a="type Query { n: Node } interface Node { id: ID! name: String } type Car implements Node { id: ID! }",
    )
    assert 'subgraph "a": interface field Node.name expected but Car does not provide it' in problems


def test_an_interface_key_must_be_resolvable_on_every_implementation() -> None:
    problems = problems_of(
        a="""
type Query { n: Node }
interface Node @key(fields: "id") { id: ID! }
type Car implements Node @key(fields: "id", resolvable: false) { id: ID! }
""",
    )
    assert problems == [
        'subgraph "a": @key(fields: "id") on interface "Node" is resolvable, so it must be on every '
        'implementation, but "Car" declares it with resolvable: false'
    ]


def test_an_override_label_from_a_subgraph_without_the_field_moves_nothing() -> None:
    # the field belongs to c outright: no label to plan around, as the reference writes it
    supergraph = compose_bodies(
        a='type Query { t: T } type T @key(fields: "id") { id: ID! }',
        c='type Query { c: Int } type T @key(fields: "id") { id: ID! '
        'x: Int @override(from: "a", label: "percent(50)") }',
    )
    line = next(line for line in supergraph.splitlines() if line.strip().startswith("x:"))
    assert "overrideLabel" not in line and 'override: "a"' in line


MUTANTS = range(0, 150)


@pytest.mark.usefixtures("reference_composition")
def test_broken_sets_get_the_reference_verdict() -> None:
    """A fixed slice of ``bench.oracle.mutants``: accept / reject as ``@apollo/composition`` on each."""
    mutants = [m for m in (generate_mutant(seed) for seed in MUTANTS) if m is not None]
    theirs = reference_verdicts([m.sources for m in mutants])
    disagreements = []
    for mutant, reference in zip(mutants, theirs, strict=True):
        ours = our_errors(mutant.sources)
        if (ours is None) != (reference is None):
            disagreements.append(f"seed {mutant.seed} ({mutant.edit}): reference {reference and reference[0][:300]}")
    assert sum(r is not None for r in theirs) > len(mutants) // 3, "the slice should break most sets"
    assert disagreements == []
