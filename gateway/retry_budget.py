"""The retry budget of one legacy source: how many retries all its callers together may still send.

Retries multiply load exactly when a system is least able to take it. Bounding attempts per call is not enough
(a hundred callers × three attempts is still ×3), so each source also keeps a budget shared by every caller —
the scheme of Finagle's and Grafbase's retry budgets (Grafbase: ``retry_percent = 0.1``, ``min_per_second = 10``,
``ttl = 10 s``): in any 10 seconds, retries may be at most 10 % of requests plus 10 per second.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import time
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["RetryBudget", "is_retry_attempt", "retry_attempt"]

#: True while :class:`gateway.sdk.retry.ReadRetry` runs a second or later attempt, so the guard does not count it
#: as a request (a retry must not fund further retries)
_RETRY_ATTEMPT: contextvars.ContextVar[bool] = contextvars.ContextVar("silkgraph_retry_attempt", default=False)


@contextlib.contextmanager
def retry_attempt(is_retry: bool) -> Iterator[None]:
    """Mark the calls made inside as a retry (``True``) or a first attempt, for the retry budget."""
    token = _RETRY_ATTEMPT.set(is_retry)
    try:
        yield
    finally:
        _RETRY_ATTEMPT.reset(token)


def is_retry_attempt() -> bool:
    """Whether the current call is a retry (set by :func:`retry_attempt`)."""
    return _RETRY_ATTEMPT.get()


class _Window:
    """A count of events in the last ``seconds``, in ``slots`` buckets: memory stays bounded whatever the rate."""

    def __init__(self, seconds: float, clock: Callable[[], float], slots: int = 10) -> None:
        self.width = seconds / slots
        self.slots = slots
        self._clock = clock
        self._buckets: dict[int, int] = {}

    def _now(self) -> int:
        current = math.floor(self._clock() / self.width)
        for index in [i for i in self._buckets if i <= current - self.slots]:
            del self._buckets[index]
        return current

    def add(self) -> None:
        current = self._now()
        self._buckets[current] = self._buckets.get(current, 0) + 1

    def count(self) -> int:
        self._now()
        return sum(self._buckets.values())


class RetryBudget:
    """Retries of one source over a sliding window, capped at ``percent`` % of its requests plus a floor.

    A retry may go out while, counting it, the retries of the last ``window`` seconds stay within
    ``percent / 100 × requests + min_per_second × window`` (requests: first attempts, not retries). With the
    system down every call fails; once the budget is spent, calls fail with their own error instead of retrying,
    so load on the system is at most (1 + percent/100) × requests plus the floor, not × attempts. Clock
    injectable; the window is kept in ``window / 10``-second buckets.
    """

    def __init__(
        self,
        *,
        percent: float = 10.0,
        min_per_second: float = 10.0,
        window: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.percent = percent
        self.min_per_second = min_per_second
        self.window = window
        self._requests = _Window(window, clock)
        self._retries = _Window(window, clock)
        #: retries admitted / refused since start (the ``silkgraph_legacy_retries`` and
        #: ``silkgraph_retry_budget_exhausted`` counters)
        self.spent = 0
        self.refused = 0

    def record_request(self) -> None:
        self._requests.add()

    def limit(self) -> float:
        return self.percent * self._requests.count() / 100 + self.min_per_second * self.window

    def try_spend(self) -> bool:
        """Take one retry from the budget; ``False`` (and counted as refused) when it is spent."""
        if self._retries.count() + 1 > self.limit():
            self.refused += 1
            return False
        self._retries.add()
        self.spent += 1
        return True

    def status(self) -> dict[str, Any]:
        return {
            "window_s": self.window,
            "requests": self._requests.count(),
            "retries": self._retries.count(),
            "limit": math.floor(self.limit()),
            "retries_total": self.spent,
            "refused_total": self.refused,
        }
