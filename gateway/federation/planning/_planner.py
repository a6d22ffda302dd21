"""Operation → query plan.

The planner walks the client operation type by type. Every field goes to the subgraph fetch that is already
open at that point when that subgraph can resolve it; otherwise it opens (or joins) an **entity fetch** to a
subgraph that can, keyed by one of the entity's ``@key``s, after adding that key's fields (and ``__typename``) to
the parent fetch. Which subgraph: the one the query graph (:mod:`.query_graph`) reaches in the fewest entity
fetches from the current one (a key whose fields must first come from elsewhere costs those fetches too), then
the one already asked at that path, then the one resolving most of the sub-selection itself. A field is planned
against the type its own subgraph gives it (an object type there, abstract in the supergraph).
``@requires`` inputs are gathered first and sent in the representations; ``@provides`` lets a fetch resolve
otherwise external fields; abstract types are expanded per concrete type each subgraph knows;
``@interfaceObject`` targets get representations typed as the interface.

Entity fetches are grouped per (subgraph, response path, parent fetch), so each entity level costs one
``_entities`` call per subgraph. Groups form a DAG that becomes Sequence / Parallel / Flatten nodes. Plans depend
only on the document, the operation name and the active override labels, and are cached on that key.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import OrderedDict
from collections.abc import Mapping

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLObjectType,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    get_named_type,
    is_abstract_type,
    is_composite_type,
    print_ast,
)
from graphql.language import OperationType

from gateway.errors import PlanningError
from gateway.federation.plan import (
    ContextRead,
    Fetch,
    Flatten,
    PlanNode,
    QueryPlan,
    RequiresField,
)
from gateway.federation.planning._selection import SelectionSet
from gateway.federation.planning.query_graph import QueryGraph
from gateway.federation.supergraph import FieldRouting, Supergraph

from ._contexts import _ContextPlanning
from ._model import (
    _conditional,
    _Group,
    _list_depth,
    _par,
    _Parent,
    _parse_fieldset,
    _provided_field,
    _seq,
    _Target,
    _top_fields,
)

__all__ = ["QueryPlanner", "operation_of", "plan_cache_key"]


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


class _Planning(_ContextPlanning):
    """Planning one operation: selections type by type, the root fields, and the groups as plan nodes."""

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
                    with self.below(group, sel, type_name, path, parent):
                        self.plan_selection(
                            group,
                            fs.sub,
                            self._type_here(local, child_type, fs.sub),
                            sub_selections,
                            child_path,
                            child_provided,
                            child_parent,
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
            if target.routing.context_arguments:
                node = self.add_contexts(child, type_name, node, target)
            fs = frag.add_client_field(response_key, node, composite, keep_directives=len(nodes) == 1)
            self._wire_key(fs, field_def.type, target.routing)
            if composite and fs.sub is not None:
                child_provided = _parse_fieldset(target.routing.provides) if target.routing.provides else None
                child_parent = _Parent(child, frag, type_name, path, ((response_key, tuple(nodes)),))
                here = self._type_here(target.routing, child_type, fs.sub)
                with self.below(group, sel, type_name, path, parent):
                    self.plan_selection(child, fs.sub, here, sub_selections, child_path, child_provided, child_parent)

    # --------------------------------------------------------------------------------------------------- root
    def _type_here(self, routing: FieldRouting, api_type: str, sub: SelectionSet) -> str:
        """The type to plan a field's selection against in the subgraph that resolves it: the supergraph's type,
        unless that subgraph types the field as one object type of it (``thing: Car`` where the supergraph says
        ``thing: Vehicle``). Then only that type's selections are asked there (a fragment on another type would
        be invalid in that subgraph), and ``__typename`` so the answer reads as the abstract type."""
        if routing.type is None:
            return api_type
        local = routing.type.replace("!", "").replace("[", "").replace("]", "")
        named = self.schema.get_type(api_type)
        local_type = self.schema.get_type(local)
        if (
            local == api_type
            or named is None
            or not is_abstract_type(named)
            or not isinstance(local_type, GraphQLObjectType)
            or not self.schema.is_sub_type(named, local_type)
        ):
            return api_type
        sub.add_typename()
        return local

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
        collected = self.collect(op.selection_set.selections, root_type.name)
        roots: list[_Group] = []
        for response_key, nodes in collected.items():
            name = nodes[0].name.value
            if name.startswith("__"):
                continue
            candidates = sorted(self.sg.resolving(root_type.name, name, self.labels))
            if not candidates:
                raise PlanningError(f"no subgraph resolves {root_type.name}.{name}")
            if kind != "query":  # mutations in order; a subscription's one field where its stream is
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
            parts = [(graph, nodes)] if kind != "query" else self.split_shared_root(graph, candidates, name, nodes)
            for part_graph, part_nodes in parts:
                part_group = group if part_graph == graph else None
                if part_group is None and kind == "query":
                    part_group = next((g for g in roots if g.graph == part_graph), None)
                if part_group is None:
                    part_group = self.new_group(part_graph, (), kind)
                    roots.append(part_group)
                self.plan_object(
                    part_group, part_group.sel, root_type.name, OrderedDict([(response_key, part_nodes)]), (), None
                )
        subtrees = [self.subtree(g) for g in roots]
        node = _par(subtrees) if kind == "query" else _seq(subtrees)
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
            var_defs += [f"${v}: {t}" for v, t in {c.variable: c.type for c in group.contexts}.items()]
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
                contexts=tuple(_context_reads(group)),
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


def _context_reads(group: _Group) -> list[ContextRead]:
    """The group's context reads, one per (variable, ancestor depth, field read), ancestor types merged."""
    reads: dict[tuple[str, int, RequiresField], ContextRead] = {}
    for builder in group.contexts:
        read = builder.freeze()
        key = (read.variable, read.depth, read.field)
        known = reads.get(key)
        reads[key] = read if known is None else dataclasses.replace(known, typenames=known.typenames | read.typenames)
    return list(reads.values())


class QueryPlanner:
    """Plans operations against one supergraph, with an LRU plan cache."""

    def __init__(self, supergraph: Supergraph, cache_size: int = 512) -> None:
        self.supergraph = supergraph
        self.cache_size = cache_size
        self._cache: OrderedDict[str, QueryPlan] = OrderedDict()
        #: the query graph per active override label set (built on first use)
        self._graphs: dict[frozenset[str], QueryGraph] = {}
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
        graph = self._graphs.get(labels)
        if graph is None:
            graph = self._graphs[labels] = QueryGraph(self.supergraph, labels)
        plan = _Planning(self.supergraph, operation, fragments, labels, graph).plan_root()
        if cache_key is not None:
            self._cache[cache_key] = plan
            if len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return plan
