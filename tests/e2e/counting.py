"""What one operation cost, read from its audit record: subgraph requests per plan level, legacy calls per system.

The audit record lists every subgraph fetch, the subgraph request it went out in (``call``: fetches of one level
batched together share it) and every legacy call with the fetch it ran under. Levels come from the query plan:
a root fetch is level 0, an entity fetch one more than the longest chain of fetches it waits for.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping
from typing import Any

from adapters.cargo.one_record_sandbox import TOKEN_PATH
from gateway.federation.plan import Condition, Fetch, Flatten, Parallel, PlanNode, QueryPlan, Sequence

__all__ = ["Cost", "cost_of", "fetch_levels"]

#: (service, response path) of a planned fetch
FetchKey = tuple[str, tuple[str, ...]]


def fetch_levels(plan: QueryPlan) -> dict[FetchKey, list[int]]:
    """Each planned fetch's level, in plan order (a key may be planned more than once)."""
    levels: dict[FetchKey, list[int]] = {}

    def walk(node: PlanNode | None, level: int) -> int:
        """Visit ``node`` starting at ``level``; return the level after it."""
        if node is None:
            return level
        if isinstance(node, Fetch):
            levels.setdefault((node.service, ()), []).append(level)
            return level + 1
        if isinstance(node, Flatten):
            levels.setdefault((node.node.service, tuple(node.path)), []).append(level)
            return level + 1
        if isinstance(node, Sequence):
            for child in node.nodes:
                level = walk(child, level)
            return level
        if isinstance(node, Parallel):
            return max((walk(child, level) for child in node.nodes), default=level)
        assert isinstance(node, Condition)
        return max(walk(node.if_clause, level), walk(node.else_clause, level))

    walk(plan.node, 0)
    return levels


def _operation(call: Mapping[str, Any]) -> str:
    """The legacy operation's short name: a SOAP action without its namespace, else ``METHOD /path``."""
    return str(call["operation"]).rsplit("#", 1)[-1]


@dataclasses.dataclass(frozen=True)
class Cost:
    """Calls one operation made, by subgraph and plan level, and by legacy system and operation."""

    #: (subgraph, level) → ``_entities`` requests sent
    entity_calls: Counter[tuple[str, int]]
    #: subgraph → root-field requests sent
    root_calls: Counter[str]
    #: (subgraph, level, path) → representations sent (deduplicated by key)
    representations: dict[tuple[str, int, str], int]
    #: (subgraph, legacy source, operation) → calls, the subgraph being the one whose fetch made them
    legacy_calls: Counter[tuple[str, str, str]]
    #: legacy calls the record could not tie to a fetch (should be none)
    unattributed: int
    #: OAuth token requests among the legacy calls: one per token lifetime, not per query, so not counted above
    token_requests: int = 0

    def legacy_of(self, service: str) -> Counter[tuple[str, str]]:
        """(source, operation) → calls made for one subgraph."""
        return Counter({(s, o): n for (svc, s, o), n in self.legacy_calls.items() if svc == service})

    @property
    def services(self) -> list[str]:
        named = {s for s, _ in self.entity_calls} | set(self.root_calls) | {s for s, _, _ in self.legacy_calls}
        return sorted(named)


def cost_of(record: Mapping[str, Any], plan: QueryPlan) -> Cost:
    """Count one audit record's fetches and legacy calls against the plan it ran."""
    planned = {key: list(levels) for key, levels in fetch_levels(plan).items()}
    fetches: list[Mapping[str, Any]] = record["fetches"]
    level_of: list[int] = []
    for f in fetches:
        pending = planned.get((f["service"], tuple(f["path"])))
        if not pending:
            raise AssertionError(f"the record names a fetch the plan does not: {f['service']} at {f['path']}")
        level_of.append(pending.pop(0))
    entity_requests: dict[tuple[str, int], set[int]] = {}
    root_calls: Counter[str] = Counter()
    representations: dict[tuple[str, int, str], int] = {}
    for f, level in zip(fetches, level_of, strict=True):
        if f["entity"]:
            entity_requests.setdefault((f["service"], level), set()).add(f["call"])
            representations[(f["service"], level, ".".join(f["path"]))] = f["representations"]
        else:
            root_calls[f["service"]] += 1
    legacy: Counter[tuple[str, str, str]] = Counter()
    unattributed = tokens = 0
    for call in record["legacy_calls"]:
        if _operation(call).endswith(TOKEN_PATH):
            tokens += 1
            continue
        if call["fetch"] is None:
            unattributed += 1
            continue
        legacy[(fetches[call["fetch"]]["service"], call["source"], _operation(call))] += 1
    return Cost(
        entity_calls=Counter({key: len(calls) for key, calls in entity_requests.items()}),
        root_calls=root_calls,
        representations=representations,
        legacy_calls=legacy,
        unattributed=unattributed,
        token_requests=tokens,
    )
