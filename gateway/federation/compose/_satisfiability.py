"""Satisfiability: every field a client can select must be fetchable by some plan, from every root entry.

The composed supergraph is loaded and its query graph (:mod:`gateway.federation.planning.query_graph`) walked,
with no progressive override label active and with all of them active (a label only moves a field, both states
must work). A subgraph set the planner could not plan is rejected here, not at query time.
"""

from __future__ import annotations

from gateway.errors import SupergraphError
from gateway.federation.planning.query_graph import QueryGraph
from gateway.federation.supergraph import load_supergraph

__all__ = ["unsatisfiable"]


def unsatisfiable(supergraph_sdl: str) -> list[str]:
    try:
        supergraph = load_supergraph(supergraph_sdl)
    except SupergraphError:
        return []  # not loadable (e.g. an API schema @inaccessible empties): reported where it is loaded
    labels = frozenset(
        r.override_label
        for routings in supergraph.field_routing_table().values()
        for r in routings
        if r.override_label is not None
    )
    problems: list[str] = []
    for active in (frozenset(), labels) if labels else (frozenset(),):
        for problem in QueryGraph(supergraph, active).unsatisfiable():
            if problem not in problems:
                problems.append(problem)
    return problems
