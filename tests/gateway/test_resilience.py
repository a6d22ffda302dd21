"""Circuit breakers and bulkheads per legacy source (gateway.resilience)."""

from __future__ import annotations

import asyncio

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gateway.errors import UpstreamUnavailable
from gateway.resilience import BreakerState, CircuitBreaker, GuardSettings, SourceGuard, SourceRegistry
from gateway.sdk.adapter import AdapterSettings
from gateway.sdk.calls import legacy_http_client
from gateway.sdk.sandbox import FaultConfig, serve_sandbox


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_breaker_opens_after_consecutive_failures_and_probes_once_after_the_reset_time() -> None:
    clock = Clock()
    breaker = CircuitBreaker("rail", failure_threshold=3, reset_timeout=30, clock=clock)
    for _ in range(2):
        assert breaker.allow()
        breaker.record_failure()
    breaker.record_success()  # a success resets the count
    for _ in range(3):
        assert breaker.allow()
        breaker.record_failure()
    assert breaker.state is BreakerState.OPEN and not breaker.allow()
    clock.now += 29
    assert not breaker.allow()
    clock.now += 1
    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.allow()  # the one probe
    assert not breaker.allow()  # no second probe while it is out
    breaker.record_failure()  # the probe failed: open again for a full reset time
    assert breaker.state is BreakerState.OPEN
    clock.now += 30
    assert breaker.allow()
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED and breaker.allow()
    assert breaker.opened_count == 2


async def test_an_open_breaker_fails_fast_naming_the_source() -> None:
    guard = SourceGuard("customs", GuardSettings(failure_threshold=1, reset_timeout=60))
    with pytest.raises(RuntimeError):
        async with guard.call("customs"):
            raise RuntimeError("connection reset")
    with pytest.raises(UpstreamUnavailable) as refused:
        async with guard.call("customs"):
            pytest.fail("an open breaker must not let the call through")
    assert refused.value.code == "UPSTREAM_UNAVAILABLE"
    assert "customs" in refused.value.message and "circuit open" in refused.value.message
    assert guard.status()["breaker"] == "open" and guard.status()["rejected"] == 1
    assert guard.status()["rejected_open"] == 1 and guard.status()["rejected_full"] == 0


async def test_the_bulkhead_caps_calls_in_flight_and_refuses_instead_of_queueing_forever() -> None:
    guard = SourceGuard("tax", GuardSettings(max_concurrent=2, max_wait=0.05))
    release = asyncio.Event()
    started = asyncio.Barrier(3)

    async def hold() -> None:
        async with guard.call("tax"):
            await started.wait()
            await release.wait()

    holders = [asyncio.create_task(hold()) for _ in range(2)]
    await started.wait()  # both slots taken
    with pytest.raises(UpstreamUnavailable, match="bulkhead full"):
        async with guard.call("tax"):
            pytest.fail("a third call must not get a slot")
    assert guard.rejected_full == 1 and guard.rejected_open == 0
    release.set()
    await asyncio.gather(*holders)
    async with guard.call("tax"):
        assert guard.in_flight == 1  # slots are released


async def test_new_settings_retune_a_guard_and_keep_its_state() -> None:
    reg = SourceRegistry()
    guard = reg.guard("rail", GuardSettings(failure_threshold=5, max_concurrent=1, max_wait=0.05))
    guard.breaker.record_failure()
    release = asyncio.Event()
    holding = asyncio.Event()

    async def hold() -> None:
        async with guard.call("rail"):
            holding.set()
            await release.wait()

    holder = asyncio.create_task(hold())
    await holding.wait()
    # a reloaded config: two failures open the breaker, two calls may be in flight
    assert reg.guard("rail", GuardSettings(failure_threshold=2, max_concurrent=2, max_wait=0.05)) is guard
    async with guard.call("rail"):  # the second slot, while the first call still holds its own
        with pytest.raises(UpstreamUnavailable, match="bulkhead full"):
            async with guard.call("rail"):
                pytest.fail("a third call must not get a slot")
    release.set()
    await holder
    assert guard.in_flight == 0
    holders = [guard.call("rail") for _ in range(2)]
    for h in holders:
        await h.__aenter__()  # both slots are back once the call from before the retune ended
    for h in holders:
        await h.__aexit__(None, None, None)
    guard.breaker.record_failure()  # the failure from before the retune counts
    assert guard.breaker.state is BreakerState.OPEN
    assert reg.guard("rail") is guard and guard.settings.failure_threshold == 2  # no settings: no change


def _legacy_app(calls: list[str]) -> Starlette:
    async def endpoint(request: Request) -> JSONResponse:
        calls.append(request.url.path)
        return JSONResponse({"ok": True})

    return Starlette(routes=[Route("/status", endpoint)])


async def test_legacy_clients_stop_calling_a_failing_system_and_recover_when_it_is_back() -> None:
    calls: list[str] = []
    async with serve_sandbox(lambda _: _legacy_app(calls), None) as server:
        settings = AdapterSettings(name="barter", url=server.url, options={"breaker_failures": 3, "breaker_reset": 0.2})
        server.faults.reconfigure(FaultConfig(error_rate=1.0))  # the system answers 503
        async with legacy_http_client(settings, source="barter-resilience-test") as client:
            for _ in range(3):
                assert (await client.get("/status")).status_code == 503
            before = len(calls)
            with pytest.raises(UpstreamUnavailable, match="circuit open"):
                await client.get("/status")
            assert len(calls) == before  # failed fast: the failing system was not called
            server.faults.reconfigure(FaultConfig())  # the system is back
            await asyncio.sleep(0.25)  # the breaker's reset time
            assert (await client.get("/status")).status_code == 200  # the probe closes the breaker
            assert (await client.get("/status")).status_code == 200


def test_the_registry_keeps_one_guard_per_system_and_address() -> None:
    reg = SourceRegistry()
    a = reg.guard("cargo.one-record", address="http://a")
    assert reg.guard("cargo.one-record", address="http://a") is a
    assert reg.guard("cargo.one-record", address="http://b") is not a
    assert reg.status()["cargo.one-record"]["breaker"] == "closed"


async def test_readyz_reports_breaker_states() -> None:
    from tests.gateway.test_http import running

    async with running() as client:
        body = (await client.get("/readyz")).json()
    assert "breakers" in body
    assert isinstance(body["breakers"], dict)


async def test_metrics_export_the_resilience_counters_per_source() -> None:
    from tests.gateway.test_http import running

    calls: list[str] = []
    async with serve_sandbox(lambda _: _legacy_app(calls), None) as server:
        settings = AdapterSettings(name="barter", url=server.url, options={"breaker_failures": 1, "breaker_reset": 60})
        server.faults.reconfigure(FaultConfig(error_rate=1.0))
        async with legacy_http_client(settings, source="metrics-test-source") as client:
            assert (await client.get("/status")).status_code == 503  # opens the breaker
            for _ in range(2):
                with pytest.raises(UpstreamUnavailable, match="circuit open"):
                    await client.get("/status")
    async with running() as gateway:
        text = (await gateway.get("/metrics")).text
    assert 'silkgraph_breaker_rejections_total{source="metrics-test-source"} 2.0' in text
    assert 'silkgraph_bulkhead_rejections_total{source="metrics-test-source"} 0.0' in text
    assert 'silkgraph_legacy_retries_total{source="metrics-test-source"} 0.0' in text
    assert 'silkgraph_retry_budget_exhausted_total{source="metrics-test-source"} 0.0' in text
