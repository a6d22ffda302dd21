"""Shape the merged fetch results into the client's response, with GraphQL null propagation.

Walks the client's operation over the merged data: keeps only what the client selected, in its order and under
its aliases; evaluates ``@skip``/``@include`` with the request's variables; resolves ``__typename`` and type
conditions from the runtime type; and applies "Handling Field Errors" — a null in a non-null position nulls the
nearest nullable ancestor, with one error per path (an error already reported at or below the path is enough).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from graphql import (
    BooleanValueNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionNode,
    VariableNode,
    is_abstract_type,
    is_leaf_type,
)

__all__ = ["ShapeCache", "shape_response"]


def included(node: Any, variables: Mapping[str, Any]) -> bool:
    """``@skip``/``@include`` on a selection, evaluated with the request's (already validated) variables."""
    for directive in getattr(node, "directives", None) or ():
        name = directive.name.value
        if name not in ("skip", "include"):
            continue
        condition = False
        for arg in directive.arguments or ():
            if arg.name.value == "if":
                if isinstance(arg.value, BooleanValueNode):
                    condition = arg.value.value
                elif isinstance(arg.value, VariableNode):
                    condition = bool(variables.get(arg.value.name.value))
        if (name == "skip" and condition) or (name == "include" and not condition):
            return False
    return True


class _Null(Exception):
    """Propagates a null to the nearest nullable ancestor."""


def shape_response(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    data: Mapping[str, Any],
    errors: list[dict[str, Any]],
    cache: ShapeCache | None = None,
    *,
    denied: Mapping[int, dict[str, Any]] | None = None,
    supergraph_schema: GraphQLSchema | None = None,
) -> dict[str, Any] | None:
    """Shape ``data`` for ``operation``.

    ``denied`` holds the fields authorization removed (``id(FieldNode)`` → error): each is ``null`` with its error.
    ``supergraph_schema`` (the schema before ``@inaccessible`` elements were removed) tells an inaccessible
    object type or enum value, which a subgraph may legitimately return, from a wrong answer.
    """
    root = {
        "query": schema.query_type,
        "mutation": schema.mutation_type,
        "subscription": schema.subscription_type,
    }[operation.operation.value]
    assert root is not None
    shaper = _Shaper(schema, fragments, variables, errors, cache)
    shaper.denied = denied or {}
    shaper.full = supergraph_schema
    try:
        return shaper.object(root, tuple(operation.selection_set.selections), data, [])
    except _Null:
        return None


@dataclasses.dataclass(slots=True)
class _Occurrence:
    node: FieldNode
    #: nodes on the way to this field that carry @skip/@include (fragments, spreads, the field itself)
    conditions: tuple[Any, ...]


@dataclasses.dataclass(slots=True)
class _Entry:
    """One response key of a selection set for one runtime type, compiled once per document."""

    key: str
    name: str
    occurrences: list[_Occurrence]
    unconditional: bool = True
    sub: tuple[SelectionNode, ...] = ()
    nodes: tuple[FieldNode, ...] = ()
    #: how to shape the value: one of the ``_KIND_*`` constants, decided once per (selection set, type)
    kind: int = 0
    #: the field's output type on the runtime type (``None`` for ``__typename`` and unknown fields)
    type: Any = None
    #: a plain leaf (scalar, not an enum, not a list) in a non-null position
    non_null: bool = False


_KIND_VALUE, _KIND_LEAF, _KIND_TYPENAME, _KIND_INTROSPECTION, _KIND_UNKNOWN = range(5)


def _kind(type_: Any, name: str) -> tuple[int, Any, bool]:
    """(kind, field type, non-null leaf) of field ``name`` on ``type_``."""
    if name == "__typename":
        return _KIND_TYPENAME, None, False
    if name in ("__schema", "__type"):
        return _KIND_INTROSPECTION, None, False
    field_def = type_.fields.get(name)
    if field_def is None:
        return _KIND_UNKNOWN, None, False
    field_type = field_def.type
    inner = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
    if is_leaf_type(inner) and not isinstance(inner, GraphQLEnumType):
        return _KIND_LEAF, field_type, isinstance(field_type, GraphQLNonNull)
    return _KIND_VALUE, field_type, False


class ShapeCache:
    """Field collection results per (selection set, runtime type), kept with the parsed document."""

    def __init__(self) -> None:
        self.entries: dict[tuple[tuple[int, ...], str, bool], list[_Entry]] = {}
        self.subs: dict[tuple[int, ...], tuple[SelectionNode, ...]] = {}
        #: the same entries by the identity of the selections tuple (kept in the value, so the id stays its own):
        #: a list of 500 objects looks its entries up 500 times, without rebuilding a key of node ids each time
        self.by_tuple: dict[tuple[int, str, bool], tuple[tuple[SelectionNode, ...], list[_Entry]]] = {}


class _Shaper:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        errors: list[dict[str, Any]],
        cache: ShapeCache | None = None,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.errors = errors
        self.cache = cache or ShapeCache()
        self._error_paths = {tuple(e["path"]) for e in errors if isinstance(e.get("path"), list)}
        self.denied: Mapping[int, dict[str, Any]] = {}
        self.full: GraphQLSchema | None = None

    def _included(self, node: Any) -> bool:
        return included(node, self.variables)

    def compile(self, type_: Any, selections: tuple[SelectionNode, ...], virtual: bool) -> list[_Entry]:
        hit = self.cache.by_tuple.get((id(selections), type_.name, virtual))
        if hit is not None and hit[0] is selections:
            return hit[1]
        entries = self._compile(type_, selections, virtual)
        self.cache.by_tuple[(id(selections), type_.name, virtual)] = (selections, entries)
        return entries

    def _compile(self, type_: Any, selections: tuple[SelectionNode, ...], virtual: bool) -> list[_Entry]:
        key = (tuple(map(id, selections)), type_.name, virtual)
        entries = self.cache.entries.get(key)
        if entries is None:
            by_key: dict[str, _Entry] = {}
            self._compile_into(by_key, type_, selections, virtual, (), set())
            for entry in by_key.values():
                entry.unconditional = all(not o.conditions for o in entry.occurrences)
                entry.nodes = tuple(o.node for o in entry.occurrences)
                entry.sub = self._sub(list(entry.nodes))
                entry.kind, entry.type, entry.non_null = _kind(type_, entry.name)
            entries = self.cache.entries[key] = list(by_key.values())
        return entries

    def _sub(self, nodes: list[FieldNode]) -> tuple[SelectionNode, ...]:
        """The merged sub-selections of several field nodes; the same tuple for the same nodes (cache keys)."""
        key = tuple(map(id, nodes))
        sub = self.cache.subs.get(key)
        if sub is None:
            sub = self.cache.subs[key] = tuple(s for n in nodes if n.selection_set for s in n.selection_set.selections)
        return sub

    def _compile_into(
        self,
        out: dict[str, _Entry],
        type_: Any,
        selections: Iterable[SelectionNode],
        virtual: bool,
        conditions: tuple[Any, ...],
        visited: set[str],
    ) -> None:
        for s in selections:
            conds = (*conditions, s) if s.directives else conditions
            if isinstance(s, FieldNode):
                key = s.alias.value if s.alias else s.name.value
                entry = out.get(key)
                if entry is None:
                    entry = out[key] = _Entry(key=key, name=s.name.value, occurrences=[])
                entry.occurrences.append(_Occurrence(s, conds))
            elif isinstance(s, InlineFragmentNode):
                if s.type_condition is None or self._applies(s.type_condition.name.value, type_, virtual):
                    self._compile_into(out, type_, s.selection_set.selections, virtual, conds, visited)
            elif isinstance(s, FragmentSpreadNode):
                name = s.name.value
                frag = self.fragments.get(name)
                if frag is None or name in visited:
                    continue
                if self._applies(frag.type_condition.name.value, type_, virtual):
                    self._compile_into(out, type_, frag.selection_set.selections, virtual, conds, visited | {name})

    def _applies(self, cond: str, type_: Any, virtual: bool) -> bool:
        if cond == type_.name:
            return True
        if virtual:
            return False
        cond_type = self.schema.get_type(cond)
        return (
            cond_type is not None
            and is_abstract_type(cond_type)
            and isinstance(type_, GraphQLObjectType)
            and self.schema.is_sub_type(cond_type, type_)
        )

    def object(
        self,
        type_: Any,
        selections: tuple[SelectionNode, ...],
        data: Mapping[str, Any],
        path: list[Any],
        virtual: bool = False,
    ) -> dict[str, Any]:
        # the hot loop of every response: plain leaves (most fields) take the short way, without a path list
        result: dict[str, Any] = {}
        denied = self.denied
        for entry in self.compile(type_, selections, virtual):
            key = entry.key
            if entry.unconditional:
                sub, nodes = entry.sub, entry.nodes
            else:
                included_nodes = [o.node for o in entry.occurrences if all(self._included(c) for c in o.conditions)]
                if not included_nodes:
                    continue
                sub, nodes = self._sub(included_nodes), tuple(included_nodes)
            kind = entry.kind
            if kind == _KIND_TYPENAME:
                result[key] = type_.name
                continue
            if kind == _KIND_INTROSPECTION:
                result[key] = data.get(key)
                continue
            if kind == _KIND_UNKNOWN:
                continue
            if denied:
                refusal = next((denied[id(n)] for n in nodes if id(n) in denied), None)
                if refusal is not None:
                    self.errors.append({**refusal, "path": [*path, key]})
                    self._error_paths.add((*path, key))
                    result[key] = None
                    if isinstance(entry.type, GraphQLNonNull):
                        raise _Null
                    continue
            if kind == _KIND_LEAF:
                leaf = data.get(key)
                result[key] = leaf
                if leaf is None and entry.non_null:
                    self._null_error([*path, key], key in data)
                    raise _Null
                continue
            try:
                result[key] = self.value(entry.type, sub, data.get(key), [*path, key], present=key in data)
            except _Null:
                result[key] = None
                if isinstance(entry.type, GraphQLNonNull):
                    raise
        return result

    def value(
        self,
        type_: Any,
        sub: tuple[SelectionNode, ...],
        value: Any,
        path: list[Any],
        present: bool = True,
    ) -> Any:
        non_null = type_.__class__ is GraphQLNonNull
        if non_null:
            if value is None:
                self._null_error(path, present)
                raise _Null
            type_ = type_.of_type
        elif value is None:
            return None
        cls = type_.__class__
        if cls is GraphQLObjectType and value.__class__ is dict:
            return self.object(type_, sub, value, path)  # the common case, first
        if cls is GraphQLList:
            if not isinstance(value, list):
                self._error(path, "Expected a list from the subgraph")
                return None
            item_type = type_.of_type
            inner = item_type.of_type if item_type.__class__ is GraphQLNonNull else item_type
            objects = inner if inner.__class__ is GraphQLObjectType else None
            out = []
            for i, item in enumerate(value):
                try:
                    if objects is not None and item.__class__ is dict:  # what value() would do, one call less
                        out.append(self.object(objects, sub, item, [*path, i]))
                    else:
                        out.append(self.value(item_type, sub, item, [*path, i]))
                except _Null:
                    raise _Null from None  # a null in a non-null list item nulls the list
            return out
        if is_leaf_type(type_):
            if isinstance(type_, GraphQLEnumType) and isinstance(value, str) and value not in type_.values:
                if self._hidden_enum_value(type_.name, value):
                    self._hidden(path, non_null)
                    return None
                self._error(path, f"Enum value {value!r} is not a value of {type_.name} in the API schema")
                return None
            return value
        if not isinstance(value, dict):
            self._error(path, "Expected an object from the subgraph")
            return None
        if is_abstract_type(type_):
            typename = value.get("__typename")
            runtime = self.schema.get_type(typename) if isinstance(typename, str) else None
            if isinstance(runtime, GraphQLObjectType) and self.schema.is_sub_type(type_, runtime):
                return self.object(runtime, sub, value, path)
            if runtime is type_ or (typename is None and not self._asks_typename(type_, sub)):
                # an @interfaceObject subgraph does not know concrete types: when the selection needs none,
                # the fields of the interface itself are all there is to shape
                return self.object(type_, sub, value, path, virtual=True)
            if isinstance(typename, str) and self._hidden_member(type_.name, typename):
                self._hidden(path, non_null)
                return None
            self._error(path, f"Abstract type {type_.name} resolved to an unknown or inaccessible type")
            return None
        return self.object(type_, sub, value, path)

    def _asks_typename(self, type_: Any, sub: tuple[SelectionNode, ...]) -> bool:
        return any(e.kind == _KIND_TYPENAME for e in self.compile(type_, sub, True))

    def _hidden_member(self, abstract: str, typename: str) -> bool:
        """Is ``typename`` an ``@inaccessible`` object type that belongs to ``abstract`` in the supergraph?"""
        if self.full is None or self.schema.get_type(typename) is not None:
            return False
        full_abstract, full_runtime = self.full.get_type(abstract), self.full.get_type(typename)
        return (
            full_abstract is not None
            and is_abstract_type(full_abstract)
            and isinstance(full_runtime, GraphQLObjectType)
            and self.full.is_sub_type(full_abstract, full_runtime)
        )

    def _hidden_enum_value(self, enum: str, value: str) -> bool:
        """Is ``value`` an ``@inaccessible`` value of ``enum`` in the supergraph?"""
        full_enum = self.full.get_type(enum) if self.full is not None else None
        return isinstance(full_enum, GraphQLEnumType) and value in full_enum.values

    def _hidden(self, path: list[Any], non_null: bool) -> None:
        """An ``@inaccessible`` type or enum value reads as null, as if the subgraph had not answered it: in a
        nullable position silently, in a non-null one with the usual null error."""
        if non_null:
            self._error(
                path,
                "Cannot return null for non-nullable field: the value is not in the API schema",
                "NON_NULL_VIOLATION",
            )
            raise _Null

    def _null_error(self, path: list[Any], present: bool) -> None:
        """A null where the schema says non-null: an error when a subgraph sent that null; none when no subgraph
        sent the field (its owner returned no entity for the object, or a failed fetch already reported the
        error), as the reference gateway answers: the null propagates either way."""
        if not present:
            return
        key = tuple(path)
        for err_path in self._error_paths:
            if err_path[: len(key)] == key or key[: len(err_path)] == err_path:
                return
        field = path[-1] if path else "?"
        self._error(path, f"Cannot return null for non-nullable field {field}", "NON_NULL_VIOLATION")

    def _error(self, path: list[Any], message: str, code: str = "INVALID_SUBGRAPH_RESPONSE") -> None:
        self.errors.append({"message": message, "path": list(path), "extensions": {"code": code}})
        self._error_paths.add(tuple(path))
