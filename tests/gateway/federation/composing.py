"""Helpers for the composer tests: write subgraph SDL the way Strawberry prints it, read the supergraph back."""

from __future__ import annotations

import re

from graphql import parse, print_ast
from graphql.language import (
    DocumentNode,
    EnumTypeDefinitionNode,
    FieldDefinitionNode,
    InputObjectTypeDefinitionNode,
    InputValueDefinitionNode,
    TypeDefinitionNode,
)

from gateway.errors import CompositionError
from gateway.federation.compose import SubgraphSource, compose

ALL_IMPORTS = (
    "@key",
    "@external",
    "@requires",
    "@provides",
    "@shareable",
    "@override",
    "@inaccessible",
    "@tag",
    "@interfaceObject",
    "@authenticated",
    "@requiresScopes",
    "@policy",
    "@extends",
    "@composeDirective",
    "@cost",
    "@listSize",
)


def sdl(body: str, *, imports: tuple[str, ...] = ALL_IMPORTS, version: str = "2.11", roots: str = "") -> str:
    listed = ", ".join(f'"{name}"' for name in imports)
    link = f'@link(url: "https://specs.apollo.dev/federation/v{version}", import: [{listed}])'
    # a schema definition may only name root types the subgraph defines
    schema = roots or ("query: Query" if re.search(r"\btype Query\b", body) else "")
    if not schema:
        return f"extend schema {link}\n\n{body}"
    return f"schema {link} {{\n  {schema}\n}}\n\n{body}"


def source(
    name: str, body: str, *, imports: tuple[str, ...] = ALL_IMPORTS, version: str = "2.11", roots: str = ""
) -> SubgraphSource:
    return SubgraphSource(name, f"http://{name}.test/graphql", sdl(body, imports=imports, version=version, roots=roots))


def compose_bodies(**bodies: str) -> str:
    return compose([source(name, body) for name, body in bodies.items()])


def problems_of(**bodies: str) -> list[str]:
    try:
        compose_bodies(**bodies)
    except CompositionError as error:
        return error.problems
    raise AssertionError("composition succeeded, a CompositionError was expected")


def _type(document: DocumentNode, name: str) -> TypeDefinitionNode:
    for definition in document.definitions:
        if isinstance(definition, TypeDefinitionNode) and definition.name.value == name:
            return definition
    raise AssertionError(f"type {name} not in supergraph")


def type_directives(supergraph: str, name: str) -> list[str]:
    return [print_ast(d) for d in _type(parse(supergraph), name).directives or ()]


def has_type(supergraph: str, name: str) -> bool:
    try:
        _type(parse(supergraph), name)
    except AssertionError:
        return False
    return True


def field_of(supergraph: str, type_name: str, field: str) -> FieldDefinitionNode | InputValueDefinitionNode:
    definition = _type(parse(supergraph), type_name)
    assert not isinstance(definition, EnumTypeDefinitionNode)
    for candidate in getattr(definition, "fields", ()) or ():
        if candidate.name.value == field:
            return candidate  # type: ignore[no-any-return]
    raise AssertionError(f"{type_name}.{field} not in supergraph")


def field_names(supergraph: str, type_name: str) -> list[str]:
    definition = _type(parse(supergraph), type_name)
    return [f.name.value for f in getattr(definition, "fields", ()) or ()]


def field_directives(supergraph: str, type_name: str, field: str) -> list[str]:
    return [print_ast(d) for d in field_of(supergraph, type_name, field).directives or ()]


def field_type(supergraph: str, type_name: str, field: str) -> str:
    return print_ast(field_of(supergraph, type_name, field).type)


def enum_values(supergraph: str, name: str) -> dict[str, list[str]]:
    definition = _type(parse(supergraph), name)
    assert isinstance(definition, EnumTypeDefinitionNode)
    return {v.name.value: [print_ast(d) for d in v.directives or ()] for v in definition.values or ()}


def input_fields(supergraph: str, name: str) -> dict[str, str]:
    definition = _type(parse(supergraph), name)
    assert isinstance(definition, InputObjectTypeDefinitionNode)
    return {f.name.value: print_ast(f.type) for f in definition.fields or ()}


def schema_links(supergraph: str) -> list[str]:
    document = parse(supergraph)
    schema = document.definitions[0]
    return [print_ast(d) for d in getattr(schema, "directives", ())]
