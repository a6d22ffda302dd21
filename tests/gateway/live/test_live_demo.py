"""The demo moves: the example subscription streams a milestone by itself; a mutation's status streams too."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from gateway.operations import example_operations
from tests.gateway.live.client import WsClient, connect
from tests.gateway.live.platform import LiveGateway, live_gateway

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def moving(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LiveGateway]:
    """As in `silkgraph demo`, faster: the airline moves a shipment every 0.2 s, the adapter reads every 0.1 s."""
    path: Path = tmp_path_factory.mktemp("demo")
    async with live_gateway(path, milestone_seconds=0.2, poll_seconds=0.1) as running:
        yield running


async def test_the_example_subscription_streams_a_milestone_with_no_other_action(moving: LiveGateway) -> None:
    op = example_operations()["ShipmentMilestones"]
    async with connect(moving.ws_url) as ws:
        client = WsClient(ws)
        await client.init(moving.token(agency="qingdao-broker", scopes=("cargo:read", "customs:read")))
        await client.send({"type": "subscribe", "id": "demo", "payload": {"query": op.text, "variables": op.variables}})
        message = await client.next_of("demo", within=30)
    assert message["type"] == "next", message
    milestone = message["payload"]["data"]["shipmentMilestones"]
    assert milestone["code"] in ("BKD", "RCS", "DEP", "ARR", "DLV")
    assert milestone["source"].startswith("cargo-xml:XFSU:")  # lineage: the airline's status message
    assert milestone["shipment"]["awb"] == milestone["awb"] and isinstance(milestone["shipment"]["customs"], list)
    assert "errors" not in message["payload"]


DECLARE = """mutation($input: SubmitDeclarationInput!) { submitDeclaration(input: $input) { id duplicate } }"""
WATCH = "subscription { declarationStatusChanged { id status message source declaration { id lrn } } }"


async def test_a_declaration_lodged_streams_its_customs_status(moving: LiveGateway) -> None:
    token = moving.token(agency="qingdao-broker", scopes=("customs:submit", "customs:read"))
    variables = {"input": {**example_operations()["SubmitDeclaration"].variables["input"], "lrn": "PD-LIVE-1"}}
    async with connect(moving.ws_url) as ws:
        client = WsClient(ws)
        await client.init(moving.token(agency="ru-export-center", scopes=("customs:read",)))
        await client.subscribe("d", WATCH)
        import asyncio

        async with asyncio.timeout(30):
            await moving.adapter("customs").events.until_subscribers("customs.declaration", 1)
        async with httpx.AsyncClient(base_url=moving.url, timeout=30) as http:
            reply = await http.post(
                "/graphql",
                json={"query": DECLARE, "variables": variables},
                headers={"authorization": f"Bearer {token}"},
            )
        mrn = reply.json()["data"]["submitDeclaration"]["id"]
        message = await client.next_of("d", within=30)
    change = message["payload"]["data"]["declarationStatusChanged"]
    assert change["id"] == mrn and change["status"] == "DECLARED"
    assert change["source"].startswith("customs:DMSRCV:") and change["declaration"]["lrn"] == "PD-LIVE-1"
