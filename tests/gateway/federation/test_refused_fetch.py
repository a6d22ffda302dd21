"""A fetch a subgraph refuses as a whole (no ``data``) fails at its root fields, with no made-up NOT_FOUND."""

from __future__ import annotations

from typing import Any

from gateway.federation.engine import GraphQLRequest
from gateway.sdk.context import RequestContext
from tests.gateway.federation.conftest import Graph


class Refusing:
    """A subgraph that cannot coerce the variables it is sent: a request error, no ``data`` at all."""

    def __init__(self, message: str, extensions: dict[str, Any] | None = None) -> None:
        self.error: dict[str, Any] = {"message": message}
        if extensions is not None:
            self.error["extensions"] = extensions

    async def fetch(self, operation: str, variables: Any, context: RequestContext, name: str | None = None) -> Any:
        return {"errors": [self.error]}


async def _run(graph: Graph, transport: Refusing, query: str) -> list[dict[str, Any]]:
    graph.transports["cargo"] = transport  # the executor holds this very mapping
    response = await graph.graph.execute(GraphQLRequest(query=query), RequestContext())
    assert response.data is None
    return response.errors


async def test_a_variable_the_subgraph_cannot_coerce_is_the_clients_input_error_at_the_field() -> None:
    errors = await _run(
        Graph(), Refusing("Variable '$x' has invalid value at .quantity: bad Decimal"), "{ shipments { awb } }"
    )
    assert [(e["path"], e["extensions"]["code"]) for e in errors] == [(["shipments"], "BAD_USER_INPUT")]
    assert errors[0]["extensions"]["service"] == "cargo"


async def test_any_other_request_error_keeps_its_code_and_gets_the_fields_path() -> None:
    errors = await _run(Graph(), Refusing("subgraph is read-only", {"code": "FORBIDDEN"}), "{ shipments { awb } }")
    assert [(e["path"], e["extensions"]["code"]) for e in errors] == [(["shipments"], "FORBIDDEN")]
    assert not any(e["extensions"]["code"] == "NOT_FOUND" for e in errors)
