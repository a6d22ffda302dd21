"""Entity fetches: which subgraph to ask for a field the current fetch cannot resolve (ranked on the query
graph), the ``_entities`` fetch groups, and the key and ``@requires`` inputs they need first."""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Iterable

from graphql import (
    FieldNode,
    GraphQLOutputType,
    SelectionNode,
    SelectionSetNode,
    get_named_type,
    is_abstract_type,
    print_ast,
)

from gateway.errors import PlanningError
from gateway.federation.planning._selection import FieldSelection, SelectionSet, variables_in
from gateway.federation.planning.query_graph import top_fields
from gateway.federation.supergraph import FieldRouting

from ._base import _PlanningBase
from ._model import (
    _MAX_HOPS,
    _Group,
    _merge_req_fields,
    _Parent,
    _parse_fieldset,
    _provided_field,
    _req_from_selection,
    _ReqBuilder,
    _ReqFieldBuilder,
    _Target,
    _top_fields,
)

__all__: list[str] = []


class _EntityPlanning(_PlanningBase):
    """Entity-fetch planning; the selection planning itself is the subclass's."""

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
        raise NotImplementedError

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
        if routing is None or routing.requires or routing.context_arguments:
            return None  # its inputs reach it in the representations / as variables of an entity fetch
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

        def score(t: _Target) -> tuple[int, int, int, str]:
            # entity fetches before the target can be asked (its key fields fetched elsewhere first), then the
            # fetches its subgraph needs for the rest of the selection
            before = self.hops(type_name, group.graph, t, field) - 1
            reuse = 0 if t.graph in existing else 1
            child_type = self._field_type(type_name, field)
            misses = self._local_misses(t.graph, child_type, sub) if child_type else 0
            return before, reuse + misses, misses, t.graph

        return min(candidates, key=score)

    def hops(self, type_name: str, start: str, target: _Target, field: str) -> int:
        """Entity fetches, on the query graph, until ``target`` can be asked for ``field`` about an object of
        ``type_name`` held in ``start``: one more than its cheapest usable key's fields cost (a key made of the
        field itself is no way there); many when no chain of keys gets there."""
        reach = self.graph.reach(type_name, start)
        costs = [
            max((reach.fields[f][0] for f in fields), default=0)
            for key in self.sg.type_graphs(target.cond)[target.graph].resolvable_keys
            for fields in (top_fields(key),)
            if field not in fields and fields <= reach.fields.keys()
        ]
        return 1 + min(costs) if costs else _MAX_HOPS + 1

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
        waiting: tuple[_Group, ...] = (),
    ) -> _Group:
        """``waiting``: fetches that wait for what this one brings (its key must not come from them)."""
        if hops > _MAX_HOPS:
            raise PlanningError(f"no path of entity fetches reaches subgraph {target.graph} for {type_name}")
        names = runtime_names | {target.cond}
        while True:
            index = (target.graph, path, parent.id, tag)
            gid = self._entity_index.get(index)
            group = self.groups[gid] if gid is not None else None
            # one object gets one representation per fetch: an object of a type another representation type of
            # this fetch already covers (``T`` and its @interfaceObject interface ``I`` in one subgraph) needs a
            # fetch of its own
            if group is None or not any(
                cond != target.cond and req.typenames & names for cond, req in group.requires.items()
            ):
                break
            tag = f"{tag}#{target.cond}"
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
                parent, parent_sel, type_name, path, req.key, hops, avoid=(group, *waiting), parent=via_parent
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
        avoid: tuple[_Group, ...] = (),
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
        avoid: tuple[_Group, ...] = (),
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
            target = min(
                self.targets(type_name, name),
                key=lambda t: (self.hops(type_name, group.graph, t, name), t.graph),
                default=None,
            )
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
                waiting=avoid,
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
                    and not any(g is a or self.depends_on(g, a) for a in avoid)
                }
            out[name] = _ReqFieldBuilder(
                name=name,
                data_key=fs.response_key,
                sub=_req_from_selection(field.selection_set) if field.selection_set else None,
                source=fs,
            )
        return out, deps

    def _provider_tag(self, group: _Group, target: _Target, path: tuple[str, ...], avoid: tuple[_Group, ...]) -> str:
        """The fetch to ``target``'s subgraph at ``path`` that can bring an input in: the one already going there
        unless it waits for that input (``avoid``, or one depending on it), else a separate one."""

        def usable(tag: str) -> bool:
            gid = self._entity_index.get((target.graph, path, group.id, tag))
            return gid is None or not any(gid == a.id or self.depends_on(self.groups[gid], a) for a in avoid)

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
        fields, deps = self.ensure_fields(
            parent, parent_sel, type_name, path, target.routing.requires, 0, avoid=(child,)
        )
        _merge_req_fields(child.requires[target.cond].fields, fields)
        for dep in deps:
            if dep is child or self.depends_on(dep, child):
                raise PlanningError(
                    f"@requires({target.routing.requires}) on {type_name} in {target.graph} depends on its own result"
                )
            child.deps.add(dep.id)
