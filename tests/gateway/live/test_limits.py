"""Limits of live data: slow consumers, subscriptions per connection and per caller, idle streams, audit records."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from gateway.sdk.events import LiveEvent
from tests.gateway.live.client import WsClient, connect
from tests.gateway.live.platform import LiveGateway, live_gateway

pytestmark = pytest.mark.asyncio(loop_scope="module")

QUERY = "subscription Watch { shipmentMilestones { awb code } }"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def tight(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LiveGateway]:
    async with live_gateway(
        tmp_path_factory.mktemp("limits"),
        names=("cargo",),
        **{
            "gateway.subscriptions.queue_limit": 3,
            "gateway.subscriptions.max_per_connection": 1,
            "gateway.subscriptions.max_per_principal": 2,
            "gateway.subscriptions.idle_timeout": 2.0,
        },
    ) as running:
        yield running


def milestone(n: int) -> LiveEvent:
    data = {"code": "DEP", "at": "2026-12-07T10:00:00+00:00", "location": "TAO", "flight": None}
    return LiveEvent(topic="cargo.milestone", key={"awb": "784-20260026"}, data=data, source=f"burst:{n}")


async def subscribed(gateway: LiveGateway, count: int) -> None:
    async with asyncio.timeout(30):
        await gateway.adapter("cargo").events.until_subscribers("cargo.milestone", count)


async def test_a_slow_consumer_is_closed_with_4413_and_its_queue_stays_bounded(tight: LiveGateway) -> None:
    async with connect(tight.ws_url) as ws:
        client = WsClient(ws)
        await client.init(tight.token())
        await client.subscribe("1", QUERY)
        await subscribed(tight, 1)
        bus = tight.adapter("cargo").events
        for n in range(50):  # a burst the subscriber cannot take: its queue holds 3
            await bus.publish(milestone(n))
        code, reason = await client.closed()
    assert code == 4413 and reason is not None and "slow" in reason.lower()


async def test_one_connection_may_hold_only_so_many_operations(tight: LiveGateway) -> None:
    async with connect(tight.ws_url) as ws:
        client = WsClient(ws)
        await client.init(tight.token())
        await client.subscribe("1", QUERY)
        await client.subscribe("2", QUERY)
        refused = await client.next_of("2")
    assert refused["type"] == "error" and refused["payload"][0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"


async def test_one_caller_may_hold_only_so_many_subscriptions(tight: LiveGateway) -> None:
    token = tight.key.token(subject="greedy", agency="qingdao-broker", scopes=("cargo:read",))
    async with connect(tight.ws_url) as a, connect(tight.ws_url) as b, connect(tight.ws_url) as c:
        clients = [WsClient(ws) for ws in (a, b, c)]
        for client in clients[:2]:
            await client.init(token)
            await client.subscribe("s", QUERY)
        await subscribed(tight, 1)
        await tight.adapter("cargo").events.publish(milestone(1))
        for client in clients[:2]:  # both streams are open once each has delivered
            assert (await client.next_of("s"))["type"] == "next"
        await clients[2].init(token)
        await clients[2].subscribe("s", QUERY)
        refused = await clients[2].next_of("s")
    assert refused["type"] == "error" and refused["payload"][0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"


async def test_an_idle_stream_ends_saying_why_and_every_phase_is_audited(tight: LiveGateway) -> None:
    async with connect(tight.ws_url) as ws:
        client = WsClient(ws)
        await client.init(tight.token())
        await client.subscribe("idle", QUERY)
        await subscribed(tight, 1)
        await tight.adapter("cargo").events.publish(milestone(7))
        delivered = await client.next_of("idle")
        ended = await client.next_of("idle")  # then nothing for idle_timeout seconds
        done = await client.next_of("idle")
    assert delivered["payload"]["data"]["shipmentMilestones"]["code"] == "DEP"
    assert ended["payload"]["errors"][0]["extensions"]["code"] == "IDLE_TIMEOUT" and done["type"] == "complete"
    # the stop record is written before the stream's last message (complete) is sent: all three are in the log
    store = tight.app.state.audit.log.store
    records = [row.record() for row in await store.rows(0, await store.size())]
    watch = [r["live"] for r in records if "live" in r and r["operation"]["name"] == "Watch"]
    mine = watch[-3:]
    assert [r["phase"] for r in mine] == ["start", "event", "stop"], watch
    assert mine[1]["source"] == "burst:7"  # the delivery, with the legacy notification it came from
    assert mine[2]["reason"] == "IDLE_TIMEOUT" and mine[2]["delivered"] == 1
