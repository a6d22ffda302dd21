"""Which input a coercion error is about: ``extensions.field`` for a bad argument value, literal or variable.

One rule for custom scalars (and every input type): a value that does not coerce is a **request error**,
``BAD_USER_INPUT``, raised before anything executes — a literal by validation (spec §5.6.1, "Values of Correct
Type"), a variable by variable coercion (spec §6.1.2, "Coercing Variable Values"). Neither reaches a subgraph.
Both name the input they are about in ``extensions.field``:

* a literal: the argument and the input-field path inside it, ``input.sellerTaxId`` or ``codes[2]``;
* a variable: the variable and the path inside its value, ``$input.sellerTaxId`` or ``$codes[2]``.
"""

from __future__ import annotations

import re

from graphql import (
    ArgumentNode,
    DocumentNode,
    GraphQLError,
    ListValueNode,
    Node,
    ObjectValueNode,
    ValueNode,
    VariableDefinitionNode,
    visit,
)
from graphql.language import Visitor

__all__ = ["literal_field", "variable_field"]

_VARIABLE_PATH = re.compile(r"^Variable '\$[^']+' has invalid value at ((?:\.[_A-Za-z0-9]+|\[\d+\])+)")


class _Inputs(Visitor):
    """Maps each value node inside an argument to its path from the argument's name."""

    def __init__(self) -> None:
        super().__init__()
        self.paths: dict[int, str] = {}

    def enter_argument(self, node: ArgumentNode, *_: object) -> None:
        self._value(node.value, node.name.value)

    def _value(self, value: ValueNode, path: str) -> None:
        self.paths[id(value)] = path
        if isinstance(value, ObjectValueNode):
            for field in value.fields:
                self._value(field.value, f"{path}.{field.name.value}")
        elif isinstance(value, ListValueNode):
            for i, item in enumerate(value.values):
                self._value(item, f"{path}[{i}]")


def literal_field(document: DocumentNode, error: GraphQLError) -> str | None:
    """The argument (and input-field path) a validation error about a literal value points at, if any."""
    nodes: list[Node] = list(error.nodes or ())
    if not nodes:
        return None
    inputs = _Inputs()
    visit(document, inputs)
    return inputs.paths.get(id(nodes[0]))


def variable_field(error: GraphQLError) -> str | None:
    """The variable (and the path inside its value) a variable coercion error is about."""
    nodes: list[Node] = list(error.nodes or ())
    if not nodes or not isinstance(nodes[0], VariableDefinitionNode):
        return None
    name = f"${nodes[0].variable.name.value}"
    inside = _VARIABLE_PATH.match(error.message)
    return name + inside.group(1) if inside else name
