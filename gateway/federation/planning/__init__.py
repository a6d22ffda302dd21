"""Planning: a client operation over the supergraph → a query plan (data, see ``gateway.federation.plan``).

``query_graph`` (the supergraph's (type, subgraph) graph, shared with composition's satisfiability check),
``_planner`` (selections and root fields → fetch groups → plan nodes), ``_entities`` (entity-fetch targets,
keys and ``@requires`` inputs), ``_base`` (state of one operation), ``_model`` (group and representation
builders), ``_selection`` (the selection sets a fetch sends).
"""

from __future__ import annotations

from ._planner import QueryPlanner, operation_of, plan_cache_key

__all__ = ["QueryPlanner", "operation_of", "plan_cache_key"]
