"""Planning: a client operation over the supergraph → a query plan (data, see ``gateway.federation.plan``)."""

from __future__ import annotations

from ._planner import QueryPlanner, operation_of, plan_cache_key

__all__ = ["QueryPlanner", "operation_of", "plan_cache_key"]
