"""One retry policy for the idempotent reads of every adapter: bounded, jittered, and within the source's budget.

::

    retry = ReadRetry.from_settings(self.settings)             # retry_attempts, retry_max_delay
    guard = guard_of(http)                                     # the source's guard (legacy_http_client)
    body = await retry.call(lambda: self._get("/contracts"), guard=guard)

A failed read is tried again only when all of these hold:

* the failure is **transient** (:func:`transient`): the system was unreachable, dropped the connection, timed
  out, or answered 502/503/504 — never a 4xx, a fault, a bad reply or bad input, which asking again would only
  repeat; an adapter may pass its own ``retry_on`` (the SOAP client adds ``Server`` faults, the payment rail
  narrows it to requests that never reached the rail);
* fewer than ``attempts`` tries were made and the time spent so far plus the next wait stays under ``max_delay``
  (``stop_after_attempt | stop_before_delay``): a read that timed out after more than ``max_delay`` is not tried
  again, since its caller's time is already spent;
* the source's circuit breaker is not open (fail fast), and its **retry budget**
  (:class:`gateway.retry_budget.RetryBudget`, shared by every caller of the source) has room. When it has none,
  the call fails with its own error.

Waits are full-jitter exponential (``wait_random_exponential``); ``sleep`` is injectable so tests do not wait.

**Only idempotent reads call this.** Writes — bookings, declarations, payment sends (pacs.008, camt.056) — are
sent once: a lost reply may hide work the system did, so the payments adapter asks the rail (pacs.028) instead.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt, stop_before_delay
from tenacity.stop import stop_base
from tenacity.wait import wait_random_exponential

from gateway.errors import ConfigError, UpstreamTimeout, UpstreamUnavailable
from gateway.resilience import SourceGuard, retry_attempt, retry_settings
from gateway.sdk.adapter import AdapterSettings

__all__ = ["ReadRetry", "Sleep", "is_refusal", "transient"]

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]

#: options of the built-in adapters that this policy replaced, and what replaces them
_RETIRED = {
    "retries": "retry_attempts (tries in all, the first included)",
    "read_attempts": "retry_attempts",
    "retry_budget": "retry_max_delay (seconds a read may spend on its tries and waits)",
}


def is_refusal(exc: BaseException) -> bool:
    """A call the gateway itself refused (open breaker, full bulkhead): the system was not even asked."""
    if not isinstance(exc, UpstreamUnavailable):
        return False
    return exc.extensions.get("breaker") == "open" or exc.extensions.get("bulkhead") == "full"


def transient(exc: BaseException) -> bool:
    """Worth asking again: unreachable, connection dropped, timed out, or 502/503/504 (``UPSTREAM_UNAVAILABLE``)."""
    if isinstance(exc, UpstreamUnavailable):
        return not is_refusal(exc)
    return isinstance(exc, UpstreamTimeout | httpx.TimeoutException | httpx.NetworkError | httpx.RemoteProtocolError)


class _StopUnlessAdmitted(stop_base):
    """Stop at the attempt and time bounds; past them, ask the source's guard (breaker, budget) for the retry.

    The guard is asked last, so a retry is charged to the budget only when it will really be sent.
    """

    def __init__(self, bounds: stop_base, guard: SourceGuard | None) -> None:
        self.bounds = bounds
        self.guard = guard

    def __call__(self, retry_state: RetryCallState) -> bool:
        if self.bounds(retry_state):
            return True
        return self.guard is not None and not self.guard.admit_retry()


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReadRetry:
    """The read retry policy: ``attempts`` tries in all within ``max_delay`` seconds, full-jitter waits."""

    attempts: int = 3
    max_delay: float = 2.0
    #: the first wait is at most ``first_wait`` seconds, doubling up to ``max_wait`` (each drawn uniformly below)
    first_wait: float = 0.1
    max_wait: float = 1.0
    sleep: Sleep | None = dataclasses.field(default=None, repr=False, compare=False)

    @classmethod
    def from_settings(cls, settings: AdapterSettings, *, sleep: Sleep | None = None) -> ReadRetry:
        """The policy from ``[adapters.<name>]`` (``retry_attempts``, ``retry_max_delay``); bad values and the
        retired per-adapter options fail with :class:`ConfigError` naming the key."""
        where = f"adapters.{settings.name}"
        for old, new in _RETIRED.items():
            if old in settings.options:
                raise ConfigError(f"{where}.{old}", f"is no longer read; use {new}")
        chosen = retry_settings(settings.options, where=where)
        return cls(attempts=chosen.attempts, max_delay=chosen.max_delay, sleep=sleep)

    async def call(
        self,
        read: Callable[[], Awaitable[T]],
        *,
        guard: SourceGuard | None,
        retry_on: Callable[[BaseException], bool] = transient,
    ) -> T:
        """Run ``read`` (an idempotent read), again while the policy allows; the last error is raised as is.

        ``guard`` is the source's guard (:func:`gateway.sdk.calls.guard_of`); without one (a client not made by
        ``legacy_http_client``) only the attempt and time bounds apply.
        """
        started = time.monotonic()
        with retry_attempt(False):  # a first attempt, even inside another source's retry
            if self.attempts <= 1:
                return await read()
            # the common case — it works — costs no retry machinery (tenacity is ~17 µs a call)
            try:
                return await read()
            except Exception as exc:
                if is_refusal(exc) or not retry_on(exc):
                    raise
                failed: list[BaseException] = [exc]

        async def again() -> T:
            if failed:  # tenacity's first attempt is the one that just failed: report it, do not repeat it
                raise failed.pop()
            return await read()

        spent = time.monotonic() - started  # the first attempt's time counts against max_delay
        extra: dict[str, Any] = {"sleep": self.sleep} if self.sleep is not None else {}
        retrying = AsyncRetrying(
            stop=_StopUnlessAdmitted(
                stop_after_attempt(self.attempts) | stop_before_delay(max(self.max_delay - spent, 0.0)), guard
            ),
            wait=wait_random_exponential(multiplier=self.first_wait, max=self.max_wait),
            retry=retry_if_exception(lambda exc: not is_refusal(exc) and retry_on(exc)),
            reraise=True,
            **extra,
        )
        async for attempt in retrying:
            with attempt, retry_attempt(attempt.retry_state.attempt_number > 1):
                return await again()
        raise AssertionError("unreachable: tenacity re-raises the last error")  # pragma: no cover
