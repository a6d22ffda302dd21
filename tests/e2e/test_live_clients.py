"""Live data as users consume it: graphql-ws, graphql-sse and Apollo Client (npm) against the running gateway.

The clients (versions pinned in ``tests/e2e/live_clients/package.json`` with its lockfile, installed with
``npm ci`` on first run) subscribe to cargo milestones — over WebSocket, SSE and Apollo Client's multipart
subscriptions — and receive an event joined with customs; Apollo Client watches a query with ``@defer`` and
sees the deferred fields arrive.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from gateway.sdk.events import LiveEvent
from tests.e2e.npm import npm_install
from tests.gateway.live.platform import LiveGateway, live_gateway

CLIENTS = Path(__file__).parent / "live_clients"

pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(300)]

MILESTONES = "subscription { shipmentMilestones { awb code source shipment { origin customs { id } } } }"


def _node_or_skip() -> None:
    if shutil.which("node") is None or shutil.which("npm") is None:
        if os.environ.get("SILKGRAPH_REQUIRE_SERVICES"):
            pytest.fail("node and npm are required for the live client checks in CI")
        pytest.skip("node/npm not installed: the npm clients need them")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def gateway(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LiveGateway]:
    _node_or_skip()
    await npm_install(CLIENTS, "graphql-ws", ci=True)
    async with live_gateway(tmp_path_factory.mktemp("clients")) as running:
        yield running


async def _client(gateway: LiveGateway, mode: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    token = gateway.token(scopes=("cargo:read", "customs:read"))
    return await asyncio.create_subprocess_exec(
        "node",
        "clients.mjs",
        mode,
        gateway.url + "/graphql",
        token,
        query,
        json.dumps(variables or {}),
        cwd=CLIENTS,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _results(proc: Any) -> list[dict[str, Any]]:
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    return [json.loads(line) for line in out.decode().splitlines() if line.strip()]


async def _publish_when_subscribed(gateway: LiveGateway) -> None:
    bus = gateway.adapter("cargo").events
    async with asyncio.timeout(60):
        await bus.until_subscribers("cargo.milestone", 1)
    data = {"code": "DEP", "at": "2026-12-07T10:00:00+00:00", "location": "TAO", "flight": "CZ6947"}
    await bus.publish(LiveEvent(topic="cargo.milestone", key={"awb": "784-20260026"}, data=data, source="npm-test"))


@pytest.mark.parametrize("mode", ["ws", "sse", "apollo-subscription"])
async def test_an_npm_client_subscribes_and_receives_a_federated_event(gateway: LiveGateway, mode: str) -> None:
    proc = await _client(gateway, mode, MILESTONES)
    await _publish_when_subscribed(gateway)
    (result,) = await _results(proc)
    milestone = result["data"]["shipmentMilestones"]
    assert (milestone["awb"], milestone["code"], milestone["source"]) == ("784-20260026", "DEP", "npm-test")
    assert milestone["shipment"]["origin"] == "TAO" and isinstance(milestone["shipment"]["customs"], list)


DEFERRED = """query Ship($awb: AWB!) {
  shipment(awb: $awb) {
    awb
    origin
    ... @defer(label: "customs") { customs { id status } }
    ... @defer { route { flight } }
  }
}"""


async def test_apollo_client_renders_a_deferred_query_as_its_parts_arrive(gateway: LiveGateway) -> None:
    states = await _results(await _client(gateway, "apollo-defer", DEFERRED, {"awb": "784-20260026"}))
    final = states[-1]["data"]["shipment"]
    assert final["origin"] == "TAO" and final["route"][0]["flight"] and isinstance(final["customs"], list)
    first = states[0]["data"]["shipment"]  # rendered before the deferred parts arrived
    assert first["awb"] == "784-20260026" and first["origin"] == "TAO"
    assert "customs" not in first and "route" not in first and len(states) >= 2


async def test_graphiql_streams_the_example_subscription_tab(gateway: LiveGateway) -> None:
    """The page's own subscription fetcher (SSE with the header editor's headers), run by node as a browser would."""
    import httpx

    from gateway.operations import example_operations

    async with httpx.AsyncClient(base_url=gateway.url, timeout=30) as http:
        page = (await http.get("/graphql", headers={"accept": "text/html"})).text
    start, end = page.index("async function* sse"), page.index("const fetcher")
    op = example_operations()["ShipmentMilestones"]
    assert "subscription ShipmentMilestones(" in page  # GraphiQL opens it as a tab
    token = gateway.token(scopes=("cargo:read", "customs:read"))
    script = (
        f"const window = {{ location: {{ pathname: {json.dumps(gateway.url + '/graphql')} }} }};\n"
        + page[start:end]
        + f"\nif (!isSubscription({json.dumps(op.text)})) process.exit(2);\n"
        + f"const params = {{ query: {json.dumps(op.text)}, variables: {json.dumps(op.variables)} }};\n"
        + f"const opts = {{ headers: {{ Authorization: {json.dumps('Bearer ' + token)} }} }};\n"
        + "for await (const result of sse(params, opts)) { console.log(JSON.stringify(result)); process.exit(0); }\n"
    )
    (CLIENTS / "graphiql-fetcher.mjs").write_text(script, encoding="utf-8")
    proc = await asyncio.create_subprocess_exec(
        "node", "graphiql-fetcher.mjs", cwd=CLIENTS, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    await _publish_when_subscribed(gateway)
    (result,) = await _results(proc)
    assert result["data"]["shipmentMilestones"]["source"] == "npm-test"
