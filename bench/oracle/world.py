"""A generated federated world: entity types, their fields split across subgraphs, and one shared dataset.

The grammar draws, per seed, a small graph exercising one federation feature per choice: keys (single,
compound, nested ``ref { code }``, several, non-resolvable stubs), ``@shareable`` fields, ``@override`` (with and
without a progressive label), ``@requires`` with arguments (and requiring fields with arguments), ``@provides``,
interfaces and unions whose members each subgraph knows only partly, a shared root field typed as an object
type in one subgraph and as an interface in another, and an entity interface extended elsewhere by an
``@interfaceObject``. Every field's value is a pure function of (type, id, field, arguments), so the monolith
and each subgraph answer from the same data.
"""

from __future__ import annotations

import dataclasses
import random
from typing import Any

__all__ = ["Abstract", "EntityType", "FieldSpec", "World", "generate_world"]

SUBGRAPHS = ("a", "b", "c")
ARG_VALUES = (1, 2, 3)


@dataclasses.dataclass
class FieldSpec:
    """One field of an entity type.

    kind: ``scalar`` (``String``), ``arg`` (``String`` with an ``x: Int`` argument), ``ref`` / ``refs`` (one /
    a list of entities of ``target``), ``requires`` (computed in its subgraph from ``needs`` sent by the
    gateway; optionally with its own ``y: Int`` argument).
    """

    name: str
    kind: str
    owners: list[str]
    target: str | None = None
    #: for ``requires``: the field it needs and, for an ``arg`` field, the argument value it needs it with
    needs: str | None = None
    needs_arg: int | None = None
    has_arg: bool = False
    #: @override(from: overridden[0], label) on owners[0]
    overridden: str | None = None
    label: str | None = None
    #: for ``ref``/``refs``: fields of the target its (single) owner provides
    provides: tuple[str, ...] = ()
    #: some @provides names it: @shareable in its owner
    provided: bool = False


@dataclasses.dataclass
class EntityType:
    name: str
    owner: str
    ids: list[str]
    keys: list[str]  # resolvable keys in the owner: "id", "sku", "id sku", nested "ref { code }"...
    fields: list[FieldSpec] = dataclasses.field(default_factory=list)
    #: subgraph -> the key it declares the type with (and whether that key is resolvable)
    stubs: dict[str, tuple[str, bool]] = dataclasses.field(default_factory=dict)
    interfaces: dict[str, set[str]] = dataclasses.field(default_factory=dict)  # subgraph -> interfaces

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclasses.dataclass
class Abstract:
    """An interface or union; ``members`` per subgraph that declares it; root lists per subgraph."""

    name: str
    kind: str  # "interface" | "union" | "entity-interface"
    members: dict[str, list[str]]
    #: entity-interface: the owner subgraph and the @interfaceObject subgraph with its extra field
    owner: str | None = None
    object_in: str | None = None


@dataclasses.dataclass
class RootField:
    name: str
    graph: str
    kind: str  # "one" (by id) | "list" | "abstract" | "mixed"
    target: str
    #: "mixed": a @shareable root field typed ``target`` (abstract) in ``graph`` and the object type ``member``
    #: in ``also`` -- an object type in one subgraph, abstract in the supergraph
    also: str | None = None
    member: str | None = None


@dataclasses.dataclass
class World:
    seed: int
    types: dict[str, EntityType]
    abstracts: dict[str, Abstract]
    roots: list[RootField]

    # -- values -----------------------------------------------------------------------------------------------
    def value(self, type_name: str, id_: str, field: str, args: dict[str, Any]) -> Any:
        """The one true value of ``type.field`` for the object ``id_``; refs are ids."""
        if field == "id":
            return id_
        if field == "sku":
            return "sku:" + id_
        if field == "ref":
            return {"code": "code:" + id_}
        if field == "extra":
            return f"extra.{id_}"
        spec = self.types[type_name].field(field)
        assert spec is not None, (type_name, field)
        if spec.kind == "scalar":
            return f"{field}.{id_}"
        if spec.kind == "arg":
            return f"{field}.{id_}.{args.get('x', 1)}"
        if spec.kind == "requires":
            assert spec.needs is not None
            needed = self.value(type_name, id_, spec.needs, {"x": spec.needs_arg} if spec.needs_arg else {})
            return requiring_value(field, needed, args.get("y"))
        assert spec.target is not None
        targets = self.types[spec.target].ids
        pick = sum(map(ord, id_ + field)) % len(targets)
        if spec.kind == "ref":
            return targets[pick]
        return [targets[(pick + i) % len(targets)] for i in range(pick % 3 + 1)]

    def type_of_id(self, id_: str) -> str:
        return id_.rsplit("-", 1)[0]


def requiring_value(field: str, needed: Any, y: Any) -> str:
    return f"{field}<{needed}>" + ("" if y is None else f"/{y}")


def generate_world(seed: int) -> World:
    rng = random.Random(seed)
    graphs = list(SUBGRAPHS[: rng.choice((2, 3, 3))])
    n_types = rng.choice((2, 3, 3, 4))
    types: dict[str, EntityType] = {}
    for i in range(n_types):
        name = f"T{i}"
        owner = rng.choice(graphs)
        keys = rng.choice(
            (["id"], ["id"], ["sku"], ["id sku"], ["id", "sku"], ["ref { code }"], ["id", "sku ref { code }"])
        )
        types[name] = EntityType(name, owner, [f"{name}-{n}" for n in range(rng.choice((1, 2, 3)))], keys)

    def stub(t: EntityType, graph: str, resolvable: bool = True) -> None:
        """Declare ``t`` in ``graph``; a subgraph with fields of its own on it needs a resolvable key."""
        if graph == t.owner:
            return
        if graph not in t.stubs:
            t.stubs[graph] = (rng.choice(t.keys), resolvable)
        elif resolvable and not t.stubs[graph][1]:
            t.stubs[graph] = (t.stubs[graph][0], True)

    for t in types.values():
        for j in range(rng.choice((1, 2, 3))):
            kind = rng.choice(("scalar", "scalar", "arg", "ref", "refs"))
            owner = rng.choice(graphs)
            spec = FieldSpec(name=f"{kind[0]}{j}{t.name.lower()}", kind=kind, owners=[owner])
            if kind in ("ref", "refs"):
                spec.target = rng.choice(list(types))
                target = types[spec.target]
                # a subgraph that only references an entity may declare it with a non-resolvable key
                stub(target, owner, resolvable=rng.random() < 0.6)
                provided = [
                    f.name
                    for f in target.fields
                    if f.kind == "scalar" and owner not in f.owners and f.overridden is None
                ]
                if provided and rng.random() < 0.4 and target.stubs.get(owner, ("", True))[1]:
                    spec.provides = (rng.choice(provided),)
                    # a provided field is resolved in two places: @shareable where it is owned
                    next(f for f in target.fields if f.name == spec.provides[0]).provided = True
            elif rng.random() < 0.25 and len(graphs) > 1:
                other = rng.choice([g for g in graphs if g != owner])
                if rng.random() < 0.5:
                    spec.owners.append(other)  # @shareable in both
                else:
                    spec.overridden = other
                    spec.label = rng.choice((None, "percent(50)", "percent(0)", "percent(100)"))
            stub(t, owner)
            if spec.overridden:
                stub(t, spec.overridden)
            t.fields.append(spec)
        # @requires: a field computed in another subgraph from one of this type's own fields
        sources = [f for f in t.fields if f.kind in ("scalar", "arg") and len(f.owners) == 1 and not f.overridden]
        if sources and len(graphs) > 1 and rng.random() < 0.6:
            source = rng.choice(sources)
            where = rng.choice([g for g in graphs if g != source.owners[0]])
            spec = FieldSpec(
                name=f"q{len(t.fields)}{t.name.lower()}",
                kind="requires",
                owners=[where],
                needs=source.name,
                needs_arg=rng.choice(ARG_VALUES) if source.kind == "arg" else None,
                has_arg=rng.random() < 0.5,
            )
            stub(t, where)
            t.fields.append(spec)
    abstracts: dict[str, Abstract] = {}
    roots: list[RootField] = []
    names = list(types)
    if len(names) >= 2 and rng.random() < 0.5:
        members = rng.sample(names, 2 if len(names) == 2 else 3)
        split = _split(rng, members, graphs, types)
        abstracts["U"] = Abstract("U", "union", split)
    if len(names) >= 2 and rng.random() < 0.5:
        members = rng.sample(names, 2)
        split = _split(rng, members, graphs, types)
        abstracts["Node"] = Abstract("Node", "interface", split)
        for graph, ms in split.items():
            for m in ms:
                types[m].interfaces.setdefault(graph, set()).add("Node")
        home, known = rng.choice(sorted(split.items()))
        others = [g for g in graphs if g != home]
        if others and rng.random() < 0.7:
            member, also = rng.choice(known), rng.choice(others)
            t = types[member]
            if also != t.owner and also not in t.stubs:
                t.stubs[also] = (rng.choice(t.keys), True)
            roots.append(RootField("thing", home, "mixed", "Node", also=also, member=member))
    for graph in graphs:
        for abstract in abstracts.values():
            if graph in abstract.members:
                roots.append(RootField(f"{abstract.name.lower()}{graph.upper()}", graph, "abstract", abstract.name))
    # an entity interface whose implementations all live in one subgraph, extended by an @interfaceObject
    by_owner: dict[str, list[str]] = {}
    for t in types.values():
        if "id" in t.keys:
            by_owner.setdefault(t.owner, []).append(t.name)
    candidates = [(g, ms) for g, ms in by_owner.items() if len(ms) >= 1]
    if candidates and len(graphs) > 1 and rng.random() < 0.5:
        owner, members = rng.choice(candidates)
        # the @interfaceObject subgraph must define none of the implementations
        free = [g for g in graphs if g != owner and not any(g in types[m].stubs for m in members)]
        if not free:
            return World(seed, types, abstracts, _lists(rng, types, graphs, roots, set(), None))
        object_in = rng.choice(free)
        abstracts["Item"] = Abstract("Item", "entity-interface", {owner: members}, owner=owner, object_in=object_in)
        for m in members:
            types[m].interfaces.setdefault(owner, set()).add("Item")
        roots.append(RootField(f"items{owner.upper()}", owner, "abstract", "Item"))
        roots.append(RootField(f"items{object_in.upper()}", object_in, "abstract", "Item"))
    item = abstracts.get("Item")
    members_of_item = set(item.members[str(item.owner)]) if item else set()
    return World(seed, types, abstracts, _lists(rng, types, graphs, roots, members_of_item, item and item.object_in))


def _lists(
    rng: random.Random,
    types: dict[str, EntityType],
    graphs: list[str],
    roots: list[RootField],
    avoid_types: set[str],
    avoid_graph: str | None,
) -> list[RootField]:
    """A by-id root field in each type's owner, and a list root field in some subgraph (declaring the type
    there, maybe by a non-resolvable key); never an @interfaceObject subgraph for the interface's members."""
    for t in types.values():
        roots.append(RootField(t.name.lower(), t.owner, "one", t.name))
        options = [g for g in graphs if not (t.name in avoid_types and g == avoid_graph)]
        lister = rng.choice(options)
        if lister != t.owner and lister not in t.stubs:
            t.stubs[lister] = (rng.choice(t.keys), rng.random() < 0.6)
        roots.append(RootField(f"all{t.name}{lister.upper()}", lister, "list", t.name))
    return roots


def _split(
    rng: random.Random, members: list[str], graphs: list[str], types: dict[str, EntityType]
) -> dict[str, list[str]]:
    """Which members each subgraph that declares the abstract type knows: every member somewhere, each
    subgraph at least one, and a member only where its type is declared (it is then stubbed there)."""
    chosen = rng.sample(graphs, min(len(graphs), rng.choice((1, 2, 2))))
    split: dict[str, list[str]] = {g: [] for g in chosen}
    for i, m in enumerate(members):
        split[chosen[i % len(chosen)]].append(m)
        if rng.random() < 0.3:
            other = rng.choice(chosen)
            if m not in split[other]:
                split[other].append(m)
    for graph, ms in split.items():
        for m in ms:
            t = types[m]
            if graph != t.owner and graph not in t.stubs:
                t.stubs[graph] = (rng.choice(t.keys), True)
    return {g: ms for g, ms in split.items() if ms}
