"""The work graphql-core's OverlappingFieldsCanBeMerged rule would do on a document, counted in linear time.

The rule (spec §5.3.2, "Field Selection Merging") compares every two field selections that answer at the same
response path — the same response name under the same parent path, however many fragments and inline fragments
lie between — and every two fragments spread in one selection set. Its CPU is quadratic in those counts: 80
fragments of three ``code`` fields in one selection set, a 4 KB document within every other limit, took about
0.5 s to validate (``bench/validation_worst.py``).

:func:`overlap_comparisons` walks the document once with every fragment spread expanded (bounded by the
fragment-expansion limit, which runs first) and adds, as it goes, the pairs the rule will compare:

* for each response path, ``n * (n - 1) / 2`` for its ``n`` field selections;
* for each selection set, ``k * (k - 1) / 2`` for its ``k`` distinct fragment spreads.

It stops counting once the total passes ``stop_at``: the caller refuses the document before validation, so the
refusal costs the walk, never the rule.
"""

from __future__ import annotations

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

__all__ = ["overlap_comparisons"]


class _Over(Exception):
    pass


class _Walk:
    def __init__(self, fragments: dict[str, FragmentDefinitionNode], stop_at: int) -> None:
        self.fragments = fragments
        self.stop_at = stop_at
        self.paths: dict[tuple[int, str], int] = {}
        self.counts: list[int] = [0]
        self.total = 0

    def add(self, pairs: int) -> None:
        self.total += pairs
        if self.total > self.stop_at:
            raise _Over

    def selections(self, selection_set: SelectionSetNode, path: int, active: frozenset[str]) -> None:
        spreads: set[str] = set()
        stack = [selection_set]
        while stack:  # this selection set with its inline fragments flattened, as the rule collects it
            for selection in stack.pop().selections:
                if isinstance(selection, FieldNode):
                    name = (selection.alias or selection.name).value
                    key = (path, name)
                    node = self.paths.get(key)
                    if node is None:
                        node = self.paths[key] = len(self.counts)
                        self.counts.append(0)
                    self.add(self.counts[node])  # pairs with every earlier selection at this path
                    self.counts[node] += 1
                    if selection.selection_set is not None:
                        self.selections(selection.selection_set, node, active)
                elif isinstance(selection, InlineFragmentNode):
                    stack.append(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    spreads.add(selection.name.value)
        self.add(len(spreads) * (len(spreads) - 1) // 2)
        for name in sorted(spreads):
            fragment = self.fragments.get(name)
            if fragment is not None and name not in active:  # unknown or cyclic: validation reports it
                self.selections(fragment.selection_set, path, active | {name})


def overlap_comparisons(document: DocumentNode, *, stop_at: int) -> int:
    """The comparisons the overlap rule makes on ``document`` — or a number over ``stop_at``, found early."""
    fragments: dict[str, FragmentDefinitionNode] = {}
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            fragments.setdefault(definition.name.value, definition)
    walk = _Walk(fragments, stop_at)
    try:
        for definition in document.definitions:
            # the rule checks every operation and every fragment definition (used or not) on its own
            if isinstance(definition, OperationDefinitionNode | FragmentDefinitionNode):
                root = len(walk.counts)
                walk.counts.append(0)
                active = (
                    frozenset({definition.name.value})
                    if isinstance(definition, FragmentDefinitionNode)
                    else frozenset()
                )
                walk.selections(definition.selection_set, root, active)
    except _Over:
        return walk.total
    return walk.total
