"""TTL caches for slow-changing legacy data; the tenant is always part of the key."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest

from adapters.tax import TaxAdapter
from adapters.tax.sandbox import create_app
from gateway.cache import MemoryCache, RedisCache, cache_key, open_cache
from gateway.sdk.adapter import AdapterSettings
from gateway.sdk.sandbox import FaultConfig, SandboxServer, serve_sandbox
from gateway.sdk.testing import agencyless, entities, error_codes, operator, principal
from tests.adapters.soap.kit import service
from tests.services import redis_url


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_entries_expire_after_their_time_to_live() -> None:
    clock = Clock()
    cache = MemoryCache(ttl=60, clock=clock)
    await cache.set_many({"a": 1})
    clock.now = 59
    assert await cache.get_many(["a", "b"]) == {"a": 1}
    clock.now = 60
    assert await cache.get_many(["a"]) == {}
    assert (cache.hits, cache.misses) == (1, 2)


async def test_entries_past_their_ttl_are_kept_for_stale_reads_only() -> None:
    clock = Clock()
    cache = MemoryCache(ttl=60, stale_ttl=600, clock=clock)
    await cache.set_many({"a": 1})
    clock.now = 100
    assert await cache.get_many(["a"]) == {}  # no longer fresh
    assert await cache.get_stale_many(["a", "b"]) == {"a": 1}  # but there for when the source fails
    clock.now = 660
    assert await cache.get_stale_many(["a"]) == {}


async def test_the_least_recently_used_entry_goes_first() -> None:
    cache = MemoryCache(max_entries=2)
    await cache.set_many({"a": 1, "b": 2})
    await cache.get_many(["a"])  # a is now the most recent
    await cache.set_many({"c": 3})
    assert await cache.get_many(["a", "b", "c"]) == {"a": 1, "c": 3}


def test_keys_carry_the_tenant() -> None:
    assert cache_key("tax.taxpayer", "kz-trade-agency", "KZ", "1") != cache_key("tax.taxpayer", None, "KZ", "1")
    assert cache_key("tax.taxpayer", None, "KZ", "1") == "silkgraph:tax.taxpayer:-:KZ|1"


async def test_redis_cache_shares_entries_and_separates_tenants() -> None:
    url = redis_url("a Redis server for the shared cache test")
    run = uuid.uuid4().hex
    mine, theirs = cache_key(run, "agency-a", "x"), cache_key(run, "agency-b", "x")
    async with open_cache(url, ttl=30) as writer, open_cache(url, ttl=30) as reader:  # two replicas
        await writer.set_many({mine: {"name": "Astana Grain"}})
        assert await reader.get_many([mine, theirs]) == {mine: {"name": "Astana Grain"}}


def _redis_url() -> str:
    return redis_url("a Redis server for the shared cache test")


async def test_redis_entries_past_their_ttl_serve_stale_reads_and_foreign_values_are_misses() -> None:
    import redis.asyncio

    clock = Clock()
    clock.now = 1_000_000.0
    client = redis.asyncio.from_url(_redis_url())
    try:
        cache = RedisCache(client, ttl=60, stale_ttl=600, clock=clock)
        key, foreign = cache_key(uuid.uuid4().hex, None, "a"), cache_key(uuid.uuid4().hex, None, "b")
        await cache.set_many({key: {"name": "Astana Grain"}})
        assert 600_000 < await client.pttl(key) <= 660_000  # Redis keeps it for ttl + stale_ttl
        assert await cache.get_many([key]) == {key: {"name": "Astana Grain"}}
        clock.now += 61
        assert await cache.get_many([key]) == {}
        assert await cache.get_stale_many([key]) == {key: {"name": "Astana Grain"}}
        await client.set(foreign, '{"name": "written by something else"}', px=60_000)
        assert await cache.get_many([foreign]) == {} and await cache.get_stale_many([foreign]) == {}
        await client.delete(key, foreign)
    finally:
        await client.aclose()


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxServer]:
    async with serve_sandbox(create_app) as server:
        yield server


async def test_repeated_taxpayer_lookups_reach_the_tax_service_once_per_tenant(sandbox: SandboxServer) -> None:
    adapter = TaxAdapter(AdapterSettings(name="tax", url=sandbox.url))
    reps = [{"__typename": "Company", "country": "KZ", "taxId": "240540001232"}]
    async with adapter.lifespan():
        for _ in range(3):
            result = await entities(adapter, reps, "... on Company { name }", who=operator())
            assert result.data == {"_entities": [{"name": "Astana Grain Trading LLP"}]}
        assert service(sandbox).calls["GetTaxpayers"] == 1  # then served from the cache
        # no agency and no grant: the platform's cached entry is not theirs, and the register is not asked
        nobody = await entities(adapter, reps, "... on Company { name }", who=agencyless())
        assert nobody.data == {"_entities": [None]} and error_codes(nobody) == ["FORBIDDEN"]
        assert service(sandbox).calls["GetTaxpayers"] == 1
        kz = principal(agency="kz-trade-agency")
        await entities(adapter, reps, "... on Company { name }", who=kz)
        assert service(sandbox).calls["GetTaxpayers"] == 2  # another tenant: its own entry, its own call


async def test_with_the_tax_register_down_known_taxpayers_come_from_the_stale_cache(sandbox: SandboxServer) -> None:
    settings = AdapterSettings(
        name="tax", url=sandbox.url, options={"cache_ttl": 0.05, "cache_stale_ttl": 600, "retry_attempts": 1}
    )
    adapter = TaxAdapter(settings)
    known = [{"__typename": "Company", "country": "KZ", "taxId": "240540001232"}]
    unknown = [{"__typename": "Company", "country": "CN", "taxId": "91370281MA3C5R7B0C"}]
    async with adapter.lifespan():
        fresh = await entities(adapter, known, "... on Company { name }", who=operator())
        assert fresh.data == {"_entities": [{"name": "Astana Grain Trading LLP"}]}
        await asyncio.sleep(0.1)  # past the TTL: the next read asks the register again
        sandbox.faults.reconfigure(FaultConfig(error_rate=1.0))  # the register answers 503
        stale = await entities(adapter, known, "... on Company { name }", who=operator())
        assert stale.errors is None and stale.data == fresh.data
        assert service(sandbox).calls["GetTaxpayers"] == 1  # the 503s are not counted by the service
        never_seen = await entities(adapter, unknown, "... on Company { name }", who=operator())
        assert never_seen.errors is not None
        assert never_seen.errors[0].extensions is not None
        assert never_seen.errors[0].extensions["code"] == "UPSTREAM_UNAVAILABLE"
