"""Demand control: a static cost estimate from ``@cost`` and ``@listSize`` (IBM GraphQL cost directive spec).

Weights: an object, interface or union field costs 1, a scalar or enum field 0, a mutation root field 10; ``@cost``
on a field (or on the type it returns, or on an argument the operation passes) replaces that default. A list
field multiplies its own cost and its children's by its size: the value of a slicing argument
(``@listSize(slicingArguments: ["first"])``, the largest when several are given), else ``assumedSize``, else the
configured default list size. Fragments count where they are spread; type-conditioned fragments are all added
(an upper bound). In ``measure`` mode the estimate is only recorded; in ``enforce`` mode an operation over the
maximum is refused before any subgraph is called with ``COST_ESTIMATED_TOO_EXPENSIVE``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLOutputType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_composite_type,
    value_from_ast_untyped,
)

from gateway.errors import LimitExceeded
from gateway.federation.supergraph import Supergraph
from gateway.policy.directives import SpecDirectives
from gateway.sdk.context import RequestContext

__all__ = ["CostAnalyzer"]

log = logging.getLogger("silkgraph.cost")

MUTATION_COST = 10


class CostAnalyzer:
    """The engine's operation check for demand control."""

    def __init__(self, supergraph: Supergraph, *, mode: str = "measure", max_cost: int = 1000, list_size: int = 10):
        self.api = supergraph.api_schema
        self.directives = SpecDirectives(supergraph.schema)
        self.mode = mode
        self.max_cost = max_cost
        self.list_size = list_size
        self._weights: dict[tuple[str, str], tuple[int | None, dict[str, Any] | None]] = {}

    def __call__(
        self,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        context: RequestContext,
    ) -> None:
        cost = self.estimate(operation, fragments, variables)
        context.extras["cost"] = cost
        if cost > self.max_cost:
            if self.mode == "enforce":
                raise LimitExceeded(
                    f"the operation's estimated cost is {cost}; at most {self.max_cost} is allowed",
                    code="COST_ESTIMATED_TOO_EXPENSIVE",
                    limit=self.max_cost,
                    cost=cost,
                )
            log.info("operation over the cost limit (measure mode)", extra={"fields": {"cost": cost}})

    def estimate(
        self,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any] | None = None,
    ) -> int:
        root = self.api.get_root_type(operation.operation)
        if root is None:
            return 0
        walk = _Walk(self, fragments, variables or {}, mutation=operation.operation.value == "mutation")
        return walk.selection_set(operation.selection_set, root, set(), root_level=True)

    def field_weights(self, parent: str, field: str) -> tuple[int | None, dict[str, Any] | None]:
        """(``@cost`` weight, ``@listSize`` arguments) for one field."""
        key = (parent, field)
        if key not in self._weights:
            weight: int | None = None
            list_size: dict[str, Any] | None = None
            for spec, args in self.directives.on_field(parent, field):
                if spec == "cost" and isinstance(args.get("weight"), int | float | str):
                    weight = int(float(args["weight"]))
                elif spec == "listSize":
                    list_size = args
            self._weights[key] = (weight, list_size)
        return self._weights[key]

    def type_weight(self, type_: GraphQLNamedType) -> int:
        for spec, args in self.directives.on_type(type_.name):
            if spec == "cost" and isinstance(args.get("weight"), int | float | str):
                return int(float(args["weight"]))
        return 1 if is_composite_type(type_) else 0


class _Walk:
    def __init__(
        self,
        analyzer: CostAnalyzer,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        *,
        mutation: bool,
    ) -> None:
        self.analyzer = analyzer
        self.fragments = fragments
        self.variables = variables
        self.mutation = mutation
        self.memo: dict[tuple[str, bool], int] = {}

    def selection_set(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType, active: set[str], root_level: bool = False
    ) -> int:
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, active, root_level)
            elif isinstance(selection, InlineFragmentNode):
                cond = selection.type_condition
                target = self.analyzer.api.get_type(cond.name.value) if cond else parent
                total += self.selection_set(selection.selection_set, target or parent, active, root_level)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in active:
                    continue
                if (name, root_level) not in self.memo:
                    target = self.analyzer.api.get_type(fragment.type_condition.name.value) or parent
                    cost = self.selection_set(fragment.selection_set, target, active | {name}, root_level)
                    self.memo[name, root_level] = cost
                total += self.memo[name, root_level]
        return total

    def field(self, node: FieldNode, parent: GraphQLNamedType, active: set[str], root_level: bool) -> int:
        fields = getattr(parent, "fields", {})
        definition = fields.get(node.name.value)
        if definition is None:
            return 0  # __typename and introspection
        weight, list_size = self.analyzer.field_weights(parent.name, node.name.value)
        named = get_named_type(definition.type)
        own = weight if weight is not None else self.analyzer.type_weight(named)
        if root_level and self.mutation and weight is None:
            own = MUTATION_COST
        args = {a.name.value: a.value for a in node.arguments or ()}
        for arg_name in args:
            for spec, values in self.analyzer.directives.on_argument(parent.name, node.name.value, arg_name):
                if spec == "cost" and isinstance(values.get("weight"), int | float | str):
                    own += int(float(values["weight"]))
        children = self.selection_set(node.selection_set, named, active) if node.selection_set else 0
        if _is_list(definition.type):
            return self.size(args, list_size) * (own + children)
        return own + children

    def size(self, args: Mapping[str, Any], list_size: Mapping[str, Any] | None) -> int:
        if list_size is None:
            return self.analyzer.list_size
        sizes = []
        for name in list_size.get("slicingArguments") or ():
            if name in args:
                node = args[name]
                value = (
                    self.variables.get(node.name.value)
                    if isinstance(node, VariableNode)
                    else value_from_ast_untyped(node)
                )
                if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                    sizes.append(value)
        if sizes:
            return max(sizes)
        assumed = list_size.get("assumedSize")
        return assumed if isinstance(assumed, int) and assumed >= 0 else self.analyzer.list_size


def _is_list(type_: GraphQLOutputType) -> bool:
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    return isinstance(inner, GraphQLList)
