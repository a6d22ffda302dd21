"""TTL caches for slow-changing legacy data; the tenant is always part of the key."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest

from adapters.tax import TaxAdapter
from adapters.tax.sandbox import create_app
from gateway.cache import MemoryCache, cache_key, open_cache
from gateway.sdk.adapter import AdapterSettings
from gateway.sdk.sandbox import SandboxServer, serve_sandbox
from gateway.sdk.testing import entities, principal
from tests.adapters.soap.kit import service


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
    url = os.environ.get("SILKGRAPH_TEST_REDIS_URL")
    if not url:
        if os.environ.get("SILKGRAPH_REQUIRE_SERVICES"):
            pytest.fail("SILKGRAPH_TEST_REDIS_URL is not set but SILKGRAPH_REQUIRE_SERVICES=1")
        pytest.skip("SILKGRAPH_TEST_REDIS_URL is not set (a Redis server for the shared cache test)")
    run = uuid.uuid4().hex
    mine, theirs = cache_key(run, "agency-a", "x"), cache_key(run, "agency-b", "x")
    async with open_cache(url, ttl=30) as writer, open_cache(url, ttl=30) as reader:  # two replicas
        await writer.set_many({mine: {"name": "Astana Grain"}})
        assert await reader.get_many([mine, theirs]) == {mine: {"name": "Astana Grain"}}


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxServer]:
    async with serve_sandbox(create_app) as server:
        yield server


async def test_repeated_taxpayer_lookups_reach_the_tax_service_once_per_tenant(sandbox: SandboxServer) -> None:
    adapter = TaxAdapter(AdapterSettings(name="tax", url=sandbox.url))
    reps = [{"__typename": "Company", "country": "KZ", "taxId": "240540001232"}]
    async with adapter.lifespan():
        for _ in range(3):
            result = await entities(adapter, reps, "... on Company { name }")
            assert result.data == {"_entities": [{"name": "Astana Grain Trading LLP"}]}
        assert service(sandbox).calls["GetTaxpayers"] == 1  # then served from the cache
        kz = principal(agency="kz-trade-agency")
        await entities(adapter, reps, "... on Company { name }", who=kz)
        assert service(sandbox).calls["GetTaxpayers"] == 2  # another tenant: its own entry, its own call
