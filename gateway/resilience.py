"""Per-source circuit breakers, bulkheads and retry budgets, so one slow or failing legacy system cannot take
others down.

Every legacy source (an adapter's legacy system, a remote subgraph) gets a :class:`SourceGuard`:

- a **circuit breaker**: after ``failure_threshold`` consecutive failures of the source — timeouts, connection
  errors, 5xx, protocol errors; never a SOAP fault, a 4xx or a rejection the caller's input caused — it opens
  and calls fail fast with ``UPSTREAM_UNAVAILABLE``; after ``reset_timeout`` seconds one probe call is let
  through (half-open); its success closes the breaker, its failure opens it again;
- a **bulkhead**: at most ``max_concurrent`` calls in flight, a caller waits at most ``max_wait`` seconds for a
  slot, then fails fast instead of queueing behind a stuck system;
- a **retry budget** (:class:`RetryBudget`): retries of the source's reads, by every caller together, may be at
  most ``retry_percent`` % of its requests in the last ``window`` seconds plus ``retry_min_per_second`` per
  second, so a dead system is not hammered × attempts.

Guards live in a :class:`SourceRegistry` (one per process, like a connection pool: a breaker's memory is the
process's experience of that system). ``/readyz`` and ``/metrics`` read their states. Adapters get the guard
through :func:`gateway.sdk.calls.legacy_http_client`, which wraps its transport in :class:`GuardedTransport`.
Retries are decided by one policy, :class:`gateway.sdk.retry.ReadRetry` (idempotent reads only), which asks
:meth:`SourceGuard.admit_retry` before each retry; the breaker counts each attempt.

The options of all this (``breaker_*``, ``max_concurrent``, ``bulkhead_wait``, ``retry_*``) are common to every
adapter; :func:`guard_settings` and :func:`retry_settings` read and validate them.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import enum
import time
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

import httpx

from gateway.bodies import ACCEPT_ENCODING, BodyTooLarge, BodyUndecodable, read_httpx_body
from gateway.errors import ConfigError, RequestError, UpstreamFault, UpstreamProtocolError, UpstreamUnavailable
from gateway.retry_budget import RetryBudget, is_retry_attempt, retry_attempt

__all__ = [
    "REPLY_CHECKED",
    "RESILIENCE_OPTIONS",
    "BreakerState",
    "CircuitBreaker",
    "GuardSettings",
    "GuardedTransport",
    "RetryBudget",
    "RetrySettings",
    "SourceGuard",
    "SourceRegistry",
    "failed_reply",
    "guard_settings",
    "registry",
    "retry_attempt",
    "retry_settings",
    "upstream_failed",
]

#: the adapter options read here, common to every adapter (an adapter that whitelists its options adds these)
RESILIENCE_OPTIONS = frozenset(
    {
        "breaker_failures",
        "breaker_reset",
        "max_concurrent",
        "bulkhead_wait",
        "retry_attempts",
        "retry_max_delay",
        "retry_budget_percent",
        "retry_min_per_second",
    }
)

#: replies whose body says the system answered: a SOAP fault (a 500 by SOAP's rules) is the system speaking
_SOAP_MEDIA = ("text/xml", "application/soap+xml", "multipart/related")

#: response extension: ``True`` when the client's ``reply_check`` already judged the reply inside the guard
REPLY_CHECKED = "silkgraph.reply_checked"


def upstream_failed(exc: BaseException) -> bool:
    """Whether an exception raised while talking to a source is that source's failure, for its breaker.

    Failures: timeouts, connection errors (refused, reset, cut short), protocol errors (a reply that is not what
    the protocol says, or over the size cap), "unavailable" answers — and whatever else a client library raises.
    Not failures: a cancelled call (the caller gave up; the system may be fine), a request the client refused to
    send (e.g. a header value built from the caller's input), a fault or rejection the system answered with
    (``UPSTREAM_FAULT``, or a request error such as ``BAD_USER_INPUT``), and the guard's own refusals.
    """
    if isinstance(exc, asyncio.CancelledError | UpstreamFault | RequestError):
        return False
    if isinstance(exc, UpstreamUnavailable):
        return exc.extensions.get("breaker") != "open" and exc.extensions.get("bulkhead") != "full"
    return not isinstance(exc, httpx.LocalProtocolError | httpx.UnsupportedProtocol | httpx.InvalidURL)


def failed_reply(status: int, media_type: str) -> bool:
    """Whether an HTTP answer is the source's failure: a 5xx, unless it carries a SOAP fault (SOAP 1.1 and 1.2
    send every fault, the caller's mistakes included, as a 500). 4xx answers are the caller's."""
    if status < 500:
        return False
    media = media_type.split(";", maxsplit=1)[0].strip().lower()
    return not (status == 500 and media in _SOAP_MEDIA)


class BreakerState(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclasses.dataclass(frozen=True, kw_only=True)
class GuardSettings:
    """Defaults from the platform's resilience reference: 5 failures, 30 s open, a bounded bulkhead, and a retry
    budget of 10 % of requests plus 10 per second over 10 s (Grafbase's ``retry_percent``/``min_per_second``)."""

    failure_threshold: int = 5
    reset_timeout: float = 30.0
    max_concurrent: int = 32
    max_wait: float = 2.0
    retry_percent: float = 10.0
    retry_min_per_second: float = 10.0
    retry_window: float = 10.0


@dataclasses.dataclass(frozen=True, kw_only=True)
class RetrySettings:
    """How one adapter retries its idempotent reads: tries in all (the first included) and the total time."""

    attempts: int = 3
    max_delay: float = 2.0


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

    def release_probe(self) -> None:
        """The call ended without saying whether the source works (cancelled, refused by the caller's input):
        a half-open breaker lets the next call probe instead."""
        self._probing = False

    def record_success(self) -> None:
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._probing = False

    def trip(self) -> None:
        """Open now, whatever the count (a source that hangs: every call meanwhile would wait its timeout)."""
        self._failures = max(self._failures, self.failure_threshold)
        self.record_failure()

    def record_failure(self) -> None:
        self._probing = False
        self._failures += 1
        if self._state is BreakerState.HALF_OPEN or self._failures >= self.failure_threshold:
            if self._state is not BreakerState.OPEN:
                self.opened_count += 1
            self._state = BreakerState.OPEN
            self._opened_at = self._clock()


class SourceGuard:
    """Breaker + bulkhead + retry budget for one legacy source."""

    def __init__(self, name: str, settings: GuardSettings, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.name = name
        self.settings = settings
        self.breaker = CircuitBreaker(
            name, failure_threshold=settings.failure_threshold, reset_timeout=settings.reset_timeout, clock=clock
        )
        self.budget = RetryBudget(
            percent=settings.retry_percent,
            min_per_second=settings.retry_min_per_second,
            window=settings.retry_window,
            clock=clock,
        )
        self._slots = asyncio.Semaphore(settings.max_concurrent)
        self.in_flight = 0
        #: calls refused because the breaker was open / the bulkhead was full
        self.rejected_open = 0
        self.rejected_full = 0

    @property
    def rejected(self) -> int:
        return self.rejected_open + self.rejected_full

    def retune(self, settings: GuardSettings) -> None:
        """Apply new settings (a reloaded config) and keep the state: breaker, calls in flight, budget window.

        The new bulkhead starts with its size less the calls in flight, which give their slots to it as they end.
        """
        if settings == self.settings:
            return
        self.settings = settings
        self.breaker.failure_threshold = settings.failure_threshold
        self.breaker.reset_timeout = settings.reset_timeout
        self.budget.percent = settings.retry_percent
        self.budget.min_per_second = settings.retry_min_per_second
        self._slots = asyncio.Semaphore(max(0, settings.max_concurrent - self.in_flight))

    def admit_retry(self) -> bool:
        """Whether a read that just failed may be tried again: not while the breaker is open (fail fast), and
        only within the source's retry budget."""
        if self.breaker.state is BreakerState.OPEN:
            return False
        return self.budget.try_spend()

    @contextlib.asynccontextmanager
    async def call(self, service: str) -> AsyncIterator[None]:
        """Admit one call or fail fast; the body reports failure by raising (or via :meth:`failed`)."""
        if not self.breaker.allow():
            self.rejected_open += 1
            raise UpstreamUnavailable(
                f"{self.name} is failing: calls are paused for {self.breaker.retry_in():.0f} s (circuit open)",
                service=service,
                breaker="open",
            )
        try:
            async with asyncio.timeout(self.settings.max_wait):
                await self._slots.acquire()
        except TimeoutError:
            self.rejected_full += 1
            self.breaker._probing = False
            raise UpstreamUnavailable(
                f"{self.name} has {self.settings.max_concurrent} calls in flight already (bulkhead full)",
                service=service,
                bulkhead="full",
            ) from None
        self.in_flight += 1
        if not is_retry_attempt():
            self.budget.record_request()
        try:
            yield
        except BaseException as exc:
            if upstream_failed(exc):
                self.breaker.record_failure()
            else:
                self.breaker.release_probe()  # not the source's doing: the breaker learns nothing from it
            raise
        finally:
            self.in_flight -= 1
            self._slots.release()  # after a retune, into the new bulkhead: it was sized without this call

    def status(self) -> dict[str, Any]:
        return {
            "breaker": self.breaker.state.value,
            "in_flight": self.in_flight,
            "rejected": self.rejected,
            "rejected_open": self.rejected_open,
            "rejected_full": self.rejected_full,
            "opened": self.breaker.opened_count,
            "retry_budget": self.budget.status(),
        }


class SourceRegistry:
    """Guards by source and upstream address (one breaker per system at one address), created on first use."""

    def __init__(self) -> None:
        self._guards: dict[tuple[str, str], SourceGuard] = {}

    def guard(
        self,
        name: str,
        settings: GuardSettings | None = None,
        *,
        address: str = "",
        clock: Callable[[], float] = time.monotonic,
    ) -> SourceGuard:
        """The guard of ``name`` at ``address``, made on first use (``clock`` is for tests); explicit ``settings``
        that differ from the guard's retune it (a reloaded config), keeping its state."""
        guard = self._guards.get((name, address))
        if guard is None:
            guard = self._guards[(name, address)] = SourceGuard(name, settings or GuardSettings(), clock=clock)
        elif settings is not None:
            guard.retune(settings)
        return guard

    def guards(self) -> list[SourceGuard]:
        return list(self._guards.values())

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
    """An httpx transport that passes every exchange — request and whole reply body — through a source's breaker
    and bulkhead.

    The body is read inside the guard with :func:`gateway.bodies.read_httpx_body` (decoded, at most ``max_bytes``),
    within ``total_timeout`` for the whole exchange, so a reply that breaks off, stalls past the deadline, or runs
    over the cap counts as the failure it is.
    Transport errors, an oversized or undecodable body and 5xx answers count as failures (:func:`upstream_failed`,
    :func:`failed_reply`); any other answer — a 4xx, a 500 carrying a SOAP fault: the system is up, the request
    was wrong — closes the breaker. A cancelled call counts as neither.
    """

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        guard: SourceGuard,
        service: str,
        *,
        max_bytes: int = 2_000_000,
        reply_check: Callable[[httpx.Response], None] | None = None,
        total_timeout: float | None = None,
    ) -> None:
        self.inner = inner
        self.guard = guard
        self.service = service
        self.max_bytes = max_bytes
        self.reply_check = reply_check
        self.total_timeout = total_timeout

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.headers["accept-encoding"] = ACCEPT_ENCODING  # what read_body decodes, whatever the client said
        async with self.guard.call(self.service):
            async with asyncio.timeout(self.total_timeout):  # raises TimeoutError inside the guard: a failure
                response = await self.inner.handle_async_request(request)
                try:
                    content = await read_httpx_body(response, limit=self.max_bytes)
                except (BodyTooLarge, BodyUndecodable) as exc:
                    raise UpstreamProtocolError(
                        f"{self.service}: refused the reply from {request.url.host}: {exc}",
                        service=self.service,
                        reason="size" if isinstance(exc, BodyTooLarge) else "encoding",
                    ) from None
                finally:
                    await response.aclose()
            # wire headers go: the body is decoded and complete now
            wire = ("content-encoding", "content-length", "transfer-encoding")
            reply = httpx.Response(
                status_code=response.status_code,
                headers=[(k, v) for k, v in response.headers.multi_items() if k.lower() not in wire],
                content=content,
                extensions={**response.extensions, REPLY_CHECKED: self.reply_check is not None},
                request=request,
            )
            if self.reply_check is not None:
                self.reply_check(reply)  # a reply the protocol refuses raises here, inside the guard: a failure
            if failed_reply(response.status_code, response.headers.get("content-type", "")):
                self.guard.breaker.record_failure()
            else:
                self.guard.breaker.record_success()
        return reply

    async def aclose(self) -> None:
        await self.inner.aclose()


def guard_settings(options: Mapping[str, Any], *, where: str = "adapters") -> GuardSettings:
    """Guard settings from an adapter's options (``breaker_failures``, ``breaker_reset``, ``max_concurrent``,
    ``bulkhead_wait``, ``retry_budget_percent``, ``retry_min_per_second``), defaults otherwise.

    ``where`` prefixes the key in a :class:`ConfigError` (``adapters.<name>``)."""
    d = GuardSettings()
    read = _Options(options, where)
    return GuardSettings(
        failure_threshold=read.integer("breaker_failures", d.failure_threshold, 1, 1000),
        reset_timeout=read.number("breaker_reset", d.reset_timeout, 0.0, 3600.0, open_low=True),
        max_concurrent=read.integer("max_concurrent", d.max_concurrent, 1, 10_000),
        max_wait=read.number("bulkhead_wait", d.max_wait, 0.0, 300.0, open_low=True),
        retry_percent=read.number("retry_budget_percent", d.retry_percent, 0.0, 100.0),
        retry_min_per_second=read.number("retry_min_per_second", d.retry_min_per_second, 0.0, 10_000.0),
    )


def retry_settings(options: Mapping[str, Any], *, where: str = "adapters") -> RetrySettings:
    """An adapter's read retry settings (``retry_attempts``: tries in all, 1-10; ``retry_max_delay``: seconds a
    read may spend, its tries and waits together), defaults otherwise."""
    d = RetrySettings()
    read = _Options(options, where)
    return RetrySettings(
        attempts=read.integer("retry_attempts", d.attempts, 1, 10),
        max_delay=read.number("retry_max_delay", d.max_delay, 0.0, 300.0, open_low=True),
    )


class _Options:
    """Typed, range-checked reads of adapter options, failing with the exact key."""

    def __init__(self, options: Mapping[str, Any], where: str) -> None:
        self.options = options
        self.where = where

    def integer(self, key: str, default: int, low: int, high: int) -> int:
        value = self.options.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ConfigError(f"{self.where}.{key}", f"must be a whole number from {low} to {high}, got {value!r}")
        return value

    def number(self, key: str, default: float, low: float, high: float, *, open_low: bool = False) -> float:
        value = self.options.get(key, default)
        ok = isinstance(value, int | float) and not isinstance(value, bool) and value <= high
        ok = ok and (value > low if open_low else value >= low)
        if not ok:
            bound = f"more than {low:g}" if open_low else f"at least {low:g}"
            raise ConfigError(f"{self.where}.{key}", f"must be a number {bound} and at most {high:g}, got {value!r}")
        return float(value)
