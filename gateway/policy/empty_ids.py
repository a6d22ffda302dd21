"""Every ``ID`` in an operation's arguments must name something: an empty or blank ``ID`` is refused at the gateway.

graphql-core's ``ID`` accepts ``""``, so an empty id used to travel to the subgraph and on to the legacy system
(``POST /contracts//deliveries``). This check runs once per operation after variable coercion and walks every
argument of every selected field (through fragments, input objects and lists, literals and variables alike); the
first empty ``ID`` raises :class:`~gateway.errors.BadUserInput` naming the field, the argument and the input path,
e.g. ``input.contractId`` of ``recordBarterDelivery``. Subgraphs check the same rule themselves
(:func:`gateway.sdk.identifiers.parse_id`) for routers other than Silkgraph's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
    get_named_type,
)

from gateway.errors import BadUserInput
from gateway.sdk.context import RequestContext

__all__ = ["EmptyIdCheck"]


class EmptyIdCheck:
    """An operation check (:data:`gateway.federation.engine.OperationCheck`) refusing empty ``ID`` values."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema

    def __call__(
        self,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        context: RequestContext | None = None,
    ) -> None:
        root = self.schema.get_root_type(operation.operation)
        if root is not None:
            _Walk(self.schema, fragments, variables).selections(operation.selection_set, root)


class _Walk:
    def __init__(
        self, schema: GraphQLSchema, fragments: Mapping[str, FragmentDefinitionNode], variables: Mapping[str, Any]
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.seen: set[str] = set()

    def selections(self, selection_set: SelectionSetNode, parent: GraphQLNamedType) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                self.field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                self.selections(selection.selection_set, inner or parent)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in self.seen:
                    self.seen.add(name)  # a fragment has one type condition: its arguments are checked once
                    inner = self.schema.get_type(fragment.type_condition.name.value)
                    self.selections(fragment.selection_set, inner or parent)

    def field(self, node: FieldNode, parent: GraphQLNamedType) -> None:
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return
        definition = parent.fields.get(node.name.value)
        if definition is None:
            return  # __typename and introspection: no ID arguments
        for argument in node.arguments or ():
            arg = definition.args.get(argument.name.value)
            if arg is not None:
                self.literal(argument.value, arg.type, node.name.value, argument.name.value)
        if node.selection_set is not None:
            self.selections(node.selection_set, get_named_type(definition.type))

    def literal(self, node: ValueNode, kind: GraphQLInputType, owner: str, path: str) -> None:
        if isinstance(kind, GraphQLNonNull):
            kind = kind.of_type
        if isinstance(node, VariableNode):
            self.value(self.variables.get(node.name.value), kind, owner, path)
        elif isinstance(kind, GraphQLList):
            items = node.values if isinstance(node, ListValueNode) else (node,)
            for n, item in enumerate(items):
                self.literal(item, kind.of_type, owner, f"{path}[{n}]" if isinstance(node, ListValueNode) else path)
        elif isinstance(kind, GraphQLInputObjectType) and isinstance(node, ObjectValueNode):
            for entry in node.fields:
                spec = kind.fields.get(entry.name.value)
                if spec is not None:
                    self.literal(entry.value, spec.type, owner, f"{path}.{entry.name.value}")
        elif kind is self.schema.get_type("ID") and isinstance(node, StringValueNode) and not node.value.strip():
            _refuse(owner, path, node.value)

    def value(self, value: Any, kind: GraphQLInputType, owner: str, path: str) -> None:
        if isinstance(kind, GraphQLNonNull):
            kind = kind.of_type
        if value is None:
            return
        if isinstance(kind, GraphQLList):
            items = value if isinstance(value, list) else [value]
            for n, item in enumerate(items):
                self.value(item, kind.of_type, owner, f"{path}[{n}]" if isinstance(value, list) else path)
        elif isinstance(kind, GraphQLInputObjectType) and isinstance(value, Mapping):
            for name, item in value.items():
                spec = kind.fields.get(name)
                if spec is not None:
                    self.value(item, spec.type, owner, f"{path}.{name}")
        elif kind is self.schema.get_type("ID") and isinstance(value, str) and not value.strip():
            _refuse(owner, path, value)


def _refuse(owner: str, path: str, value: str) -> None:
    raise BadUserInput(f"{path} of {owner} must be a non-empty ID, got {value!r}", field=path)
