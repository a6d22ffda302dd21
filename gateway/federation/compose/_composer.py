"""Compose Apollo Federation 2 subgraph SDLs into a supergraph SDL (join v0.5).

Clean-room implementation from the public Federation documentation. The output is the standard supergraph that
Apollo Router, Hive Gateway or Cosmo can also run; Silkgraph's own gateway loads it with ``supergraph.py``.

::

    compose([SubgraphSource("payments", "http://127.0.0.1:4101/graphql", sdl), ...]) -> supergraph SDL

Every problem found (invalid SDL, unknown imports, bad field sets, type clashes, non-shareable fields...) is
collected and raised together as one :class:`gateway.errors.CompositionError`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from graphql import DirectiveDefinitionNode, InputValueDefinitionNode, parse, print_ast

from gateway.errors import CompositionError

from ._context import check_contexts, context_selected_fields
from ._fieldset import FieldSetCheck, check_field_sets, named_type
from ._interfaces import check_interface_keys, check_subgraph_implementations
from ._merge import Merger
from ._model import Kind, Subgraph, TypeDef
from ._print import SupergraphDocument, SupergraphField, SupergraphType
from ._satisfiability import unsatisfiable
from ._specs import (
    COST_DEFINITION,
    JOIN_DIRECTIVES,
    LINK,
    LIST_SIZE_DEFINITION,
    METADATA_SPECS,
    cost_link,
    graph_enum_names,
    join_directives,
    join_link,
    join_spec_types,
    join_version,
    quote,
)
from ._subgraph import KEPT_DIRECTIVES, parse_subgraph

__all__ = ["SubgraphSource", "compose"]

_DIRECTIVE_NAME = re.compile(r"directive @(\w+)")


@dataclass(frozen=True)
class SubgraphSource:
    """One subgraph to compose: its name, the URL the gateway calls, and its SDL (``{ _service { sdl } }``)."""

    name: str
    url: str
    sdl: str


def compose(subgraphs: Sequence[SubgraphSource]) -> str:
    """Return the supergraph SDL; raise :class:`CompositionError` listing every problem."""
    problems: list[str] = []
    if not subgraphs:
        raise CompositionError(["no subgraphs to compose; give at least one"])
    parsed: list[Subgraph] = []
    seen: set[str] = set()
    for source in sorted(subgraphs, key=lambda s: s.name):
        if not source.name:
            problems.append(f"a subgraph (url {source.url!r}) has an empty name; give every subgraph a name")
            continue
        if source.name in seen:
            problems.append(f'subgraph name "{source.name}" is used more than once; subgraph names must be unique')
            continue
        seen.add(source.name)
        subgraph, found = parse_subgraph(source.name, source.url, source.sdl)
        problems.extend(found)
        if not any("invalid SDL" in p for p in found):
            parsed.append(subgraph)
    for subgraph in parsed:
        subgraph.types.setdefault("Query", TypeDef(kind=Kind.OBJECT, name="Query"))
    checks = {subgraph.name: check_field_sets(subgraph, context_selected_fields(subgraph)) for subgraph in parsed}
    for check in checks.values():
        problems.extend(check.problems)
    for subgraph in parsed:
        problems.extend(check_contexts(subgraph))
    graphs = graph_enum_names([s.name for s in parsed])
    merger = Merger(parsed, checks, graphs)
    types = merger.merge()
    problems.extend(merger.problems)
    by_name = {t.name: t for t in types}
    _add_interface_object_fields(merger, types, by_name)
    problems.extend(_check_implementations(types, by_name))
    problems.extend(check_subgraph_implementations(parsed))
    problems.extend(check_interface_keys(parsed))
    problems.extend(_check_resolvable_entities(merger, checks))
    if len(parsed) == len(seen) and not any(t.fields for _, t in merger.by_name.get("Query", [])):
        problems.append("no subgraph defines a field on the Query type; at least one root query field is needed")
    composed_links, composed_definitions = _composed_directives(parsed, problems)
    if problems:
        raise CompositionError(problems)

    join = join_version(max((s.federation_minor for s in parsed), default=0))
    links = [LINK, join_link(join)]
    definitions = join_directives(join)
    spec_types = join_spec_types([(graphs[s.name], s.name, s.url) for s in parsed], join)
    for spec in METADATA_SPECS:
        if any(name in merger.applied for name in spec.directives):
            links.append(spec.link)
            for text in spec.definitions:
                definitions[_name_of(text)] = text
            spec_types.extend(SupergraphType("scalar", name) for name in spec.scalars)
    cost, list_size = "cost" in merger.applied, "listSize" in merger.applied
    if cost or list_size:
        links.append(cost_link(cost=cost, list_size=list_size))
        if cost:
            definitions["cost"] = COST_DEFINITION
        if list_size:
            definitions["listSize"] = LIST_SIZE_DEFINITION
    for url, names in composed_links.items():
        imports = ", ".join(quote("@" + name) for name in names)
        links.append(f"@link(url: {quote(url)}, import: [{imports}])")
    definitions.update(composed_definitions)
    roots = {"query": "Query"}
    for operation, name in (("mutation", "Mutation"), ("subscription", "Subscription")):
        if name in by_name:
            roots[operation] = name
    supergraph = SupergraphDocument(links, roots, definitions, spec_types, types).render()
    problems = unsatisfiable(supergraph)
    if problems:
        raise CompositionError(problems)
    return supergraph


def _name_of(definition: str) -> str:
    match = _DIRECTIVE_NAME.match(definition)
    assert match is not None
    return match[1]


def _add_interface_object_fields(
    merger: Merger, types: list[SupergraphType], by_name: dict[str, SupergraphType]
) -> None:
    """Fields an @interfaceObject adds to an entity interface also appear on every implementation, resolved
    through the interface object (a bare ``@join__field``)."""
    for name, sources in merger.by_name.items():
        contributed = {f for _, t in sources if t.interface_object for f in t.fields}
        interface = by_name.get(name)
        if not contributed or interface is None:
            continue
        for implementation in types:
            if implementation.keyword != "type" or name not in implementation.interfaces:
                continue
            present = {f.name for f in implementation.fields}
            for field in interface.fields:
                if field.name in contributed and field.name not in present:
                    implementation.fields.append(
                        SupergraphField(
                            field.name, field.type, field.description, args=field.args, directives=["@join__field"]
                        )
                    )


def _check_implementations(types: list[SupergraphType], by_name: dict[str, SupergraphType]) -> list[str]:
    problems: list[str] = []
    for implementation in types:
        present = {f.name for f in implementation.fields}
        for name in implementation.interfaces:
            interface = by_name.get(name)
            if interface is None or interface.keyword != "interface":
                problems.append(f'type "{implementation.name}" implements "{name}", which is not an interface')
                continue
            missing = [f.name for f in interface.fields if f.name not in present]
            if missing:
                problems.append(
                    f'type "{implementation.name}" implements interface "{name}" but has no field(s) '
                    f'{", ".join(missing)} in any subgraph; add them where "{implementation.name}" is defined'
                )
    return problems


def _check_resolvable_entities(merger: Merger, checks: dict[str, FieldSetCheck]) -> list[str]:
    """Fields a subgraph adds to an entity it declares only with ``@key(resolvable: false)`` cannot be fetched
    from anywhere else: the gateway has no way into that subgraph for the entity, unless the subgraph's own root
    fields lead to it (then those fields answer them)."""
    problems: list[str] = []
    reachable: dict[str, set[str]] = {}
    for name, sources in merger.by_name.items():
        if len(sources) < 2:
            continue
        for subgraph, type_def in sources:
            if not type_def.keys or any(key.resolvable for key in type_def.keys):
                continue
            if subgraph.name not in reachable:
                reachable[subgraph.name] = _reachable_from_roots(subgraph)
            if name in reachable[subgraph.name]:
                continue
            elsewhere = {
                f
                for other, t in sources
                if other is not subgraph
                for f, field in t.fields.items()
                if not field.external
            }
            stranded = [
                f.name
                for f in type_def.fields.values()
                if not f.external and (name, f.name) not in checks[subgraph.name].key_fields and f.name not in elsewhere
            ]
            if stranded:
                problems.append(
                    f'subgraph "{subgraph.name}" adds field(s) {", ".join(stranded)} to entity "{name}" but declares '
                    "it only with @key(resolvable: false), so the gateway cannot fetch them; make the key resolvable "
                    f'in "{subgraph.name}"'
                )
    return problems


def _reachable_from_roots(subgraph: Subgraph) -> set[str]:
    """The types a subgraph's own Query and Mutation fields lead to, through the fields it resolves."""
    roots = [subgraph.types[r] for r in ("Query", "Mutation") if r in subgraph.types]
    seen = {t.name for t in roots}
    stack = list(roots)
    while stack:
        type_def = stack.pop()
        nexts = [named_type(f.type) for f in type_def.fields.values() if not f.external] + type_def.members
        for target in nexts:
            found = subgraph.types.get(target)
            if found is not None and target not in seen:
                seen.add(target)
                stack.append(found)
    return seen


def _composed_directives(subgraphs: list[Subgraph], problems: list[str]) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Links and definitions of the custom directives marked with @composeDirective."""
    links: dict[str, list[str]] = {}
    definitions: dict[str, str] = {}
    for subgraph in subgraphs:
        for name in subgraph.composed:
            where = f'subgraph "{subgraph.name}": @composeDirective(name: "@{name}")'
            if name in KEPT_DIRECTIVES or name in JOIN_DIRECTIVES:
                problems.append(f"{where} names a federation directive, which composition handles itself")
                continue
            definition = subgraph.directive_definitions.get(name)
            if definition is None:
                problems.append(f"{where}: the subgraph does not define directive @{name}; add its definition")
                continue
            url = next((f.url for f in subgraph.links.values() if name in f.imports), None)
            if url is None:
                problems.append(f"{where}: @{name} must be imported from a spec with @link(url: ..., import: [...])")
                continue
            if name not in links.setdefault(url, []):
                links[url].append(name)
            definitions[name] = _with_defaults(definitions[name], definition) if name in definitions else definition
    return links, definitions


def _with_defaults(kept: str, other: str) -> str:
    """A composed directive defined by several subgraphs keeps the first definition, taking an argument's
    default value from another subgraph where the first has none (so ``@access`` may be written without it)."""
    kept_node, other_node = parse(kept).definitions[0], parse(other).definitions[0]
    if not isinstance(kept_node, DirectiveDefinitionNode) or not isinstance(other_node, DirectiveDefinitionNode):
        return kept
    defaults = {a.name.value: a.default_value for a in other_node.arguments or () if a.default_value is not None}
    arguments = tuple(kept_node.arguments or ())
    if not any(a.default_value is None and a.name.value in defaults for a in arguments):
        return kept
    merged = DirectiveDefinitionNode(
        description=kept_node.description,
        name=kept_node.name,
        arguments=tuple(
            InputValueDefinitionNode(
                description=a.description,
                name=a.name,
                type=a.type,
                default_value=a.default_value if a.default_value is not None else defaults.get(a.name.value),
                directives=a.directives,
            )
            for a in arguments
        ),
        repeatable=kept_node.repeatable,
        locations=kept_node.locations,
    )
    return print_ast(merged)
