"""The state of planning one operation: its fetch groups and how selections apply to runtime types."""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Iterable, Mapping

from graphql import (
    DirectiveNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionNode,
    is_abstract_type,
)

from gateway.federation.planning._selection import SelectionSet
from gateway.federation.planning.query_graph import QueryGraph
from gateway.federation.supergraph import Supergraph

from ._model import (
    _Ancestor,
    _conditions_of,
    _Group,
)

__all__: list[str] = []


class _PlanningBase:
    """State of planning one operation."""

    def __init__(
        self,
        supergraph: Supergraph,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        labels: frozenset[str],
        query_graph: QueryGraph,
    ) -> None:
        self.sg = supergraph
        self.schema = supergraph.api_schema
        self.operation = operation
        self.fragments = fragments
        self.labels = labels
        self.groups: dict[int, _Group] = {}
        self._entity_index: dict[tuple[str, tuple[str, ...], int, str], int] = {}
        self._ids = itertools.count()
        self.op_name = operation.name.value if operation.name else None
        self.graph = query_graph
        #: the objects above the one being planned, nearest last (see ``_contexts``)
        self.ancestors: list[_Ancestor] = []
        #: (entity fetch, type, field, argument) -> the variable carrying a contextual argument
        self.context_variables: dict[tuple[int, str, str, str], str] = {}

    # -------------------------------------------------------------------------------------------------- groups
    def new_group(self, graph: str, path: tuple[str, ...], kind: str) -> _Group:
        group = _Group(id=next(self._ids), graph=graph, path=path, kind=kind, sel=SelectionSet())
        self.groups[group.id] = group
        return group

    def depends_on(self, a: _Group, b: _Group) -> bool:
        """Does ``a`` (transitively) depend on ``b``?"""
        seen: set[int] = set()
        stack = [a.id]
        while stack:
            gid = stack.pop()
            if gid == b.id:
                return True
            if gid in seen:
                continue
            seen.add(gid)
            stack.extend(self.groups[gid].deps)
        return False

    # ---------------------------------------------------------------------------------------------- collecting
    def collect(
        self, selections: Iterable[SelectionNode], runtime: str, virtual: bool = False
    ) -> OrderedDict[str, list[FieldNode]]:
        """Fields that apply to ``runtime`` (fragments matched by type condition), by response key.

        ``virtual``: ``runtime`` is an interface seen as an object (``@interfaceObject``): only unconditioned
        selections and those on the interface itself apply.
        """
        out: OrderedDict[str, list[FieldNode]] = OrderedDict()
        self._collect_into(out, selections, runtime, virtual, set(), ())
        return out

    def _collect_into(
        self,
        out: OrderedDict[str, list[FieldNode]],
        selections: Iterable[SelectionNode],
        runtime: str,
        virtual: bool,
        visited: set[str],
        conditions: tuple[DirectiveNode, ...],
    ) -> None:
        """``conditions``: the ``@skip``/``@include`` of the fragments around; they go on each field so the
        subgraph is not asked for what the client skips (its errors would reach the answer)."""
        for s in selections:
            if isinstance(s, FieldNode):
                key = s.alias.value if s.alias else s.name.value
                field = s
                if conditions:
                    field = FieldNode(
                        alias=s.alias,
                        name=s.name,
                        arguments=s.arguments,
                        directives=(*(s.directives or ()), *conditions),
                        selection_set=s.selection_set,
                    )
                out.setdefault(key, []).append(field)
            elif isinstance(s, InlineFragmentNode):
                cond = s.type_condition.name.value if s.type_condition else None
                if self.applies(cond, runtime, virtual):
                    inner = (*conditions, *_conditions_of(s))
                    self._collect_into(out, s.selection_set.selections, runtime, virtual, visited, inner)
            elif isinstance(s, FragmentSpreadNode):
                name = s.name.value
                frag = self.fragments.get(name)
                if frag is None or name in visited:
                    continue
                if self.applies(frag.type_condition.name.value, runtime, virtual):
                    inner = (*conditions, *_conditions_of(s))
                    self._collect_into(out, frag.selection_set.selections, runtime, virtual, visited | {name}, inner)

    def applies(self, cond: str | None, runtime: str, virtual: bool = False) -> bool:
        if cond is None or cond == runtime:
            return True
        if virtual:
            return False
        # an @inaccessible runtime type only occurs in internal selections (@requires inputs): judge it in the
        # supergraph schema
        schema = self.schema if self.schema.get_type(runtime) is not None else self.sg.schema
        cond_type = schema.get_type(cond)
        runtime_type = schema.get_type(runtime)
        if cond_type is None or runtime_type is None or not is_abstract_type(cond_type):
            return False
        if isinstance(runtime_type, GraphQLObjectType):
            return schema.is_sub_type(cond_type, runtime_type)
        return False

    def has_conditioned_fragments(self, selections: Iterable[SelectionNode], iface: str) -> bool:
        for s in selections:
            if isinstance(s, InlineFragmentNode):
                cond = s.type_condition.name.value if s.type_condition else None
                if cond not in (None, iface) or self.has_conditioned_fragments(s.selection_set.selections, iface):
                    return True
            elif isinstance(s, FragmentSpreadNode):
                frag = self.fragments.get(s.name.value)
                if frag is not None and frag.type_condition.name.value != iface:
                    return True
        return False
