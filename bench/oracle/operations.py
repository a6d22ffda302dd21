"""Random client operations over the monolith schema: nested selections, arguments, the same field twice with
different arguments under aliases, ``__typename``, inline fragments on abstract types and named fragments."""

from __future__ import annotations

import random

from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
    is_composite_type,
)

from bench.oracle.world import ARG_VALUES, World

__all__ = ["generate_operation"]

_MAX_DEPTH = 4


class _Writer:
    def __init__(self, rng: random.Random, schema: GraphQLSchema, world: World) -> None:
        self.rng = rng
        self.schema = schema
        self.world = world
        self.fragments: dict[str, str] = {}
        self.aliases = 0

    def alias(self) -> str:
        self.aliases += 1
        return f"v{self.aliases}: "

    def selection(self, type_name: str, depth: int) -> str:
        named = self.schema.get_type(type_name)
        if isinstance(named, GraphQLObjectType):
            return self.object_selection(named, depth)
        assert isinstance(named, (GraphQLInterfaceType, GraphQLUnionType))
        parts: list[str] = []
        if isinstance(named, GraphQLInterfaceType) and self.rng.random() < 0.8:
            parts.append(self.object_fields(named, depth, at_least_one=False))
        if self.rng.random() < 0.5:
            parts.append("__typename")
        for member in self.schema.get_possible_types(named):
            if self.rng.random() < 0.7:
                inner = self.object_selection(member, depth)
                if self.rng.random() < 0.2:
                    name = f"F{len(self.fragments)}"
                    self.fragments[name] = f"fragment {name} on {member.name} {{ {inner} }}"
                    parts.append(f"...{name}")
                else:
                    parts.append(f"... on {member.name} {{ {inner} }}")
        parts = [p for p in parts if p]
        return " ".join(parts) or "__typename"

    def object_selection(self, named: GraphQLObjectType | GraphQLInterfaceType, depth: int) -> str:
        text = self.object_fields(named, depth, at_least_one=True)
        if self.rng.random() < 0.15:
            text += " __typename"
        return text

    def object_fields(self, named: GraphQLObjectType | GraphQLInterfaceType, depth: int, at_least_one: bool) -> str:
        names = list(named.fields)
        if depth >= _MAX_DEPTH:
            names = [n for n in names if not is_composite_type(get_named_type(named.fields[n].type))]
        count = self.rng.randint(1 if at_least_one else 0, min(4, len(names)))
        chosen = self.rng.sample(names, count) if names else []
        return " ".join(self.field(name, named.fields[name], depth) for name in chosen)

    def field(self, name: str, field: GraphQLField, depth: int) -> str:
        variants = 1
        if field.args and self.rng.random() < 0.4:
            variants = 2
        out: list[str] = []
        used: set[str] = set()
        for i in range(variants):
            args = self.arguments(field, used)
            alias = self.alias() if i > 0 or (variants > 1 and self.rng.random() < 0.5) else ""
            child = get_named_type(field.type)
            sub = f" {{ {self.selection(child.name, depth + 1)} }}" if is_composite_type(child) else ""
            out.append(f"{alias}{name}{args}{sub}")
        return " ".join(out)

    def arguments(self, field: GraphQLField, used: set[str]) -> str:
        parts: list[str] = []
        for arg_name in field.args:
            if arg_name == "id":
                ids = [i for t in self.world.types.values() for i in t.ids]
                parts.append(f'id: "{self.rng.choice([*ids, "T0-9"])}"')
            elif self.rng.random() < 0.8:
                value = self.rng.choice(ARG_VALUES)
                parts.append(f"{arg_name}: {value}")
        text = f"({', '.join(parts)})" if parts else ""
        used.add(text)
        return text


def generate_operation(rng: random.Random, schema: GraphQLSchema, world: World) -> str:
    writer = _Writer(rng, schema, world)
    query = schema.query_type
    assert query is not None
    names = list(query.fields)
    chosen = rng.sample(names, rng.randint(1, min(3, len(names))))
    roots = " ".join(writer.field(name, query.fields[name], 1) for name in chosen)
    return " ".join([f"query Q {{ {roots} }}", *writer.fragments.values()])
