from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bench.oracle.reference import HERE
from gateway.federation.engine import FederatedGraph, GraphQLRequest, GraphQLResponse
from gateway.federation.executor import Transport
from gateway.federation.supergraph import load_supergraph
from gateway.federation.transports import InProcessTransport
from gateway.sdk.context import RequestContext
from gateway.sdk.scalars import SCALAR_RULES
from tests.e2e.npm import npm_install
from tests.gateway.federation.cargo_customs import Recorder, SchemaAdapter, cargo_schema, customs_schema
from tests.gateway.federation.supergraphs import cargo_customs


class Graph:
    def __init__(self) -> None:
        self.cargo = Recorder()
        self.customs = Recorder()
        self.transports: dict[str, Transport] = {
            "cargo": CountingTransport(InProcessTransport(SchemaAdapter("cargo", cargo_schema(self.cargo)))),
            "customs": CountingTransport(InProcessTransport(SchemaAdapter("customs", customs_schema(self.customs)))),
        }
        self.graph = FederatedGraph(load_supergraph(cargo_customs(), scalar_rules=SCALAR_RULES), self.transports)

    def calls(self, name: str) -> list[str]:
        transport = self.transports[name]
        assert isinstance(transport, CountingTransport)
        return transport.operations

    async def run(self, query: str, variables: dict[str, Any] | None = None, **kw: Any) -> GraphQLResponse:
        return await self.graph.execute(GraphQLRequest(query=query, variables=variables, **kw), RequestContext())


class CountingTransport:
    def __init__(self, inner: InProcessTransport) -> None:
        self.inner = inner
        self.operations: list[str] = []

    async def fetch(
        self, operation: str, variables: Any, context: RequestContext, operation_name: str | None = None
    ) -> Any:
        self.operations.append(operation)
        return await self.inner.fetch(operation, variables, context, operation_name)


@pytest.fixture
def graph() -> Graph:
    return Graph()


@pytest.fixture(scope="session")
def reference_composition() -> None:
    """``@apollo/composition`` installed from npm (bench/oracle/reference_composition, ``npm ci`` on first use, one
    worker at a time): the reference the composer's verdicts and output are compared with."""
    asyncio.run(npm_install(HERE, "@apollo/composition", ci=True))
