"""graphql-ws (graphql-transport-ws) on /graphql: handshake, federated events, tenancy per event, close codes."""

from __future__ import annotations

import pytest

from gateway.sdk.events import LiveEvent
from tests.gateway.live.client import MILESTONES, WsClient, connect
from tests.gateway.live.platform import LiveGateway

pytestmark = pytest.mark.asyncio(loop_scope="module")


def milestone(awb: str, code: str = "DEP", source: str = "cargo-xml:XFSU:test") -> LiveEvent:
    data = {"code": code, "at": "2026-12-07T10:00:00+00:00", "location": "TAO", "flight": None}
    return LiveEvent(topic="cargo.milestone", key={"awb": awb}, data=data, source=source)


async def publish(gateway: LiveGateway, *events: LiveEvent) -> None:
    for event in events:
        await gateway.adapter("cargo").events.publish(event)


async def wait_subscribed(gateway: LiveGateway, count: int) -> None:
    """Until ``count`` subscribers listen to cargo milestones (the subscribe message is handled asynchronously)."""
    import asyncio

    async with asyncio.timeout(30):
        await gateway.adapter("cargo").events.until_subscribers("cargo.milestone", count)


async def test_an_event_arrives_with_fields_joined_from_another_subgraph(gateway: LiveGateway) -> None:
    async with connect(gateway.ws_url) as ws:
        client = WsClient(ws)
        assert ws.subprotocol == "graphql-transport-ws"
        assert await client.init(gateway.token(scopes=("cargo:read", "customs:read"))) == {"type": "connection_ack"}
        await client.subscribe("1", MILESTONES)
        await wait_subscribed(gateway, 1)
        await publish(gateway, milestone("784-20260026", source="cargo-xml:XFSU:DEP:784-20260026"))
        message = await client.next_of("1")
        assert message["type"] == "next", message
        event = message["payload"]["data"]["shipmentMilestones"]
        assert event["awb"] == "784-20260026" and event["code"] == "DEP"
        assert event["source"] == "cargo-xml:XFSU:DEP:784-20260026"
        assert event["shipment"]["origin"] == "TAO"  # from cargo, read again for this event
        assert isinstance(event["shipment"]["customs"], list)  # joined from the customs subgraph per event
        await client.send({"type": "complete", "id": "1"})


async def test_an_event_reaches_only_the_agencies_that_may_see_its_shipment(gateway: LiveGateway) -> None:
    async with connect(gateway.ws_url) as kz_ws, connect(gateway.ws_url) as ru_ws, connect(gateway.ws_url) as none_ws:
        kz, ru, nobody = WsClient(kz_ws), WsClient(ru_ws), WsClient(none_ws)
        await kz.init(gateway.token(agency="kz-trade-agency"))
        await ru.init(gateway.token(agency="ru-export-center"))
        await nobody.init(gateway.token(agency=None))
        for client in (kz, ru, nobody):
            await client.subscribe("m", "subscription { shipmentMilestones { awb } }")
        await wait_subscribed(gateway, 3)
        # 784-30791202: ru-export-center's, not kz's; 784-20260026: kz's, not ru's; 999-12345675: ru's again
        await publish(gateway, milestone("784-30791202"), milestone("784-20260026"), milestone("999-12345675"))
        assert (await kz.next_of("m"))["payload"]["data"]["shipmentMilestones"]["awb"] == "784-20260026"
        assert (await ru.next_of("m"))["payload"]["data"]["shipmentMilestones"]["awb"] == "784-30791202"
        assert (await ru.next_of("m"))["payload"]["data"]["shipmentMilestones"]["awb"] == "999-12345675"
        # a caller without an agency gets nothing: its stream ends (complete) without a single event
        await nobody.send({"type": "complete", "id": "m"})
        await nobody.send({"type": "ping"})
        assert (await nobody.recv())["type"] == "pong"


async def test_a_subscription_needs_the_domain_read_scope(gateway: LiveGateway) -> None:
    async with connect(gateway.ws_url) as ws:
        client = WsClient(ws)
        await client.init(gateway.token(scopes=("customs:read",)))
        await client.subscribe("1", MILESTONES)
        await wait_subscribed(gateway, 0)
        message = await client.next_of("1")
        errors = message["payload"] if message["type"] == "error" else message["payload"].get("errors")
        assert errors and errors[0]["extensions"]["code"] in ("UNAUTHORIZED_FIELD_OR_TYPE", "FORBIDDEN")


async def test_an_unauthenticated_connection_is_closed_with_4401(gateway: LiveGateway) -> None:
    async with connect(gateway.ws_url) as ws:
        client = WsClient(ws)
        await client.send({"type": "subscribe", "id": "1", "payload": {"query": MILESTONES}})
        assert (await client.closed())[0] == 4401


async def test_a_bad_token_at_connection_init_is_closed_with_4401(gateway: LiveGateway) -> None:
    async with connect(gateway.ws_url) as ws:
        client = WsClient(ws)
        await client.send({"type": "connection_init", "payload": {"Authorization": "Bearer not-a-jwt"}})
        assert (await client.closed())[0] == 4401


async def test_the_token_may_come_with_the_upgrade_request(gateway: LiveGateway) -> None:
    headers = {"Authorization": f"Bearer {gateway.token()}"}
    async with connect(gateway.ws_url, additional_headers=headers) as ws:
        assert await WsClient(ws).init(None) == {"type": "connection_ack"}


async def test_an_expired_token_closes_the_stream_with_4401(gateway: LiveGateway) -> None:
    import time

    async with connect(gateway.ws_url) as ws:
        client = WsClient(ws)
        # valid now (no leeway needed), expires within a second: the stream is closed when it does
        await client.init(gateway.token(ttl=1, now=time.time()))
        await client.subscribe("1", MILESTONES)
        code, reason = await client.closed()
        assert code == 4401 and reason is not None and "expired" in reason


@pytest.mark.parametrize(
    ("messages", "code"),
    [
        (["not json"], 4400),
        ([{"payload": {}}], 4400),
        ([{"type": "connection_init"}, {"type": "connection_init"}], 4429),
    ],
)
async def test_protocol_violations_close_with_their_codes(
    gateway: LiveGateway, messages: list[object], code: int
) -> None:
    import json

    async with connect(gateway.ws_url) as ws:
        for m in messages:
            await ws.send(m if isinstance(m, str) else json.dumps(m))
        assert (await WsClient(ws).closed())[0] == code


async def test_a_duplicate_subscription_id_closes_with_4409(gateway: LiveGateway) -> None:
    async with connect(gateway.ws_url) as ws:
        client = WsClient(ws)
        await client.init(gateway.token())
        await client.subscribe("same", MILESTONES)
        await client.subscribe("same", MILESTONES)
        assert (await client.closed())[0] == 4409


async def test_a_wrong_subprotocol_is_refused_with_4406(gateway: LiveGateway) -> None:
    async with connect(gateway.ws_url, subprotocols=("graphql-ws",)) as ws:
        assert (await WsClient(ws).closed())[0] == 4406


async def test_queries_run_over_the_socket_too(gateway: LiveGateway) -> None:
    async with connect(gateway.ws_url) as ws:
        client = WsClient(ws)
        await client.init(gateway.token())
        await client.subscribe("q", "{ __typename }")
        assert (await client.next_of("q")) == {"id": "q", "type": "next", "payload": {"data": {"__typename": "Query"}}}
        assert (await client.next_of("q")) == {"id": "q", "type": "complete"}


async def test_identical_subscriptions_share_one_upstream_stream(gateway: LiveGateway) -> None:
    bus = gateway.adapter("cargo").events
    async with connect(gateway.ws_url) as one_ws, connect(gateway.ws_url) as two_ws:
        one, two = WsClient(one_ws), WsClient(two_ws)
        for client in (one, two):
            await client.init(gateway.token(agency="kz-trade-agency"))
            await client.subscribe("same", "subscription { shipmentMilestones { awb } }")
        await wait_subscribed(gateway, 1)
        await publish(gateway, milestone("784-20260026"))
        for client in (one, two):
            assert (await client.next_of("same"))["payload"]["data"]["shipmentMilestones"]["awb"] == "784-20260026"
        assert bus.subscribers("cargo.milestone") == 1  # one resolver, one plan run per event, two listeners
