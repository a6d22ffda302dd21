"""GraphQL over HTTP, against the real app on a loopback socket."""

from __future__ import annotations

import contextlib
import gzip
import json
import tempfile
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from gateway.app import create_app
from gateway.config import load_settings
from gateway.federation.engine import FederatedGraph
from gateway.runtime import Runtime
from gateway.sdk.sandbox import serve_sandbox
from gateway.sdk.testing import PRODUCTION_AUTH
from tests.gateway.federation.conftest import Graph
from tests.gateway.policy.conftest import annotated, load

GRAPHQL_RESPONSE = "application/graphql-response+json"


@contextlib.asynccontextmanager
async def running(mode: str = "demo", **overrides: object) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(mode, **overrides) as (_, client):
        yield client


@contextlib.asynccontextmanager
async def serving(mode: str = "demo", **overrides: object) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    keys = tempfile.mkdtemp(prefix="silkgraph-test-")
    settings = load_settings(
        None,
        overrides={
            "auth.demo_key_file": f"{keys}/dev.pem",
            "gateway.mode": mode,
            "audit.store": "memory",
            **(PRODUCTION_AUTH if mode == "production" else {}),
            **overrides,
        },
    )
    graph = Graph()
    # the gateway is closed by default: this graph's fields are tagged public (these tests are about HTTP)
    supergraph = load(annotated({}))

    async def factory(s: object, stack: contextlib.AsyncExitStack) -> Runtime:
        http = await stack.enter_async_context(httpx.AsyncClient())
        fg = FederatedGraph(supergraph, graph.transports, introspection=settings.gateway.introspection_enabled)
        return Runtime(settings=settings, supergraph=fg.supergraph, graph=fg, adapters={}, remotes={}, http=http)

    app = create_app(settings, runtime_factory=factory)
    async with (
        serve_sandbox(lambda _: app) as server,
        httpx.AsyncClient(base_url=server.url, headers={"accept": GRAPHQL_RESPONSE}) as client,
    ):
        yield app, client


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with running() as c:
        yield c


QUERY = '{ shipment(awb: "999-12345675") { awb duty } }'


async def test_post_json_answers_with_graphql_response_json(client: httpx.AsyncClient) -> None:
    r = await client.post("/graphql", json={"query": QUERY}, headers={"accept": GRAPHQL_RESPONSE})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert r.json() == {"data": {"shipment": {"awb": "999-12345675", "duty": 184.05}}}
    assert r.headers["x-request-id"]


@pytest.mark.parametrize("accept", ["", "*/*"])
async def test_missing_or_wildcard_accept_gets_legacy_json(client: httpx.AsyncClient, accept: str) -> None:
    r = await client.post(
        "/graphql", content=json.dumps({"query": QUERY}), headers={"content-type": "application/json", "accept": accept}
    )
    assert r.headers["content-type"].startswith("application/json")


async def test_validation_error_is_400_for_graphql_response_json_and_200_for_json(client: httpx.AsyncClient) -> None:
    bad = {"query": "{ nope }"}
    r1 = await client.post("/graphql", json=bad, headers={"accept": GRAPHQL_RESPONSE})
    assert r1.status_code == 400 and "data" not in r1.json()
    assert r1.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    r2 = await client.post("/graphql", json=bad, headers={"accept": "application/json"})
    assert r2.status_code == 200 and r2.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"{not json", "not valid JSON"),
        (b"[]", "batched requests are disabled"),
        (b'{"query": 1}', "'query' must be a string"),
        (b'{"query": "{ __typename }", "variables": []}', "'variables' must be an object"),
        (b'{"query": "{ __typename }", "operationName": 5}', "'operationName' must be a string"),
        (b'{"variables": {}}', "no 'query'"),
        (b"", "body is empty"),
    ],
)
async def test_malformed_requests_get_400_with_a_clear_message(
    client: httpx.AsyncClient, body: bytes, fragment: str
) -> None:
    r = await client.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 400
    assert fragment in r.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    "ctype",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonx",
        "application/json; charset=latin-1",
    ],
)
async def test_non_json_content_types_are_refused(client: httpx.AsyncClient, ctype: str) -> None:
    r = await client.post("/graphql", content=b'{"query":"{ __typename }"}', headers={"content-type": ctype})
    assert r.status_code == 415


async def test_unacceptable_accept_header_is_406(client: httpx.AsyncClient) -> None:
    r = await client.post("/graphql", json={"query": QUERY}, headers={"accept": "text/xml"})
    assert r.status_code == 406


async def test_get_query_works_and_get_mutation_is_405(client: httpx.AsyncClient) -> None:
    r = await client.get("/graphql", params={"query": QUERY}, headers={"apollo-require-preflight": "1"})
    assert r.status_code == 200 and r.json()["data"]["shipment"]["duty"] == 184.05
    m = await client.get("/graphql", params={"query": "mutation { x }"}, headers={"apollo-require-preflight": "1"})
    assert m.status_code in (400, 405)


async def test_production_get_without_preflight_is_refused_as_csrf() -> None:
    async with running(mode="production") as client:
        r = await client.get("/graphql", params={"query": QUERY})
        assert r.status_code == 400
        assert r.json()["errors"][0]["extensions"]["code"] == "CSRF_PREVENTION"


async def test_production_hides_introspection_and_graphiql() -> None:
    async with running(mode="production") as client:
        r = await client.post("/graphql", json={"query": "{ __schema { types { name } } }"})
        assert r.status_code == 400
        html = await client.get("/graphql", headers={"accept": "text/html"})
        assert "GraphiQL" not in html.text


async def test_graphiql_on_browser_get_in_demo(client: httpx.AsyncClient) -> None:
    r = await client.get("/graphql", headers={"accept": "text/html,application/xhtml+xml"})
    assert r.status_code == 200 and "GraphiQL" in r.text


async def test_body_limit_applies_before_and_after_decompression() -> None:
    async with running(**{"gateway.limits.max_body_bytes": 1000}) as client:
        big = json.dumps({"query": "{ __typename }", "extensions": {"pad": "x" * 5000}}).encode()
        r = await client.post("/graphql", content=big, headers={"content-type": "application/json"})
        assert r.status_code == 413
        bomb = gzip.compress(big)
        assert len(bomb) < 1000
        r = await client.post(
            "/graphql", content=bomb, headers={"content-type": "application/json", "content-encoding": "gzip"}
        )
        assert r.status_code == 413
        assert r.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"


async def test_gzip_body_is_accepted(client: httpx.AsyncClient) -> None:
    body = gzip.compress(json.dumps({"query": QUERY}).encode())
    r = await client.post(
        "/graphql", content=body, headers={"content-type": "application/json", "content-encoding": "gzip"}
    )
    assert r.status_code == 200 and r.json()["data"]["shipment"]["duty"] == 184.05


async def test_health_readiness_and_metrics(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    await client.post("/graphql", json={"query": QUERY})
    metrics = (await client.get("/metrics")).text
    assert 'silkgraph_requests_total{operation_type="query",outcome="ok"}' in metrics
    assert 'silkgraph_subgraph_fetches_total{kind="entities",outcome="ok",subgraph="customs"}' in metrics


async def test_invalid_scalar_variable_is_bad_user_input(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/graphql", json={"query": "query($a: ID!) { shipment(awb: $a) { awb } }", "variables": {"a": [1]}}
    )
    assert r.status_code == 400
    assert r.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_an_unexpected_exception_is_a_graphql_error_not_a_traceback() -> None:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.routing import Route

    from gateway.federation.engine import GraphQLRequest, GraphQLResponse
    from gateway.http import HttpOptions, graphql_endpoint

    async def broken(request: GraphQLRequest, http_request: Request) -> GraphQLResponse:
        raise RuntimeError("internal detail that must not leak")

    app = Starlette(routes=[Route("/graphql", graphql_endpoint(broken, HttpOptions()), methods=["POST"])])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        r = await client.post("/graphql", json={"query": "{ a }"})
    assert r.status_code == 500
    assert r.json() == {
        "errors": [{"message": "Internal server error", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]
    }
    assert "internal detail" not in r.text


FAST_PATH_CASES = [
    ({"content-type": "application/json"}, json.dumps({"query": QUERY}).encode()),
    ({"content-type": "application/json", "accept": "application/json"}, b'{"query": "{ nope }"}'),
    ({"content-type": "application/json", "accept": "text/xml"}, b'{"query": "{ __typename }"}'),
    ({"content-type": "text/plain"}, b'{"query": "{ __typename }"}'),
    ({"content-type": "application/json"}, b"{not json"),
    ({"content-type": "application/json", "content-encoding": "br"}, b"{}"),
    ({"content-type": "application/json", "content-encoding": "gzip"}, gzip.compress(b'{"query":"{ __typename }"}')),
    ({"content-type": "application/json", "accept": "text/event-stream"}, b'{"query": "{ __typename }"}'),
    ({"content-type": "application/json; charset=utf-8", "traceparent": "00-bad"}, b'[{"query": "{ ping }"}]'),
]


@pytest.mark.parametrize("mode", ["demo", "production"])
async def test_post_graphql_answers_the_same_without_starlettes_routing(mode: str) -> None:
    """The short way to the endpoint for POST /graphql changes nothing a client can see: status, headers, body."""
    async with serving(mode) as (app, client):
        assert getattr(app, "graphql", None) is not None  # the short way is taken here
        answers: dict[str, list[tuple[int, list[tuple[str, str]], bytes]]] = {}
        for way, short in (("short", app.graphql), ("full", None)):
            app.graphql = short  # type: ignore[attr-defined]
            for headers, body in FAST_PATH_CASES:
                r = await client.post("/graphql", content=body, headers={"x-request-id": "same-id", **headers})
                seen = sorted((k, v) for k, v in r.headers.items() if k != "date")
                answers.setdefault(way, []).append((r.status_code, seen, r.content))
        assert answers["short"] == answers["full"]


async def test_an_added_middleware_is_never_passed_by() -> None:
    async with serving("demo", **{"gateway.cors.allow_origins": ["https://app.example"]}) as (app, client):
        assert getattr(app, "graphql", "unset") is None
        r = await client.post("/graphql", json={"query": QUERY}, headers={"origin": "https://app.example"})
        assert r.headers["access-control-allow-origin"] == "https://app.example"
