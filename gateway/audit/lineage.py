"""Field lineage: which subgraph fetch (and which legacy calls beneath it) supplied each part of a response.

Derived from the query plan: a root fetch supplies its top-level response keys (``shipments``); an entity fetch
under ``Flatten(path)`` supplies the fields it selects on the entities at that path (``shipments.@.duty``, where
``@`` stands for every list element). Each executed :class:`~gateway.federation.executor.FetchRecord` is matched
to the plan fetch with the same service, path and kind, in plan order.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from graphql import FieldNode, InlineFragmentNode, OperationDefinitionNode, SelectionSetNode, parse

from gateway.federation.executor import FetchRecord
from gateway.federation.plan import Condition, Fetch, Flatten, Parallel, PlanNode, QueryPlan
from gateway.federation.plan import Sequence as SequenceNode

__all__ = ["lineage", "plan_sources"]

Source = tuple[str, tuple[str, ...], bool, tuple[str, ...]]  # service, path, entity, fields


def plan_sources(plan: QueryPlan | None) -> list[Source]:
    out: list[Source] = []

    def walk(node: PlanNode | None, path: tuple[str, ...]) -> None:
        if node is None:
            return
        if isinstance(node, SequenceNode | Parallel):
            for child in node.nodes:
                walk(child, path)
        elif isinstance(node, Flatten):
            walk(node.node, node.path)
        elif isinstance(node, Fetch):
            out.append((node.service, path, node.is_entity_fetch, _fields(node.operation, node.is_entity_fetch)))
        elif isinstance(node, Condition):
            walk(node.if_clause, path)
            walk(node.else_clause, path)

    walk(plan.node if plan is not None else None, ())
    return out


def _keys(selection_set: SelectionSetNode | None) -> list[str]:
    keys: list[str] = []
    for sel in selection_set.selections if selection_set is not None else ():
        if isinstance(sel, FieldNode):
            key = sel.alias.value if sel.alias else sel.name.value
            if key != "__typename":
                keys.append(key)
        elif isinstance(sel, InlineFragmentNode):
            keys.extend(_keys(sel.selection_set))
    return keys


@functools.lru_cache(maxsize=2048)
def _fields(operation: str, entity: bool) -> tuple[str, ...]:
    try:
        document = parse(operation)
    except Exception:  # a plan we cannot read back: lineage without field names rather than no record
        return ()
    op = next((d for d in document.definitions if isinstance(d, OperationDefinitionNode)), None)
    if op is None:
        return ()
    if not entity:
        return tuple(dict.fromkeys(_keys(op.selection_set)))
    entities = next(
        (s for s in op.selection_set.selections if isinstance(s, FieldNode) and s.name.value == "_entities"), None
    )
    return tuple(dict.fromkeys(_keys(entities.selection_set if entities is not None else None)))


def lineage(
    plan: QueryPlan | None, fetches: Sequence[FetchRecord], calls_by_fetch: dict[int, list[int]]
) -> list[dict[str, Any]]:
    """One entry per response path prefix: ``{"path", "service", "fetch", "legacy_calls"}``."""
    sources = plan_sources(plan)
    used = [False] * len(sources)
    out: list[dict[str, Any]] = []
    for index, record in enumerate(fetches):
        fields: tuple[str, ...] = ()
        for i, (service, path, entity, names) in enumerate(sources):
            if not used[i] and service == record.service and path == tuple(record.path) and entity == record.entity:
                used[i] = True
                fields = names
                break
        prefix = list(record.path)
        for name in fields or ("*",):
            out.append(
                {
                    "path": ".".join([*prefix, name]),
                    "service": record.service,
                    "fetch": index,
                    "legacy_calls": calls_by_fetch.get(index, []),
                }
            )
    return out
