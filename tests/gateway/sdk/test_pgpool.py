"""Bounded PostgreSQL pools against the real server behind the TCP fault proxy: a hang costs one operation
timeout, the hung connection is terminated (never handed out again), and the pool recovers on its own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from gateway.sdk.netfaults import FaultProxy, Toxics
from gateway.sdk.pgpool import BoundedPool, PgTimeouts
from tests.services import postgres_url

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(60)]

SHORT = PgTimeouts(connect=0.5, statement=0.3, lock=0.2, idle_in_transaction=0.5, operation=0.6, check_after=60)


@pytest.fixture
async def proxied() -> AsyncIterator[tuple[FaultProxy, str]]:
    real = urlsplit(postgres_url("a PostgreSQL server to put behind the fault proxy"))
    async with FaultProxy((real.hostname or "127.0.0.1", real.port or 5432)) as proxy:
        yield proxy, urlunsplit(real._replace(netloc=f"{real.username or 'postgres'}@{proxy.address}"))


async def test_every_session_carries_the_server_side_limits(proxied: tuple[FaultProxy, str]) -> None:
    _, url = proxied
    pool = BoundedPool(url, SHORT)
    await pool.open()
    try:
        assert await pool.fetchval("SHOW statement_timeout") == "300ms"
        assert await pool.fetchval("SHOW lock_timeout") == "200ms"
        assert await pool.fetchval("SHOW idle_in_transaction_session_timeout") == "500ms"
        with pytest.raises(asyncpg.QueryCanceledError):  # the server ends a statement past its limit
            await pool.fetchval("SELECT pg_sleep(2)")
        assert pool.discarded == 1  # and a connection whose statement was cancelled is not reused
        assert await pool.fetchval("SELECT 1") == 1
    finally:
        await pool.close()


async def test_a_hung_connection_is_terminated_and_never_reused(proxied: tuple[FaultProxy, str]) -> None:
    proxy, url = proxied
    pool = BoundedPool(url, SHORT, min_size=1, max_size=1)
    await pool.open()
    try:
        before = await pool.fetchval("SELECT pg_backend_pid()")
        proxy.set(Toxics(timeout_ms=0, direction="both"))  # packets vanish, the connection stays open
        for _ in range(3):  # each operation costs its timeout once, nothing stacks or wedges
            with pytest.raises(TimeoutError):
                await pool.fetchval("SELECT 1")
        assert pool.discarded >= 1
        proxy.clear()
        after = await pool.fetchval("SELECT pg_backend_pid()")
        assert after != before  # a new session: the hung one was thrown away
        async with pool.connection() as conn:  # and the pool (of one) is whole again
            assert await conn.fetchval("SELECT 2") == 2
    finally:
        await pool.close()


async def test_an_idle_connection_that_stopped_answering_is_replaced_before_use(
    proxied: tuple[FaultProxy, str],
) -> None:
    proxy, url = proxied
    pool = BoundedPool(url, PgTimeouts(connect=0.5, operation=2.0, check_after=0.0, ping=0.2), max_size=2)
    await pool.open()
    try:
        before = await pool.fetchval("SELECT pg_backend_pid()")
        proxy.set(Toxics(down=True))  # open connections are reset, as a restarted server's would be
        proxy.clear()
        after = await pool.fetchval("SELECT pg_backend_pid()")  # the health check found the dead one
        assert after != before
    finally:
        await pool.close()


async def test_close_does_not_wait_for_a_hung_connection(proxied: tuple[FaultProxy, str]) -> None:
    proxy, url = proxied
    pool = BoundedPool(url, SHORT)
    await pool.open()
    await pool.fetchval("SELECT 1")
    proxy.set(Toxics(timeout_ms=0, direction="both"))
    await pool.close()  # bounded by the operation timeout, then terminated
    assert pool._pool is None


def test_the_gateway_settings_reach_pools_opened_without_their_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """[stores] postgres_* apply to every pool, an adapter's (the payment idempotency store) included."""
    from gateway import redis_store
    from gateway.app import create_app
    from gateway.config import load_settings
    from gateway.sdk import pgpool

    monkeypatch.setattr(pgpool, "_defaults", pgpool._defaults)
    for name in ("CONNECT_TIMEOUT", "READ_TIMEOUT", "GUARD"):
        monkeypatch.setattr(redis_store, name, getattr(redis_store, name))
    settings = load_settings(
        None,
        overrides={"audit.store": "memory", "stores.postgres_statement_timeout": 1.5, "stores.redis_timeout": 0.05},
    )
    create_app(settings)
    assert BoundedPool("postgresql://unused").timeouts.statement == 1.5
    assert BoundedPool("postgresql://unused").timeouts == settings.stores.postgres
    assert redis_store.READ_TIMEOUT == 0.05
