"""What clients get when an owner does not know an entity, or a fetch fails: the reference gateway's answers
(docs/frontend.md, "Partial results")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.errors import UpstreamUnavailable
from gateway.federation.engine import FederatedGraph, GraphQLRequest
from gateway.federation.supergraph import load_supergraph
from gateway.sdk.context import RequestContext

from .composing import compose_bodies

VEHICLES = """
type Query { cars: [Car!]! }
type Car @key(fields: "vin") { vin: ID! exporter: Company! }
type Company @key(fields: "taxId", resolvable: false) { taxId: ID! }
"""
TAX = 'type Query { taxVersion: Int } type Company @key(fields: "taxId") { taxId: ID! name: String! city: String }'


class _Vehicles:
    async def fetch(self, operation: str, variables: Mapping[str, Any], context: Any, name: Any = None) -> Any:
        cars = [
            {"vin": v, "exporter": {"__typename": "Company", "taxId": t}} for v, t in (("V1", "known"), ("V2", "?"))
        ]
        return {"data": {"cars": [{"__typename": "Car", **c} for c in cars]}}


class _Tax:
    """Knows one company; the other representation gets null, as a subgraph answers for an unknown entity."""

    def __init__(self, down: bool = False) -> None:
        self.down = down

    async def fetch(self, operation: str, variables: Mapping[str, Any], context: Any, name: Any = None) -> Any:
        if self.down:
            raise UpstreamUnavailable("tax", "connection refused")
        reps = variables["representations"]
        known = {"__typename": "Company", "name": "Known Ltd", "city": "Almaty"}
        return {"data": {"_entities": [known if r["taxId"] == "known" else None for r in reps]}}


async def _run(tax: _Tax, query: str) -> Any:
    supergraph = load_supergraph(compose_bodies(vehicles=VEHICLES, tax=TAX))
    graph = FederatedGraph(supergraph, {"vehicles": _Vehicles(), "tax": tax})  # type: ignore[dict-item]
    return await graph.execute(GraphQLRequest(query=query), RequestContext())


async def test_an_entity_its_owner_does_not_know_nulls_without_an_error() -> None:
    result = await _run(_Tax(), "{ cars { vin exporter { taxId city } } }")
    assert result.data == {
        "cars": [
            {"vin": "V1", "exporter": {"taxId": "known", "city": "Almaty"}},
            {"vin": "V2", "exporter": {"taxId": "?", "city": None}},
        ]
    }
    assert result.errors == []


async def test_a_missing_non_null_field_propagates_its_null_without_an_error() -> None:
    # Car.exporter and Company.name are non-null: the unknown company nulls its car, and so the list
    result = await _run(_Tax(), "{ cars { vin exporter { name } } }")
    assert result.data is None
    assert result.errors == []


async def test_a_failed_fetch_reports_its_own_errors_and_no_null_errors_for_what_it_left_empty() -> None:
    result = await _run(_Tax(down=True), "{ cars { vin exporter { name city } } }")
    # one error per object the fetch was for, at the field it would have supplied; no NON_NULL_VIOLATION or
    # other error for the non-null name it left empty, nor for the parents its null propagated to
    assert [e["path"] for e in result.errors] == [["cars", 0, "exporter", "name"], ["cars", 1, "exporter", "name"]]
    assert {e["extensions"]["service"] for e in result.errors} == {"tax"}
    assert {e["extensions"]["code"] for e in result.errors} == {"SUBREQUEST_FAILED"}
