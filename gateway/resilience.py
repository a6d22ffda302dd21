"""Per-source circuit breakers and bulkheads, so one slow or failing legacy system cannot take others down.

Every legacy source (an adapter's legacy system, a remote subgraph) gets a :class:`SourceGuard`:

- a **circuit breaker**: after ``failure_threshold`` consecutive failures (transport errors, timeouts, 502/503/504)
  it opens and calls fail fast with ``UPSTREAM_UNAVAILABLE``; after ``reset_timeout`` seconds one probe call is let
  through (half-open); its success closes the breaker, its failure opens it again;
- a **bulkhead**: at most ``max_concurrent`` calls in flight, a caller waits at most ``max_wait`` seconds for a
  slot, then fails fast instead of queueing behind a stuck system.

Guards live in a :class:`SourceRegistry` (one per process, like a connection pool: a breaker's memory is the
process's experience of that system). ``/readyz`` and ``/metrics`` read their states. Adapters get the guard
through :func:`gateway.sdk.calls.legacy_http_client`, which wraps its transport in :class:`GuardedTransport`.
Retries stay with the callers (reads only, with tenacity); the breaker counts each attempt.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import enum
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx

from gateway.errors import UpstreamUnavailable

__all__ = [
    "BreakerState",
    "CircuitBreaker",
    "GuardSettings",
    "GuardedTransport",
    "SourceGuard",
    "SourceRegistry",
    "registry",
]

_FAILURE_STATUS = frozenset({502, 503, 504})


class BreakerState(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclasses.dataclass(frozen=True, kw_only=True)
class GuardSettings:
    """Defaults from the platform's resilience reference: 5 failures, 30 s open, a bounded bulkhead."""

    failure_threshold: int = 5
    reset_timeout: float = 30.0
    max_concurrent: int = 32
    max_wait: float = 2.0


class CircuitBreaker:
    """Closed → open after consecutive failures → half-open (one probe) → closed on success. Clock injectable."""

    def __init__(
        self,
        name: str,
        *,
        failure_threshold: int = 5,
        reset_timeout: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.failure_threshold = failure_threshold
        self.reset_timeout = reset_timeout
        self._clock = clock
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probing = False
        self.opened_count = 0

    @property
    def state(self) -> BreakerState:
        if self._state is BreakerState.OPEN and self._clock() - self._opened_at >= self.reset_timeout:
            return BreakerState.HALF_OPEN
        return self._state

    def retry_in(self) -> float:
        return max(0.0, self.reset_timeout - (self._clock() - self._opened_at))

    def allow(self) -> bool:
        """Whether a call may go out now (in half-open, only one probe at a time)."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.HALF_OPEN and not self._probing:
            self._state = BreakerState.HALF_OPEN
            self._probing = True
            return True
        return False

    def record_success(self) -> None:
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._probing = False

    def record_failure(self) -> None:
        self._probing = False
        self._failures += 1
        if self._state is BreakerState.HALF_OPEN or self._failures >= self.failure_threshold:
            if self._state is not BreakerState.OPEN:
                self.opened_count += 1
            self._state = BreakerState.OPEN
            self._opened_at = self._clock()


class SourceGuard:
    """Breaker + bulkhead for one legacy source."""

    def __init__(self, name: str, settings: GuardSettings, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.name = name
        self.settings = settings
        self.breaker = CircuitBreaker(
            name, failure_threshold=settings.failure_threshold, reset_timeout=settings.reset_timeout, clock=clock
        )
        self._slots = asyncio.Semaphore(settings.max_concurrent)
        self.in_flight = 0
        self.rejected = 0

    @contextlib.asynccontextmanager
    async def call(self, service: str) -> AsyncIterator[None]:
        """Admit one call or fail fast; the body reports failure by raising (or via :meth:`failed`)."""
        if not self.breaker.allow():
            self.rejected += 1
            raise UpstreamUnavailable(
                f"{self.name} is failing: calls are paused for {self.breaker.retry_in():.0f} s (circuit open)",
                service=service,
                breaker="open",
            )
        try:
            async with asyncio.timeout(self.settings.max_wait):
                await self._slots.acquire()
        except TimeoutError:
            self.rejected += 1
            self.breaker._probing = False
            raise UpstreamUnavailable(
                f"{self.name} has {self.settings.max_concurrent} calls in flight already (bulkhead full)",
                service=service,
                bulkhead="full",
            ) from None
        self.in_flight += 1
        try:
            yield
        except BaseException:
            self.breaker.record_failure()
            raise
        finally:
            self.in_flight -= 1
            self._slots.release()

    def status(self) -> dict[str, Any]:
        return {
            "breaker": self.breaker.state.value,
            "in_flight": self.in_flight,
            "rejected": self.rejected,
            "opened": self.breaker.opened_count,
        }


class SourceRegistry:
    """Guards by source and upstream address (one breaker per system at one address), created on first use."""

    def __init__(self) -> None:
        self._guards: dict[tuple[str, str], SourceGuard] = {}

    def guard(self, name: str, settings: GuardSettings | None = None, *, address: str = "") -> SourceGuard:
        guard = self._guards.get((name, address))
        if guard is None:
            guard = self._guards[(name, address)] = SourceGuard(name, settings or GuardSettings())
        return guard

    def status(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for (name, _), guard in sorted(self._guards.items()):
            out[name if name not in out else f"{name} #{len(out)}"] = guard.status()
        return out

    def clear(self) -> None:
        self._guards.clear()


_REGISTRY = SourceRegistry()


def registry() -> SourceRegistry:
    """The process's source registry."""
    return _REGISTRY


class GuardedTransport(httpx.AsyncBaseTransport):
    """An httpx transport that passes every request through a source's breaker and bulkhead.

    Transport errors and 502/503/504 answers count as failures; any other answer (4xx included: the system is
    up, the request was wrong) closes the breaker.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport, guard: SourceGuard, service: str) -> None:
        self.inner = inner
        self.guard = guard
        self.service = service

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        async with self.guard.call(self.service):
            response = await self.inner.handle_async_request(request)
            if response.status_code in _FAILURE_STATUS:
                self.guard.breaker.record_failure()
            else:
                self.guard.breaker.record_success()
            return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def guard_settings(options: dict[str, Any] | Any) -> GuardSettings:
    """Guard settings from an adapter's options (``breaker_failures``, ``breaker_reset``, ``max_concurrent``,
    ``bulkhead_wait``), defaults otherwise."""
    defaults = GuardSettings()
    get = options.get if hasattr(options, "get") else (lambda key, default=None: default)
    return GuardSettings(
        failure_threshold=int(get("breaker_failures", defaults.failure_threshold)),
        reset_timeout=float(get("breaker_reset", defaults.reset_timeout)),
        max_concurrent=int(get("max_concurrent", defaults.max_concurrent)),
        max_wait=float(get("bulkhead_wait", defaults.max_wait)),
    )
