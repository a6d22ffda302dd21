"""A supergraph of the cargo/customs test graph annotated with security and cost directives."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from gateway.federation.engine import FederatedGraph, GraphQLRequest, GraphQLResponse
from gateway.federation.supergraph import Supergraph, load_supergraph
from gateway.policy.authz import DirectiveAuthorizer, Policy
from gateway.sdk.context import Principal, RequestContext
from gateway.sdk.scalars import SCALAR_RULES
from tests.gateway.federation.conftest import Graph
from tests.gateway.federation.supergraphs import CARGO_CUSTOMS_TYPES, HEADER, schema_block
from tests.services import redis_url

SECURITY_LINKS = """
  @link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)
  @link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)
  @link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)
  @link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@cost", "@listSize"])
  @link(url: "https://specs.apollo.dev/tag/v0.3")
"""

SECURITY_DIRECTIVES = """
directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @policy(policies: [[policy__Policy!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT \
| SCALAR
directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], \
requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
directive @tag(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION \
| SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION | SCHEMA
scalar requiresScopes__Scope
scalar policy__Policy
"""

_RULES = ("@authenticated", "@requiresScopes", "@policy")
_FIELD = re.compile(r"^\s+\w+(\(.*\))?: ")


def annotated(replacements: dict[str, str], *, open_rest: bool = True) -> str:
    """The cargo/customs supergraph with directive applications appended to the named lines.

    The gateway is closed by default, so every other field is tagged public (``open_rest``) to keep these tests
    about the directives themselves."""
    types = CARGO_CUSTOMS_TYPES
    for line_start, extra in replacements.items():
        lines = types.split("\n")
        hits = [i for i, line in enumerate(lines) if line.strip().startswith(line_start)]
        assert len(hits) == 1, line_start
        i = hits[0]
        if lines[i].rstrip().endswith("{"):
            lines[i] = lines[i].rstrip()[:-1] + f"{extra} {{"
        else:
            lines[i] = lines[i] + " " + extra
        types = "\n".join(lines)
    if open_rest:
        types = "\n".join(
            line + ' @tag(name: "public")' if _FIELD.match(line) and not any(r in line for r in _RULES) else line
            for line in types.split("\n")
        )
    return schema_block(extra_links=SECURITY_LINKS) + HEADER + SECURITY_DIRECTIVES + types


AUTHZ = {
    "shipments:": '@requiresScopes(scopes: [["cargo:read", "shipments:list"], ["audit:read"]])',
    "weight:": "@authenticated",
    "duty:": '@requiresScopes(scopes: [["customs:read"]])',
    "status:": '@policy(policies: [["same_agency"]])',
}


def same_agency(principal: Principal, coordinate: str) -> bool:
    return principal.agency == "AG-1"


def load(sdl: str) -> Supergraph:
    return load_supergraph(sdl, scalar_rules=SCALAR_RULES)


class SecuredGraph:
    """The test graph run through a supergraph carrying directives, with the authorizer installed."""

    def __init__(self, sdl: str, policies: dict[str, Policy] | None = None) -> None:
        self.base = Graph()
        self.supergraph = load(sdl)
        self.graph = FederatedGraph(self.supergraph, self.base.transports)
        self.graph.authorize = DirectiveAuthorizer(
            self.supergraph, policies if policies is not None else {"same_agency": same_agency}
        )

    def calls(self, name: str) -> list[str]:
        return self.base.calls(name)

    async def run(self, query: str, principal: Principal | None = None, **kw: Any) -> GraphQLResponse:
        context = RequestContext(principal=principal) if principal else RequestContext()
        return await self.graph.execute(GraphQLRequest(query=query, **kw), context)


def user(*scopes: str, agency: str | None = None, roles: tuple[str, ...] = ()) -> Principal:
    return Principal(subject="u1", agency=agency, scopes=frozenset(scopes), roles=frozenset(roles))


@pytest.fixture
def secured() -> SecuredGraph:
    return SecuredGraph(annotated(AUTHZ))


@pytest.fixture
async def redis_client() -> AsyncIterator[Any]:
    """A real Redis at SILKGRAPH_TEST_REDIS_URL (flushed); skipped when unset unless services are required."""
    url = redis_url("a Redis server for the shared-store tests")
    import redis.asyncio as aioredis

    client = aioredis.from_url(url)
    await client.flushdb()
    yield client
    await client.aclose()
