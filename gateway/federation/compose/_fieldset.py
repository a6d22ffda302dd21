"""Field sets (``@key(fields:)``, ``@requires(fields:)``, ``@provides(fields:)``): parse and check them against
the subgraph that declares them."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import GraphQLSyntaxError, parse
from graphql.language import (
    FieldNode,
    InlineFragmentNode,
    ListTypeNode,
    NamedTypeNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    SelectionSetNode,
    TypeNode,
)

from ._model import Kind, Subgraph, TypeDef

__all__ = ["FieldSetCheck", "check_field_sets", "named_type", "parse_field_set"]

_COMPOSITE = (Kind.OBJECT, Kind.INTERFACE, Kind.UNION)


def named_type(node: TypeNode) -> str:
    while isinstance(node, NonNullTypeNode | ListTypeNode):
        node = node.type
    assert isinstance(node, NamedTypeNode)
    return node.name.value


def parse_field_set(text: str) -> SelectionSetNode | None:
    try:
        document = parse("{" + text + "}", no_location=True)
    except GraphQLSyntaxError:
        return None
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return operation.selection_set


@dataclass
class FieldSetCheck:
    problems: list[str] = field(default_factory=list)
    #: (type, field) pairs a subgraph names in its keys, requires and provides ("used" fields).
    used: set[tuple[str, str]] = field(default_factory=set)
    #: (type, field) pairs made resolvable by a @provides in this subgraph.
    provided: set[tuple[str, str]] = field(default_factory=set)
    #: (type, field) pairs that are part of a @key in this subgraph (and so shareable).
    key_fields: set[tuple[str, str]] = field(default_factory=set)


class _Checker:
    def __init__(self, subgraph: Subgraph, result: FieldSetCheck) -> None:
        self.subgraph = subgraph
        self.result = result

    def walk(
        self,
        type_name: str,
        selections: SelectionSetNode,
        where: str,
        *,
        allow_args: bool,
        record: set[tuple[str, str]] | None = None,
    ) -> list[tuple[str, str]]:
        """Check a selection on ``type_name``; return the top-level (type, field) pairs selected."""
        top: list[tuple[str, str]] = []
        type_def = self.subgraph.types.get(type_name)
        for selection in selections.selections:
            if isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition.name.value if selection.type_condition else type_name
                if condition not in self.subgraph.types:
                    self.result.problems.append(f'{where}: unknown type "{condition}" in type condition')
                    continue
                top.extend(self.walk(condition, selection.selection_set, where, allow_args=allow_args, record=record))
                continue
            if not isinstance(selection, FieldNode):
                self.result.problems.append(f"{where}: fragment spreads are not allowed in a field set")
                continue
            name = selection.name.value
            if name == "__typename":
                continue
            if type_def is None or name not in type_def.fields:
                self.result.problems.append(
                    f'{where}: cannot query field "{name}" on type "{type_name}" in subgraph '
                    f'"{self.subgraph.name}"; add the field to this subgraph (with @external if another subgraph '
                    "resolves it)"
                )
                continue
            if selection.arguments and not allow_args:
                self.result.problems.append(f'{where}: field "{type_name}.{name}" has arguments, not allowed here')
            self.result.used.add((type_name, name))
            if record is not None:
                record.add((type_name, name))
            top.append((type_name, name))
            target = named_type(type_def.fields[name].type)
            target_def = self.subgraph.types.get(target)
            composite = target_def is not None and target_def.kind in _COMPOSITE
            if composite and selection.selection_set is None:
                self.result.problems.append(
                    f'{where}: field "{type_name}.{name}" is of composite type "{target}" and needs a selection'
                )
            elif not composite and selection.selection_set is not None:
                self.result.problems.append(f'{where}: field "{type_name}.{name}" is a leaf and takes no selection')
            elif selection.selection_set is not None:
                self.walk(target, selection.selection_set, where, allow_args=allow_args, record=record)
        return top


def check_field_sets(subgraph: Subgraph, used: set[tuple[str, str]] | None = None) -> FieldSetCheck:
    """Validate every key, requires and provides of a subgraph; ``used``: fields other directives use (the
    selections of ``@fromContext``)."""
    result = FieldSetCheck(used=set(used or ()))
    checker = _Checker(subgraph, result)
    for type_def in subgraph.types.values():
        for key in type_def.keys:
            where = f'subgraph "{subgraph.name}": on type "{type_def.name}", @key(fields: "{key.fields}")'
            selection = parse_field_set(key.fields)
            if selection is None:
                result.problems.append(f"{where}: invalid field set syntax")
                continue
            checker.walk(type_def.name, selection, where, allow_args=False, record=result.key_fields)
        for field_def in type_def.fields.values():
            coordinate = f'subgraph "{subgraph.name}": on field "{type_def.name}.{field_def.name}"'
            if field_def.requires is not None:
                where = f'{coordinate}, @requires(fields: "{field_def.requires}")'
                selection = parse_field_set(field_def.requires)
                if selection is None:
                    result.problems.append(f"{where}: invalid field set syntax")
                else:
                    checker.walk(type_def.name, selection, where, allow_args=True)
                    for owner, name in _local_leaves(subgraph, type_def.name, selection):
                        result.problems.append(
                            f'{where}: field "{owner}.{name}" is resolved by this subgraph; '
                            "a required field must be marked @external"
                        )
            if field_def.provides is not None:
                where = f'{coordinate}, @provides(fields: "{field_def.provides}")'
                target = named_type(field_def.type)
                target_def = subgraph.types.get(target)
                selection = parse_field_set(field_def.provides)
                if target_def is None or target_def.kind not in _COMPOSITE:
                    result.problems.append(f'{where}: the field returns "{target}", not an object or interface')
                elif selection is None:
                    result.problems.append(f"{where}: invalid field set syntax")
                else:
                    for owner, name in checker.walk(target, selection, where, allow_args=False):
                        result.provided.add((owner, name))
                    for owner, name in _local_leaves(subgraph, target, selection):
                        result.problems.append(
                            f'{where}: field "{owner}.{name}" is resolved by this subgraph anyway; '
                            "a provided field must be marked @external"
                        )
    if not subgraph.fed1:
        result.problems.extend(_unused_externals(subgraph, result))
    return result


def _local_leaves(
    subgraph: Subgraph, type_name: str, selections: SelectionSetNode, *, under_external: bool = False
) -> list[tuple[str, str]]:
    """The leaf fields of a @requires/@provides selection that this subgraph resolves itself: each must be
    @external, unless a field above it already is. A non-external field with a selection (``comments(limit: 3)
    { authorId }``) is only the way to its external leaves."""
    found: list[tuple[str, str]] = []
    type_def = subgraph.types.get(type_name)
    for selection in selections.selections:
        if isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition.name.value if selection.type_condition else type_name
            found.extend(_local_leaves(subgraph, condition, selection.selection_set, under_external=under_external))
            continue
        if not isinstance(selection, FieldNode) or selection.name.value == "__typename":
            continue
        if type_def is None or selection.name.value not in type_def.fields:
            continue  # reported by the checker's walk
        field_def = type_def.fields[selection.name.value]
        external = (
            under_external or field_def.external or _external_in_implementations(subgraph, type_def, field_def.name)
        )
        if selection.selection_set is not None:
            target = named_type(field_def.type)
            found.extend(_local_leaves(subgraph, target, selection.selection_set, under_external=external))
        elif not external:
            found.append((type_name, field_def.name))
    return found


def _external_in_implementations(subgraph: Subgraph, type_def: TypeDef, name: str) -> bool:
    """An interface field cannot carry @external itself: it is external in this subgraph when every object type
    implementing the interface here marks it so."""
    if type_def.kind is not Kind.INTERFACE:
        return False
    implementations = [t for t in subgraph.types.values() if type_def.name in t.interfaces and name in t.fields]
    return bool(implementations) and all(t.fields[name].external for t in implementations)


def _unused_externals(subgraph: Subgraph, result: FieldSetCheck) -> list[str]:
    problems: list[str] = []
    for type_def in subgraph.types.values():
        declared_by_interfaces = {
            name
            for interface in type_def.interfaces
            if interface in subgraph.types
            for name in subgraph.types[interface].fields
        }
        for field_def in type_def.fields.values():
            if (
                field_def.external
                and (type_def.name, field_def.name) not in result.used
                and field_def.name not in declared_by_interfaces
            ):
                problems.append(
                    f'subgraph "{subgraph.name}": field "{type_def.name}.{field_def.name}" is marked @external but no '
                    "@key, @requires or @provides of this subgraph uses it; remove it, or drop @external if this "
                    "subgraph resolves it"
                )
    return problems
