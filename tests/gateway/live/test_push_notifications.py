"""ONE Record push notifications reach subscribers: the airline POSTs an ``api:Notification`` to the gateway.

Over real sockets: the ONE Record sandbox airline (subscribed to by the cargo adapter) posts its notification to
the gateway's ``/webhooks/cargo/notifications``; the adapter reads the shipment with its own client and publishes
the milestone on the event bus the poller uses; a graphql-ws subscriber with a qingdao-broker token receives it.
No poller runs here (``poll_seconds`` 0): what arrives came by push.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from adapters import story
from adapters.cargo.jsonld import CARGO
from adapters.cargo.model import Interface
from adapters.cargo.one_record_sandbox import TOKEN_PATH
from adapters.credentials import ClientCredentialsAuth, demo_client
from tests.gateway.live.client import WsClient, connect
from tests.gateway.live.platform import LiveGateway, live_gateway
from tests.services import redis_url

pytestmark = pytest.mark.asyncio(loop_scope="module")

HOOK = "/webhooks/cargo/notifications"
LD = "application/ld+json; version=2.3.0"
EVENT = {
    "@context": {"cargo": CARGO},
    "@type": "cargo:LogisticsEvent",
    "cargo:eventCode": {"@id": "https://onerecord.iata.org/ns/code-lists/StatusCode#OSI"},
    "cargo:eventDate": {"@type": "xsd:dateTime", "@value": "2026-11-07T10:00:00+03:00"},
    "cargo:eventLocation": {"@type": "cargo:Location", "cargo:locationCodes": [{"cargo:code": "SVO"}]},
}
WATCH = "subscription($awb: AWB) { shipmentMilestones(awb: $awb) { awb code source } }"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def pushed(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LiveGateway]:
    async with live_gateway(tmp_path_factory.mktemp("push"), names=("cargo",)) as running:
        yield running


async def _awbs(gw: LiveGateway) -> tuple[str, str, str]:
    """An agency (not qingdao-broker), a ONE Record shipment qingdao-broker sees and it does not, and one it sees."""
    client = gw.adapter("cargo").airlines().client(Interface.ONE_RECORD)
    broker = {r.awb for r in await client.all("qingdao-broker")}
    for agency in sorted(story.AGENCIES):
        theirs = {r.awb for r in await client.all(agency)}
        if agency != "qingdao-broker" and theirs and broker - theirs:
            return agency, sorted(broker - theirs)[0], sorted(theirs)[0]
    raise AssertionError("the seed must hold ONE Record shipments that separate two agencies")


async def _airline_event(gw: LiveGateway, awb: str) -> None:
    """Record a status at the airline itself (it then notifies its subscribers, here the gateway)."""
    url = gw.adapter("cargo").settings.url
    auth = ClientCredentialsAuth(url + TOKEN_PATH, *demo_client("cargo"))
    async with httpx.AsyncClient(base_url=url, auth=auth, timeout=30) as client:
        reply = await client.post(
            f"/logistics-objects/shipment-{awb}/logistics-events",
            json=EVENT,
            headers={"Content-Type": LD, "Accept": LD},
        )
    assert reply.status_code == 201, reply.text


async def test_a_pushed_notification_reaches_only_the_subscribers_who_may_see_it(pushed: LiveGateway) -> None:
    cargo: Any = pushed.adapter("cargo")
    outsider, mine, theirs = await _awbs(pushed)
    await cargo.subscribe(subscriber=pushed.url, callback_url=pushed.url + HOOK)
    async with (
        connect(pushed.ws_url) as ws_broker,
        connect(pushed.ws_url) as ws_outsider,
        cargo.events.subscribe("cargo.milestone") as raw,
    ):
        broker, other = WsClient(ws_broker), WsClient(ws_outsider)
        assert (await broker.init(pushed.token(agency="qingdao-broker")))["type"] == "connection_ack"
        assert (await other.init(pushed.token(agency=outsider)))["type"] == "connection_ack"
        await broker.subscribe("one", WATCH, {"awb": mine})
        await other.subscribe("all", WATCH)  # every shipment the outsider may see
        events = aiter(raw)
        async with asyncio.timeout(30):
            await cargo.events.until_subscribers("cargo.milestone", 3)
            await _airline_event(pushed, mine)
            assert (await anext(events)).key["awb"] == mine  # published on the bus: pushed, not polled
        got = (await broker.next_of("one", within=30))["payload"]["data"]["shipmentMilestones"]
        assert got["awb"] == mine and got["code"] == "OSI"
        assert got["source"].startswith(f"one-record:LogisticsEvent:OSI:{mine}:")
        # then a shipment the outsider sees moves: that is the outsider's first event, qingdao-broker's never came
        await _airline_event(pushed, theirs)
        seen = (await other.next_of("all", within=30))["payload"]["data"]["shipmentMilestones"]
        assert seen["awb"] == theirs and seen["awb"] != mine
    # seen by push, it is not published again by a poll nor by the airline notifying twice
    assert await cargo.watcher.poll_once() == []
    assert await cargo.watcher.follow(mine) == []


NOTE = {
    "@context": {"api": "https://onerecord.iata.org/ns/api#"},
    "@type": "api:Notification",
    "api:hasEventType": {"@id": "api:LOGISTICS_EVENT_RECEIVED"},
    "api:hasLogisticsObject": {"@id": "http://127.0.0.1:1/logistics-objects/shipment-999-12345675"},
}


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-key", "Basic Y2FyZ286a2V5"])
async def test_a_notification_without_the_key_is_refused(pushed: LiveGateway, authorization: str | None) -> None:
    cargo: Any = pushed.adapter("cargo")
    before = cargo.notifications.total
    headers = {"Content-Type": LD, **({"Authorization": authorization} if authorization else {})}
    async with httpx.AsyncClient(base_url=pushed.url, timeout=30) as http:
        reply = await http.post(HOOK, json=NOTE, headers=headers)
    assert reply.status_code == 401
    assert reply.json()["@type"] == "api:Error" and "Bearer" in reply.headers["www-authenticate"]
    assert cargo.notifications.total == before


async def test_only_adapters_with_a_webhook_have_an_endpoint(pushed: LiveGateway) -> None:
    async with httpx.AsyncClient(base_url=pushed.url, timeout=30) as http:
        reply = await http.post("/webhooks/customs/notifications", json=NOTE)
    assert reply.status_code == 404


@pytest.mark.redis
async def test_a_notification_received_by_one_replica_reaches_a_subscriber_on_another(tmp_path: Path) -> None:
    shared = {
        "gateway.subscriptions.store": redis_url(),
        "gateway.subscriptions.channel_prefix": f"push{secrets.token_hex(4)}:",
    }
    async with (
        live_gateway(tmp_path / "a", names=("cargo",), **shared) as a,
        live_gateway(tmp_path / "b", names=("cargo",), **shared) as b,
        connect(b.ws_url) as ws_b,
    ):
        _, mine, _ = await _awbs(a)
        await a.adapter("cargo").subscribe(subscriber=a.url, callback_url=a.url + HOOK)  # A's airline pushes to A
        on_b = WsClient(ws_b)
        assert (await on_b.init(b.token(agency="qingdao-broker")))["type"] == "connection_ack"
        await on_b.subscribe("b", WATCH, {"awb": mine})
        async with asyncio.timeout(30):
            await b.adapter("cargo").events.until_subscribers("cargo.milestone", 1)
        await _airline_event(a, mine)
        got = (await on_b.next_of("b", within=30))["payload"]["data"]["shipmentMilestones"]
    assert got["awb"] == mine and got["source"].startswith(f"one-record:LogisticsEvent:OSI:{mine}:")
