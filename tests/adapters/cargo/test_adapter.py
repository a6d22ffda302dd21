"""CargoAdapter's contract: configuration, sandboxes, health, schema ownership."""

from __future__ import annotations

import httpx
import pytest

from adapters.cargo import CargoAdapter
from adapters.cargo.model import Interface
from gateway.errors import ConfigError
from gateway.sdk.adapter import AdapterSettings, HealthState
from gateway.sdk.registry import load_adapter_class
from gateway.sdk.sandbox import FaultConfig, SandboxServer, serve_sandbox

from .conftest import make_adapter


def test_the_adapter_is_registered_as_cargo() -> None:
    assert load_adapter_class("cargo") is CargoAdapter


def test_airlines_default_to_air_china_on_one_record_and_china_southern_on_cargo_xml() -> None:
    assert CargoAdapter().interfaces == {"999": Interface.ONE_RECORD, "784": Interface.CARGO_XML}


@pytest.mark.parametrize(
    ("options", "key"),
    [
        ({"airlines": {"999": "edifact"}}, "adapters.cargo.airlines.999"),
        ({"airlines": {"99": "one-record"}}, "adapters.cargo.airlines"),
        ({"airlines": ["999"]}, "adapters.cargo.airlines"),
        ({"legacy_url": 4105}, "adapters.cargo.legacy_url"),
        ({"retry_attempts": 0}, "adapters.cargo.retry_attempts"),
        ({"read_attempts": 3}, "adapters.cargo.read_attempts"),  # retired: named, with its replacement
    ],
)
def test_a_bad_option_names_its_key(options: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError) as raised:
        CargoAdapter(AdapterSettings(name="cargo", options=options))
    assert raised.value.key == key


def test_two_sandboxes_stand_in_for_the_two_airline_systems() -> None:
    specs = {s.name: (s.default_port, s.setting) for s in CargoAdapter().sandboxes()}
    assert specs == {"one-record": (4104, "url"), "cargo-xml": (4105, "legacy_url")}


def test_the_subgraph_owns_shipment_and_extends_company_with_shipments() -> None:
    sdl = CargoAdapter().sdl()
    assert 'type Shipment @key(fields: "awb") @requiresScopes(scopes: [["cargo:read"]])' in sdl
    assert 'type Company @key(fields: "country taxId") @authenticated' in sdl
    # nullable: cargo may be down
    assert 'shipments(role: ShipmentRole! = ANY): [Shipment!] @requiresScopes(scopes: [["cargo:read"]])\n' in sdl
    assert 'bookShipment(input: BookShipmentInput!): Shipment! @requiresScopes(scopes: [["cargo:book"]])' in sdl
    for code in ("BKD", "RCS", "FOH", "DLV", "OCI"):
        assert f"  {code}\n" in sdl


async def test_health_reports_each_interface(adapter: CargoAdapter, cargo_xml: SandboxServer) -> None:
    assert (await adapter.health()).state is HealthState.UP
    cargo_xml.faults.reconfigure(FaultConfig(error_rate=1.0))
    health = await adapter.health()
    assert health.state is HealthState.DEGRADED
    assert health.sources["one-record"] == "up"
    assert health.sources["cargo-xml"].startswith("down: ")


async def test_the_webhook_refuses_oversized_notifications(one_record: SandboxServer) -> None:
    cargo = make_adapter(one_record, None)
    async with serve_sandbox(lambda _: cargo.webhook_app()) as hook, httpx.AsyncClient(base_url=hook.url) as client:
        reply = await client.post(
            "/notifications",
            content=b"[" + b" " * 70_000 + b"]",
            headers={"Content-Type": "application/ld+json", "Authorization": f"Bearer {cargo.notification_key()}"},
        )
    assert reply.status_code == 413
    assert len(cargo.notifications) == 0
