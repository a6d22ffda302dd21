"""The shared read retry policy (gateway.sdk.retry) against a legacy system on a real loopback socket.

The system is a small scripted HTTP service served by the sandbox kit (so its fault injection applies); the
client is the audited, guarded one every adapter uses (``legacy_http_client``), so the retries see the source's
real breaker and retry budget. Waits are injected: the tests count tries, they never time them.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from prometheus_client import CollectorRegistry, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gateway.errors import NotFound, UpstreamTimeout, UpstreamUnavailable
from gateway.observability import ResilienceCollector
from gateway.resilience import GuardSettings, registry
from gateway.sdk.adapter import AdapterSettings
from gateway.sdk.calls import guard_of, legacy_http_client
from gateway.sdk.retry import ReadRetry, is_refusal, transient
from gateway.sdk.sandbox import FaultConfig, SandboxConfig, SandboxServer, serve_sandbox

_names = itertools.count(1)


class Legacy:
    """A legacy read endpoint answering the statuses in ``script`` first, then ``then`` for ever."""

    def __init__(self) -> None:
        self.calls = 0
        self.script: list[int] = []
        self.then = 200

    def app(self, _config: SandboxConfig) -> Starlette:
        async def record(request: Request) -> JSONResponse:
            self.calls += 1
            status = self.script.pop(0) if self.script else self.then
            return JSONResponse({"status": status}, status_code=status)

        return Starlette(routes=[Route("/records/1", record)])


class Waits:
    """An injected back-off: records each wait, optionally runs a hook (e.g. the system recovers)."""

    def __init__(self, on_wait: Any = None) -> None:
        self.waits: list[float] = []
        self.on_wait = on_wait

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        if self.on_wait is not None:
            self.on_wait()


async def read_record(http: httpx.AsyncClient) -> Any:
    """How an adapter reads: transport failures and 502/503/504 become UPSTREAM_*, a 404 is NOT_FOUND."""
    try:
        response = await http.get("/records/1")
    except httpx.TimeoutException:
        raise UpstreamTimeout("the legacy system did not answer in time", service="legacy") from None
    except httpx.HTTPError as exc:
        raise UpstreamUnavailable(
            f"the legacy system dropped the call ({type(exc).__name__})", service="legacy"
        ) from None
    if response.status_code in (502, 503, 504):
        raise UpstreamUnavailable(f"the legacy system answered HTTP {response.status_code}", service="legacy")
    if response.status_code == 404:
        raise NotFound("no such record")
    return response.json()


@pytest.fixture
def legacy() -> Legacy:
    return Legacy()


@pytest.fixture
async def server(legacy: Legacy) -> AsyncIterator[SandboxServer]:
    async with serve_sandbox(legacy.app) as running:
        yield running


def settings_for(server: SandboxServer, **options: Any) -> AdapterSettings:
    return AdapterSettings(name="legacy", url=server.url, read_timeout=0.3, total_timeout=1.0, options=options)


def source() -> str:
    """A source name of its own for each test (guards are per process)."""
    return f"retry-test-{next(_names)}"


async def test_a_read_retries_a_transient_503_and_succeeds(server: SandboxServer, legacy: Legacy) -> None:
    legacy.script = [503]
    waits = Waits()
    async with legacy_http_client(settings_for(server), source=source()) as http:
        guard = guard_of(http)
        body = await ReadRetry(attempts=3, sleep=waits).call(lambda: read_record(http), guard=guard)
    assert body == {"status": 200}
    assert legacy.calls == 2
    assert len(waits.waits) == 1
    assert guard is not None and guard.budget.spent == 1
    assert guard.budget.status()["requests"] == 1  # the retry did not count as a request


@pytest.mark.parametrize(
    "fault",
    [
        FaultConfig(error_rate=1.0, error_status=502),
        FaultConfig(reset_rate=1.0),
        FaultConfig(timeout_rate=1.0, timeout_s=2.0),
    ],
    ids=["502", "connection-reset", "timeout"],
)
async def test_injected_transient_faults_are_retried_until_the_system_answers(
    server: SandboxServer, legacy: Legacy, fault: FaultConfig
) -> None:
    server.faults.reconfigure(fault)
    waits = Waits(on_wait=lambda: server.faults.reconfigure(FaultConfig()))  # the system is back after one wait
    async with legacy_http_client(settings_for(server), source=source()) as http:
        body = await ReadRetry(attempts=3, sleep=waits).call(lambda: read_record(http), guard=guard_of(http))
    assert body == {"status": 200}
    assert legacy.calls == 1  # the faulty try never reached the handler; the retry did
    assert len(waits.waits) == 1


async def test_a_4xx_is_not_retried(server: SandboxServer, legacy: Legacy) -> None:
    legacy.script = [404]
    waits = Waits()
    async with legacy_http_client(settings_for(server), source=source()) as http:
        with pytest.raises(NotFound):
            await ReadRetry(attempts=3, sleep=waits).call(lambda: read_record(http), guard=guard_of(http))
        guard = guard_of(http)
    assert legacy.calls == 1
    assert waits.waits == []
    assert guard is not None and guard.budget.spent == 0


async def test_an_open_breaker_is_not_retried_and_fails_fast(server: SandboxServer, legacy: Legacy) -> None:
    legacy.then = 503
    waits = Waits()
    retry = ReadRetry(attempts=3, sleep=waits)
    async with legacy_http_client(settings_for(server, breaker_failures=1), source=source()) as http:
        guard = guard_of(http)
        with pytest.raises(UpstreamUnavailable, match="HTTP 503"):  # this failure opened the breaker
            await retry.call(lambda: read_record(http), guard=guard)
        assert legacy.calls == 1 and waits.waits == []
        with pytest.raises(UpstreamUnavailable, match="circuit open") as refused:
            await retry.call(lambda: read_record(http), guard=guard)
    assert is_refusal(refused.value) and not transient(refused.value)
    assert legacy.calls == 1  # the open breaker kept the second read (and any retry) off the system
    assert waits.waits == []
    assert guard is not None and guard.rejected_open == 1 and guard.budget.spent == 0


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_with_the_system_down_legacy_calls_are_bounded_by_the_retry_budget(
    server: SandboxServer, legacy: Legacy
) -> None:
    """20 reads willing to try 5 times each would make 100 calls; the budget (10 % + 0.5/s over 10 s) allows
    20 × 10 % + 5 = 7 retries, so the dead system sees 27, and every read fails with its own error."""
    legacy.then = 503
    name = source()
    options = {"breaker_failures": 1000, "retry_budget_percent": 10, "retry_min_per_second": 0.5}
    settings = GuardSettings(failure_threshold=1000, retry_percent=10, retry_min_per_second=0.5)
    guard = registry().guard(name, settings, address=server.url, clock=Clock())  # the clock stands still
    retry = ReadRetry(attempts=5, max_delay=60, sleep=Waits())
    async with legacy_http_client(settings_for(server, **options), source=name) as http:
        assert guard_of(http) is guard
        for _ in range(20):
            with pytest.raises(UpstreamUnavailable, match="HTTP 503"):
                await retry.call(lambda: read_record(http), guard=guard)
    assert legacy.calls == 20 + 7
    assert (guard.budget.spent, guard.budget.refused) == (7, 19)  # every read but the first ran out of budget

    metrics = CollectorRegistry()
    metrics.register(ResilienceCollector())
    text = generate_latest(metrics).decode()
    assert f'silkgraph_legacy_retries_total{{source="{name}"}} 7.0' in text
    assert f'silkgraph_retry_budget_exhausted_total{{source="{name}"}} 19.0' in text


async def test_without_a_guard_only_the_attempt_bound_applies(server: SandboxServer, legacy: Legacy) -> None:
    legacy.then = 503
    waits = Waits()
    async with httpx.AsyncClient(base_url=server.url) as http:
        assert guard_of(http) is None
        with pytest.raises(UpstreamUnavailable):
            await ReadRetry(attempts=4, sleep=waits).call(lambda: read_record(http), guard=None)
    assert legacy.calls == 4
    assert len(waits.waits) == 3
    assert all(0 <= w <= 1.0 for w in waits.waits)  # full jitter: drawn below the exponential cap


def test_the_policy_reads_and_validates_its_settings() -> None:
    chosen = ReadRetry.from_settings(AdapterSettings(name="tax", options={"retry_attempts": 5, "retry_max_delay": 4}))
    assert (chosen.attempts, chosen.max_delay) == (5, 4.0)
    assert ReadRetry.from_settings(AdapterSettings(name="tax")) == ReadRetry()


@pytest.mark.parametrize(("max_delay", "calls"), [(0.1, 1), (5.0, 2)])
async def test_the_first_attempts_own_time_counts_against_the_retry_deadline(max_delay: float, calls: int) -> None:
    """A read that already took longer than ``max_delay`` to fail is not tried again: its caller's time is spent."""
    made = 0

    async def slow_failure() -> str:
        nonlocal made
        made += 1
        if made == 1:
            await asyncio.sleep(0.2)
            raise UpstreamTimeout("took too long", service="legacy")
        return "answer"

    retry = ReadRetry(attempts=3, max_delay=max_delay, sleep=Waits())
    if calls == 1:
        with pytest.raises(UpstreamTimeout):
            await retry.call(slow_failure, guard=None)
    else:
        assert await retry.call(slow_failure, guard=None) == "answer"
    assert made == calls
