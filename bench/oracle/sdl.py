"""A :class:`World` as SDL: one subgraph schema per subgraph (for composition) and the merged monolith."""

from __future__ import annotations

import dataclasses
import re

from bench.oracle.world import Abstract, EntityType, FieldSpec, World

__all__ = ["FEDERATION_VERSION", "GraphView", "monolith_sdl", "subgraph_sdl", "views"]

FEDERATION_VERSION = "2.7"
_IMPORTS = ("@key", "@external", "@requires", "@provides", "@shareable", "@override", "@interfaceObject")


@dataclasses.dataclass
class GraphView:
    """What one subgraph declares: per type, its fields and how it relates to each."""

    graph: str
    #: type -> field -> role: "own" | "external" | "overridden" | "key"
    roles: dict[str, dict[str, str]] = dataclasses.field(default_factory=dict)
    #: types with a resolvable key here (they answer ``_entities``)
    resolvable: set[str] = dataclasses.field(default_factory=set)
    sdl: str = ""


def _field_type(world: World, spec: FieldSpec) -> str:
    if spec.kind == "ref":
        return str(spec.target)
    if spec.kind == "refs":
        return f"[{spec.target}!]!"
    return "String"


def _args(spec: FieldSpec) -> str:
    if spec.kind == "arg":
        return "(x: Int)"
    if spec.kind == "requires" and spec.has_arg:
        return "(y: Int)"
    return ""


def _needs(spec: FieldSpec) -> str:
    return f"{spec.needs}(x: {spec.needs_arg})" if spec.needs_arg is not None else str(spec.needs)


def top_level(fieldset: str) -> list[str]:
    """The top-level field names of a key: ``"id ref { code }"`` -> ``["id", "ref"]``."""
    return re.sub(r"\{[^{}]*\}", " ", fieldset).split()


def _keys_in(t: EntityType, graph: str) -> list[tuple[str, bool]]:
    if graph == t.owner:
        return [(k, True) for k in t.keys]
    return [t.stubs[graph]] if graph in t.stubs else []


def subgraph_sdl(world: World, graph: str) -> GraphView:
    view = GraphView(graph)
    lines: list[str] = []
    for t in world.types.values():
        keys = _keys_in(t, graph)
        if not keys:
            continue
        roles = view.roles.setdefault(t.name, {})
        body: list[str] = []
        refs: list[str] = []
        key_fields = {f for k, _ in keys for f in top_level(k)}
        if graph == t.owner:
            key_fields |= {"id", "sku", "ref"}  # the owner has them all, so clients can select any
        if any(graph in world.abstracts[i].members for i in t.interfaces.get(graph, ())):
            key_fields.add("id")
        for name, type_ in (("id", "ID!"), ("sku", "String!"), ("ref", f"Ref{t.name}!")):
            if name in key_fields:
                in_key = any(name in top_level(k) for k, _ in keys)
                body.append(f"  {name}: {type_}{'' if in_key else ' @shareable'}")
                roles[name] = "key"
                if name == "ref":
                    refs.append(f"type Ref{t.name} @shareable {{\n  code: String!\n}}")
        externals: dict[str, str] = {}
        for spec in t.fields:
            if graph in spec.owners:
                directives = ""
                if len(spec.owners) > 1 or spec.provided:
                    directives += " @shareable"
                if spec.overridden and graph == spec.owners[0]:
                    label = f', label: "{spec.label}"' if spec.label else ""
                    directives += f' @override(from: "{spec.overridden}"{label})'
                if spec.kind == "requires":
                    directives += f' @requires(fields: "{_needs(spec).replace(chr(34), chr(92) + chr(34))}")'
                    needed = t.field(str(spec.needs))
                    assert needed is not None
                    externals[needed.name] = f"  {needed.name}{_args(needed)}: String @external"
                if spec.provides:
                    directives += f' @provides(fields: "{" ".join(spec.provides)}")'
                body.append(f"  {spec.name}{_args(spec)}: {_field_type(world, spec)}{directives}")
                roles[spec.name] = "own"
            elif graph == spec.overridden:
                body.append(f"  {spec.name}{_args(spec)}: {_field_type(world, spec)}")
                roles[spec.name] = "own" if spec.label else "overridden"
        for other in world.types.values():
            for spec in other.fields:
                if graph in spec.owners and spec.target == t.name:
                    for p in spec.provides:
                        externals[p] = f"  {p}: String @external"
        for name, line in externals.items():
            if roles.get(name) is None:
                body.append(line)
                roles[name] = "external"
        interfaces = sorted(t.interfaces.get(graph, ()))
        implements = f" implements {' & '.join(interfaces)}" if interfaces else ""
        key_directives = "".join(
            f' @key(fields: "{k}"{"" if resolvable else ", resolvable: false"})' for k, resolvable in keys
        )
        if any(resolvable for _, resolvable in keys):
            view.resolvable.add(t.name)
        lines.append(f"type {t.name}{implements}{key_directives} {{\n" + "\n".join(body) + "\n}")
        lines.extend(refs)
    for abstract in world.abstracts.values():
        lines.extend(_abstract_in(abstract, graph, view))
    roots = [_root_line(world, r.name, r.kind, r.target) for r in world.roots if r.graph == graph]
    roots += [_root_line(world, r.name, r.kind, str(r.member)) for r in world.roots if r.also == graph]
    if roots:
        lines.insert(0, "type Query {\n" + "\n".join(roots) + "\n}")
    listed = ", ".join(f'"{name}"' for name in _IMPORTS)
    header = (
        f'extend schema @link(url: "https://specs.apollo.dev/federation/v{FEDERATION_VERSION}", import: [{listed}])\n\n'
    )
    view.sdl = header + "\n\n".join(lines) + "\n"
    return view


def _abstract_in(abstract: Abstract, graph: str, view: GraphView) -> list[str]:
    if abstract.kind == "entity-interface":
        if graph == abstract.owner:
            view.resolvable.add(abstract.name)
            view.roles[abstract.name] = {"id": "key"}
            return [f'interface {abstract.name} @key(fields: "id") {{\n  id: ID!\n}}']
        if graph == abstract.object_in:
            view.resolvable.add(abstract.name)
            view.roles[abstract.name] = {"id": "key", "extra": "own"}
            return [f'type {abstract.name} @key(fields: "id") @interfaceObject {{\n  id: ID!\n  extra: String\n}}']
        return []
    members = abstract.members.get(graph)
    if not members:
        return []
    if abstract.kind == "union":
        return [f"union {abstract.name} = {' | '.join(members)}"]
    return [f"interface {abstract.name} {{\n  id: ID!\n}}"]


def _root_line(world: World, name: str, kind: str, target: str) -> str:
    if kind == "mixed":
        return f"  {name}: {target} @shareable"
    if kind == "one":
        return f"  {name}(id: ID!): {target}"
    return f"  {name}: [{target}!]!"


def views(world: World) -> dict[str, GraphView]:
    graphs = sorted({r.graph for r in world.roots} | {t.owner for t in world.types.values()})
    graphs = sorted(
        set(graphs) | {g for t in world.types.values() for g in t.stubs} | {str(r.also) for r in world.roots if r.also}
    )
    return {g: subgraph_sdl(world, g) for g in graphs}


def monolith_sdl(world: World) -> str:
    """The same graph as one schema: every field on its type, every member in its abstract type."""
    roots = (_root_line(world, r.name, r.kind, r.target).replace(" @shareable", "") for r in world.roots)
    lines = ["type Query {\n" + "\n".join(roots) + "\n}"]
    for t in world.types.values():
        interfaces = sorted({i for s in t.interfaces.values() for i in s})
        implements = f" implements {' & '.join(interfaces)}" if interfaces else ""
        body = ["  id: ID!", "  sku: String!", f"  ref: Ref{t.name}!"]
        body += [f"  {f.name}{_args(f)}: {_field_type(world, f)}" for f in t.fields]
        if "Item" in interfaces:
            body.append("  extra: String")
        lines.append(f"type {t.name}{implements} {{\n" + "\n".join(body) + "\n}")
    lines.extend(f"type Ref{t} {{\n  code: String!\n}}" for t in world.types)
    for abstract in world.abstracts.values():
        members = sorted({m for ms in abstract.members.values() for m in ms})
        if abstract.kind == "union":
            lines.append(f"union {abstract.name} = {' | '.join(members)}")
        elif abstract.kind == "interface":
            lines.append(f"interface {abstract.name} {{\n  id: ID!\n}}")
        else:
            lines.append(f"interface {abstract.name} {{\n  id: ID!\n  extra: String\n}}")
    return "\n\n".join(lines) + "\n"
