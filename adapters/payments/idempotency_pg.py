"""The payment idempotency store on PostgreSQL (asyncpg): for gateways running as several replicas."""

from __future__ import annotations

import re
import zlib
from typing import Any

import asyncpg

from adapters.payments.idempotency import SqlIdempotencyStore

__all__ = ["PostgresIdempotencyStore"]

_PLACEHOLDER = re.compile(r"\?")


def _numbered(sql: str) -> str:
    counter = iter(range(1, 1000))
    return _PLACEHOLDER.sub(lambda _: f"${next(counter)}", sql)


class PostgresIdempotencyStore(SqlIdempotencyStore):
    def __init__(self, url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url = url
        self._pool: asyncpg.Pool | None = None

    async def open(self) -> None:
        self._pool = await asyncpg.create_pool(self.url, min_size=1, max_size=5)
        # replicas starting at once would race on CREATE TABLE IF NOT EXISTS (a unique violation in pg_type):
        # creation is serialised by an advisory lock keyed by the table
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", zlib.crc32(f"silkgraph.idem.{self.table}".encode()))
            await conn.execute(self._ddl())

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("idempotency store is not open (use the adapter's lifespan)")
        return self._pool

    async def _execute(self, sql: str, *args: Any) -> int:
        status = await self.pool.execute(_numbered(sql), *args)
        return int(str(status).rsplit(" ", 1)[-1])

    async def _fetchrow(self, sql: str, *args: Any) -> tuple[Any, ...] | None:
        row = await self.pool.fetchrow(_numbered(sql), *args)
        return tuple(row) if row is not None else None

    async def drop(self) -> None:
        """Drop the table (tests use one table per run)."""
        await self.pool.execute(f"DROP TABLE IF EXISTS {self.table}")
