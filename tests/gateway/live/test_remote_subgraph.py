"""A subscription whose field lives in a remote subgraph: the gateway opens it over graphql-ws to the standalone
`silkgraph subgraph` service, and joins the in-process subgraphs' fields per event."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import pytest

from gateway.app import create_app
from gateway.cli import _start_sandboxes
from gateway.config import SubgraphSettings, load_settings
from gateway.policy.devkeys import DevKey
from gateway.policy.signed_principal import PrincipalVerifier
from gateway.sdk.events import LiveEvent
from gateway.sdk.registry import make_adapter
from gateway.sdk.sandbox import serve_sandbox
from gateway.subgraph_server import create_subgraph_app
from tests.gateway.live.client import WsClient, connect

SECRET = "live-subgraph-secret-" + "s" * 24


async def test_a_remote_subgraphs_subscription_streams_through_the_gateway(tmp_path: Path) -> None:
    async with _start_sandboxes(["cargo", "customs"], quiet=True, gateway_port=None) as adapter_settings:
        cargo = make_adapter(adapter_settings["cargo"])
        async with serve_sandbox(lambda _: create_subgraph_app(cargo, PrincipalVerifier(SECRET))) as remote:
            settings = load_settings(
                None,
                overrides={
                    "gateway.mode": "demo",
                    "auth.demo_key_file": str(tmp_path / "dev.pem"),
                    "audit.store": "memory",
                    "audit.checkpoint_path": str(tmp_path / "checkpoints"),
                    "auth.subgraph_secret": SECRET,
                },
            )
            settings = dataclasses.replace(
                settings,
                adapters={"customs": adapter_settings["customs"]},
                subgraphs={"cargo": SubgraphSettings(name="cargo", url=remote.url + "/graphql")},
            )
            app = create_app(settings, adapters=[make_adapter(adapter_settings["customs"])])
            async with serve_sandbox(lambda _: app) as gateway:
                token = DevKey.load_or_create(str(tmp_path / "dev.pem")).token(
                    subject="t", agency="qingdao-broker", scopes=("cargo:read", "customs:read")
                )
                async with connect(gateway.url.replace("http", "ws") + "/graphql") as ws:
                    client = WsClient(ws)
                    await client.init(token)
                    await client.subscribe(
                        "1", "subscription { shipmentMilestones { awb shipment { customs { id } } } }"
                    )
                    async with asyncio.timeout(30):
                        await cargo.events.until_subscribers("cargo.milestone", 1)
                    data = {"code": "DLV", "at": "2026-12-07T10:00:00+00:00", "location": "ALA", "flight": None}
                    await cargo.events.publish(
                        LiveEvent(topic="cargo.milestone", key={"awb": "784-20260026"}, data=data, source="remote")
                    )
                    message = await client.next_of("1")
    assert message["type"] == "next", message
    event = message["payload"]["data"]["shipmentMilestones"]
    assert event["awb"] == "784-20260026" and isinstance(event["shipment"]["customs"], list)


async def test_a_subgraph_refuses_a_websocket_without_the_signed_principal(tmp_path: Path) -> None:
    async with _start_sandboxes(["cargo"], quiet=True, gateway_port=None) as adapter_settings:
        cargo = make_adapter(adapter_settings["cargo"])
        async with serve_sandbox(lambda _: create_subgraph_app(cargo, PrincipalVerifier(SECRET))) as remote:
            url = remote.url.replace("http", "ws") + "/graphql"
            with pytest.raises(Exception) as refused:  # the upgrade itself is refused: no socket, no events
                async with connect(url, additional_headers={"x-agency-id": "qingdao-broker"}):
                    pass
    assert "403" in str(refused.value) or "4401" in str(refused.value)
