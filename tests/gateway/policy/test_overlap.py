"""The overlap-comparison limit: the pairs graphql-core's OverlappingFieldsCanBeMerged would compare, counted in
one linear walk before validation, so no accepted document can make validation quadratic."""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

import pytest
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.errors import LimitExceeded
from gateway.policy.limits import DocumentLimits
from gateway.policy.overlap import overlap_comparisons

OPERATIONS = Path(__file__).parents[3] / "gateway" / "operations"


def _reference(text: str) -> int:
    """The same count by brute force: expand every spread into response paths, then count pairs per path."""
    document = parse(text)
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    paths: Counter[tuple[object, ...]] = Counter()
    fragment_pairs = 0

    def walk(selection_set: SelectionSetNode, prefix: tuple[object, ...], active: frozenset[str]) -> None:
        nonlocal fragment_pairs
        flat: list[object] = []
        pending = list(selection_set.selections)
        while pending:
            selection = pending.pop(0)
            if isinstance(selection, InlineFragmentNode):
                pending.extend(selection.selection_set.selections)
            else:
                flat.append(selection)
        spreads = sorted({s.name.value for s in flat if isinstance(s, FragmentSpreadNode)})
        fragment_pairs += len(list(itertools.combinations(spreads, 2)))
        for selection in flat:
            if isinstance(selection, FieldNode):
                path = (*prefix, (selection.alias or selection.name).value)
                paths[path] += 1
                if selection.selection_set:
                    walk(selection.selection_set, path, active)
        for name in spreads:
            if name in fragments and name not in active:
                walk(fragments[name].selection_set, prefix, active | {name})

    for i, definition in enumerate(document.definitions):
        if isinstance(definition, OperationDefinitionNode | FragmentDefinitionNode):
            own = frozenset({definition.name.value}) if isinstance(definition, FragmentDefinitionNode) else frozenset()
            walk(definition.selection_set, (i,), own)
    return fragment_pairs + sum(n * (n - 1) // 2 for n in paths.values())


NAMES = st.sampled_from(["a", "b", "c"])


@st.composite
def selections(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["field", "alias", "nested", "inline", "spread"] if depth < 3 else ["field"]))
        if kind == "field":
            parts.append(draw(NAMES))
        elif kind == "alias":
            parts.append(f"{draw(NAMES)}: {draw(NAMES)}")
        elif kind == "nested":
            parts.append(f"{draw(NAMES)} {{ {draw(selections(depth + 1))} }}")
        elif kind == "inline":
            parts.append(f"... on T {{ {draw(selections(depth + 1))} }}")
        else:
            parts.append(f"...F{draw(st.integers(0, 2))}")
    return " ".join(parts)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(operation=selections(), fragments=st.lists(selections(1), min_size=3, max_size=3))
def test_the_walk_counts_what_a_brute_force_expansion_counts(operation: str, fragments: list[str]) -> None:
    text = f"{{ {operation} }} " + " ".join(f"fragment F{i} on T {{ {body} }}" for i, body in enumerate(fragments))
    assert overlap_comparisons(parse(text), stop_at=10**9) == _reference(text)


def test_the_counting_stops_early_past_the_limit() -> None:
    text = "{ " + " ".join(["a"] * 1000) + " }"
    assert 100 < overlap_comparisons(parse(text), stop_at=100) < 1000


def test_many_fragments_of_the_same_fields_are_refused_before_validation() -> None:
    # 80 fragments of three `code` each: ~0.5 s of validation before this limit, within every other limit
    body = " ".join(["code"] * 3)
    text = "{ countries { " + " ".join(f"...F{i}" for i in range(80)) + " } } "
    text += " ".join(f"fragment F{i} on Country {{ {body} }}" for i in range(80))
    with pytest.raises(LimitExceeded) as caught:
        DocumentLimits().check(parse(text))
    assert caught.value.code == "MAX_OVERLAP_COMPARISONS_LIMIT"
    assert caught.value.extensions["limit"] == 2000


@pytest.mark.parametrize("path", sorted(OPERATIONS.glob("*.graphql")), ids=lambda p: p.stem)
def test_the_platforms_own_operations_are_far_below_the_limit(path: Path) -> None:
    document = parse(path.read_text())
    DocumentLimits().check(document)
    assert overlap_comparisons(document, stop_at=10**9) < 200
