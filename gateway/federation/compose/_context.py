"""``@context`` / ``@fromContext`` (Federation 2.8): check a subgraph's uses and write their supergraph form.

A type sets a named context (``@context(name: "user")``); an argument of a field below it in an operation takes
its value from the nearest such ancestor (``@fromContext(field: "$user { currency { iso } }")``). Contexts are
per subgraph: the supergraph names them ``<subgraph>__<name>``, marks each type with ``@context``, drops the
contextual arguments from the field and lists them in ``@join__field(contextArguments: [...])``.

Rules checked (as the reference composition applies them): a context name is letters and digits, starting with
a letter; the field value names a context the subgraph sets, followed by a selection; the argument has no
default; the field is not ``@external`` and its type has a resolvable ``@key`` in the subgraph (the gateway
fetches it by entity); the selection, on every type setting the context, selects exactly one field per type (a
chain down to one value, no aliases) whose type can be passed to the argument.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    print_ast,
)

from ._fieldset import named_type
from ._model import Field, InputValue, Kind, Subgraph, TypeDef
from ._specs import quote

__all__ = [
    "CONTEXT_SPEC_NAME",
    "ContextUse",
    "check_contexts",
    "context_arguments",
    "context_selected_fields",
    "split_context_field",
]

CONTEXT_SPEC_NAME = "context"
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
_REFERENCE = re.compile(r"^\s*\$(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<selection>.*)$", re.DOTALL)


@dataclass(frozen=True)
class ContextUse:
    """One ``@fromContext`` argument: the context it reads and the selection (text after ``$name``)."""

    context: str
    selection: str


def split_context_field(value: str) -> ContextUse | None:
    """``"$user { id }"`` → ContextUse("user", " { id }"); None when it names no context or selects nothing."""
    match = _REFERENCE.match(value)
    if match is None or not match["selection"].strip():
        return None
    return ContextUse(match["name"], match["selection"])


def context_arguments(subgraph: Subgraph, field: Field) -> str | None:
    """The ``contextArguments:`` value of ``@join__field`` for ``field`` in ``subgraph``, or None."""
    entries: list[str] = []
    for arg in field.args:
        use = split_context_field(arg.from_context) if arg.from_context is not None else None
        if use is None:
            continue
        entries.append(
            f"{{context: {quote(f'{subgraph.name}__{use.context}')}, name: {quote(arg.name)}, "
            f"type: {quote(print_ast(arg.type))}, selection: {quote(use.selection)}}}"
        )
    return f"[{', '.join(entries)}]" if entries else None


def context_selected_fields(subgraph: Subgraph) -> set[tuple[str, str]]:
    """(type, field) pairs the subgraph's context selections read: uses of those fields, as a @key or @requires
    naming them is (an @external field read by a context is not unused)."""
    setters = _setters(subgraph)
    out: set[tuple[str, str]] = set()
    for type_def in subgraph.types.values():
        for field in type_def.fields.values():
            for arg in field.args:
                use = split_context_field(arg.from_context) if arg.from_context is not None else None
                selection = _parse_selection(use.selection) if use is not None else None
                if use is None or selection is None:
                    continue
                for setter in setters.get(use.context, ()):
                    _selected(subgraph, setter.name, selection, out)
    return out


def _selected(subgraph: Subgraph, type_name: str, selection: SelectionSetNode, out: set[tuple[str, str]]) -> None:
    for node in selection.selections:
        if isinstance(node, InlineFragmentNode):
            condition = node.type_condition.name.value if node.type_condition else type_name
            _selected(subgraph, condition, node.selection_set, out)
        elif isinstance(node, FieldNode):
            out.add((type_name, node.name.value))
            type_def = subgraph.types.get(type_name)
            field = type_def.fields.get(node.name.value) if type_def is not None else None
            if field is not None and node.selection_set is not None:
                _selected(subgraph, named_type(field.type), node.selection_set, out)


def _setters(subgraph: Subgraph) -> dict[str, list[TypeDef]]:
    setters: dict[str, list[TypeDef]] = {}
    for type_def in subgraph.types.values():
        for name in type_def.contexts:
            setters.setdefault(name, []).append(type_def)
    return setters


def check_contexts(subgraph: Subgraph) -> list[str]:
    """Every problem with the subgraph's ``@context`` names and ``@fromContext`` arguments."""
    where = f'subgraph "{subgraph.name}"'
    problems: list[str] = []
    setters = _setters(subgraph)
    for type_def in subgraph.types.values():
        for name in type_def.contexts:
            if "_" in name:
                problems.append(f'{where}: context name "{name}" on "{type_def.name}" may not contain an underscore')
            elif not _NAME.match(name):
                problems.append(
                    f'{where}: context name "{name}" on "{type_def.name}" is invalid: use letters and digits, '
                    "starting with a letter"
                )
    for type_def in subgraph.types.values():
        for field in type_def.fields.values():
            for arg in field.args:
                if arg.from_context is not None:
                    problems.extend(_check_argument(subgraph, type_def, field, arg, setters))
    return problems


def _check_argument(
    subgraph: Subgraph, type_def: TypeDef, field: Field, arg: InputValue, setters: dict[str, list[TypeDef]]
) -> list[str]:
    coordinate = f"{type_def.name}.{field.name}({arg.name}:)"
    where = f'subgraph "{subgraph.name}": @fromContext on "{coordinate}"'
    assert arg.from_context is not None
    use = split_context_field(arg.from_context)
    if use is None:
        return [f'{where}: "{arg.from_context}" does not reference a context; write "$contextName {{ field }}"']
    problems: list[str] = []
    if arg.default is not None:
        problems.append(f"{where}: a contextual argument may not have a default value")
    if type_def.kind is not Kind.OBJECT:
        problems.append(f"{where}: contextual arguments are only allowed on fields of object types")
    elif not any(key.resolvable for key in type_def.keys):
        problems.append(
            f'{where}: "{type_def.name}" has no resolvable @key in this subgraph, but a field with a contextual '
            "argument is fetched by entity; add a @key"
        )
    if field.external:
        problems.append(f"{where}: the field is @external; a contextual argument needs a field the subgraph resolves")
    types = setters.get(use.context)
    if not types:
        return [*problems, f'{where}: context "{use.context}" is never set in the subgraph; add @context to a type']
    selection = _parse_selection(use.selection)
    if selection is None:
        return [*problems, f'{where}: the selection "{use.selection.strip()}" is not valid GraphQL']
    for setter in types:
        for problem in _SelectionCheck(subgraph, arg.type).check(setter, selection):
            problems.append(f'{where}: the selection of context "{use.context}" on "{setter.name}" {problem}')
    return problems


def _parse_selection(text: str) -> SelectionSetNode | None:
    body = text.strip()
    try:
        document = parse(body if body.startswith("{") else "{" + body + "}", no_location=True)
    except GraphQLSyntaxError:
        return None
    operation = document.definitions[0]
    return operation.selection_set if isinstance(operation, OperationDefinitionNode) else None


class _SelectionCheck:
    """A context selection against one type setting the context: what is wrong with it (empty when fine)."""

    def __init__(self, subgraph: Subgraph, expected: TypeNode) -> None:
        self.subgraph = subgraph
        self.expected = expected

    def check(self, setter: TypeDef, selection: SelectionSetNode) -> list[str]:
        fragments = [s for s in selection.selections if isinstance(s, InlineFragmentNode)]
        if not fragments:
            return self.chain(setter.name, selection)
        if len(fragments) != len(selection.selections):
            return ["mixes fields and type conditions; select one field, or one field per type condition"]
        problems: list[str] = []
        for fragment in fragments:
            condition = fragment.type_condition.name.value if fragment.type_condition else setter.name
            if condition != setter.name and not self._possible(setter, condition):
                continue  # a condition for another type setting the context
            problems.extend(self.chain(condition, fragment.selection_set))
        return problems

    def _possible(self, setter: TypeDef, condition: str) -> bool:
        found = self.subgraph.types.get(condition)
        if found is None:
            return False
        return setter.name in found.interfaces or condition in setter.members

    def chain(self, type_name: str, selection: SelectionSetNode) -> list[str]:
        """Follow the one field per level down to the value; compare its type with the argument's."""
        lists = 0
        current = type_name
        node: SelectionSetNode | None = selection
        field: Field | None = None
        while node is not None:
            if len(node.selections) != 1 or not isinstance(node.selections[0], FieldNode):
                return ["must select exactly one field at each level"]
            chosen = node.selections[0]
            if chosen.alias is not None:
                return ["may not use aliases"]
            type_def = self.subgraph.types.get(current)
            field = type_def.fields.get(chosen.name.value) if type_def is not None else None
            if field is None:
                return [f'selects "{current}.{chosen.name.value}", which the subgraph does not define']
            if chosen.selection_set is not None:
                lists += _list_depth(field.type)
                current = named_type(field.type)
            node = chosen.selection_set
        assert field is not None
        value_type: TypeNode = field.type
        for _ in range(lists):
            value_type = ListTypeNode(type=value_type)
        if isinstance(value_type, NonNullTypeNode):
            value_type = value_type.type  # the ancestor may be missing: the value may always be null
        if not _assignable(value_type, self.expected):
            return [
                f'has type "{print_ast(value_type)}", which cannot be passed to an argument of type '
                f'"{print_ast(self.expected)}"'
            ]
        return []


def _assignable(value: TypeNode, argument: TypeNode) -> bool:
    if isinstance(argument, NonNullTypeNode):
        return isinstance(value, NonNullTypeNode) and _assignable(value.type, argument.type)
    if isinstance(value, NonNullTypeNode):
        value = value.type
    if isinstance(argument, ListTypeNode):
        return isinstance(value, ListTypeNode) and _assignable(value.type, argument.type)
    return (
        isinstance(value, NamedTypeNode)
        and isinstance(argument, NamedTypeNode)
        and value.name.value == argument.name.value
    )


def _list_depth(node: TypeNode) -> int:
    depth = 0
    while isinstance(node, NonNullTypeNode | ListTypeNode):
        depth += isinstance(node, ListTypeNode)
        node = node.type
    return depth
