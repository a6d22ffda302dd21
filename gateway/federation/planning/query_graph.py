"""The query graph of a supergraph: what each subgraph can reach, and in how many entity fetches.

Nodes are (type, subgraph) pairs. Edges:

- **field** edges: ``(T, g) --f--> (type of f, g)`` when ``g`` resolves ``T.f`` (not ``@external``, override and
  labels applied); a ``@requires`` field's edge carries its field set as a condition, met by what the other
  subgraphs can bring to the object; a ``@provides`` field also makes the provided fields of its type
  resolvable at the node it leads to;
- **key** edges: ``(T, g) --key--> (T, h)`` for each resolvable ``@key`` of ``T`` in ``h``, usable once the key's
  fields are available for the object; and to an ``@interfaceObject`` subgraph through the interface's key;
- **type condition** edges: ``(A, g) --... on T--> (T, g)`` only for the object types of abstract ``A`` that ``g``
  itself knows (its own union members and implementations);
- **root** entries: ``(Query, g)`` for every subgraph with root fields.

Two users walk it: composition's satisfiability check (every field reachable from every root entry, or the
composer rejects the subgraph set) and the planner's choice of the subgraph to fetch a field from (fewest entity
fetches first). The graph is built once per supergraph and override-label set; answers are memoised.
"""

from __future__ import annotations

import dataclasses
from functools import cache

from graphql import (
    FieldNode,
    GraphQLNamedType,
    GraphQLObjectType,
    get_named_type,
    is_abstract_type,
    parse,
)

from gateway.federation.supergraph import Supergraph

__all__ = ["QueryGraph", "Reach", "top_fields"]


@cache
def _top_nodes(fieldset: str) -> tuple[FieldNode, ...]:
    """The top-level fields of a ``@key``/``@requires`` field set, parsed once per field set."""
    operation = parse("{" + fieldset + "}", no_location=True).definitions[0]
    selections = getattr(operation, "selection_set").selections  # noqa: B009 - an OperationDefinitionNode
    return tuple(s for s in selections if isinstance(s, FieldNode))


@cache
def top_fields(fieldset: str) -> frozenset[str]:
    """The top-level field names of a ``@key``/``@requires`` field set."""
    return frozenset(s.name.value for s in _top_nodes(fieldset))


@cache
def _nested(fieldset: str) -> tuple[tuple[str, tuple[FieldNode, ...]], ...]:
    """The top-level fields of a field set that select subfields, with those subfields."""
    return tuple(
        (s.name.value, tuple(c for c in s.selection_set.selections if isinstance(c, FieldNode)))
        for s in _top_nodes(fieldset)
        if s.selection_set is not None
    )


@dataclasses.dataclass(frozen=True)
class Reach:
    """From one subgraph holding an object of ``type``: the subgraphs an entity fetch can reach (with the number
    of fetches needed, 0 for the start) and the fields then available, each with its fewest fetches."""

    type: str
    start: str
    graphs: dict[str, int]
    fields: dict[str, tuple[int, str]]  # field -> (fetches, subgraph)

    def distance(self, field: str) -> int | None:
        found = self.fields.get(field)
        return None if found is None else found[0]


@dataclasses.dataclass(frozen=True)
class _Visit:
    """A node of the walk: ``type`` in ``graph``, with the fields an @provides on the way makes resolvable, and the
    entity it hangs off (its type, subgraph and the fields from it down to this object)."""

    type: str
    graph: str
    provided: frozenset[str]
    path: str
    parent: tuple[str, str, tuple[tuple[str, str], ...]] | None
    #: the ``@context``s the objects above this one set (for fields with ``@fromContext`` arguments)
    contexts: frozenset[str] = frozenset()


class QueryGraph:
    """The query graph of one supergraph under one set of active override labels."""

    def __init__(self, supergraph: Supergraph, labels: frozenset[str] = frozenset()) -> None:
        self.sg = supergraph
        self.labels = labels
        self._reach: dict[tuple[str, str, frozenset[str], bool], Reach] = {}
        self._walking: set[tuple[str, str, frozenset[str], bool]] = set()
        api = supergraph.api_schema
        roots = (api.query_type, api.mutation_type, api.subscription_type)
        self._root_names = frozenset(r.name for r in roots if r is not None)

    # ---------------------------------------------------------------------------------------------- nodes
    def _type(self, name: str) -> GraphQLNamedType | None:
        return self.sg.schema.get_type(name)

    def fields_of(self, type_name: str) -> list[str]:
        return list(getattr(self._type(type_name), "fields", {}))

    def _jump_targets(self, type_name: str) -> list[tuple[str, str, list[str]]]:
        """Where a key edge for ``type_name`` can lead: (subgraph, type condition there, resolvable keys)."""
        out = [
            (g, type_name, t.resolvable_keys) for g, t in self.sg.type_graphs(type_name).items() if t.resolvable_keys
        ]
        named = self._type(type_name)
        for iface in getattr(named, "interfaces", ()):
            for g, t in self.sg.type_graphs(iface.name).items():
                if t.is_interface_object and t.resolvable_keys:
                    out.append((g, iface.name, t.resolvable_keys))
        return out

    def _local(self, type_name: str, cond: str, graph: str) -> dict[str, str | None]:
        """Fields of ``type_name`` that ``graph`` resolves (seen as ``cond`` there), with their @requires."""
        out: dict[str, str | None] = {}
        for field in self.fields_of(type_name):
            routing = self.sg.resolving(cond, field, self.labels).get(graph)
            if routing is None and cond != type_name:
                continue
            if routing is None:
                continue
            out[field] = routing.requires
        return out

    # ---------------------------------------------------------------------------------------------- reach
    def reach(
        self, type_name: str, start: str, provided: frozenset[str] = frozenset(), *, handed: bool = True
    ) -> Reach:
        """Breadth-first over key edges from ``(type_name, start)``: round ``n`` adds the subgraphs whose key
        fields were available after round ``n - 1``; a @requires field counts once its inputs are available.

        ``handed``: the object came to ``start`` by an entity fetch, so the fields of its keys there are known even
        where ``start`` marks them ``@external``; an object reached by a field (from a root or another object) has
        only what ``start`` itself resolves."""
        memo_key = (type_name, start, provided, handed)
        found = self._reach.get(memo_key)
        if found is not None:
            return found
        self._walking.add(memo_key)
        try:
            result = self._walk(type_name, start, provided, handed)
        finally:
            self._walking.discard(memo_key)
        self._reach[memo_key] = result
        return result

    def _walk(self, type_name: str, start: str, provided: frozenset[str], handed: bool) -> Reach:
        graphs: dict[str, int] = {start: 0}
        fields: dict[str, tuple[int, str]] = {f: (0, start) for f in provided}
        pending: dict[str, list[tuple[int, str, str]]] = {}  # requires field set -> waiting (fetches, graph, field)
        entered = {(start, type_name)}

        def absorb(graph: str, cond: str, fetches: int) -> None:
            for field, requires in self._local(type_name, cond, graph).items():
                if requires is None:
                    if field not in fields or fields[field][0] > fetches:
                        fields[field] = (fetches, graph)
                else:
                    pending.setdefault(requires, []).append((fetches, graph, field))

        absorb(start, type_name, 0)
        # a subgraph gives back the fields of its own keys, even @external ones (it is handed them), but not one
        # overridden away from it
        given: set[str] = set()  # handed in the representation, subfields and all
        for key in getattr(self.sg.type_graphs(type_name).get(start), "keys", ()) if handed else ():
            for field in top_fields(key.fields):
                routing = self.sg.routing(type_name, field, start)
                if routing is not None and not routing.used_overridden:
                    fields.setdefault(field, (0, start))
                    given.add(field)
        round_ = 0
        changed = True
        while changed:
            changed = False
            round_ += 1
            for requires, waiting in list(pending.items()):
                if top_fields(requires) <= fields.keys():
                    inputs = max(fields[f][0] for f in top_fields(requires))
                    for fetches, graph, field in waiting:
                        if not self._collectable(type_name, graph, requires):
                            continue
                        if graph == start and not handed and not self._resumable(type_name, start):
                            continue
                        cost = max(fetches, inputs + 1)
                        if field not in fields or fields[field][0] > cost:
                            fields[field] = (cost, graph)
                            changed = True
                    del pending[requires]
            for graph, cond, keys in self._jump_targets(type_name):
                if (graph, cond) in entered:
                    continue
                if any(self._key_met(type_name, k, fields, given) for k in keys):
                    entered.add((graph, cond))
                    graphs.setdefault(graph, round_)
                    absorb(graph, cond, round_)
                    changed = True
        return Reach(type_name, start, graphs, fields)

    def _resumable(self, type_name: str, graph: str) -> bool:
        """An object ``graph`` returned from a field can come back to it by an entity fetch, its @requires inputs
        added: ``graph`` has a key whose fields it resolves itself."""
        local = {f: (0, graph) for f, requires in self._local(type_name, type_name, graph).items() if requires is None}
        type_graph = self.sg.type_graphs(type_name).get(graph)
        # the composition reference counts any key here, even one declared resolvable: false
        keys = [k.fields for k in type_graph.keys] if type_graph is not None else []
        return any(self._key_met(type_name, k, local, set()) for k in keys)

    def _collectable(self, type_name: str, graph: str, requires: str) -> bool:
        """A ``@requires`` of ``graph`` can be met: its fields are reachable from ``graph`` itself, by the keys
        that lead away from it (the object comes to it by an entity fetch). A walk already under way from there
        is judging exactly that, so it counts as met. Only the key fields ``graph`` resolves lead away: one it marks
        ``@external`` is in the representation it is sent, but the composition reference does not count it."""
        key = (type_name, graph, frozenset[str](), False)
        if key in self._walking:
            return True
        return top_fields(requires) <= self.reach(type_name, graph, handed=False).fields.keys()

    def _key_met(self, type_name: str, key: str, fields: dict[str, tuple[int, str]], given: set[str]) -> bool:
        """The key's fields are available: its top-level fields, and below an object-valued one (``ref { code }``)
        each subfield resolved by the subgraph that supplies the object (a value type cannot change subgraph),
        unless the object was ``given`` whole in a representation."""
        if not top_fields(key) <= fields.keys():
            return False
        return all(
            name in given or self._resolves_all(fields[name][1], self._child(type_name, name), subfields)
            for name, subfields in _nested(key)
        )

    def _child(self, type_name: str, field: str) -> str:
        fdef = getattr(self._type(type_name), "fields", {}).get(field)
        return "" if fdef is None else get_named_type(fdef.type).name

    def _resolves_all(self, graph: str, type_name: str, selections: tuple[FieldNode, ...]) -> bool:
        for node in selections:
            if graph not in self.sg.resolving(type_name, node.name.value, self.labels):
                return False
            if node.selection_set is not None:
                children = tuple(c for c in node.selection_set.selections if isinstance(c, FieldNode))
                if not self._resolves_all(graph, self._child(type_name, node.name.value), children):
                    return False
        return True

    # --------------------------------------------------------------------------------------- satisfiability
    def unsatisfiable(self) -> list[str]:
        """Fields a client can select that no plan can fetch: walk every root entry over field and type
        condition edges; at each (entity type, subgraph) node, every field must be reachable by key edges, or
        through the entity the object hangs off (the same fields again from a subgraph that has them all)."""
        problems: dict[tuple[str, str], str] = {}
        seen: set[tuple[str, str, frozenset[str], tuple[str, str] | None, frozenset[str]]] = set()
        api = self.sg.api_schema
        stack: list[_Visit] = []
        roots = [r for r in (api.query_type, api.mutation_type) if r is not None]
        for root in roots:
            for graph in self.sg.subgraphs:
                if any(graph in self.sg.resolving(root.name, f, self.labels) for f in root.fields):
                    stack.append(_Visit(root.name, graph, frozenset(), root.name, None))
        while stack:
            visit = stack.pop()
            type_name, graph = visit.type, visit.graph
            memo = (type_name, graph, visit.provided, visit.parent[:2] if visit.parent else None, visit.contexts)
            if memo in seen:
                continue
            seen.add(memo)
            named = api.get_type(type_name)
            if named is not None and is_abstract_type(named):
                if self.sg.is_interface_object(graph, type_name):
                    # the implementation type is known only where the interface is: a key jump there, with key
                    # fields this subgraph resolves
                    jumps = self.reach(type_name, graph, visit.provided, handed=False).graphs
                    owners = [
                        owner
                        for owner, t in self.sg.type_graphs(type_name).items()
                        if owner != graph and not t.is_interface_object and owner in jumps
                    ]
                    if not owners:
                        problems.setdefault(
                            (type_name, "__typename"),
                            f"the implementation type of @interfaceObject {type_name} cannot be found from subgraph "
                            f"{graph} (by the path {visit.path}): no subgraph with the interface can be reached by a "
                            f"@key whose fields {graph} can supply",
                        )
                    for owner in owners:
                        stack.append(_Visit(type_name, owner, frozenset(), f"{visit.path}<{type_name}>", None))
                for concrete in self.sg.possible_types_in_graph(graph, type_name):
                    stack.append(dataclasses.replace(visit, type=concrete, path=f"{visit.path}<{concrete}>"))
                continue
            if not isinstance(named, GraphQLObjectType):
                continue
            entity = any(t.resolvable_keys for t in self.sg.type_graphs(type_name).values())
            is_root = named in roots
            reach = self.reach(type_name, graph, visit.provided, handed=False) if entity else None
            for field_name, field in named.fields.items():
                routing = self.sg.resolving(type_name, field_name, self.labels)
                here = routing.get(graph)
                if (here is not None and here.requires is None) or field_name in visit.provided:
                    graphs = [graph]
                elif is_root:
                    graphs = list(routing)
                else:
                    at = reach.fields.get(field_name) if reach is not None else None
                    graphs = [at[1]] if at is not None else self._through_parent(visit, field_name)
                if not graphs:
                    problems.setdefault(
                        (type_name, field_name),
                        f"{type_name}.{field_name} cannot be reached from subgraph {graph} (by the path "
                        f"{visit.path}): no subgraph that resolves it can be reached by a @key whose fields {graph} "
                        "can supply",
                    )
                    continue
                unset = [
                    str(c["context"])
                    for g in graphs[:1]
                    for c in (routing[g].context_arguments if g in routing else ())
                    if c["context"] not in visit.contexts
                ]
                if unset:
                    problems.setdefault(
                        (type_name, field_name),
                        f"{type_name}.{field_name} takes an argument from context {unset[0]}, but no type above it "
                        f"sets that context on the path {visit.path}",
                    )
                    continue
                child = get_named_type(field.type)
                if not (isinstance(child, GraphQLObjectType) or is_abstract_type(child)):
                    continue
                below = visit.contexts | self.sg.contexts_set_by(type_name)
                for g in graphs:
                    r = routing.get(g)
                    provided = top_fields(r.provides) if r is not None and r.provides else frozenset()
                    if entity or is_root:
                        parent: tuple[str, str, tuple[tuple[str, str], ...]] | None = (
                            type_name,
                            g,
                            ((type_name, field_name),),
                        )
                    elif visit.parent is not None:
                        parent = (*visit.parent[:2], (*visit.parent[2], (type_name, field_name)))
                    else:
                        parent = None
                    stack.append(_Visit(child.name, g, provided, f"{visit.path}.{field_name}", parent, below))
        return list(problems.values())

    def _through_parent(self, visit: _Visit, field_name: str) -> list[str]:
        """Subgraphs that can fetch ``field`` again below the parent entity: reachable from the parent's node and
        resolving every field on the way down to the object and the field itself."""
        if visit.parent is None:
            return []
        parent_type, parent_graph, chain = visit.parent
        if parent_type in self._root_names:
            candidates: list[str] = list(self.sg.subgraphs)  # any subgraph with the root field is an entry
        else:
            candidates = list(self.reach(parent_type, parent_graph).graphs)
        steps = [*chain, (visit.type, field_name)]
        return [h for h in candidates if all(self._plainly(h, t, f) for t, f in steps)][:1]

    def _plainly(self, graph: str, type_name: str, field: str) -> bool:
        """``graph`` resolves the field with nothing more to fetch first (no @requires)."""
        routing = self.sg.resolving(type_name, field, self.labels).get(graph)
        return routing is not None and routing.requires is None
