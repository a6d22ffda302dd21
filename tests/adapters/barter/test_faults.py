"""Legacy failures become the gateway's Upstream* errors, never httpx exceptions."""

from __future__ import annotations

import httpx
import pytest

from adapters.barter import BarterAdapter
from adapters.barter.client import BarterClient
from adapters.credentials import API_KEY_HEADER, demo_api_key
from gateway.errors import UpstreamUnavailable, to_graphql_extensions
from gateway.sdk import AdapterSettings, FaultConfig, HealthState, SandboxServer
from gateway.sdk.calls import guard_of
from gateway.sdk.retry import ReadRetry
from gateway.sdk.testing import entities, execute, operator
from tests.adapters.barter.conftest import error_extensions

KEY = {API_KEY_HEADER: demo_api_key("barter")}  # the sandbox's demo credential


QUERY = '{ barterContract(id: "BC-2026-0001") { id } }'


@pytest.mark.parametrize(
    ("faults", "code"),
    [
        (FaultConfig(error_rate=1.0, error_status=503), "UPSTREAM_UNAVAILABLE"),
        (FaultConfig(error_rate=1.0, error_status=500), "UPSTREAM_FAULT"),
        (FaultConfig(timeout_rate=1.0, timeout_s=1.0), "UPSTREAM_TIMEOUT"),
        (FaultConfig(malformed_rate=1.0), "UPSTREAM_PROTOCOL_ERROR"),
        (FaultConfig(reset_rate=1.0), "UPSTREAM_UNAVAILABLE"),
    ],
)
async def test_legacy_failures_map_to_upstream_codes_naming_the_service(
    adapter: BarterAdapter, sandbox: SandboxServer, faults: FaultConfig, code: str
) -> None:
    sandbox.faults.reconfigure(faults)
    result = await execute(adapter, QUERY, who=operator())
    assert result.data == {"barterContract": None}
    extensions = error_extensions(result)
    assert extensions["code"] == code
    assert extensions["service"] == "barter"


async def test_entities_fail_per_representation_with_the_upstream_code(
    adapter: BarterAdapter, sandbox: SandboxServer
) -> None:
    sandbox.faults.reconfigure(FaultConfig(malformed_rate=1.0))
    reps = [{"__typename": "BarterContract", "id": "BC-2026-0001"}, {"__typename": "BarterContract", "id": "X"}]
    result = await entities(adapter, reps, "... on BarterContract { id }", who=operator())
    assert result.errors is not None
    assert len(result.errors) == 2
    assert {to_graphql_extensions(e.original_error)[1]["code"] for e in result.errors} == {"UPSTREAM_PROTOCOL_ERROR"}


async def test_reads_are_retried_on_unavailability_and_writes_are_not(sandbox: SandboxServer) -> None:
    sandbox.faults.reconfigure(FaultConfig(error_rate=1.0, error_status=503))
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    async with httpx.AsyncClient(base_url=sandbox.url, headers=KEY) as http:
        client = BarterClient(http, retry=ReadRetry(attempts=3, sleep=sleep))
        with pytest.raises(UpstreamUnavailable):
            await client.contracts_by_id(["BC-2026-0001"], agency=None)
        assert len(slept) == 2
        slept.clear()
        with pytest.raises(UpstreamUnavailable):
            await client.record_delivery("BC-2026-0001", {}, agency=None)
        assert slept == []


async def test_a_read_succeeds_once_the_register_recovers(sandbox: SandboxServer) -> None:
    sandbox.faults.reconfigure(FaultConfig(error_rate=1.0, error_status=503))

    async def sleep(seconds: float) -> None:
        sandbox.faults.reconfigure(FaultConfig())

    async with httpx.AsyncClient(base_url=sandbox.url, headers=KEY) as http:
        client = BarterClient(http, retry=ReadRetry(attempts=2, sleep=sleep))
        found = await client.contracts_by_id(["BC-2026-0001"], agency=None)
    assert [c.id for c in found] == ["BC-2026-0001"]


async def test_health_follows_the_register(adapter: BarterAdapter, sandbox: SandboxServer) -> None:
    assert (await adapter.health()).state is HealthState.UP
    sandbox.faults.reconfigure(FaultConfig(error_rate=1.0, error_status=500))
    health = await adapter.health()
    assert health.state is HealthState.DOWN
    assert "barter system" in health.detail


async def test_an_adapter_without_lifespan_reports_itself_not_started() -> None:
    adapter = BarterAdapter()
    result = await execute(adapter, QUERY, who=operator())
    assert error_extensions(result)["code"] == "UPSTREAM_UNAVAILABLE"
    assert "not started" in result.errors[0].message


async def test_the_adapter_retries_reads_with_the_shared_policy_and_counts_them(sandbox: SandboxServer) -> None:
    """Through GraphQL: a 503 then recovery costs one retry, charged to the barter source's budget."""
    sandbox.faults.reconfigure(FaultConfig(error_rate=1.0, error_status=503))

    async def sleep(seconds: float) -> None:
        sandbox.faults.reconfigure(FaultConfig())

    settings = AdapterSettings(
        name="barter", url=sandbox.url, options={"today": "2026-11-28", "retry_attempts": 3, "retry_max_delay": 5.0}
    )
    adapter = BarterAdapter(settings, sleep=sleep)
    async with adapter.lifespan():
        guard = guard_of(adapter.client()._http)
        assert guard is not None
        result = await execute(adapter, QUERY, who=operator())
    assert result.errors is None
    assert result.data == {"barterContract": {"id": "BC-2026-0001"}}
    assert guard.budget.spent == 1


async def test_writes_are_never_retried_even_with_budget_left(sandbox: SandboxServer) -> None:
    sandbox.faults.reconfigure(FaultConfig(error_rate=1.0, error_status=503, paths=("/contracts/BC-2026-0001",)))
    settings = AdapterSettings(name="barter", url=sandbox.url, options={"today": "2026-11-28", "retry_attempts": 5})
    adapter = BarterAdapter(settings)
    async with adapter.lifespan():
        guard = guard_of(adapter.client()._http)
        with pytest.raises(UpstreamUnavailable):
            await adapter.client().record_delivery("BC-2026-0001", {}, agency=None)
    assert guard is not None and guard.budget.spent == 0
