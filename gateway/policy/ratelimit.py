"""Rate limits per principal and per partner agency.

Two limits apply to every operation: one keyed by the caller (the token's subject, or the client address for
anonymous callers) and one keyed by the agency (all of one partner's users together). Over either limit the
gateway answers HTTP 429 with ``extensions.code = RATE_LIMITED`` and ``Retry-After``.

* :class:`MemoryRateLimiter` — a token bucket per key (capacity = the limit, refilled evenly over the window);
  right for one gateway process.
* :class:`RedisRateLimiter` — a fixed window counter per key, incremented and given its expiry atomically by a
  Lua script, so every replica shares the count.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol

from gateway.errors import LimitExceeded
from gateway.redis_store import GuardedRedis, RedisUnavailable
from gateway.sdk.context import Principal

__all__ = ["Decision", "MemoryRateLimiter", "RateLimiter", "RateLimits", "RedisRateLimiter"]


@dataclasses.dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: float = 0.0


class RateLimiter(Protocol):
    async def hit(self, key: str, limit: int, window: float) -> Decision: ...


class MemoryRateLimiter:
    """Token buckets in a bounded LRU (old idle keys are forgotten, which only ever lets a caller in sooner)."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000) -> None:
        self.clock = clock
        self.max_keys = max_keys
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    async def hit(self, key: str, limit: int, window: float) -> Decision:
        now = self.clock()
        rate = limit / window
        tokens, at = self.buckets.get(key, (float(limit), now))
        tokens = min(float(limit), tokens + (now - at) * rate)
        if tokens >= 1.0:
            self._store(key, tokens - 1.0, now)
            return Decision(True)
        self._store(key, tokens, now)
        return Decision(False, retry_after=(1.0 - tokens) / rate)

    def _store(self, key: str, tokens: float, now: float) -> None:
        self.buckets[key] = (tokens, now)
        self.buckets.move_to_end(key)
        while len(self.buckets) > self.max_keys:
            self.buckets.popitem(last=False)


_WINDOW_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
"""


class RedisRateLimiter:
    """Fixed windows in Redis: ``INCR`` + ``PEXPIRE`` in one Lua script (atomic across replicas).

    When Redis cannot answer (:mod:`gateway.redis_store`: down, timed out, breaker open) the request is let
    through (``fail_open``, the default: a limit is protection, not a reason to stop serving) or refused with
    ``RATE_LIMIT_UNAVAILABLE`` (HTTP 503).
    """

    def __init__(self, redis: Any, *, prefix: str = "silkgraph:rl:", fail_open: bool = True) -> None:
        self.redis = redis
        self.guarded = GuardedRedis(redis)
        self.prefix = prefix
        self.fail_open = fail_open
        self.script = redis.register_script(_WINDOW_SCRIPT)

    async def hit(self, key: str, limit: int, window: float) -> Decision:
        window_ms = max(1, int(window * 1000))
        try:
            count, ttl = await self.guarded.run(
                lambda: self.script(keys=[self.prefix + key], args=[window_ms]), what="rate limit"
            )
        except RedisUnavailable:
            if self.fail_open:
                return Decision(True)
            error = LimitExceeded(
                "the rate limit store is unavailable; try again shortly", code="RATE_LIMIT_UNAVAILABLE"
            )
            error.http_status = 503
            raise error from None
        if int(count) <= limit:
            return Decision(True)
        return Decision(False, retry_after=max(int(ttl), 1) / 1000)


@dataclasses.dataclass(frozen=True, kw_only=True)
class RateLimits:
    """The configured limits, applied per request."""

    limiter: RateLimiter
    per_principal: int = 600
    per_agency: int = 3000
    window_seconds: float = 60.0

    async def check(self, principal: Principal, client: str) -> None:
        caller = f"sub:{principal.subject}" if principal.authenticated else f"ip:{client}"
        checks = [(caller, self.per_principal)]
        if principal.agency:
            checks.append((f"agency:{principal.agency}", self.per_agency))
        for key, limit in checks:
            decision = await self.limiter.hit(key, limit, self.window_seconds)
            if not decision.allowed:
                retry = max(1, math.ceil(decision.retry_after))
                error = LimitExceeded(
                    f"too many requests for this {'agency' if key.startswith('agency:') else 'caller'}: "
                    f"at most {limit} per {self.window_seconds:g} s; retry after {retry} s",
                    code="RATE_LIMITED",
                    limit=limit,
                    retryAfter=retry,
                )
                error.http_status = 429
                raise error
