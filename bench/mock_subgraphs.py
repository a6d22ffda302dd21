"""Fast mock Federation v2 subgraphs for gateway benchmarks: graphql-core schemas over in-memory dicts.

Run as a separate process so the gateway's own CPU is what the benchmark measures::

    python -m bench.mock_subgraphs BASE_PORT [LATENCY_MS]
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from graphql import GraphQLSchema, build_schema, execute, parse, validate
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

N = 50
MANY = 500
FED = """
directive @key(fields: String!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
directive @shareable on OBJECT | FIELD_DEFINITION
directive @tag(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | SCALAR | ENUM
scalar _Any
type _Service { sdl: String! }
"""


#: a field declaration (``name: Type`` or ``name(args): Type``), to mark public
_FIELD = re.compile(r"\b(\w+(?:\([^)]*\))?: \[?\w+!?\]?!?)")


def _public(body: str) -> str:
    """Every field tagged public: the gateway is closed by default and these benchmark fields need no caller."""
    return "\n".join(
        _FIELD.sub(r'\1 @tag(name: "public")', line) if "{" in line or line.startswith(" ") else line
        for line in body.splitlines()
    )


def _sdl(body: str, entities: list[str]) -> tuple[str, str]:
    body = _public(body)
    link = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.11", '
        'import: ["@key", "@shareable", "@tag"])\n'
    )
    entity = f"union _Entity = {' | '.join(entities)}\n" if entities else ""
    query_extra = "_entities(representations: [_Any!]!): [_Entity]!\n" if entities else ""
    return link + body, FED + entity + body.replace(
        "type Query {", "type Query {\n  _service: _Service!\n  " + query_extra, 1
    )


SUBGRAPHS: dict[str, tuple[str, list[str]]] = {
    # (a) one root field; (b) level 1 of the chain
    "orders": (
        """
type Query { ping: String! orders: [Order!]! order(id: ID!): Order manyOrders: [Order!]! }
type Order { id: ID! total: Int! buyer: Trader! }
type Trader @key(fields: "id") { id: ID! }
""",
        ["Trader"],
    ),
    # (b) level 2
    "traders": (
        """
type Query { traderCount: Int! }
type Trader @key(fields: "id") { id: ID! name: String! account: Account! }
type Account @key(fields: "iban") { iban: ID! }
""",
        ["Trader", "Account"],
    ),
    # (b) level 3
    "ledger": (
        """
type Query { ledgerVersion: String! }
type Account @key(fields: "iban") { iban: ID! balance: Int! currency: String! }
""",
        ["Account"],
    ),
    # (c) the wide query: three more subgraphs with a root field each
    "customs": ("type Query { declarations: [Declaration!]! }\ntype Declaration { id: ID! status: String! }\n", []),
    "cargo": ("type Query { flights: [Flight!]! }\ntype Flight { id: ID! route: String! }\n", []),
    "rates": ("type Query { rates: [Rate!]! }\ntype Rate { code: String! value: Float! }\n", []),
}


def _entity(rep: dict[str, Any]) -> dict[str, Any]:
    t = rep["__typename"]
    if t == "Trader":
        return {"__typename": t, "id": rep["id"], "name": f"Trader {rep['id']}", "account": {"iban": f"KZ{rep['id']}"}}
    if t == "Account":
        return {"__typename": t, "iban": rep["iban"], "balance": len(rep["iban"]) * 1000, "currency": "KZT"}
    return {"__typename": t, **rep}


def _order(i: int) -> dict[str, Any]:
    return {"id": f"o{i}", "total": i * 100, "buyer": {"id": f"t{i}"}}


def _root(name: str, sdl: str) -> dict[str, Any]:
    return {
        "_service": {"sdl": sdl},
        "_entities": lambda _info, representations: [_entity(r) for r in representations],
        "ping": "pong",
        "orders": [_order(i) for i in range(N)],
        "order": lambda _info, id: _order(int(id[1:])) if id[1:].isdigit() else None,
        "manyOrders": [_order(i) for i in range(MANY)],
        "traderCount": N,
        "ledgerVersion": "1",
        "declarations": [{"id": f"d{i}", "status": "RELEASED"} for i in range(N)],
        "flights": [{"id": f"f{i}", "route": "TAO-ALA"} for i in range(N)],
        "rates": [{"code": c, "value": 1.0 + i} for i, c in enumerate(["CNY", "KZT", "RUB", "UZS", "INR"])],
    }


def _resolver(value: Any, info: Any, **args: Any) -> Any:
    field = value.get(info.field_name) if isinstance(value, dict) else getattr(value, info.field_name, None)
    return field(info, **args) if callable(field) else field


def subgraph_app(name: str, latency_ms: float = 0.0) -> Starlette:
    public_sdl, executable_sdl = _sdl(*SUBGRAPHS[name])
    schema: GraphQLSchema = build_schema(executable_sdl)
    for type_name in ("_Entity",):
        t = schema.get_type(type_name)
        if t is not None:
            t.resolve_type = lambda value, _info, _t: value["__typename"]  # type: ignore[attr-defined]
    root = _root(name, public_sdl)
    documents: dict[str, Any] = {}
    #: answers by request body: the data is immutable, so a repeated request gets the bytes it got before and the
    #: subgraphs stay cheap next to the gateway under test (their CPU is printed by bench.peers)
    answers: dict[bytes, bytes] = {}
    served = [0]

    async def count(_: Request) -> Response:
        """How many GraphQL requests this subgraph answered (the gateway's real fan-out, dedup included)."""
        return Response(str(served[0]), media_type="text/plain")

    async def graphql(request: Request) -> Response:
        served[0] += 1
        raw = await request.body()
        cached = answers.get(raw)
        if cached is not None:
            if latency_ms:
                await asyncio.sleep(latency_ms / 1000)
            return Response(cached, media_type="application/json")
        body = json.loads(raw)
        query = body["query"]
        doc = documents.get(query)
        if doc is None:
            doc = parse(query)
            errors = validate(schema, doc)
            if errors:
                return Response(json.dumps({"errors": [e.formatted for e in errors]}), media_type="application/json")
            documents[query] = doc
        if latency_ms:
            await asyncio.sleep(latency_ms / 1000)
        result = execute(schema, doc, root_value=root, variable_values=body.get("variables"), field_resolver=_resolver)
        out: dict[str, Any] = {"data": result.data}  # type: ignore[union-attr]
        if result.errors:  # type: ignore[union-attr]
            out["errors"] = [e.formatted for e in result.errors]  # type: ignore[union-attr]
        encoded = json.dumps(out, separators=(",", ":")).encode()
        if not result.errors and len(answers) < 10_000:  # type: ignore[union-attr]
            answers[raw] = encoded
        return Response(encoded, media_type="application/json")

    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"]), Route("/count", count)])


def production_env() -> dict[str, str]:
    """What a production gateway over the mock subgraphs needs to start (gateway.policy.production): an identity
    provider (never reached: the benchmark sends no token, its fields are public) and a subgraph secret (the
    mock subgraphs ignore the signed header)."""
    return {
        "SILKGRAPH_GATEWAY__MODE": "production",
        "SILKGRAPH_AUTH__JWKS_URL": "https://idp.invalid/.well-known/jwks.json",
        "SILKGRAPH_AUTH__ISSUER": "https://idp.invalid/",
        "SILKGRAPH_AUTH__AUDIENCE": "silkgraph",
        "SILKGRAPH_AUTH__SUBGRAPH_SECRET": secrets.token_urlsafe(32),
    }


async def compose_mock_supergraph(base_port: int, wait_seconds: float = 30.0) -> tuple[str, Path]:
    """Wait for the mock subgraphs on ``base_port``…, compose them; return the supergraph SDL and its file."""
    import httpx

    from gateway.federation.compose import SubgraphSource, compose

    urls = {name: f"http://127.0.0.1:{base_port + i}/graphql" for i, name in enumerate(SUBGRAPHS)}
    sdls: dict[str, str] = {}
    deadline = time.monotonic() + wait_seconds
    async with httpx.AsyncClient() as client:
        for name, url in urls.items():
            while name not in sdls:
                try:
                    r = await client.post(url, json={"query": "{ _service { sdl } }"})
                    sdls[name] = r.json()["data"]["_service"]["sdl"]
                except httpx.HTTPError:
                    if time.monotonic() > deadline:
                        raise
                    await asyncio.sleep(0.1)
    sdl = compose([SubgraphSource(name=n, url=urls[n], sdl=s) for n, s in sdls.items()])
    path = Path(tempfile.mkdtemp()) / "supergraph.graphql"
    path.write_text(sdl)
    return sdl, path


async def subgraph_requests(base_port: int) -> int:
    """Requests the mock subgraphs answered so far, all of them together."""
    import httpx

    async with httpx.AsyncClient() as client:
        counts = [await client.get(f"http://127.0.0.1:{base_port + i}/count") for i in range(len(SUBGRAPHS))]
    return sum(int(r.text) for r in counts)


async def serve_all(base_port: int, latency_ms: float) -> None:
    import uvicorn

    servers = []
    for i, name in enumerate(SUBGRAPHS):
        config = uvicorn.Config(
            subgraph_app(name, latency_ms),
            host="127.0.0.1",
            port=base_port + i,
            log_level="error",
            access_log=False,
            lifespan="off",
        )
        servers.append(uvicorn.Server(config))
    await asyncio.gather(*(s.serve() for s in servers))


if __name__ == "__main__":
    asyncio.run(serve_all(int(sys.argv[1]), float(sys.argv[2]) if len(sys.argv) > 2 else 0.0))
