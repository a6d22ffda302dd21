"""Subscriptions over HTTP on /graphql: GraphQL over SSE (distinct connections) and multipart subscriptions."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from gateway.sdk.events import LiveEvent
from tests.gateway.live.platform import LiveGateway

pytestmark = pytest.mark.asyncio(loop_scope="module")

QUERY = 'subscription { shipmentMilestones(awb: "784-20260026") { awb code } }'


async def publish_when_subscribed(gateway: LiveGateway, count: int) -> None:
    import asyncio

    bus = gateway.adapter("cargo").events
    async with asyncio.timeout(30):
        await bus.until_subscribers("cargo.milestone", count)
    data = {"code": "ARR", "at": "2026-12-07T10:00:00+00:00", "location": "URC", "flight": "CZ6947"}
    await bus.publish(LiveEvent(topic="cargo.milestone", key={"awb": "784-20260026"}, data=data, source="t"))


async def sse_events(lines: AsyncIterator[str]) -> AsyncIterator[tuple[str, str]]:
    event, data = "", ""
    async for line in lines:
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data = line[5:].strip()
        elif line == "" and event:
            yield event, data
            event, data = "", ""


async def test_sse_streams_next_events(gateway: LiveGateway) -> None:
    import asyncio

    headers = {"accept": "text/event-stream", "authorization": f"Bearer {gateway.token()}"}
    async with (
        httpx.AsyncClient(base_url=gateway.url, timeout=30) as client,
        client.stream("POST", "/graphql", json={"query": QUERY}, headers=headers) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        publisher = asyncio.create_task(publish_when_subscribed(gateway, 1))
        async for event, data in sse_events(response.aiter_lines()):
            assert event == "next"
            assert json.loads(data) == {"data": {"shipmentMilestones": {"awb": "784-20260026", "code": "ARR"}}}
            break
        await publisher


async def test_sse_refuses_a_caller_without_a_token(gateway: LiveGateway) -> None:
    async with httpx.AsyncClient(base_url=gateway.url, timeout=30) as client:
        response = await client.post("/graphql", json={"query": QUERY}, headers={"accept": "text/event-stream"})
    assert response.status_code in (401, 403)
    assert response.json()["errors"][0]["extensions"]["code"]


async def test_a_subscription_over_plain_post_says_how_to_stream(gateway: LiveGateway) -> None:
    headers = {"authorization": f"Bearer {gateway.token()}", "accept": "application/json"}
    async with httpx.AsyncClient(base_url=gateway.url, timeout=30) as client:
        response = await client.post("/graphql", json={"query": QUERY}, headers=headers)
    assert response.status_code == 405
    message = response.json()["errors"][0]["message"]
    assert "graphql-transport-ws" in message and "text/event-stream" in message


def parts(body: str) -> list[Any]:
    out = []
    for chunk in body.split("--graphql")[1:]:
        if chunk.startswith("--"):
            break
        _headers, _, payload = chunk.partition("\r\n\r\n")
        try:
            out.append(json.loads(payload))
        except ValueError:  # a part still arriving
            break
    return out


async def test_multipart_subscription_as_apollo_client_asks_for_it(gateway: LiveGateway) -> None:
    import asyncio

    headers = {
        "accept": 'multipart/mixed;boundary="graphql";subscriptionSpec=1.0,application/json',
        "authorization": f"Bearer {gateway.token()}",
    }
    received = ""
    async with (
        httpx.AsyncClient(base_url=gateway.url, timeout=30) as client,
        client.stream("POST", "/graphql", json={"query": QUERY}, headers=headers) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"] == 'multipart/mixed; boundary="graphql"; subscriptionSpec="1.0"'
        publisher = asyncio.create_task(publish_when_subscribed(gateway, 1))
        async for text in response.aiter_text():
            received += text
            if any("payload" in p for p in parts(received + "\r\n--graphql")):
                break
        await publisher
    payloads = [p for p in parts(received + "\r\n--graphql") if p]
    assert payloads[0] == {"payload": {"data": {"shipmentMilestones": {"awb": "784-20260026", "code": "ARR"}}}}


async def test_an_sse_stream_ends_with_token_expired_when_the_token_does(gateway: LiveGateway) -> None:
    import time

    headers = {"accept": "text/event-stream", "authorization": f"Bearer {gateway.token(ttl=2, now=time.time())}"}
    events = []
    async with (
        httpx.AsyncClient(base_url=gateway.url, timeout=30) as client,
        client.stream("POST", "/graphql", json={"query": QUERY}, headers=headers) as response,
    ):
        async for event, data in sse_events(response.aiter_lines()):
            events.append((event, json.loads(data) if data else None))
            if event == "complete":
                break
    (kind, result), (last, _) = events
    assert kind == "next" and result["errors"][0]["extensions"]["code"] == "TOKEN_EXPIRED"
    assert last == "complete"
