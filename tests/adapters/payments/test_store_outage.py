"""The idempotency store (real PostgreSQL behind a TCP fault proxy) failing around a payment: nothing is sent
that the store has not recorded, and a payment the rail took while the store was away settles once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from adapters.payments.idempotency_pg import PostgresIdempotencyStore
from gateway.sdk.netfaults import FaultProxy, Toxics
from gateway.sdk.sandbox import SandboxServer
from tests.services import postgres_url

from .conftest import HeldAtTheRail, initiate, make_adapter, payment_input, rail_ledger

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(90)]


def _postgres_url() -> str:
    return postgres_url("a PostgreSQL server to put behind the fault proxy")


@pytest.fixture
async def proxied_postgres() -> AsyncIterator[tuple[FaultProxy, str, str]]:
    """(proxy, URL through the proxy, table of this test), the table dropped afterwards."""
    real = urlsplit(_postgres_url())
    table = f"payment_idem_{uuid.uuid4().hex[:12]}"
    async with FaultProxy((real.hostname or "127.0.0.1", real.port or 5432)) as proxy:
        yield proxy, urlunsplit(real._replace(netloc=f"{real.username or 'postgres'}@{proxy.address}")), table
    cleanup = PostgresIdempotencyStore(_postgres_url(), table=table)
    await cleanup.open()
    await cleanup.drop()
    await cleanup.close()


def _error(result: Any) -> tuple[str, str]:
    assert result.errors, result.data
    error = result.errors[0]
    return error.extensions["code"], error.message


async def _settlements(rail: SandboxServer) -> dict[str, int]:
    return dict((await rail_ledger(rail))["settlements"])


async def test_with_the_store_down_nothing_is_sent_and_the_retry_pays_once(
    rail: SandboxServer, tmp_path: Path, proxied_postgres: tuple[FaultProxy, str, str]
) -> None:
    proxy, url, table = proxied_postgres
    adapter = make_adapter(rail.url, tmp_path, idempotency_store=url, idempotency_table=table)
    data = payment_input()
    async with adapter.lifespan():
        before = await _settlements(rail)
        proxy.set(Toxics(down=True))
        code, message = _error(await initiate(adapter, data, "store-down"))
        assert code == "UPSTREAM_UNAVAILABLE"
        assert "idempotency store" in message and "not sent" in message
        assert await _settlements(rail) == before  # the rail never saw it
        proxy.clear()
        for _ in range(3):  # the pool may hand out a connection the outage broke: the client retries
            result = await initiate(adapter, data, "store-down")
            if result.errors is None:
                break
        assert result.errors is None, result.errors
    uetr = result.data["initiatePayment"]["uetr"]
    after = await _settlements(rail)
    assert after[uetr] == 1 and len(after) == len(before) + 1


async def test_a_payment_sent_while_the_store_went_away_settles_once(
    rail: SandboxServer, tmp_path: Path, proxied_postgres: tuple[FaultProxy, str, str]
) -> None:
    proxy, url, table = proxied_postgres
    adapter = make_adapter(rail.url, tmp_path, idempotency_store=url, idempotency_table=table, idempotency_lease=0.5)
    data = payment_input()
    async with adapter.lifespan():
        before = await _settlements(rail)
        held = rail.faults.app = HeldAtTheRail(rail.faults.app)
        pending = asyncio.create_task(initiate(adapter, data, "store-lost"))
        await held.arrived.wait()  # the claim and the attempt are in, the payment is at the rail
        proxy.set(Toxics(down=True))
        held.release.set()
        code, message = _error(await pending)
        assert code == "UPSTREAM_UNAVAILABLE"
        assert "was sent" in message and "not recorded" in message
        sent = await _settlements(rail)
        assert len(sent) == len(before) + 1  # the rail took it
        proxy.clear()
        await asyncio.sleep(0.6)  # the row's lease runs out
        for _ in range(3):
            result = await initiate(adapter, data, "store-lost")
            if result.errors is None:
                break
        assert result.errors is None, result.errors
    uetr = result.data["initiatePayment"]["uetr"]
    assert (await _settlements(rail)) == sent  # no second payment: the rail was asked, not paid again
    assert sent[uetr] == 1


async def test_abandoned_keys_are_listed_and_taken_over_once_on_postgres(
    proxied_postgres: tuple[FaultProxy, str, str],
) -> None:
    """The resolver's two store calls on the real server: rows past their lease, and an atomic take-over."""
    import datetime as dt

    _, url, table = proxied_postgres
    now = [1000.0]
    store = PostgresIdempotencyStore(url, table=table, lease=60.0, clock=lambda: now[0])
    await store.open()
    try:
        created = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
        for key in ("old", "new"):
            await store.claim(
                client_id="AG-1:ann", key=key, fingerprint="f", msg_id=f"M{key}", uetr=key, created_at=created
            )
            now[0] += 30
        await store.complete("AG-1:ann", "new", {"uetr": "new"})
        assert await store.abandoned() == []  # nothing past its lease yet
        now[0] += 45  # "old" is 75 s old, past its 60 s lease; "new" is completed
        (old,) = await store.abandoned()
        assert old.key == "old" and old.status == "in_progress"
        assert await store.take_over(old) is True
        assert await store.take_over(old) is False  # a second replica (or retrying client) loses the race
        assert await store.abandoned() == []  # its lease was renewed
    finally:
        await store.close()
