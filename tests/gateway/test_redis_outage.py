"""Redis down, hung or back: the real server behind a TCP fault proxy, under every user of the gateway's Redis.

A cache that cannot reach Redis misses and the adapter asks its legacy system; persisted-query lookups miss; a
rate limit lets requests through (or refuses them, when configured to); nothing waits longer than one Redis
timeout, and after a few failures the breaker stops even that.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from adapters.tax import TaxAdapter
from adapters.tax.sandbox import create_app
from gateway import redis_store
from gateway.errors import LimitExceeded
from gateway.policy.persisted import RedisQueryStore
from gateway.policy.ratelimit import RedisRateLimiter
from gateway.resilience import BreakerState, GuardSettings, registry
from gateway.sdk.adapter import AdapterSettings
from gateway.sdk.netfaults import FaultProxy, Toxics
from gateway.sdk.sandbox import serve_sandbox
from gateway.sdk.testing import entities, operator
from tests.adapters.soap.kit import service
from tests.services import redis_url

pytestmark = [pytest.mark.redis, pytest.mark.timeout(60)]

KNOWN = [{"__typename": "Company", "country": "KZ", "taxId": "240540001232"}]


def _redis_url() -> str:
    return redis_url("a Redis server to break")


@contextlib.asynccontextmanager
async def proxied_redis(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[FaultProxy, str]]:
    """The test Redis behind a fault proxy, and the URL that reaches it through the proxy."""
    real = urlsplit(_redis_url())
    # the breaker's settings, shortened so the test sees it open and close
    monkeypatch.setattr(redis_store, "GUARD", GuardSettings(failure_threshold=3, reset_timeout=0.3, max_wait=1.0))
    monkeypatch.setattr(redis_store, "READ_TIMEOUT", 0.3)
    monkeypatch.setattr(redis_store, "CONNECT_TIMEOUT", 0.3)
    registry().clear()
    async with FaultProxy((real.hostname or "127.0.0.1", real.port or 6379)) as proxy:
        yield proxy, urlunsplit(real._replace(netloc=proxy.address))
    registry().clear()


@contextlib.asynccontextmanager
async def client_through_proxy(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[FaultProxy, Any]]:
    """(proxy, a gateway Redis client connected through it), the client closed afterwards."""
    async with proxied_redis(monkeypatch) as (proxy, url):
        client = redis_store.connect(url)
        try:
            yield proxy, client
        finally:
            await client.aclose()


def _breaker(source_prefix: str = "redis ") -> str:
    states = [g.breaker.state.value for g in registry().guards() if g.name.startswith(source_prefix)]
    assert len(states) == 1, states
    return states[0]


async def test_a_cache_without_redis_misses_and_the_legacy_system_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    async with proxied_redis(monkeypatch) as (proxy, url), serve_sandbox(create_app) as tax:
        real = redis_store.connect(_redis_url())
        try:  # no entry from an earlier run
            stale = [k async for k in real.scan_iter(match="*240540001232*")]
            if stale:
                await real.delete(*stale)
        finally:
            await real.aclose()
        settings = AdapterSettings(name="tax", url=tax.url, options={"cache_url": url, "cache_ttl": 60})
        adapter = TaxAdapter(settings)
        async with adapter.lifespan():

            async def lookup() -> None:
                result = await entities(adapter, KNOWN, "... on Company { name }", who=operator())
                assert result.errors is None, result.errors
                assert result.data == {"_entities": [{"name": "Astana Grain Trading LLP"}]}

            await lookup()
            await lookup()
            assert service(tax).calls["GetTaxpayers"] == 1  # the second came from Redis

            proxy.set(Toxics(down=True))  # Redis refuses connections
            await lookup()
            assert service(tax).calls["GetTaxpayers"] == 2  # a miss: the register was asked

            proxy.set(Toxics(timeout_ms=0))  # Redis accepts and never answers
            await asyncio.wait_for(lookup(), 10)  # bounded by the Redis timeout, not hung
            assert _breaker() == "open"  # one timeout is enough
            accepted = proxy.accepted
            await lookup()  # the breaker answers for Redis: not even a connection
            assert proxy.accepted == accepted

            proxy.clear()
            await asyncio.sleep(0.35)  # the breaker's reset time: the next command is the probe
            await lookup()  # read misses (nothing was written while Redis was away), then writes
            calls = service(tax).calls["GetTaxpayers"]
            await lookup()
            assert service(tax).calls["GetTaxpayers"] == calls  # cached again
            assert _breaker() == "closed"


async def test_persisted_query_lookups_miss_and_registrations_are_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    async with client_through_proxy(monkeypatch) as (proxy, client):
        store = RedisQueryStore(client, prefix=f"silkgraph:test:{uuid.uuid4().hex}:")
        await store.put("abc", "{ ping }")
        assert await store.get("abc") == "{ ping }"
        proxy.set(Toxics(down=True))
        assert await store.get("abc") is None  # a miss: the client sends the query again
        await store.put("def", "{ pong }")  # dropped, no error
        proxy.clear()


async def test_a_rate_limit_without_redis_lets_requests_through_or_refuses_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with client_through_proxy(monkeypatch) as (proxy, client):
        prefix = f"silkgraph:test:{uuid.uuid4().hex}:"
        open_ = RedisRateLimiter(client, prefix=prefix)
        closed = RedisRateLimiter(client, prefix=prefix, fail_open=False)
        assert (await open_.hit("caller", 1, 60)).allowed
        assert not (await open_.hit("caller", 1, 60)).allowed  # Redis counts
        proxy.set(Toxics(down=True))
        assert (await open_.hit("caller", 1, 60)).allowed  # no count: let through
        with pytest.raises(LimitExceeded) as refused:
            await closed.hit("caller", 1, 60)
        assert refused.value.code == "RATE_LIMIT_UNAVAILABLE" and refused.value.http_status == 503
        proxy.clear()


async def test_a_hung_redis_costs_one_timeout_and_the_client_does_not_retry_by_itself(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with client_through_proxy(monkeypatch) as (proxy, client):
        guarded = redis_store.GuardedRedis(client)
        assert await guarded.run(client.ping, what="test") is True
        proxy.set(Toxics(timeout_ms=0))
        with pytest.raises(redis_store.RedisUnavailable, match="Timeout"):
            await asyncio.wait_for(guarded.run(client.ping, what="test"), 10)
        # one timeout opens the breaker: the request's next Redis calls (rate limit, APQ, caches) fail at once
        # instead of each waiting its own timeout
        assert registry().guards()[0].breaker.state is BreakerState.OPEN
        accepted = proxy.accepted
        for _ in range(3):
            with pytest.raises(redis_store.RedisUnavailable, match="circuit open"):
                await guarded.run(client.ping, what="test")
        assert proxy.accepted == accepted and registry().guards()[0].rejected_open == 3
        proxy.clear()


def test_connect_keeps_timeouts_the_url_sets() -> None:
    client = redis_store.connect("redis://127.0.0.1:6379/3?socket_timeout=7")
    kwargs = client.connection_pool.connection_kwargs
    assert kwargs["socket_timeout"] == 7.0
    assert kwargs["socket_connect_timeout"] == redis_store.CONNECT_TIMEOUT
    assert kwargs["db"] == 3


async def test_through_http_a_lost_rate_limit_store_is_no_limit_or_a_503_as_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.gateway.policy.app import running

    async with proxied_redis(monkeypatch) as (proxy, url):
        limits = {"gateway.rate_limit.enabled": True, "gateway.rate_limit.store": url}
        async with (
            running(tmp_path, **limits) as lenient,
            running(tmp_path, **limits, **{"gateway.rate_limit.fail_open": False}) as strict,
        ):
            assert (await lenient.post({"query": "{ __typename }"})).status_code == 200
            proxy.set(Toxics(down=True))
            assert (await lenient.post({"query": "{ __typename }"})).json() == {"data": {"__typename": "Query"}}
            refused = await strict.post({"query": "{ __typename }"})
            assert refused.status_code == 503
            assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMIT_UNAVAILABLE"
            assert "data" not in refused.json()


async def test_through_http_a_hung_redis_costs_one_timeout_not_one_per_call(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Redis held silent under a running gateway: the first Redis call that meets the hang waits its timeout and
    opens the breaker; every later call — of that request and the next ones — is answered by the breaker."""
    from tests.gateway.policy.app import running

    async with proxied_redis(monkeypatch) as (proxy, url):
        settings = {
            "gateway.rate_limit.enabled": True,
            "gateway.rate_limit.store": url,
            "stores.redis_timeout": 0.3,
            "stores.redis_breaker_reset": 60.0,  # no probe during the test
        }
        async with running(tmp_path, **settings) as gw:
            assert (await gw.post({"query": "{ __typename }"})).status_code == 200
            proxy.set(Toxics(timeout_ms=0))
            for _ in range(5):
                answer = await gw.post({"query": "{ __typename }"})
                assert answer.json() == {"data": {"__typename": "Query"}}  # let through: fail open
            (guard,) = [g for g in registry().guards() if g.name.startswith("redis ")]
            assert guard.breaker.opened_count == 1
            assert guard.rejected_open >= 4  # the other requests never waited on Redis
            proxy.clear()
