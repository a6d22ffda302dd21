"""Across replicas: an event ingested by one gateway reaches subscribers on another through Redis pub/sub."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path

import pytest

from gateway.sdk.events import LiveEvent, RedisEventBus
from tests.gateway.live.client import WsClient, connect
from tests.gateway.live.platform import live_gateway
from tests.services import redis_url

pytestmark = pytest.mark.redis

QUERY = "subscription { shipmentMilestones { awb code source shipment { origin } } }"


async def test_an_event_published_on_one_replica_reaches_subscribers_on_both(tmp_path: Path) -> None:
    url = redis_url()
    shared = {"gateway.subscriptions.store": url, "gateway.subscriptions.channel_prefix": f"t{secrets.token_hex(4)}:"}
    async with (
        live_gateway(tmp_path / "a", **shared) as a,
        live_gateway(tmp_path / "b", **shared) as b,
        connect(a.ws_url) as ws_a,
        connect(b.ws_url) as ws_b,
    ):
        assert isinstance(a.adapter("cargo").events, RedisEventBus)
        on_a, on_b = WsClient(ws_a), WsClient(ws_b)
        for gw, client in ((a, on_a), (b, on_b)):
            await client.init(gw.token())
            await client.subscribe("1", QUERY)
            async with asyncio.timeout(30):
                await gw.adapter("cargo").events.until_subscribers("cargo.milestone", 1)
        data = {"code": "RCS", "at": "2026-12-07T10:00:00+00:00", "location": "TAO", "flight": None}
        event = LiveEvent(topic="cargo.milestone", key={"awb": "784-20260026"}, data=data, source="replica-a")
        await a.adapter("cargo").events.publish(event)  # ingested on replica A only
        second = LiveEvent(topic="cargo.milestone", key={"awb": "784-30791202"}, data=data, source="replica-a-2")
        await a.adapter("cargo").events.publish(second)
        for client in (on_b, on_a):
            first = (await client.next_of("1"))["payload"]["data"]["shipmentMilestones"]
            assert (first["awb"], first["source"], first["shipment"]["origin"]) == ("784-20260026", "replica-a", "TAO")
            # exactly once: the next one is the second event, not the first again (A hears itself through Redis only)
            assert (await client.next_of("1"))["payload"]["data"]["shipmentMilestones"]["source"] == "replica-a-2"
