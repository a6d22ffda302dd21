"""Operation → query plan.

The planner walks the client operation type by type. Every field goes to the subgraph fetch that is already
open at that point when that subgraph can resolve it; otherwise it opens (or joins) an **entity fetch** to a
subgraph that can, keyed by one of the entity's ``@key``s, after adding that key's fields (and ``__typename``) to
the parent fetch. ``@requires`` inputs are gathered first and sent in the representations; ``@provides`` lets a
fetch resolve otherwise external fields; abstract types are expanded per concrete type each subgraph knows;
``@interfaceObject`` targets get representations typed as the interface.

Entity fetches are grouped per (subgraph, response path, parent fetch), so each entity level costs one
``_entities`` call per subgraph. Groups form a DAG that becomes Sequence / Parallel / Flatten nodes. Plans depend
only on the document, the operation name and the active override labels, and are cached on that key.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import re
from collections import OrderedDict
from collections.abc import Iterable, Mapping

from graphql import (
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    get_named_type,
    is_abstract_type,
    is_composite_type,
    parse,
    print_ast,
)
from graphql.language import OperationType

from gateway.errors import PlanningError
from gateway.federation.plan import (
    Condition,
    Fetch,
    Flatten,
    Parallel,
    PlanNode,
    QueryPlan,
    RequiresField,
    RequiresType,
    Sequence,
)
from gateway.federation.planning._selection import FieldSelection, SelectionSet, variables_in
from gateway.federation.supergraph import FieldRouting, Supergraph

__all__ = ["QueryPlanner", "operation_of", "plan_cache_key"]

_MAX_HOPS = 6


def operation_of(document: DocumentNode, operation_name: str | None) -> OperationDefinitionNode:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None:
        if len(operations) != 1:
            raise PlanningError("the document has several operations: say which one with operationName")
        return operations[0]
    for op in operations:
        if op.name is not None and op.name.value == operation_name:
            return op
    raise PlanningError(f"unknown operation name {operation_name!r}")


def plan_cache_key(document_text: str, operation_name: str | None, labels: frozenset[str]) -> str:
    raw = "\0".join([document_text, operation_name or "", ",".join(sorted(labels))])
    return hashlib.sha256(raw.encode()).hexdigest()


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
class _Group:
    id: int
    graph: str
    path: tuple[str, ...]
    kind: str  # "query" | "mutation" | "entity"
    sel: SelectionSet
    deps: set[int] = dataclasses.field(default_factory=set)
    requires: OrderedDict[str, _ReqBuilder] = dataclasses.field(default_factory=OrderedDict)
    keep_typename: bool = False


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
class _Target:
    graph: str
    cond: str  # type condition in the target subgraph (the type, or its @interfaceObject interface)
    routing: FieldRouting


class _Planning:
    """State of planning one operation."""

    def __init__(
        self,
        supergraph: Supergraph,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        labels: frozenset[str],
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

    # ------------------------------------------------------------------------------------------------ planning
    def plan_selection(
        self,
        group: _Group,
        sel: SelectionSet,
        type_name: str,
        selections: list[SelectionNode],
        path: tuple[str, ...],
        provided: SelectionSetNode | None,
        parent: _Parent | None = None,
        internal: bool = False,
    ) -> None:
        """``internal``: a selection the gateway needs itself (a @requires input), which may reach types that
        are @inaccessible to clients."""
        named = self.schema.get_type(type_name)
        if named is None:
            raise PlanningError(f"type {type_name} is not in the API schema")
        if not is_abstract_type(named):
            self.plan_object(group, sel, type_name, self.collect(selections, type_name), path, provided, parent)
            return
        if self.sg.is_interface_object(group.graph, type_name):
            self.plan_interface_object(group, sel, type_name, selections, path, provided)
            return
        sel.add_typename()
        concretes = self.sg.possible_types_in_graph(group.graph, type_name)
        if internal:
            concretes = concretes + [t for t in self._hidden_members(group.graph, type_name) if t not in concretes]
        if not concretes:
            self._check_reachable_without_members(group, type_name, selections)
            self._plan_without_members(group, sel, type_name, selections, path)
        for concrete in concretes:
            collected = self.collect(selections, concrete)
            if not collected:
                continue
            self.plan_object(group, sel.fragment(concrete), concrete, collected, path, provided)

    def _check_reachable_without_members(self, group: _Group, abstract: str, selections: list[SelectionNode]) -> None:
        """``group``'s subgraph returns ``abstract`` but knows none of its object types: a field selected on the
        abstract type itself that the subgraph does not resolve could only come from an entity fetch by the
        abstract type's own key; with no resolvable key for it anywhere, the operation cannot be planned (rather
        than quietly dropping the field)."""
        for nodes in self.collect(selections, abstract, virtual=True).values():
            name = nodes[0].name.value
            if name.startswith("__") or group.graph in self.sg.resolving(abstract, name, self.labels):
                continue
            if not self.targets(abstract, name):
                owners = ", ".join(sorted(self.sg.resolving(abstract, name, self.labels))) or "no subgraph"
                raise PlanningError(
                    f"{abstract}.{name} cannot be reached from subgraph {group.graph}: it knows no object type of "
                    f"{abstract}, and {owners} has no resolvable @key for {abstract}"
                )

    def _plan_without_members(
        self, group: _Group, sel: SelectionSet, abstract: str, selections: list[SelectionNode], path: tuple[str, ...]
    ) -> None:
        """``group``'s subgraph returns ``abstract`` but declares none of its object types (it may still answer
        with one of them, by ``__typename``): fields of the abstract type it resolves are asked of it directly,
        and the fields of each object type come by that type's key from a subgraph that has it, when the key is
        made of fields the abstract type itself offers here."""
        own = OrderedDict(
            (key, nodes)
            for key, nodes in self.collect(selections, abstract, virtual=True).items()
            if not nodes[0].name.value.startswith("__")
            and group.graph in self.sg.resolving(abstract, nodes[0].name.value, self.labels)
        )
        if own:
            self.plan_object(group, sel, abstract, own, path, None)
        named = self.schema.get_type(abstract)
        if named is None or not is_abstract_type(named):
            return
        for member in self.schema.get_possible_types(named):
            rest = OrderedDict(
                (key, nodes)
                for key, nodes in self.collect(selections, member.name).items()
                if key not in own and not nodes[0].name.value.startswith("__")
            )
            target = self._member_target(group.graph, abstract, member.name, rest) if rest else None
            if target is None:
                continue
            child = self.entity_group(group, sel, abstract, path, target, runtime_names={member.name})
            self.plan_object(child, child.sel.fragment(target.cond), member.name, rest, path, None)

    def _member_target(
        self, graph: str, abstract: str, member: str, fields: Mapping[str, list[FieldNode]]
    ) -> _Target | None:
        """A subgraph with a resolvable key for ``member`` made only of ``abstract``'s fields that ``graph``
        resolves; the one resolving most of ``fields``."""
        options: list[tuple[int, str]] = []
        for other, tig in self.sg.type_graphs(member).items():
            usable = [
                k
                for k in tig.resolvable_keys
                if all(graph in self.sg.resolving(abstract, f, self.labels) for f in _top_fields(k)) and "{" not in k
            ]
            if usable and other != graph:
                misses = sum(
                    1 for n in fields.values() if other not in self.sg.resolving(member, n[0].name.value, self.labels)
                )
                options.append((misses, other))
        if not options:
            return None
        _, chosen = min(options)
        return _Target(chosen, member, FieldRouting(graph=chosen))

    def _hidden_members(self, graph: str, abstract: str) -> list[str]:
        """@inaccessible object types of ``abstract`` that ``graph`` can return."""
        full = self.sg.schema.get_type(abstract)
        if full is None or not is_abstract_type(full):
            return []
        members = self.sg.union_members.get(abstract, {}).get(graph, set())
        return [
            t.name
            for t in self.sg.schema.get_possible_types(full)
            if self.schema.get_type(t.name) is None
            and (t.name in members or abstract in self.sg.implements.get(t.name, {}).get(graph, set()))
        ]

    def plan_interface_object(
        self,
        group: _Group,
        sel: SelectionSet,
        iface: str,
        selections: list[SelectionNode],
        path: tuple[str, ...],
        provided: SelectionSetNode | None,
    ) -> None:
        """``group``'s subgraph knows ``iface`` only as an object: concrete types come from its owner."""
        collected = self.collect(selections, iface, virtual=True)
        wants_typename = any(nodes[0].name.value == "__typename" for nodes in collected.values())
        plain = OrderedDict((k, v) for k, v in collected.items() if v[0].name.value != "__typename")
        self.plan_object(group, sel, iface, plain, path, provided)
        if not (wants_typename or self.has_conditioned_fragments(selections, iface)):
            return
        owner = next(
            (
                g
                for g, t in self.sg.type_graphs(iface).items()
                if not t.is_interface_object and t.resolvable_keys and g != group.graph
            ),
            None,
        )
        if owner is None:
            raise PlanningError(f"no subgraph owns interface {iface} with a resolvable @key to find concrete types")
        target = _Target(graph=owner, cond=iface, routing=FieldRouting(graph=owner))
        child = self.entity_group(group, sel, iface, path, target, runtime_names={iface})
        frag = child.sel.fragment(iface)
        frag.add_typename()
        remaining: list[SelectionNode] = [
            s for s in selections if not isinstance(s, FieldNode) or s.name.value == "__typename"
        ]
        self.plan_selection(child, frag, iface, remaining, path, None)

    def plan_object(
        self,
        group: _Group,
        sel: SelectionSet,
        type_name: str,
        collected: Mapping[str, list[FieldNode]],
        path: tuple[str, ...],
        provided: SelectionSetNode | None,
        parent: _Parent | None = None,
    ) -> None:
        fields = getattr(self.schema.get_type(type_name) or self.sg.schema.get_type(type_name), "fields", {})
        is_entity = any(t.resolvable_keys for t in self.sg.type_graphs(type_name).values())
        for response_key, nodes in collected.items():
            node = nodes[0]
            name = node.name.value
            if name == "__typename":
                if response_key == "__typename":
                    sel.add_typename()
                else:
                    sel.add_client_field(response_key, node, composite=False, keep_directives=len(nodes) == 1)
                continue
            if name.startswith("__"):
                continue  # introspection: answered by the gateway itself
            field_def = fields.get(name)
            if field_def is None:
                raise PlanningError(f"{type_name}.{name} is not in the API schema")
            child_type = get_named_type(field_def.type).name
            composite = is_composite_type(get_named_type(field_def.type))
            sub_selections = [s for n in nodes if n.selection_set for s in n.selection_set.selections]
            child_path = path + (response_key,) + ("@",) * _list_depth(field_def.type)
            provided_here = _provided_field(provided, type_name, name, self)
            local = self.local_routing(group.graph, type_name, name, provided_here is not None)
            if local is not None:
                fs = sel.add_client_field(response_key, node, composite, keep_directives=len(nodes) == 1)
                self._wire_key(fs, field_def.type, local)
                if composite and fs.sub is not None:
                    child_provided = provided_here if isinstance(provided_here, SelectionSetNode) else None
                    if local.provides and child_provided is None:
                        child_provided = _parse_fieldset(local.provides)
                    child_parent = (
                        _Parent(group, sel, type_name, path, ((response_key, tuple(nodes)),))
                        if is_entity
                        else parent.below(response_key, nodes)
                        if parent is not None
                        else None
                    )
                    self.plan_selection(
                        group, fs.sub, child_type, sub_selections, child_path, child_provided, child_parent
                    )
                continue
            if parent is not None and not self.reachable_by_key(type_name, name):
                via = self.parent_target(parent, type_name, name)
                if via is not None:
                    self.plan_through_parent(parent, via, type_name, nodes, path)
                    continue
            target = self.choose_target(group, type_name, name, sub_selections, path)
            child = self.entity_group(group, sel, type_name, path, target, runtime_names={type_name}, via_parent=parent)
            frag = child.sel.fragment(target.cond)
            if target.routing.requires:
                self.add_requires(group, sel, child, type_name, path, target)
            fs = frag.add_client_field(response_key, node, composite, keep_directives=len(nodes) == 1)
            self._wire_key(fs, field_def.type, target.routing)
            if composite and fs.sub is not None:
                child_provided = _parse_fieldset(target.routing.provides) if target.routing.provides else None
                child_parent = _Parent(child, frag, type_name, path, ((response_key, tuple(nodes)),))
                self.plan_selection(child, fs.sub, child_type, sub_selections, child_path, child_provided, child_parent)

    def reachable_by_key(self, type_name: str, field: str) -> bool:
        """Can an entity fetch bring ``type.field`` in? Not when no subgraph that resolves it has a resolvable key
        for the type, nor when each of those keys is made of the field itself (it would be needed to get it)."""
        for target in self.targets(type_name, field):
            keys = self.sg.type_graphs(target.cond)[target.graph].resolvable_keys
            if any(field not in _top_fields(key) for key in keys):
                return True
        return False

    @staticmethod
    def _wire_key(fs: FieldSelection, api_type: GraphQLOutputType, routing: FieldRouting) -> None:
        """A field whose type in this subgraph is not the supergraph's (``ID!`` where another subgraph says
        ``ID``) could clash with a sibling fragment's field of the same key that the subgraph types otherwise
        (``... on User { id } ... on Admin { id }``): ask for it under a key naming its local type."""
        if routing.type is None or routing.type == str(api_type):
            return
        local = routing.type.replace("!", "_N").replace("[", "L_").replace("]", "")
        fs.wire_key = f"_sgt_{fs.response_key}_{local}"

    def parent_target(self, parent: _Parent, type_name: str, field: str) -> _Target | None:
        """A subgraph that resolves ``type.field`` where ``type`` cannot be reached by a key of its own, but that
        can be reached through the entity the object hangs off: it resolves that entity's field and every field
        down to the object too, and the entity has a key there."""
        owners = self.sg.resolving(type_name, field, self.labels)
        chain: list[tuple[str, str]] = []  # (type, field) from the entity down to the object
        current = parent.type_name
        for _, nodes in parent.hops:
            name = nodes[0].name.value
            chain.append((current, name))
            following = self._field_type(current, name)
            if following is None:
                return None
            current = following
        if current != type_name:
            return None  # reached through an abstract type: its concrete objects are not planned this way

        def resolves_chain(graph: str) -> bool:
            return all(graph in self.sg.resolving(t, f, self.labels) for t, f in chain[1:])

        options = [
            t for t in self.targets(parent.type_name, chain[0][1]) if t.graph in owners and resolves_chain(t.graph)
        ]
        return min(options, key=lambda t: t.graph) if options else None

    def through_parent(self, parent: _Parent, target: _Target) -> tuple[_Group, SelectionSet, _Parent]:
        """The fetch of ``entity.field { ... }`` from ``target``'s subgraph by the parent entity's key, the
        selection of the object at the end of the parent's fields in it, and that object's parent there."""
        child = self.entity_group(parent.group, parent.sel, parent.type_name, parent.path, target, {parent.type_name})
        frag = child.sel.fragment(target.cond)
        current = frag
        for response_key, nodes in parent.hops:
            fs = current.add_client_field(response_key, nodes[0], True, keep_directives=len(nodes) == 1)
            assert fs.sub is not None
            current = fs.sub
        return child, current, dataclasses.replace(parent, group=child, sel=frag)

    def plan_through_parent(
        self, parent: _Parent, target: _Target, type_name: str, nodes: list[FieldNode], path: tuple[str, ...]
    ) -> None:
        """Fetch ``parent.field { field }`` from ``target``'s subgraph by the parent entity's key."""
        child, sel, there = self.through_parent(parent, target)
        self.plan_selection(child, sel, type_name, list(nodes), path, None, there)

    def local_routing(self, graph: str, type_name: str, field: str, provided: bool) -> FieldRouting | None:
        if provided:
            return self.sg.routing(type_name, field, graph) or FieldRouting(graph=graph)
        routing = self.sg.resolving(type_name, field, self.labels).get(graph)
        if routing is None or routing.requires:
            return None
        return routing

    # ------------------------------------------------------------------------------------------ entity fetches
    def targets(self, type_name: str, field: str) -> list[_Target]:
        out: list[_Target] = []
        for graph, routing in self.sg.resolving(type_name, field, self.labels).items():
            tig = self.sg.type_graphs(type_name).get(graph)
            if tig is not None and tig.resolvable_keys:
                out.append(_Target(graph, type_name, routing))
        named = self.schema.get_type(type_name)
        for iface in getattr(named, "interfaces", ()):
            for graph, routing in self.sg.resolving(iface.name, field, self.labels).items():
                tig = self.sg.type_graphs(iface.name).get(graph)
                if (
                    tig is not None
                    and tig.resolvable_keys
                    and (tig.is_interface_object or graph not in self.sg.type_graphs(type_name))
                ):
                    out.append(_Target(graph, iface.name, routing))
        return out

    def choose_target(
        self, group: _Group, type_name: str, field: str, sub: list[SelectionNode], path: tuple[str, ...]
    ) -> _Target:
        candidates = self.targets(type_name, field)
        if not candidates:
            owners = sorted(self.sg.resolving(type_name, field, self.labels))
            if owners:
                raise PlanningError(
                    f"{type_name}.{field} lives in {', '.join(owners)} but {type_name} has no resolvable @key there, "
                    f"so it cannot be reached from subgraph {group.graph}"
                )
            raise PlanningError(f"no subgraph can resolve {type_name}.{field}")
        existing = {
            g.graph
            for k, gid in self._entity_index.items()
            if k[1] == path and k[2] == group.id
            for g in (self.groups[gid],)
        }

        def score(t: _Target) -> tuple[int, int, str]:
            reuse = 0 if t.graph in existing else 1
            child_type = self._field_type(type_name, field)
            misses = self._local_misses(t.graph, child_type, sub) if child_type else 0
            return reuse + misses, misses, t.graph

        return min(candidates, key=score)

    def _field_type(self, type_name: str, field: str) -> str | None:
        """The named type of ``type.field``; keys and @requires may select @inaccessible fields, which only the
        supergraph schema has."""
        for schema in (self.schema, self.sg.schema):
            fdef = getattr(schema.get_type(type_name), "fields", {}).get(field)
            if fdef is not None:
                name: str = get_named_type(fdef.type).name
                return name
        return None

    def _local_misses(
        self,
        graph: str,
        type_name: str,
        selections: list[SelectionNode],
        depth: int = 0,
        provided: SelectionSetNode | None = None,
    ) -> int:
        """How many selected fields ``graph`` cannot resolve itself (a fetch-count estimate); ``provided``: what
        an ``@provides`` on the way here lets it resolve besides."""
        if depth > 3 or not selections:
            return 0
        named = self.schema.get_type(type_name)
        if named is None:
            return 0
        if is_abstract_type(named):
            # each concrete type the subgraph can return is planned on its own
            return sum(
                self._local_misses(graph, concrete, selections, depth + 1, provided)
                for concrete in self.sg.possible_types_in_graph(graph, type_name)
            )
        misses = 0
        for nodes in self.collect(selections, type_name).values():
            name = nodes[0].name.value
            if name.startswith("__"):
                continue
            provided_here = _provided_field(provided, type_name, name, self)
            routing = self.sg.resolving(type_name, name, self.labels).get(graph)
            if routing is None and provided_here is None:
                misses += 1
                continue
            child = self._field_type(type_name, name)
            sub = [s for n in nodes if n.selection_set for s in n.selection_set.selections]
            if child and sub:
                inner = provided_here if isinstance(provided_here, SelectionSetNode) else None
                if inner is None and routing is not None and routing.provides:
                    inner = _parse_fieldset(routing.provides)
                misses += self._local_misses(graph, child, sub, depth + 1, inner)
        return misses

    def _root_misses(self, graph: str, root: str, field: str, sub: list[SelectionNode]) -> int:
        child = self._field_type(root, field)
        if not child:
            return 0
        routing = self.sg.resolving(root, field, self.labels).get(graph)
        provides = _parse_fieldset(routing.provides) if routing is not None and routing.provides else None
        return self._local_misses(graph, child, sub, 0, provides)

    def entity_group(
        self,
        parent: _Group,
        parent_sel: SelectionSet,
        type_name: str,
        path: tuple[str, ...],
        target: _Target,
        runtime_names: set[str],
        tag: str = "",
        hops: int = 0,
        via_parent: _Parent | None = None,
    ) -> _Group:
        if hops > _MAX_HOPS:
            raise PlanningError(f"no path of entity fetches reaches subgraph {target.graph} for {type_name}")
        index = (target.graph, path, parent.id, tag)
        gid = self._entity_index.get(index)
        group = self.groups[gid] if gid is not None else None
        if group is None:
            group = self.new_group(target.graph, path, "entity")
            group.deps.add(parent.id)
            self._entity_index[index] = group.id
        if self.sg.is_interface_object(target.graph, target.cond):
            group.keep_typename = True
        req = group.requires.get(target.cond)
        if req is None:
            req = group.requires[target.cond] = _ReqBuilder(typename=target.cond, typenames=set())
            keys = self.sg.type_graphs(target.cond)[target.graph].resolvable_keys
            req.key = min(keys, key=lambda k: (self._key_misses(parent.graph, type_name, k), keys.index(k)))
        if id(parent_sel) not in req.key_in:
            # the same path can be reached through several fragments of the parent fetch (one per parent
            # type): each of those selections must fetch the key, not only the first one planned
            req.key_in.add(id(parent_sel))
            parent_sel.add_typename()
            fields, deps = self.ensure_fields(
                parent, parent_sel, type_name, path, req.key, hops, avoid=group, parent=via_parent
            )
            _merge_req_fields(req.fields, fields)
            req.keys |= set(fields)
            for dep in deps:
                if dep is not group and not self.depends_on(dep, group):
                    group.deps.add(dep.id)
        req.typenames |= runtime_names | {target.cond}
        return group

    def _sent_leaf(self, group: _Group, type_name: str, path: tuple[str, ...], name: str) -> _ReqFieldBuilder | None:
        """The representation field of an entity fetch that already brings ``type.name`` (a key field, even one
        that is only @external in the fetch's subgraph) to the objects at the fetch's own path."""
        if group.kind != "entity" or path != group.path:
            return None
        for req in group.requires.values():
            if type_name in req.typenames or req.typename == type_name:
                sent = req.fields.get(name)
                if sent is not None and sent.sub is None and sent.type_condition is None:
                    return sent
        return None

    def _key_misses(self, graph: str, type_name: str, key: str) -> int:
        doc = _parse_fieldset(key)
        return sum(
            1
            for s in doc.selections
            if isinstance(s, FieldNode) and graph not in self.sg.resolving(type_name, s.name.value, self.labels)
        )

    def ensure_fields(
        self,
        group: _Group,
        sel: SelectionSet,
        type_name: str,
        path: tuple[str, ...],
        fieldset: str,
        hops: int,
        avoid: _Group | None = None,
        parent: _Parent | None = None,
    ) -> tuple[OrderedDict[str, _ReqFieldBuilder], set[_Group]]:
        """Make the fields of ``fieldset`` (on ``type_name`` at ``path``) available in the data; returns how to
        read them for a representation and the fetches that must run first (never ``avoid`` or one that
        depends on it: that is the fetch waiting for these fields). ``parent``: the entity the object was
        reached from, a way to fields no key of the object's own can reach."""
        return self._ensure(group, sel, type_name, _parse_fieldset(fieldset).selections, path, hops, avoid, parent)

    def _ensure(
        self,
        group: _Group,
        sel: SelectionSet,
        type_name: str,
        selections: Iterable[SelectionNode],
        path: tuple[str, ...],
        hops: int,
        avoid: _Group | None = None,
        parent: _Parent | None = None,
    ) -> tuple[OrderedDict[str, _ReqFieldBuilder], set[_Group]]:
        out: OrderedDict[str, _ReqFieldBuilder] = OrderedDict()
        deps: set[_Group] = set()
        for node in self.collect(list(selections), type_name).values():
            field = node[0]
            name = field.name.value
            if name == "__typename":
                continue
            args = "(" + ", ".join(print_ast(a) for a in field.arguments) + ")" if field.arguments else ""
            field_type = self._field_type(type_name, name)
            if field_type is None:
                raise PlanningError(f"@key/@requires selects {type_name}.{name}, which does not exist")
            variables = frozenset(variables_in(*(field.arguments or ())))
            fetched = next(
                (f for f in sel.fields.values() if f.signature == (name, args) and not f.directives and f.sub is None),
                None,
            )
            if fetched is not None and field.selection_set is None:
                # already in this fetch unconditionally (e.g. an @external leaf its @provides covers)
                out[name] = _ReqFieldBuilder(name=name, data_key=fetched.response_key, source=fetched)
                continue
            sent = self._sent_leaf(group, type_name, path, name) if not args and field.selection_set is None else None
            if sent is not None:
                # this entity fetch's representations carry it: the object already has it in the data
                out[name] = dataclasses.replace(sent)
                continue
            if self.local_routing(group.graph, type_name, name, provided=False) is not None:
                fs = sel.add_internal_field(name, args, composite=field.selection_set is not None, variables=variables)
                builder = _ReqFieldBuilder(name=name, data_key=fs.response_key, source=fs)
                if field.selection_set is not None and fs.sub is not None:
                    inner_sub, inner_deps = self._ensure(
                        group,
                        fs.sub,
                        field_type,
                        field.selection_set.selections,
                        (*path, fs.response_key),
                        hops,
                        avoid,
                    )
                    builder.sub = inner_sub
                    deps |= inner_deps
                out[name] = builder
                continue
            via = self.parent_target(parent, type_name, name) if parent is not None else None
            if parent is not None and via is not None and not self.reachable_by_key(type_name, name):
                # no key of the object's own reaches it (often: it is that key): fetch it through the entity the
                # object hangs off, as parent.field { name }
                provider, there, _ = self.through_parent(parent, via)
                before = set(self.groups)
                fs = there.add_internal_field(
                    name, args, composite=field.selection_set is not None, variables=variables
                )
                if field.selection_set is not None and fs.sub is not None:
                    self.plan_selection(
                        provider,
                        fs.sub,
                        field_type,
                        list(field.selection_set.selections),
                        (*path, fs.response_key),
                        None,
                        internal=True,
                    )
                deps.add(provider)
                deps |= {g for g in self.groups.values() if g.id not in before and self.depends_on(g, provider)}
                out[name] = _ReqFieldBuilder(
                    name=name,
                    data_key=fs.response_key,
                    sub=_req_from_selection(field.selection_set) if field.selection_set else None,
                    source=fs,
                )
                continue
            target = next(iter(sorted(self.targets(type_name, name), key=lambda t: t.graph)), None)
            if target is None:
                raise PlanningError(f"no subgraph can provide {type_name}.{name} needed as a key or @requires input")
            keys = self.sg.type_graphs(target.cond)[target.graph].resolvable_keys
            if all(name in _top_fields(key) for key in keys):
                # the only way to that subgraph is by a key made of the very field it should provide
                raise PlanningError(
                    f"{type_name}.{name} is needed from subgraph {target.graph}, but {group.graph} cannot supply the "
                    f"key to reach it there"
                )
            # join the fetch already going to that subgraph at this path, unless it waits for these fields
            provider = self.entity_group(
                group,
                sel,
                type_name,
                path,
                target,
                {type_name},
                tag=self._provider_tag(group, target, path, avoid),
                hops=hops + 1,
            )
            deps.add(provider)
            if target.routing.requires:
                # the input is itself computed from inputs (@requires on a field another @requires needs)
                self.add_requires(group, sel, provider, type_name, path, target)
            frag = provider.sel.fragment(target.cond)
            fs = frag.add_internal_field(name, args, composite=field.selection_set is not None, variables=variables)
            if field.selection_set is not None and fs.sub is not None:
                before = set(self.groups)
                self.plan_selection(
                    provider,
                    fs.sub,
                    field_type,
                    list(field.selection_set.selections),
                    (*path, fs.response_key),
                    None,
                    internal=True,
                )
                # the provider's subgraph may not resolve every nested input itself (``comments(limit: 3)
                # { authorId }`` with authorId elsewhere): the fetches that bring those in run first too
                deps |= {
                    g
                    for g in self.groups.values()
                    if g.id not in before
                    and self.depends_on(g, provider)
                    and not (avoid is not None and (g is avoid or self.depends_on(g, avoid)))
                }
            out[name] = _ReqFieldBuilder(
                name=name,
                data_key=fs.response_key,
                sub=_req_from_selection(field.selection_set) if field.selection_set else None,
                source=fs,
            )
        return out, deps

    def _provider_tag(self, group: _Group, target: _Target, path: tuple[str, ...], avoid: _Group | None) -> str:
        """The fetch to ``target``'s subgraph at ``path`` that can bring an input in: the one already going there
        unless it waits for that input (``avoid``, or one depending on it), else a separate one."""

        def usable(tag: str) -> bool:
            gid = self._entity_index.get((target.graph, path, group.id, tag))
            return gid is None or avoid is None or (gid != avoid.id and not self.depends_on(self.groups[gid], avoid))

        if (target.graph, path, group.id, "") in self._entity_index and usable(""):
            return ""
        n = 0
        while not usable(f"#provide{n or ''}"):
            n += 1
        return f"#provide{n or ''}"

    def add_requires(
        self,
        parent: _Group,
        parent_sel: SelectionSet,
        child: _Group,
        type_name: str,
        path: tuple[str, ...],
        target: _Target,
    ) -> None:
        assert target.routing.requires is not None
        fields, deps = self.ensure_fields(parent, parent_sel, type_name, path, target.routing.requires, 0, avoid=child)
        _merge_req_fields(child.requires[target.cond].fields, fields)
        for dep in deps:
            if dep is child or self.depends_on(dep, child):
                raise PlanningError(
                    f"@requires({target.routing.requires}) on {type_name} in {target.graph} depends on its own result"
                )
            child.deps.add(dep.id)

    # --------------------------------------------------------------------------------------------------- root
    def plan_root(self) -> QueryPlan:
        op = self.operation
        kind = op.operation.value
        root_type = {
            OperationType.QUERY: self.schema.query_type,
            OperationType.MUTATION: self.schema.mutation_type,
            OperationType.SUBSCRIPTION: self.schema.subscription_type,
        }[op.operation]
        if root_type is None:
            raise PlanningError(f"the schema has no {kind} type")
        if op.operation is OperationType.SUBSCRIPTION:
            raise PlanningError("subscriptions are not supported by this gateway yet")
        collected = self.collect(op.selection_set.selections, root_type.name)
        roots: list[_Group] = []
        for response_key, nodes in collected.items():
            name = nodes[0].name.value
            if name.startswith("__"):
                continue
            candidates = sorted(self.sg.resolving(root_type.name, name, self.labels))
            if not candidates:
                raise PlanningError(f"no subgraph resolves {root_type.name}.{name}")
            if kind == "mutation":
                graph = candidates[0]
                group = roots[-1] if roots and roots[-1].graph == graph else None
            else:
                # fewest fields the subgraph cannot resolve itself first; then a subgraph already asked
                sub = [s for n in nodes if n.selection_set for s in n.selection_set.selections]
                asked = {g.graph for g in roots}
                graph = min(
                    candidates,
                    key=lambda g: (self._root_misses(g, root_type.name, name, sub), g not in asked, g),
                )
                group = next((g for g in roots if g.graph == graph), None)
            parts = [(graph, nodes)] if kind == "mutation" else self.split_shared_root(graph, candidates, name, nodes)
            for part_graph, part_nodes in parts:
                part_group = group if part_graph == graph else None
                if part_group is None and kind != "mutation":
                    part_group = next((g for g in roots if g.graph == part_graph), None)
                if part_group is None:
                    part_group = self.new_group(part_graph, (), kind)
                    roots.append(part_group)
                self.plan_object(
                    part_group, part_group.sel, root_type.name, OrderedDict([(response_key, part_nodes)]), (), None
                )
        subtrees = [self.subtree(g) for g in roots]
        node = _seq(subtrees) if kind == "mutation" else _par(subtrees)
        return QueryPlan(node=node, operation_kind=kind)

    def split_shared_root(
        self, graph: str, candidates: list[str], name: str, nodes: list[FieldNode]
    ) -> list[tuple[str, list[FieldNode]]]:
        """A root field several subgraphs share, returning a type without a resolvable @key (a value type): a
        subfield ``graph`` lacks cannot be fetched by entity, so the same root field is also asked of a
        subgraph that has it, with just those subfields (the fetches run in parallel; their data merges)."""
        root_type = self.schema.query_type
        child = self._field_type(root_type.name, name) if root_type is not None else None
        named = self.schema.get_type(child) if child else None
        if not isinstance(named, GraphQLObjectType) or any(
            t.resolvable_keys for t in self.sg.type_graphs(named.name).values()
        ):
            return [(graph, nodes)]
        sub = [s for n in nodes if n.selection_set for s in n.selection_set.selections]
        if not sub or not all(isinstance(s, FieldNode) for s in sub):
            return [(graph, nodes)]  # fragments and directives on them: left to the usual planning
        assigned: OrderedDict[str, list[SelectionNode]] = OrderedDict([(graph, [])])
        for fields in self.collect(sub, named.name).values():
            field = fields[0].name.value
            owners = self.sg.resolving(named.name, field, self.labels)
            home = graph
            if not field.startswith("__") and graph not in owners:
                home = next((c for c in candidates if c in owners), graph)
            assigned.setdefault(home, []).extend(fields)
        if len(assigned) == 1:
            return [(graph, nodes)]
        first = nodes[0]
        return [
            (
                g,
                [
                    FieldNode(
                        alias=first.alias,
                        name=first.name,
                        arguments=first.arguments,
                        directives=first.directives,
                        selection_set=SelectionSetNode(selections=tuple(part)),
                    )
                ],
            )
            for g, part in assigned.items()
            if part
        ]

    # ----------------------------------------------------------------------------------------------- to nodes
    def subtree(self, root: _Group) -> PlanNode | None:
        members = [g for g in self.groups.values() if g is root or self.depends_on(g, root)]
        members = [g for g in members if g.sel]
        if all(len(g.deps) <= 1 for g in members):
            return self._tree(root, members)
        levels: dict[int, int] = {}

        def level(g: _Group) -> int:
            if g.id not in levels:
                in_tree = [self.groups[d] for d in g.deps if any(m.id == d for m in members)]
                levels[g.id] = 0 if not in_tree else 1 + max(level(d) for d in in_tree)
            return levels[g.id]

        by_level: dict[int, list[_Group]] = {}
        for g in members:
            by_level.setdefault(level(g), []).append(g)
        return _seq([_par([self.fetch_node(g) for g in by_level[n]]) for n in sorted(by_level)])

    def _tree(self, group: _Group, members: list[_Group]) -> PlanNode | None:
        children = [g for g in members if group.id in g.deps]
        own = self.fetch_node(group)
        node = own if not children else _seq([own, _par([self._tree(c, members) for c in children])])
        return _conditional(group, node)

    def fetch_node(self, group: _Group) -> PlanNode:
        used = group.sel.variables()
        var_defs = [print_ast(v) for v in self.operation.variable_definitions or () if v.variable.name.value in used]
        name = f"{self.op_name}__{group.graph}__{group.id}" if self.op_name else None
        if group.kind == "entity":
            defs = ", ".join(["$representations: [_Any!]!", *var_defs])
            lines = [
                f"query{' ' + name if name else ''}({defs}) {{",
                "  _entities(representations: $representations) {",
            ]
            lines.extend(group.sel.print("    "))
            lines += ["  }", "}"]
            fetch = Fetch(
                service=group.graph,
                operation="\n".join(lines),
                operation_kind="query",
                variable_usages=tuple(sorted(used)),
                requires=tuple(r.freeze(cond) for cond, r in group.requires.items()),
                keep_typename=group.keep_typename,
                id=group.id,
                entity_selection=tuple(group.sel.print("")),
                variable_definitions=tuple(var_defs),
                renames=tuple(group.sel.renames().items()),
            )
            return Flatten(path=group.path, node=fetch)
        head = group.kind
        if name or var_defs:
            head += f" {name}" if name else ""
            head += f"({', '.join(var_defs)})" if var_defs else ""
        lines = [head + " {", *group.sel.print("  "), "}"]
        return Fetch(
            service=group.graph,
            operation="\n".join(lines),
            operation_kind=group.kind,
            variable_usages=tuple(sorted(used)),
            id=group.id,
            renames=tuple(group.sel.renames().items()),
        )


_CONDITION = re.compile(r"^ @(skip|include)\(if: \$(\w+)\)$")


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
    provided: SelectionSetNode | None, type_name: str, field: str, planning: _Planning
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


class QueryPlanner:
    """Plans operations against one supergraph, with an LRU plan cache."""

    def __init__(self, supergraph: Supergraph, cache_size: int = 512) -> None:
        self.supergraph = supergraph
        self.cache_size = cache_size
        self._cache: OrderedDict[str, QueryPlan] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def plan(
        self,
        document: DocumentNode,
        operation_name: str | None = None,
        labels: frozenset[str] = frozenset(),
        cache_key: str | None = None,
    ) -> QueryPlan:
        if cache_key is not None:
            cached = self._cache.get(cache_key)
            if cached is not None:
                self._cache.move_to_end(cache_key)
                self.hits += 1
                return cached
        self.misses += 1
        operation = operation_of(document, operation_name)
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        plan = _Planning(self.supergraph, operation, fragments, labels).plan_root()
        if cache_key is not None:
            self._cache[cache_key] = plan
            if len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return plan
