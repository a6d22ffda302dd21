"""Selection sets under construction: what one subgraph fetch asks for, printed as GraphQL.

The planner adds client fields (with their aliases, arguments and ``@skip``/``@include``) and the internal fields
it needs (keys, ``@requires`` inputs, ``__typename``). An internal field whose response key is already taken by a
different client field gets an internal alias, and the representation builder reads it from there.
"""

from __future__ import annotations

import dataclasses
import hashlib

from graphql import ArgumentNode, DirectiveNode, FieldNode, VariableNode, Visitor, print_ast, visit

__all__ = ["FieldSelection", "SelectionSet", "variables_in"]


class _VariableCollector(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_variable(self, node: VariableNode, *_: object) -> None:
        self.names.add(node.name.value)


def variables_in(*nodes: object) -> set[str]:
    collector = _VariableCollector()
    for node in nodes:
        if node is not None:
            visit(node, collector)  # type: ignore[arg-type]
    return collector.names


@dataclasses.dataclass(slots=True)
class FieldSelection:
    response_key: str
    name: str
    arguments: str  # printed, "" or "(a: 1, b: $x)"
    directives: str  # printed, "" or " @include(if: $x)"
    sub: SelectionSet | None
    variables: frozenset[str] = frozenset()
    #: the key the subgraph is asked to answer under, when it cannot be the response key: the executor renames
    #: it back (a field whose type in this subgraph differs from a sibling fragment's field of the same key)
    wire_key: str | None = None

    @property
    def signature(self) -> tuple[str, str]:
        return self.name, self.arguments

    def print(self, indent: str) -> list[str]:
        key = self.wire_key or self.response_key
        alias = f"{key}: " if key != self.name else ""
        head = f"{indent}{alias}{self.name}{self.arguments}{self.directives}"
        if self.sub is None:
            return [head]
        return [head + " {", *self.sub.print(indent + "  "), indent + "}"]


@dataclasses.dataclass(slots=True)
class SelectionSet:
    fields: dict[str, FieldSelection] = dataclasses.field(default_factory=dict)
    fragments: dict[str, SelectionSet] = dataclasses.field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.fields) or any(self.fragments.values())

    def add_typename(self) -> None:
        if "__typename" not in self.fields:
            self.fields["__typename"] = FieldSelection("__typename", "__typename", "", "", None)

    def add_client_field(
        self, response_key: str, node: FieldNode, composite: bool, keep_directives: bool
    ) -> FieldSelection:
        """Add a field the client asked for (its alias and arguments as written)."""
        arguments = _print_arguments(node.arguments)
        directives = _print_directives(node.directives) if keep_directives else ""
        existing = self.fields.get(response_key)
        if existing is not None and existing.signature == (node.name.value, arguments):
            if existing.directives != directives:
                existing.directives = ""  # fetched unconditionally; the response shaping applies @skip/@include
            return existing
        if existing is not None:
            # an internal field took this key first: move it aside under an internal alias (in place, so the
            # representation builders that hold it read the new key)
            existing.response_key = self._free_key(existing.name)
            self.fields[existing.response_key] = existing
        fs = FieldSelection(
            response_key=response_key,
            name=node.name.value,
            arguments=arguments,
            directives=directives,
            sub=SelectionSet() if composite else None,
            variables=frozenset(
                variables_in(*(node.arguments or ()), *(node.directives or ()))
                if keep_directives
                else variables_in(*(node.arguments or ()))
            ),
        )
        self.fields[response_key] = fs
        return fs

    def add_internal_field(
        self, name: str, arguments: str, composite: bool, variables: frozenset[str] = frozenset()
    ) -> FieldSelection:
        """Add a field the gateway needs (a key, a required input); reuse a matching one if present."""
        for fs in self.fields.values():
            if fs.signature == (name, arguments) and not fs.directives:
                return fs
        if arguments:
            # another fetch may put the client's own selection of this field (other arguments) at the plain
            # name on the same object: an input with arguments gets a key of its own
            digest = hashlib.sha256(arguments.encode()).hexdigest()[:8]
            key = f"_sga_{name}_{digest}"
            key = key if key not in self.fields else self._free_key(key)
        else:
            key = name if name not in self.fields else self._free_key(name)
        fs = FieldSelection(key, name, arguments, "", SelectionSet() if composite else None, variables)
        self.fields[key] = fs
        return fs

    def _free_key(self, name: str) -> str:
        n = 0
        while True:
            key = f"_sg{n}_{name}"
            if key not in self.fields:
                return key
            n += 1

    def renames(self) -> dict[str, str]:
        """Wire keys and the response keys they stand for, at every depth."""
        out: dict[str, str] = {}
        for fs in self.fields.values():
            if fs.wire_key is not None:
                out[fs.wire_key] = fs.response_key
            if fs.sub is not None:
                out.update(fs.sub.renames())
        for frag in self.fragments.values():
            out.update(frag.renames())
        return out

    def fragment(self, type_condition: str) -> SelectionSet:
        return self.fragments.setdefault(type_condition, SelectionSet())

    def variables(self) -> set[str]:
        names: set[str] = set()
        for fs in self.fields.values():
            names |= fs.variables
            if fs.sub is not None:
                names |= fs.sub.variables()
        for frag in self.fragments.values():
            names |= frag.variables()
        return names

    def print(self, indent: str) -> list[str]:
        lines: list[str] = []
        typename = self.fields.get("__typename")
        if typename is not None:
            lines.extend(typename.print(indent))
        for key, fs in self.fields.items():
            if key != "__typename":
                lines.extend(fs.print(indent))
        for type_condition, frag in self.fragments.items():
            if frag:
                lines.append(f"{indent}... on {type_condition} {{")
                lines.extend(frag.print(indent + "  "))
                lines.append(indent + "}")
        return lines


def _print_arguments(arguments: tuple[ArgumentNode, ...] | None) -> str:
    if not arguments:
        return ""
    return "(" + ", ".join(print_ast(a) for a in arguments) + ")"


def _print_directives(directives: tuple[DirectiveNode, ...] | None) -> str:
    kept = [d for d in directives or () if d.name.value in ("skip", "include")]
    return "".join(" " + print_ast(d) for d in kept)
