"""Request limits that run before spec validation: one linear walk over the parsed document.

graphql-core's validation (``OverlappingFieldsCanBeMerged`` above all) costs super-linear CPU on repeated fields
and aliases, so every cap here is checked on the raw AST first. The walk:

* counts every field node (``__typename`` included), every alias, every directive and the root fields of each
  operation (aliases counted — ``a: x b: x`` is two root fields);
* measures depth through fragment spreads, with a guard so a cycle of fragments neither hangs nor recurses
  without end (validation later reports the cycle itself);
* counts introspection by its own rule: below a root ``__schema`` / ``__type`` field the general depth cap gives
  way to the introspection caps — list fields that fan out over the schema (``fields``, ``inputFields``,
  ``interfaces``, ``possibleTypes``) nested at most ``max_introspection_lists`` deep (graphql-js's
  ``MaxIntrospectionDepthRule``) and plain nesting (``ofType`` chains) at most ``max_introspection_depth``. The
  standard introspection query of graphql-js and graphql-core passes; ``fields { type { fields { type { fields``
  does not. Fields, aliases and directives under introspection count like any other; only the root fields of an
  operation get this rule, so a fragment *named* ``__schema`` or a nested ``__type`` gets no exemption.

Fragment bodies are counted once per definition (not per spread), so the work stays linear in document size;
depth is memoised per fragment so a fragment spread a thousand times is measured once.
"""

from __future__ import annotations

import dataclasses

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from gateway.errors import LimitExceeded
from gateway.policy.overlap import overlap_comparisons

__all__ = ["DocumentLimits", "DocumentShape", "check_document_chars", "measure"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class DocumentLimits:
    max_fields: int = 300
    max_aliases: int = 15
    max_depth: int = 10
    max_root_fields: int = 20
    max_directives: int = 20
    #: field selections once every fragment spread is expanded (fragment-expansion bombs)
    max_expanded_fields: int = 10_000
    #: pairs the overlapping-fields validation rule would compare (its CPU is quadratic in them; overlap.py)
    max_overlap_comparisons: int = 2_000
    #: nesting below a root ``__schema`` / ``__type`` field (graphql-js's own query is 13 deep, with ``ofType``s)
    max_introspection_depth: int = 20
    #: schema-wide list fields nested under introspection (graphql-js refuses 3)
    max_introspection_lists: int = 2

    def check(self, document: DocumentNode) -> None:
        """A ``pre_validation`` check for :class:`~gateway.federation.engine.FederatedGraph`."""
        shape = measure(document, stop_depth=max(self.max_depth, self.max_introspection_depth) + 1)
        if shape.repeated_directive is not None:
            raise LimitExceeded(
                f"directive @{shape.repeated_directive} is repeated on one selection",
                code="MAX_DIRECTIVES_LIMIT",
                limit=1,
            )
        if shape.expanded_fields > self.max_expanded_fields:
            raise LimitExceeded(
                f"the operation expands to more than {self.max_expanded_fields} field selections through fragments",
                code="MAX_RECURSIVE_SELECTIONS_LIMIT",
                limit=self.max_expanded_fields,
            )
        if shape.depth > self.max_depth:
            raise LimitExceeded(
                f"the operation nests deeper than {self.max_depth} levels", code="MAX_DEPTH_LIMIT", limit=self.max_depth
            )
        if shape.introspection_lists > self.max_introspection_lists:
            raise LimitExceeded(
                f"introspection nests {'/'.join(sorted(_INTROSPECTION_LISTS))} lists {shape.introspection_lists} "
                f"deep; at most {self.max_introspection_lists} levels are allowed",
                code="MAX_DEPTH_LIMIT",
                limit=self.max_introspection_lists,
            )
        if shape.introspection_depth > self.max_introspection_depth:
            raise LimitExceeded(
                f"the introspection query nests deeper than {self.max_introspection_depth} levels",
                code="MAX_DEPTH_LIMIT",
                limit=self.max_introspection_depth,
            )
        for value, limit, code, what in (
            (shape.fields, self.max_fields, "MAX_FIELDS_LIMIT", "fields"),
            (shape.aliases, self.max_aliases, "MAX_ALIASES_LIMIT", "aliases"),
            (shape.root_fields, self.max_root_fields, "MAX_ROOT_FIELDS_LIMIT", "root fields"),
            (shape.directives, self.max_directives, "MAX_DIRECTIVES_LIMIT", "directives"),
        ):
            if value > limit:
                raise LimitExceeded(
                    f"the operation has {value} {what}; at most {limit} are allowed", code=code, limit=limit
                )
        if overlap_comparisons(document, stop_at=self.max_overlap_comparisons) > self.max_overlap_comparisons:
            raise LimitExceeded(
                f"the operation selects the same response name at one place too often (through fields, aliases and "
                f"fragments) for validation to compare them all: at most {self.max_overlap_comparisons} pairs; "
                f"select each field once per place and merge repeated fragments",
                code="MAX_OVERLAP_COMPARISONS_LIMIT",
                limit=self.max_overlap_comparisons,
            )


def check_document_chars(query: str, limit: int) -> None:
    """The document character limit, checked before parsing."""
    if len(query) > limit:
        raise LimitExceeded(
            f"the GraphQL document has {len(query)} characters; at most {limit} are allowed",
            code="DOCUMENT_TOO_LARGE",
            limit=limit,
        )


@dataclasses.dataclass(kw_only=True)
class DocumentShape:
    fields: int = 0
    aliases: int = 0
    directives: int = 0
    root_fields: int = 0
    depth: int = 0
    #: fields after expanding fragment spreads (saturates at 10**9)
    expanded_fields: int = 0
    #: a directive named twice on one selection (no executable directive of the API is repeatable)
    repeated_directive: str | None = None
    #: depth below root ``__schema`` / ``__type`` fields (the root field is level 1; not part of ``depth``)
    introspection_depth: int = 0
    #: the deepest nesting of :data:`_INTROSPECTION_LISTS` fields under introspection
    introspection_lists: int = 0


def measure(document: DocumentNode, *, stop_depth: int = 1_000) -> DocumentShape:
    """Count the document's fields, aliases, directives, root fields and depth in one pass.

    Depth is measured up to ``stop_depth`` (anything deeper is already over the limit).
    """
    shape = DocumentShape()
    fragments: dict[str, FragmentDefinitionNode] = {}
    for definition in document.definitions:
        shape.directives += len(getattr(definition, "directives", None) or ())
        if isinstance(definition, FragmentDefinitionNode):
            fragments.setdefault(definition.name.value, definition)
        if isinstance(definition, OperationDefinitionNode | FragmentDefinitionNode):
            _count(definition.selection_set, shape)
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            shape.root_fields = max(shape.root_fields, _root_fields(definition.selection_set, fragments))
            walk = _Depth(fragments, stop_depth)
            depth = walk.of(definition.selection_set, 0)
            shape.depth = max(shape.depth, depth)
            shape.introspection_depth = max(shape.introspection_depth, walk.introspection_depth)
            shape.introspection_lists = max(shape.introspection_lists, walk.introspection_lists)
    if shape.depth >= stop_depth:
        return shape  # already over the depth limit; expanding a deep document would only recurse
    expansion = _Expansion(fragments)
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            shape.expanded_fields = max(shape.expanded_fields, expansion.of(definition.selection_set))
    return shape


def _count(selection_set: SelectionSetNode, shape: DocumentShape) -> None:
    stack = [selection_set]
    while stack:
        current = stack.pop()
        for selection in current.selections:
            directives = selection.directives or ()
            shape.directives += len(directives)
            if len(directives) > 1 and shape.repeated_directive is None:
                seen: set[str] = set()
                for d in directives:
                    if d.name.value in seen:
                        shape.repeated_directive = d.name.value
                        break
                    seen.add(d.name.value)
            if isinstance(selection, FieldNode):
                shape.fields += 1
                if selection.alias is not None:
                    shape.aliases += 1
                if selection.selection_set is not None:
                    stack.append(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                stack.append(selection.selection_set)


def _root_fields(selection_set: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode]) -> int:
    count = 0
    seen: set[str] = set()
    stack = [selection_set]
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FieldNode):
                count += 1
            elif isinstance(selection, InlineFragmentNode):
                stack.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in seen and name in fragments:
                    seen.add(name)
                    stack.append(fragments[name].selection_set)
    return count


_INTROSPECTION_ROOTS = frozenset({"__schema", "__type"})
_INTROSPECTION_LISTS = frozenset({"fields", "inputFields", "interfaces", "possibleTypes"})


class _Depth:
    """Depth of a selection set through fragments; each fragment measured once, cycles cut.

    Root ``__schema`` / ``__type`` fields are measured apart (:meth:`_introspection`) and count 1 towards the
    general depth.
    """

    def __init__(self, fragments: dict[str, FragmentDefinitionNode], stop: int) -> None:
        self.fragments = fragments
        self.stop = stop
        self.memo: dict[tuple[str, bool], int] = {}
        self.introspection_memo: dict[str, tuple[int, int]] = {}
        self.active: set[str] = set()
        self.introspection_depth = 0
        self.introspection_lists = 0

    def of(self, selection_set: SelectionSetNode, level: int) -> int:
        """Deepest field level below ``selection_set`` (relative, fields in it are level 1)."""
        if level >= self.stop:
            return 0
        deepest = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if level == 0 and selection.name.value in _INTROSPECTION_ROOTS and selection.selection_set:
                    self._introspection(selection.selection_set)
                    below = 0
                else:
                    below = self.of(selection.selection_set, level + 1) if selection.selection_set else 0
                deepest = max(deepest, 1 + below)
            elif isinstance(selection, InlineFragmentNode):
                deepest = max(deepest, self.of(selection.selection_set, level))
            elif isinstance(selection, FragmentSpreadNode):
                deepest = max(deepest, self._fragment(selection.name.value, level))
            if level + deepest >= self.stop:
                return deepest
        return deepest

    def _introspection(self, selection_set: SelectionSetNode) -> None:
        """Record the depth and list nesting below one root introspection field."""
        depth, lists = self._below(selection_set, 1)
        self.introspection_depth = max(self.introspection_depth, 1 + depth)
        self.introspection_lists = max(self.introspection_lists, lists)

    def _below(self, selection_set: SelectionSetNode, level: int) -> tuple[int, int]:
        """(deepest field level, deepest list nesting) below ``selection_set``, relative to it."""
        deepest, most = 0, 0
        if level >= self.stop:
            return deepest, most  # already over the limit: going deeper measures nothing new
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                is_list = int(selection.name.value in _INTROSPECTION_LISTS)
                depth, nested = (0, 0)
                if selection.selection_set is not None:
                    depth, nested = self._below(selection.selection_set, level + 1)
                deepest, most = max(deepest, 1 + depth), max(most, is_list + nested)
            elif isinstance(selection, InlineFragmentNode):
                depth, nested = self._below(selection.selection_set, level)
                deepest, most = max(deepest, depth), max(most, nested)
            elif isinstance(selection, FragmentSpreadNode):
                depth, nested = self._introspection_fragment(selection.name.value, level)
                deepest, most = max(deepest, depth), max(most, nested)
        return deepest, most

    def _introspection_fragment(self, name: str, level: int) -> tuple[int, int]:
        if name in self.introspection_memo:
            return self.introspection_memo[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in self.active:
            return 0, 0  # unknown or cyclic: validation reports it
        self.active.add(name)
        try:
            result = self._below(fragment.selection_set, level)
        finally:
            self.active.discard(name)
        if level + result[0] < self.stop:
            self.introspection_memo[name] = result  # a cut-off result depends on the level, so only exact ones
        return result

    def _fragment(self, name: str, level: int) -> int:
        key = (name, level == 0)  # at the root, introspection fields are measured apart
        if key in self.memo:
            return self.memo[key]
        fragment = self.fragments.get(name)
        if fragment is None or name in self.active:
            return 0  # unknown or cyclic: validation reports it
        self.active.add(name)
        try:
            depth = self.of(fragment.selection_set, level)
        finally:
            self.active.discard(name)
        if level + depth < self.stop:
            self.memo[key] = depth  # a cut-off result depends on the level, so only exact ones are kept
        return depth


class _Expansion:
    """Field selections with every fragment spread expanded; each fragment counted once (memoised), cycles cut."""

    CAP = 10**9

    def __init__(self, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.memo: dict[str, int] = {}
        self.active: set[str] = set()

    def of(self, selection_set: SelectionSetNode) -> int:
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += 1 + (self.of(selection.selection_set) if selection.selection_set else 0)
            elif isinstance(selection, InlineFragmentNode):
                total += self.of(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._fragment(selection.name.value)
            if total >= self.CAP:
                return self.CAP
        return total

    def _fragment(self, name: str) -> int:
        if name in self.memo:
            return self.memo[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in self.active:
            return 0
        self.active.add(name)
        try:
            count = self.of(fragment.selection_set)
        finally:
            self.active.discard(name)
        self.memo[name] = count
        return count
