"""The planner's working state: fetch groups under construction, representation builders, and the pure
helpers on field sets and plan nodes."""

from __future__ import annotations

import dataclasses
import re
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from graphql import (
    DirectiveNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLList,
    GraphQLNonNull,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)

from gateway.errors import PlanningError
from gateway.federation.plan import (
    Condition,
    ContextRead,
    Parallel,
    PlanNode,
    RequiresField,
    RequiresType,
    Sequence,
)
from gateway.federation.planning._selection import FieldSelection, SelectionSet
from gateway.federation.supergraph import FieldRouting

__all__: list[str] = []  # private to the planning package

_MAX_HOPS = 6
_CONDITION = re.compile(r"^ @(skip|include)\(if: \$(\w+)\)$")


@dataclasses.dataclass(eq=False)
class _ReqBuilder:
    typename: str
    typenames: set[str]
    fields: OrderedDict[str, _ReqFieldBuilder] = dataclasses.field(default_factory=OrderedDict)
    keys: set[str] = dataclasses.field(default_factory=set)
    #: the @key chosen for the representations, and the parent selections (by id) already fetching it
    key: str = ""
    key_in: set[int] = dataclasses.field(default_factory=set)

    def freeze(self, cond: str) -> RequiresType:
        return RequiresType(
            type_condition=cond,
            typename=self.typename,
            typenames=frozenset(self.typenames),
            fields=tuple(f.freeze() for f in self.fields.values()),
            key_fields=frozenset(self.keys),
        )


@dataclasses.dataclass(eq=False)
class _ReqFieldBuilder:
    name: str
    data_key: str
    sub: OrderedDict[str, _ReqFieldBuilder] | None = None
    #: the fetched field the value is read from; its response key may still change (alias conflicts)
    source: FieldSelection | None = None
    type_condition: str | None = None

    def freeze(self) -> RequiresField:
        return RequiresField(
            name=self.name,
            data_key=self.source.response_key if self.source is not None else self.data_key,
            sub=None if self.sub is None else tuple(f.freeze() for f in self.sub.values()),
            type_condition=self.type_condition,
        )


@dataclasses.dataclass(eq=False)
class _ContextBuilder:
    """A ``@fromContext`` variable of an entity fetch, read from ancestors of the types in ``typenames``."""

    variable: str
    type: str
    depth: int
    typenames: set[str]
    field: _ReqFieldBuilder

    def freeze(self) -> ContextRead:
        return ContextRead(self.variable, self.type, self.depth, frozenset(self.typenames), self.field.freeze())


@dataclasses.dataclass(eq=False)
class _Group:
    id: int
    graph: str
    path: tuple[str, ...]
    kind: str  # "query" | "mutation" | "entity"
    sel: SelectionSet
    deps: set[int] = dataclasses.field(default_factory=set)
    requires: OrderedDict[str, _ReqBuilder] = dataclasses.field(default_factory=OrderedDict)
    keep_typename: bool = False
    contexts: list[_ContextBuilder] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class _Parent:
    """The entity object an object was reached from: where it sits in a fetch, and the fields from it down to
    the object (one for ``crate { route }``, more when value types nest: ``crate { route { leg } }``)."""

    group: _Group
    sel: SelectionSet
    type_name: str
    path: tuple[str, ...]
    hops: tuple[tuple[str, tuple[FieldNode, ...]], ...]

    def below(self, response_key: str, nodes: Iterable[FieldNode]) -> _Parent:
        return dataclasses.replace(self, hops=(*self.hops, (response_key, tuple(nodes))))


@dataclasses.dataclass(frozen=True)
class _Ancestor:
    """An object on the way down the operation: the context values of fields below it can come from it."""

    group: _Group
    sel: SelectionSet
    type_name: str
    path: tuple[str, ...]
    parent: _Parent | None


@dataclasses.dataclass(frozen=True)
class _Target:
    graph: str
    cond: str  # type condition in the target subgraph (the type, or its @interfaceObject interface)
    routing: FieldRouting


def _conditional(group: _Group, node: PlanNode | None) -> PlanNode | None:
    """Wrap a fetch (and what depends on it) in a Condition when every client field it fetches carries the same
    ``@skip``/``@include`` on a variable: the fetch is then not sent at all when the branch is off."""
    if node is None:
        return None
    selections = [group.sel] if group.kind != "entity" else list(group.sel.fragments.values())
    directives = {f.directives for sel in selections for key, f in sel.fields.items() if key != "__typename"}
    if len(directives) != 1:
        return node
    match = _CONDITION.match(directives.pop())
    if match is None:
        return node
    kind, variable = match.groups()
    if kind == "include":
        return Condition(condition=variable, if_clause=node, else_clause=None)
    return Condition(condition=variable, if_clause=None, else_clause=node)


def _seq(nodes: list[PlanNode | None]) -> PlanNode | None:
    flat: list[PlanNode] = []
    for n in nodes:
        if isinstance(n, Sequence):
            flat.extend(n.nodes)
        elif n is not None:
            flat.append(n)
    if not flat:
        return None
    return flat[0] if len(flat) == 1 else Sequence(tuple(flat))


def _par(nodes: list[PlanNode | None]) -> PlanNode | None:
    flat: list[PlanNode] = []
    for n in nodes:
        if isinstance(n, Parallel):
            flat.extend(n.nodes)
        elif n is not None:
            flat.append(n)
    if not flat:
        return None
    return flat[0] if len(flat) == 1 else Parallel(tuple(flat))


def _conditions_of(node: InlineFragmentNode | FragmentSpreadNode) -> tuple[DirectiveNode, ...]:
    return tuple(d for d in node.directives or () if d.name.value in ("skip", "include"))


def _list_depth(type_: object) -> int:
    depth = 0
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        if isinstance(type_, GraphQLList):
            depth += 1
        type_ = type_.of_type
    return depth


def _top_fields(fieldset: str) -> set[str]:
    return {s.name.value for s in _parse_fieldset(fieldset).selections if isinstance(s, FieldNode)}


def _parse_fieldset(fieldset: str) -> SelectionSetNode:
    try:
        doc = parse("{" + fieldset + "}", no_location=True)
    except Exception as exc:
        raise PlanningError(f"invalid field set {fieldset!r} in the supergraph: {exc}") from None
    op = doc.definitions[0]
    assert isinstance(op, OperationDefinitionNode)
    return op.selection_set


def _provided_field(
    provided: SelectionSetNode | None, type_name: str, field: str, planning: _PlanningBase
) -> SelectionSetNode | bool | None:
    """If ``@provides`` covers ``type.field`` here: its nested provided selection, or True for a leaf."""
    if provided is None:
        return None
    for node in planning.collect(provided.selections, type_name).values():
        if node[0].name.value == field:
            return node[0].selection_set or True
    return None


def _merge_req_fields(into: OrderedDict[str, _ReqFieldBuilder], new: Mapping[str, _ReqFieldBuilder]) -> None:
    for name, f in new.items():
        existing = into.get(name)
        if existing is None:
            into[name] = f
            continue
        if f.type_condition is None:
            existing.type_condition = None  # wanted for every type, not only under a fragment
        if f.sub is not None:
            if existing.sub is None:
                existing.sub = OrderedDict()
            _merge_req_fields(existing.sub, f.sub)


def _req_from_selection(
    selection_set: SelectionSetNode, type_condition: str | None = None
) -> OrderedDict[str, _ReqFieldBuilder]:
    """How to read a ``@requires`` selection from the fetched data; fields under an inline fragment are kept
    with its type condition (present only for objects of that type)."""
    out: OrderedDict[str, _ReqFieldBuilder] = OrderedDict()
    for s in selection_set.selections:
        if isinstance(s, FieldNode):
            key = s.alias.value if s.alias else s.name.value
            field = _ReqFieldBuilder(
                name=s.name.value,
                data_key=key,
                sub=_req_from_selection(s.selection_set) if s.selection_set else None,
                type_condition=type_condition,
            )
            _merge_req_fields(out, {s.name.value: field})
        elif isinstance(s, InlineFragmentNode):
            cond = s.type_condition.name.value if s.type_condition else None
            _merge_req_fields(out, _req_from_selection(s.selection_set, cond or type_condition))
    return out


if TYPE_CHECKING:
    from ._base import _PlanningBase
