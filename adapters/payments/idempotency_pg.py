"""The payment idempotency store on PostgreSQL (asyncpg): for gateways running as several replicas."""

from __future__ import annotations

import re
import zlib
from typing import Any

import asyncpg

from adapters.payments.idempotency import SqlIdempotencyStore, StoreUnavailable
from gateway.sdk.pgpool import BoundedPool, PgTimeouts

__all__ = ["PostgresIdempotencyStore"]

_PLACEHOLDER = re.compile(r"\?")


def _numbered(sql: str) -> str:
    counter = iter(range(1, 1000))
    return _PLACEHOLDER.sub(lambda _: f"${next(counter)}", sql)


#: the server is down, the connection was lost, or it did not answer in time (not: a constraint or SQL error)
_UNREACHABLE = (
    OSError,
    TimeoutError,
    asyncpg.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.QueryCanceledError,  # statement_timeout
    asyncpg.LockNotAvailableError,  # lock_timeout
    asyncpg.IdleInTransactionSessionTimeoutError,
)


def _reason(exc: BaseException) -> str:
    return f"postgresql: {type(exc).__name__}: {exc}" if str(exc) else f"postgresql: {type(exc).__name__}"


class PostgresIdempotencyStore(SqlIdempotencyStore):
    """Bounded waits (:class:`~gateway.sdk.pgpool.BoundedPool`): a PostgreSQL that stops answering costs a payment
    one operation timeout, its hung connection is terminated, never reused."""

    def __init__(self, url: str, *, timeouts: PgTimeouts | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url = url
        self.timeouts = timeouts
        self._pool: BoundedPool | None = None

    async def open(self) -> None:
        pool = BoundedPool(self.url, self.timeouts, min_size=1, max_size=5)
        await pool.open()
        self._pool = pool
        # replicas starting at once would race on CREATE TABLE IF NOT EXISTS (a unique violation in pg_type):
        # creation is serialised by an advisory lock keyed by the table
        async with pool.connection() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", zlib.crc32(f"silkgraph.idem.{self.table}".encode()))
            await conn.execute(self._ddl())

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    @property
    def pool(self) -> BoundedPool:
        if self._pool is None:
            raise RuntimeError("idempotency store is not open (use the adapter's lifespan)")
        return self._pool

    async def _execute(self, sql: str, *args: Any) -> int:
        try:
            status = await self.pool.execute(_numbered(sql), *args)
        except _UNREACHABLE as exc:
            raise StoreUnavailable(_reason(exc)) from exc
        return int(str(status).rsplit(" ", 1)[-1])

    async def _fetchrow(self, sql: str, *args: Any) -> tuple[Any, ...] | None:
        try:
            row = await self.pool.fetchrow(_numbered(sql), *args)
        except _UNREACHABLE as exc:
            raise StoreUnavailable(_reason(exc)) from exc
        return tuple(row) if row is not None else None

    async def _fetchall(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        try:
            rows = await self.pool.fetch(_numbered(sql), *args)
        except _UNREACHABLE as exc:
            raise StoreUnavailable(_reason(exc)) from exc
        return [tuple(row) for row in rows]

    async def drop(self) -> None:
        """Drop the table (tests use one table per run)."""
        await self.pool.execute(f"DROP TABLE IF EXISTS {self.table}")
