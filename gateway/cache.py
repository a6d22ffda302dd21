"""TTL caches for slow-changing legacy data (taxpayer registrations, reference data, decoded VINs).

In memory by default (bounded LRU with expiry); Redis when configured, so replicas share entries. Keys always
carry the tenant (:func:`cache_key`), so partner agencies never see each other's entries.

Adapters create a cache in their lifespan with :func:`open_cache` and consult it around their batch loads::

    hits = await cache.get_many(keys)
    missing = [k for k in keys if k not in hits]
    ... load missing from the legacy system ...
    await cache.set_many({k: v for k, v in loaded.items() if v is not None})
"""

from __future__ import annotations

import contextlib
import json
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import Any, Protocol

__all__ = ["Cache", "MemoryCache", "RedisCache", "cache_key", "open_cache"]


def cache_key(namespace: str, tenant: str | None, *parts: str) -> str:
    """``silkgraph:<namespace>:<tenant or ->:<parts>`` — the tenant is always part of the key."""
    return f"silkgraph:{namespace}:{tenant or '-'}:" + "|".join(parts)


class Cache(Protocol):
    async def get_many(self, keys: Sequence[str]) -> dict[str, Any]: ...

    async def set_many(self, items: Mapping[str, Any]) -> None: ...


class MemoryCache:
    """A bounded LRU of values with a time to live; the clock is injectable."""

    def __init__(self, *, ttl: float = 300.0, max_entries: int = 10_000, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    async def get_many(self, keys: Sequence[str]) -> dict[str, Any]:
        now = self._clock()
        found: dict[str, Any] = {}
        for key in keys:
            entry = self._entries.get(key)
            if entry is None or entry[0] <= now:
                self._entries.pop(key, None)
                self.misses += 1
                continue
            self._entries.move_to_end(key)
            found[key] = entry[1]
            self.hits += 1
        return found

    async def set_many(self, items: Mapping[str, Any]) -> None:
        expires = self._clock() + self.ttl
        for key, value in items.items():
            self._entries[key] = (expires, value)
            self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)


class RedisCache:
    """The same contract over Redis (shared by replicas). Values are stored as JSON through ``encode``/``decode``."""

    def __init__(
        self,
        client: Any,
        *,
        ttl: float = 300.0,
        encode: Callable[[Any], Any] = lambda v: v,
        decode: Callable[[Any], Any] = lambda v: v,
    ) -> None:
        self.client = client
        self.ttl = ttl
        self.encode = encode
        self.decode = decode

    async def get_many(self, keys: Sequence[str]) -> dict[str, Any]:
        if not keys:
            return {}
        values = await self.client.mget(list(keys))
        return {k: self.decode(json.loads(v)) for k, v in zip(keys, values, strict=True) if v is not None}

    async def set_many(self, items: Mapping[str, Any]) -> None:
        if not items:
            return
        async with self.client.pipeline(transaction=False) as pipe:
            for key, value in items.items():
                pipe.set(key, json.dumps(self.encode(value), default=str), px=int(self.ttl * 1000))
            await pipe.execute()


@contextlib.asynccontextmanager
async def open_cache(
    url: str | None,
    *,
    ttl: float = 300.0,
    encode: Callable[[Any], Any] = lambda v: v,
    decode: Callable[[Any], Any] = lambda v: v,
) -> AsyncIterator[Cache]:
    """``None`` or ``"memory"``: an in-process cache; ``redis://...``: a shared one (closed on exit)."""
    if not url or url == "memory":
        yield MemoryCache(ttl=ttl)
        return
    import redis.asyncio

    client = redis.asyncio.from_url(url)
    try:
        yield RedisCache(client, ttl=ttl, encode=encode, decode=decode)
    finally:
        await client.aclose()  # type: ignore[attr-defined]
