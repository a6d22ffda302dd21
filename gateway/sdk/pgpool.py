"""PostgreSQL connection pools that a hung server or network cannot wedge.

A PostgreSQL that *fails* is easy: the driver raises. One that *hangs* — packets silently dropped, a server
stopped, a lock never released — is what takes a gateway down: a query waits forever, its connection goes back
to the pool still waiting, the next request takes it, and a connection left at ``BEGIN`` holds its locks. Every
pool the gateway opens (the audit store, the payment idempotency store) is a :class:`BoundedPool`:

* **server-side limits** on every session: ``statement_timeout``, ``lock_timeout`` and
  ``idle_in_transaction_session_timeout`` (the server ends a session left inside a transaction);
* **client-side bounds**: a connect timeout, and one deadline around each whole operation (acquire, queries,
  commit), so a silent network costs an operation ``operation`` seconds at most;
* **a hung connection is discarded, never reused**: when an operation times out, is cancelled or loses its
  connection, the connection is *terminated* (closed without a goodbye) before it goes back to the pool —
  asyncpg would otherwise try to cancel the query and reset the session over the same silent network;
* **health checks**: a connection idle for longer than ``check_after`` is pinged (``SELECT 1`` within
  ``ping``) before use; one that does not answer is terminated and another is taken.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections.abc import AsyncIterator
from typing import Any

import asyncpg

__all__ = ["BoundedPool", "PgTimeouts", "configure"]

#: server answers that leave the session usable: the statement failed, the connection did not
_SESSION_KILLERS = (
    asyncpg.QueryCanceledError,  # statement_timeout (or a cancel from elsewhere): the session may be mid-cancel
    asyncpg.LockNotAvailableError,
    asyncpg.IdleInTransactionSessionTimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.AdminShutdownError,
    asyncpg.CannotConnectNowError,
)


@dataclasses.dataclass(frozen=True, kw_only=True)
class PgTimeouts:
    """Bounds for one pool (seconds). ``operation`` covers acquiring a connection and everything done on it."""

    connect: float = 3.0
    statement: float = 5.0
    lock: float = 2.0
    idle_in_transaction: float = 5.0
    operation: float = 6.0
    check_after: float = 2.0
    ping: float = 1.0

    def server_settings(self) -> dict[str, str]:
        return {
            "statement_timeout": _ms(self.statement),
            "lock_timeout": _ms(self.lock),
            "idle_in_transaction_session_timeout": _ms(self.idle_in_transaction),
        }


def _ms(seconds: float) -> str:
    return str(max(1, int(seconds * 1000)))


_defaults = PgTimeouts()


def configure(timeouts: PgTimeouts) -> None:
    """The bounds of pools opened from now on without their own (the gateway applies ``[stores] postgres_*`` at
    start-up, so an adapter's pool — the payment idempotency store — gets them too)."""
    global _defaults
    _defaults = timeouts


def poisoned(exc: BaseException) -> bool:
    """Whether a connection that raised ``exc`` must not be reused (anything but a plain SQL error)."""
    return not isinstance(exc, asyncpg.PostgresError) or isinstance(exc, _SESSION_KILLERS)


class BoundedPool:
    """An asyncpg pool with the bounds above; use :meth:`connection` or the query helpers."""

    def __init__(self, dsn: str, timeouts: PgTimeouts | None = None, *, min_size: int = 1, max_size: int = 4) -> None:
        self.dsn = dsn
        self.timeouts = timeouts or _defaults
        self._sizes = (min_size, max_size)
        self._pool: asyncpg.Pool | None = None
        self._last_used: dict[int, float] = {}
        #: connections terminated because they hung or broke (``/readyz``, tests)
        self.discarded = 0

    async def open(self) -> None:
        t = self.timeouts
        self._pool = await asyncpg.create_pool(
            self.dsn,
            min_size=self._sizes[0],
            max_size=self._sizes[1],
            timeout=t.connect,
            command_timeout=t.statement + 1.0,  # the server's statement_timeout normally answers first
            server_settings=t.server_settings(),
        )

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        try:  # a polite close is a message and a wait per connection: a hung one is not waited for long
            async with asyncio.timeout(min(self.timeouts.operation, max(1.0, self.timeouts.ping))):
                await pool.close()
        except TimeoutError:
            pool.terminate()

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise ConnectionError("PostgreSQL pool is not open")
        return self._pool

    @contextlib.asynccontextmanager
    async def connection(self) -> AsyncIterator[Any]:
        """A healthy connection for one operation, all of it (acquire included) within ``operation`` seconds."""
        async with asyncio.timeout(self.timeouts.operation):
            conn, pid = await self._healthy()
            discarded = False
            try:
                yield conn
            except BaseException as exc:
                if poisoned(exc):
                    discarded = True
                    self._discard(conn, pid)
                raise
            finally:
                if not discarded:
                    self._last_used[pid] = time.monotonic()
                # a bounded reset: one that hangs terminates the connection (asyncpg) instead of waiting
                await self.pool.release(conn, timeout=self.timeouts.ping)

    async def _healthy(self) -> tuple[Any, int]:
        """Acquire a connection; ping one that sat idle, replacing those that do not answer."""
        pool = self.pool
        for _ in range(self._sizes[1] + 1):
            conn = await pool.acquire()
            pid = conn.get_server_pid()
            idle = time.monotonic() - self._last_used.get(pid, 0.0)
            if idle < self.timeouts.check_after:
                return conn, pid
            try:
                await conn.fetchval("SELECT 1", timeout=self.timeouts.ping)
            except BaseException as exc:
                self._discard(conn, pid)
                await pool.release(conn)
                if isinstance(exc, asyncio.CancelledError):
                    raise
                continue
            return conn, pid
        raise ConnectionError("no PostgreSQL connection answered its health check")

    def _discard(self, conn: Any, pid: int) -> None:
        self._last_used.pop(pid, None)
        try:
            if conn.is_closed():
                return
            conn.terminate()
        except asyncpg.InterfaceError:  # already closed by the driver and detached from the pool
            return
        self.discarded += 1

    # query helpers: one operation each
    async def execute(self, sql: str, *args: Any) -> str:
        async with self.connection() as conn:
            return str(await conn.execute(sql, *args))

    async def fetch(self, sql: str, *args: Any) -> list[Any]:
        async with self.connection() as conn:
            return list(await conn.fetch(sql, *args))

    async def fetchrow(self, sql: str, *args: Any) -> Any:
        async with self.connection() as conn:
            return await conn.fetchrow(sql, *args)

    async def fetchval(self, sql: str, *args: Any) -> Any:
        async with self.connection() as conn:
            return await conn.fetchval(sql, *args)
