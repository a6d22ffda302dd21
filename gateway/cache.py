"""TTL caches for slow-changing legacy data (taxpayer registrations, reference data, decoded VINs).

In memory by default (bounded LRU with expiry); Redis when configured, so replicas share entries. Keys always
carry the tenant (:func:`cache_key`), so partner agencies never see each other's entries.

Adapters create a cache in their lifespan with :func:`open_cache` and consult it around their batch loads::

    hits = await cache.get_many(keys)
    missing = [k for k in keys if k not in hits]
    ... load missing from the legacy system ...
    await cache.set_many({k: v for k, v in loaded.items() if v is not None})

**Stale if error.** An entry outlives its ``ttl`` by ``stale_ttl`` seconds; :meth:`Cache.get_stale_many` returns
such entries. When the legacy system fails (down, timing out, its breaker open), an adapter may answer from them
rather than with an error — a taxpayer registration an hour old beats none. Fresh reads never see them.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import Any, Protocol

from gateway.redis_store import GuardedRedis, RedisUnavailable, connect
from gateway.sdk.tenancy import Tenancy

__all__ = ["Cache", "MemoryCache", "RedisCache", "cache_key", "open_cache"]


def cache_key(namespace: str, tenant: Tenancy | str | None, *parts: str) -> str:
    """``silkgraph:<namespace>:<tenant>:<parts>`` — the tenant is always part of the key.

    Pass the caller's :class:`~gateway.sdk.tenancy.Tenancy`: its key never lets a caller who sees nothing share
    entries with the platform grant (both have no agency)."""
    if isinstance(tenant, Tenancy):
        tenant = tenant.key
    return f"silkgraph:{namespace}:{tenant or '-'}:" + "|".join(parts)


class Cache(Protocol):
    async def get_many(self, keys: Sequence[str]) -> dict[str, Any]: ...

    async def set_many(self, items: Mapping[str, Any]) -> None: ...

    async def get_stale_many(self, keys: Sequence[str]) -> dict[str, Any]:
        """Entries still kept, fresh or past their ``ttl`` (within ``stale_ttl``): for when the source fails."""
        ...


class MemoryCache:
    """A bounded LRU of values with a time to live; the clock is injectable."""

    def __init__(
        self,
        *,
        ttl: float = 300.0,
        stale_ttl: float = 0.0,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.ttl = ttl
        self.stale_ttl = stale_ttl
        self.max_entries = max_entries
        self._clock = clock
        #: key -> (fresh until, kept until, value)
        self._entries: OrderedDict[str, tuple[float, float, Any]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    async def get_many(self, keys: Sequence[str]) -> dict[str, Any]:
        now = self._clock()
        found: dict[str, Any] = {}
        for key in keys:
            entry = self._entries.get(key)
            if entry is None or entry[0] <= now:
                if entry is not None and entry[1] <= now:
                    self._entries.pop(key, None)
                self.misses += 1
                continue
            self._entries.move_to_end(key)
            found[key] = entry[2]
            self.hits += 1
        return found

    async def get_stale_many(self, keys: Sequence[str]) -> dict[str, Any]:
        now = self._clock()
        return {k: e[2] for k in keys if (e := self._entries.get(k)) is not None and e[1] > now}

    async def set_many(self, items: Mapping[str, Any]) -> None:
        now = self._clock()
        fresh, kept = now + self.ttl, now + self.ttl + self.stale_ttl
        for key, value in items.items():
            self._entries[key] = (fresh, kept, value)
            self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)


class RedisCache:
    """The same contract over Redis (shared by replicas).

    Each value is stored as JSON (through ``encode``/``decode``) with the time it was written,
    ``{"at": <unix seconds>, "v": <value>}``, and Redis keeps it for ``ttl + stale_ttl``: whether it is fresh is
    decided on read, so replicas agree whatever their own clocks did since.

    A Redis that is down or slow is a cache that misses (:mod:`gateway.redis_store`): reads find nothing and
    writes are dropped, each within one Redis timeout (none at all while its breaker is open), and the adapter
    asks its legacy system as it would on any miss.
    """

    def __init__(
        self,
        client: Any,
        *,
        ttl: float = 300.0,
        stale_ttl: float = 0.0,
        encode: Callable[[Any], Any] = lambda v: v,
        decode: Callable[[Any], Any] = lambda v: v,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.redis = GuardedRedis(client)
        self.ttl = ttl
        self.stale_ttl = stale_ttl
        self.encode = encode
        self.decode = decode
        self._clock = clock

    async def _read(self, keys: Sequence[str]) -> dict[str, tuple[float, Any]]:
        if not keys:
            return {}
        try:
            values = await self.redis.run(lambda: self.client.mget(list(keys)), what="cache read")
        except RedisUnavailable:
            return {}
        out: dict[str, tuple[float, Any]] = {}
        for key, raw in zip(keys, values, strict=True):
            if raw is None:
                continue
            try:
                envelope = json.loads(raw)
                out[key] = (float(envelope["at"]), self.decode(envelope["v"]))
            except (ValueError, KeyError, TypeError):
                continue  # not an entry of this format (an older writer): a miss, rewritten on the next load
        return out

    async def get_many(self, keys: Sequence[str]) -> dict[str, Any]:
        now = self._clock()
        return {k: v for k, (at, v) in (await self._read(keys)).items() if now - at < self.ttl}

    async def get_stale_many(self, keys: Sequence[str]) -> dict[str, Any]:
        return {k: v for k, (_, v) in (await self._read(keys)).items()}

    async def set_many(self, items: Mapping[str, Any]) -> None:
        if not items:
            return
        now = self._clock()
        keep_ms = int((self.ttl + self.stale_ttl) * 1000)
        entries = {k: json.dumps({"at": now, "v": self.encode(v)}, default=str) for k, v in items.items()}

        async def write() -> None:
            async with self.client.pipeline(transaction=False) as pipe:
                for key, entry in entries.items():
                    pipe.set(key, entry, px=keep_ms)
                await pipe.execute()

        with contextlib.suppress(RedisUnavailable):  # not cached this time: the next read loads it again
            await self.redis.run(write, what="cache write")


@contextlib.asynccontextmanager
async def open_cache(
    url: str | None,
    *,
    ttl: float = 300.0,
    stale_ttl: float = 0.0,
    encode: Callable[[Any], Any] = lambda v: v,
    decode: Callable[[Any], Any] = lambda v: v,
) -> AsyncIterator[Cache]:
    """``None`` or ``"memory"``: an in-process cache; ``redis://...``: a shared one (closed on exit)."""
    if not url or url == "memory":
        yield MemoryCache(ttl=ttl, stale_ttl=stale_ttl)
        return
    client = connect(url)
    try:
        yield RedisCache(client, ttl=ttl, stale_ttl=stale_ttl, encode=encode, decode=decode)
    finally:
        await client.aclose()
