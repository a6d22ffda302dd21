"""Legacy failures become the gateway's Upstream* errors, never httpx exceptions."""

from __future__ import annotations

import httpx
import pytest

from adapters.credentials import API_KEY_HEADER, demo_api_key
from adapters.vehicles import VehiclesAdapter
from adapters.vehicles.client import VehiclesClient
from gateway.errors import UpstreamFault, UpstreamUnavailable
from gateway.sdk import FaultConfig, HealthState, SandboxServer
from gateway.sdk.retry import ReadRetry
from gateway.sdk.testing import execute, operator
from tests.adapters.vehicles.conftest import error_extensions

KEY = {API_KEY_HEADER: demo_api_key("vehicles")}  # the sandbox's demo credential


QUERY = '{ vehicle(vin: "LSVAM418XP2184847") { vin } }'
LISTING = "{ vehicleExports(first: 2) { totalCount } }"


@pytest.mark.parametrize(
    ("faults", "code"),
    [
        (FaultConfig(error_rate=1.0, error_status=503), "UPSTREAM_UNAVAILABLE"),
        (FaultConfig(error_rate=1.0, error_status=500), "UPSTREAM_FAULT"),
        (FaultConfig(timeout_rate=1.0, timeout_s=1.0), "UPSTREAM_TIMEOUT"),
        (FaultConfig(malformed_rate=1.0), "UPSTREAM_PROTOCOL_ERROR"),
        (FaultConfig(truncate_rate=1.0), "UPSTREAM_UNAVAILABLE"),
    ],
)
async def test_legacy_failures_map_to_upstream_codes_naming_the_service(
    adapter: VehiclesAdapter, sandbox: SandboxServer, faults: FaultConfig, code: str
) -> None:
    sandbox.faults.reconfigure(faults)
    for query in (QUERY, LISTING):
        result = await execute(adapter, query, who=operator())
        extensions = error_extensions(result)
        assert extensions["code"] == code
        assert extensions["service"] == "vehicles"


async def test_a_legacy_error_reply_names_its_code(sandbox: SandboxServer) -> None:
    async with httpx.AsyncClient(base_url=sandbox.url, headers=KEY) as http:
        client = VehiclesClient(http, retry=ReadRetry(attempts=1))
        with pytest.raises(UpstreamFault) as caught:
            await client.exports(page=1, page_size=500, agency=None)
    assert "E002" in caught.value.message


async def test_calls_are_retried_on_unavailability_with_the_injected_sleep(sandbox: SandboxServer) -> None:
    sandbox.faults.reconfigure(FaultConfig(error_rate=1.0, error_status=502))
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 2:
            sandbox.faults.reconfigure(FaultConfig())

    async with httpx.AsyncClient(base_url=sandbox.url, headers=KEY) as http:
        client = VehiclesClient(http, retry=ReadRetry(attempts=3, sleep=sleep))
        found = await client.by_vin(["LSVAM418XP2184847"], agency=None)
        assert [f.vin for f in found] == ["LSVAM418XP2184847"]
        assert len(slept) == 2
        sandbox.faults.reconfigure(FaultConfig(error_rate=1.0, error_status=502))
        with pytest.raises(UpstreamUnavailable):
            await client.by_vin(["LSVAM418XP2184847"], agency=None)


async def test_health_follows_the_legacy_system(adapter: VehiclesAdapter, sandbox: SandboxServer) -> None:
    assert (await adapter.health()).state is HealthState.UP
    sandbox.faults.reconfigure(FaultConfig(reset_rate=1.0))
    health = await adapter.health()
    assert health.state is HealthState.DOWN
    assert "vehicle export system" in health.detail
