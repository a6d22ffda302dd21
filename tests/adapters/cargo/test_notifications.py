"""ONE Record pub/sub end to end: subscribe, an event is posted to the airline, the platform's webhook records it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from adapters.cargo import CargoAdapter, create_one_record_app
from adapters.cargo.jsonld import CARGO
from adapters.cargo.model import Interface
from gateway.errors import BadUserInput
from gateway.sdk.sandbox import FaultConfig, SandboxConfig, SandboxServer, serve_sandbox
from gateway.sdk.testing import execute, operator

from .conftest import make_adapter, one_record_auth

LD = "application/ld+json; version=2.3.0"
EVENT = {
    "@context": {"cargo": CARGO},
    "@type": "cargo:LogisticsEvent",
    "cargo:eventCode": {"@id": "https://onerecord.iata.org/ns/code-lists/StatusCode#OSI"},
    "cargo:eventDate": {"@type": "xsd:dateTime", "@value": "2026-11-07T10:00:00+03:00"},
    "cargo:eventLocation": {"@type": "cargo:Location", "cargo:locationCodes": [{"cargo:code": "SVO"}]},
}


@pytest.fixture
async def airline() -> AsyncIterator[SandboxServer]:
    config = SandboxConfig(options={"notification_backoff_s": 0.01})
    async with serve_sandbox(create_one_record_app, config) as server:
        yield server


@pytest.fixture
async def cargo(airline: SandboxServer) -> AsyncIterator[CargoAdapter]:
    adapter = make_adapter(airline, None, airlines={"999": "one-record"})
    async with adapter.lifespan():
        yield adapter


@pytest.fixture
async def webhook(cargo: CargoAdapter) -> AsyncIterator[SandboxServer]:
    async with serve_sandbox(lambda _: cargo.webhook_app()) as server:
        yield server


async def _post_event(airline: SandboxServer) -> httpx.Response:
    async with httpx.AsyncClient(base_url=airline.url, auth=one_record_auth(airline)) as client:
        return await client.post(
            "/logistics-objects/shipment-999-12345675/logistics-events",
            json=EVENT,
            headers={"Content-Type": LD, "Accept": LD},
        )


async def test_a_posted_event_reaches_the_webhook_and_the_timeline(
    cargo: CargoAdapter, airline: SandboxServer, webhook: SandboxServer
) -> None:
    subscription = await cargo.subscribe(subscriber=webhook.url, callback_url=f"{webhook.url}/notifications")
    assert subscription.startswith(f"{airline.url}/subscriptions/")
    posted = await _post_event(airline)
    assert posted.status_code == 201
    async with asyncio.timeout(5):
        (note,) = await cargo.notifications.wait_for(1)
    assert note.event_type == "LOGISTICS_EVENT_RECEIVED"
    assert note.logistics_object == f"{airline.url}/logistics-objects/shipment-999-12345675"
    assert note.object_type == CARGO + "Shipment"
    assert note.logistics_event == posted.headers["location"]
    result = await execute(cargo, '{ shipment(awb: "999-12345675") { events { code location } } }', who=operator())
    assert result.data["shipment"]["events"][-1] == {"code": "OSI", "location": "SVO"}  # type: ignore[index]


async def test_the_airline_retries_until_the_webhook_answers(
    cargo: CargoAdapter, airline: SandboxServer, webhook: SandboxServer
) -> None:
    webhook.faults.reconfigure(FaultConfig(error_rate=1.0, error_status=503))
    await cargo.subscribe(subscriber=webhook.url, callback_url=f"{webhook.url}/notifications")
    assert (await _post_event(airline)).status_code == 201
    sandbox = airline.faults.app.state.server.publisher  # type: ignore[attr-defined]
    deliveries = sandbox.deliveries
    async with asyncio.timeout(5):
        async with sandbox.delivered:
            await sandbox.delivered.wait_for(lambda: len(deliveries) >= 2)
        webhook.faults.reconfigure(FaultConfig())
        await cargo.notifications.wait_for(1)
        await sandbox.queue.join()
    assert [outcome for _, outcome in deliveries][:2] == [503, 503]
    assert deliveries[-1][1] == 204


async def test_only_subscribers_of_the_topic_are_notified(
    cargo: CargoAdapter, airline: SandboxServer, webhook: SandboxServer
) -> None:
    await cargo.subscribe(subscriber=webhook.url, callback_url=f"{webhook.url}/notifications", topic=CARGO + "Piece")
    assert (await _post_event(airline)).status_code == 201
    await cargo.subscribe(subscriber=webhook.url, callback_url=f"{webhook.url}/notifications")
    assert (await _post_event(airline)).status_code == 201
    async with asyncio.timeout(5):
        notes = await cargo.notifications.wait_for(1)
    assert len(notes) == 1  # the Piece subscription never fired; the Shipment one fired once


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b'{"@type": "api:Notification"}', LD, 400),
        (b"not json", LD, 400),
        (b'{"@context": {"api": "https://onerecord.iata.org/ns/api#"}, "@type": "api:Error"}', LD, 400),
        (b"{}", "text/plain", 415),
    ],
    ids=["no-object", "not-json", "wrong-type", "wrong-media-type"],
)
async def test_the_webhook_refuses_what_is_not_a_notification(
    cargo: CargoAdapter, webhook: SandboxServer, body: bytes, content_type: str, status: int
) -> None:
    async with httpx.AsyncClient(base_url=webhook.url) as client:
        reply = await client.post(
            "/notifications",
            content=body,
            headers={"Content-Type": content_type, "Authorization": f"Bearer {cargo.notification_key()}"},
        )
    assert reply.status_code == status
    assert reply.json()["@type"] == "api:Error"
    assert len(cargo.notifications) == 0


async def test_a_booking_announces_its_new_shipment(cargo: CargoAdapter, webhook: SandboxServer) -> None:
    await cargo.subscribe(subscriber=webhook.url, callback_url=f"{webhook.url}/notifications")
    booking = {
        "airline": "999",
        "origin": "URC",
        "destination": "NQZ",
        "pieces": 2,
        "weightKg": 300.0,
        "goodsDescription": "Hydraulic pumps",
        "shipper": {"country": "CN", "taxId": "91650000MA77X8TQ31"},
        "consignee": {"country": "KZ", "taxId": "240540001232"},
    }
    result = await execute(
        cargo, "mutation($i: BookShipmentInput!) { bookShipment(input: $i) { awb } }", {"i": booking}, who=operator()
    )
    assert result.errors is None
    awb = result.data["bookShipment"]["awb"]  # type: ignore[index]
    async with asyncio.timeout(5):
        (note,) = await cargo.notifications.wait_for(1)
    assert note.event_type == "LOGISTICS_OBJECT_CREATED"
    assert note.logistics_object.endswith(f"/logistics-objects/shipment-{awb}")
    assert note.logistics_event is None


async def test_a_notification_is_resolved_only_against_the_airline_itself(
    cargo: CargoAdapter, airline: SandboxServer
) -> None:
    client = cargo.airlines().client(Interface.ONE_RECORD)
    assert await client.awb_of(f"{airline.url}/logistics-objects/shipment-999-12345675") == "999-12345675"
    assert await client.awb_of(f"{airline.url}/logistics-objects/waybill-999-12345675") == "999-12345675"
    for foreign in ("http://169.254.169.254/logistics-objects/x", f"{airline.url}/subscriptions"):
        with pytest.raises(BadUserInput, match="not a logistics object of this airline"):
            await client.awb_of(foreign)
