"""Rate limits per principal and per agency, in memory and in Redis."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.errors import LimitExceeded
from gateway.policy.ratelimit import MemoryRateLimiter, RateLimits, RedisRateLimiter
from gateway.sdk.context import ANONYMOUS, Principal


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_token_bucket_allows_the_limit_then_refills() -> None:
    clock = Clock()
    limiter = MemoryRateLimiter(clock=clock)
    assert [(await limiter.hit("k", 3, 60)).allowed for _ in range(4)] == [True, True, True, False]
    refused = await limiter.hit("k", 3, 60)
    assert refused.retry_after == pytest.approx(20.0)
    clock.now += 20
    assert (await limiter.hit("k", 3, 60)).allowed
    assert (await limiter.hit("other", 3, 60)).allowed  # keys are independent


async def test_agency_limit_covers_all_of_a_partners_users() -> None:
    limits = RateLimits(limiter=MemoryRateLimiter(clock=Clock()), per_principal=10, per_agency=3)
    users = [Principal(subject=f"u{i}", agency="AG-1") for i in range(4)]
    for u in users[:3]:
        await limits.check(u, "10.0.0.1")
    with pytest.raises(LimitExceeded) as caught:
        await limits.check(users[3], "10.0.0.1")
    error = caught.value
    assert error.code == "RATE_LIMITED" and error.http_status == 429
    assert error.extensions["retryAfter"] >= 1 and "agency" in error.message
    await limits.check(Principal(subject="u9", agency="AG-2"), "10.0.0.1")


async def test_anonymous_callers_are_limited_by_address() -> None:
    limits = RateLimits(limiter=MemoryRateLimiter(clock=Clock()), per_principal=1)
    await limits.check(ANONYMOUS, "10.0.0.1")
    await limits.check(ANONYMOUS, "10.0.0.2")
    with pytest.raises(LimitExceeded):
        await limits.check(ANONYMOUS, "10.0.0.1")


@pytest.mark.redis
async def test_redis_window_is_shared_by_replicas(redis_client: Any) -> None:
    replica_a = RedisRateLimiter(redis_client)
    replica_b = RedisRateLimiter(redis_client)
    results = [(await (replica_a if i % 2 else replica_b).hit("sub:alice", 4, 30)).allowed for i in range(5)]
    assert results == [True, True, True, True, False]
    refused = await replica_a.hit("sub:alice", 4, 30)
    assert not refused.allowed and 0 < refused.retry_after <= 30
    assert 0 < await redis_client.pttl("silkgraph:rl:sub:alice") <= 30_000
    assert (await replica_b.hit("sub:bob", 4, 30)).allowed
