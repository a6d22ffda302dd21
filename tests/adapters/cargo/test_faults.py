"""Legacy failures become the gateway's UPSTREAM_* errors, naming the cargo service."""

from __future__ import annotations

import pytest

from adapters.cargo import CargoAdapter
from adapters.cargo.jsonld import JsonLdError, Node, normalise
from adapters.cargo.one_record import read_waybill
from gateway.sdk.retry import ReadRetry
from gateway.sdk.sandbox import FaultConfig, SandboxServer
from gateway.sdk.testing import execute, operator

from .conftest import calls, errors, make_adapter

FAULTS = [
    (FaultConfig(malformed_rate=1.0), "UPSTREAM_PROTOCOL_ERROR"),
    (FaultConfig(error_rate=1.0, error_status=503), "UPSTREAM_UNAVAILABLE"),
    (FaultConfig(error_rate=1.0, error_status=500), "UPSTREAM_FAULT"),
    (FaultConfig(reset_rate=1.0), "UPSTREAM_UNAVAILABLE"),
    (FaultConfig(truncate_rate=1.0), "UPSTREAM_UNAVAILABLE"),
]
IDS = ["malformed", "503", "500", "reset", "truncated"]


@pytest.mark.parametrize(("faults", "code"), FAULTS, ids=IDS)
async def test_one_record_failures_map_to_upstream_codes(
    adapter: CargoAdapter, one_record: SandboxServer, faults: FaultConfig, code: str
) -> None:
    one_record.faults.reconfigure(faults)
    result = await execute(adapter, '{ shipment(awb: "999-12345675") { awb } }', who=operator())
    (error,) = errors(result)
    assert (error["code"], error["service"]) == (code, "cargo")
    assert "ONE Record" in error["message"]


@pytest.mark.parametrize(("faults", "code"), FAULTS, ids=IDS)
async def test_cargo_xml_failures_map_to_upstream_codes(
    adapter: CargoAdapter, cargo_xml: SandboxServer, faults: FaultConfig, code: str
) -> None:
    cargo_xml.faults.reconfigure(faults)
    result = await execute(adapter, '{ shipment(awb: "784-30791202") { awb } }', who=operator())
    (error,) = errors(result)
    assert (error["code"], error["service"]) == (code, "cargo")
    assert "Cargo-XML" in error["message"]


async def test_a_hanging_airline_is_an_upstream_timeout(one_record: SandboxServer, cargo_xml: SandboxServer) -> None:
    cargo_xml.faults.reconfigure(FaultConfig(timeout_rate=1.0, timeout_s=1.0))
    cargo = make_adapter(one_record, cargo_xml, read_timeout=0.2)
    async with cargo.lifespan():
        result = await execute(cargo, '{ shipment(awb: "784-30791202") { awb } }', who=operator())
    (error,) = errors(result)
    assert (error["code"], error["service"]) == ("UPSTREAM_TIMEOUT", "cargo")


async def test_reads_retry_while_the_airline_is_unavailable(one_record: SandboxServer) -> None:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    one_record.faults.reconfigure(FaultConfig(error_rate=0.5, seed=1))  # seed 1: the first try fails, the next succeeds
    cargo = make_adapter(one_record, None, retry=ReadRetry(attempts=3, sleep=record), airlines={"999": "one-record"})
    async with cargo.lifespan():
        result = await execute(cargo, '{ shipment(awb: "999-12345675") { awb } }', who=operator())
        assert result.errors is None
        assert len(waits) == 1
        assert calls(one_record)["search"] == 1  # the failed try never reached the airline's handler
        one_record.faults.reconfigure(FaultConfig(reset_rate=1.0))
        failed = await execute(cargo, '{ shipment(awb: "999-20260015") { awb } }', who=operator())
    assert errors(failed)[0]["code"] == "UPSTREAM_UNAVAILABLE"
    assert len(waits) == 1 + 2  # three tries, two back-offs


async def test_bookings_are_never_retried(one_record: SandboxServer) -> None:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    one_record.faults.reconfigure(FaultConfig(error_rate=1.0, paths=("/logistics-objects",)))
    cargo = make_adapter(one_record, None, retry=ReadRetry(attempts=3, sleep=record), airlines={"999": "one-record"})
    booking = {
        "airline": "999",
        "origin": "PVG",
        "destination": "SVO",
        "pieces": 1,
        "weightKg": 10.0,
        "goodsDescription": "Samples",
        "shipper": {"country": "CN", "taxId": "91310115MA1K3Y4A90"},
        "consignee": {"country": "RU", "taxId": "7707083893"},
    }
    async with cargo.lifespan():
        result = await execute(
            cargo,
            "mutation($i: BookShipmentInput!) { bookShipment(input: $i) { awb } }",
            {"i": booking},
            who=operator(),
        )
    assert errors(result)[0]["code"] == "UPSTREAM_UNAVAILABLE"
    assert waits == []


async def test_one_failing_airline_does_not_hide_the_other(adapter: CargoAdapter, cargo_xml: SandboxServer) -> None:
    cargo_xml.faults.reconfigure(FaultConfig(error_rate=1.0))
    result = await execute(
        adapter, '{ a: shipment(awb: "999-12345675") { awb } b: shipment(awb: "784-30791202") { awb } }', who=operator()
    )
    assert result.data == {"a": {"awb": "999-12345675"}, "b": None}
    assert [e["code"] for e in errors(result)] == ["UPSTREAM_UNAVAILABLE"]


async def test_an_unconfigured_interface_says_which_setting_to_set(one_record: SandboxServer) -> None:
    cargo = make_adapter(one_record, None)
    async with cargo.lifespan():
        result = await execute(cargo, '{ shipment(awb: "784-30791202") { awb } }', who=operator())
    (error,) = errors(result)
    assert error["code"] == "UPSTREAM_UNAVAILABLE"
    assert "adapters.cargo.options.legacy_url" in error["message"]


def test_well_formed_json_that_is_not_a_waybill_is_a_named_protocol_error() -> None:
    with pytest.raises(JsonLdError, match="does not embed its Shipment"):
        read_waybill(
            Node(normalise({"@type": "cargo:Waybill", "cargo:waybillPrefix": "999", "cargo:waybillNumber": "12345675"}))
        )
    with pytest.raises(JsonLdError, match="check digit"):
        read_waybill(
            Node(normalise({"@type": "cargo:Waybill", "cargo:waybillPrefix": "999", "cargo:waybillNumber": "12345670"}))
        )
