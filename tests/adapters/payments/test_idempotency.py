"""initiatePayment is exactly-once per (client, idempotency key)."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from pathlib import Path

import pytest

from adapters.payments.idempotency import (
    IdempotencyStore,
    InProgress,
    KeyReused,
    SqliteIdempotencyStore,
    fingerprint,
    open_store,
)
from gateway.sdk.testing import operator
from tests.services import postgres_url

from .conftest import HeldAtTheRail, error_code, initiate, make_adapter, payment_input, rail_ledger

NOW = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)


async def test_same_key_and_input_returns_the_same_payment(adapter, rail):
    data, key = payment_input(), "key-1"
    first = await initiate(adapter, data, key)
    again = await initiate(adapter, data, key)
    assert first.errors is None and again.errors is None
    assert again.data["initiatePayment"]["uetr"] == first.data["initiatePayment"]["uetr"]
    assert again.data["initiatePayment"]["msgId"] == first.data["initiatePayment"]["msgId"]
    assert again.data["initiatePayment"]["status"] == "ACSC"  # the replay shows the payment as it is now
    ledger = await rail_ledger(rail)
    assert ledger["calls"]["pacs.008.001.08"] == 1
    assert ledger["settlements"][first.data["initiatePayment"]["uetr"]] == 1


async def test_same_key_with_other_input_is_bad_user_input(adapter):
    await initiate(adapter, payment_input(), "key-2")
    reused = await initiate(adapter, payment_input(amount={"amount": "1.00", "currency": "CNY"}), "key-2")
    assert error_code(reused) == "BAD_USER_INPUT"
    assert reused.errors[0].original_error.extensions == {"field": "idempotencyKey", "reason": "IDEMPOTENCY_KEY_REUSED"}


async def test_keys_are_scoped_per_client(adapter):
    data = payment_input()
    mine = await initiate(adapter, data, "shared-key", who=operator("alice"))
    theirs = await initiate(adapter, data, "shared-key", who=operator("bob"))
    assert mine.data["initiatePayment"]["uetr"] != theirs.data["initiatePayment"]["uetr"]


async def test_concurrent_duplicate_in_progress_is_conflict(adapter, rail):
    # The first payment waits at the rail, so the duplicate arrives while the key is in progress.
    held = rail.faults.app = HeldAtTheRail(rail.faults.app)
    data = payment_input()
    pending = asyncio.create_task(initiate(adapter, data, "busy"))
    await held.arrived.wait()
    duplicate = await initiate(adapter, data, "busy")
    held.release.set()
    first = await pending
    assert error_code(duplicate) == "CONFLICT"
    assert first.errors is None
    after = await initiate(adapter, data, "busy")  # once finished, the key replays the payment
    assert after.data["initiatePayment"]["uetr"] == first.data["initiatePayment"]["uetr"]


async def test_replay_survives_an_adapter_restart(rail, tmp_path):
    data, key = payment_input(), "restart-key"
    first = make_adapter(rail.url, tmp_path)
    async with first.lifespan():
        created = (await initiate(first, data, key)).data["initiatePayment"]
    second = make_adapter(rail.url, tmp_path)
    async with second.lifespan():
        replay = await initiate(second, data, key)
    assert replay.data["initiatePayment"]["uetr"] == created["uetr"]
    assert (await rail_ledger(rail))["calls"]["pacs.008.001.08"] == 1


# -- the store itself, on SQLite and on a real PostgreSQL server --------------------------------------------


async def _store_contract(store: IdempotencyStore) -> None:
    fp = fingerprint({"amount": "1.00"})
    claim = dict(client_id="c", key="k", fingerprint=fp, msg_id="M1", uetr="u1", created_at=NOW)
    first = await store.claim(**claim)
    assert (first.status, first.msg_id, first.uetr, first.attempts) == ("in_progress", "M1", "u1", 0)
    with pytest.raises(InProgress):
        await store.claim(**{**claim, "msg_id": "M2", "uetr": "u2"})
    with pytest.raises(KeyReused):
        await store.claim(**{**claim, "fingerprint": fingerprint({"amount": "2.00"})})
    await store.record_attempt("c", "k")
    await store.fail("c", "k", "UPSTREAM_TIMEOUT: lost")
    retry = await store.claim(**{**claim, "msg_id": "M3", "uetr": "u3"})
    assert (retry.status, retry.msg_id, retry.uetr, retry.attempts) == ("in_progress", "M1", "u1", 1)
    await store.complete("c", "k", {"uetr": "u1", "status": "ACTC"})
    replay = await store.claim(**{**claim, "msg_id": "M4", "uetr": "u4"})
    assert replay.replay and replay.uetr == "u1" and replay.response == {"status": "ACTC", "uetr": "u1"}
    assert replay.created_at == NOW


async def test_sqlite_store_follows_the_idempotency_rules(tmp_path: Path):
    store = SqliteIdempotencyStore(str(tmp_path / "idem.sqlite3"))
    await store.open()
    try:
        await _store_contract(store)
    finally:
        await store.close()


async def test_abandoned_in_progress_key_is_taken_over_after_its_lease(tmp_path: Path):
    clock = iter([100.0, 200.0])
    store = SqliteIdempotencyStore(str(tmp_path / "idem.sqlite3"), lease=30, clock=lambda: next(clock))
    await store.open()
    try:
        claim = dict(client_id="c", key="k", fingerprint="f", msg_id="M1", uetr="u1", created_at=NOW)
        await store.claim(**claim)
        taken = await store.claim(**{**claim, "msg_id": "M2"})
        assert (taken.status, taken.msg_id) == ("in_progress", "M1")
    finally:
        await store.close()


def _postgres_url() -> str:
    return postgres_url("a PostgreSQL server for the idempotency store")


@pytest.mark.postgres
async def test_postgres_store_follows_the_idempotency_rules():
    from adapters.payments.idempotency_pg import PostgresIdempotencyStore

    store = open_store(_postgres_url(), table=f"payment_idem_{uuid.uuid4().hex[:12]}")
    assert isinstance(store, PostgresIdempotencyStore)
    await store.open()
    try:
        await _store_contract(store)
    finally:
        await store.drop()
        await store.close()


@pytest.mark.postgres
async def test_replicas_opening_the_postgres_store_at_once_all_start():
    """Eight stores creating one new table at the same moment: none fails on the DDL race."""
    import asyncio

    from adapters.payments.idempotency_pg import PostgresIdempotencyStore

    table = f"payment_idem_{uuid.uuid4().hex[:12]}"
    stores = [PostgresIdempotencyStore(_postgres_url(), table=table) for _ in range(8)]
    try:
        results = await asyncio.gather(*(s.open() for s in stores), return_exceptions=True)
        assert [r for r in results if isinstance(r, BaseException)] == []
    finally:
        await stores[0].drop()
        for s in stores:
            await s.close()


@pytest.mark.postgres
async def test_initiate_payment_is_idempotent_on_postgres(rail, tmp_path):
    from adapters.payments.idempotency_pg import PostgresIdempotencyStore

    table = f"payment_idem_{uuid.uuid4().hex[:12]}"
    payments = make_adapter(rail.url, tmp_path, idempotency_store=_postgres_url(), idempotency_table=table)
    data = payment_input()
    try:
        async with payments.lifespan():
            first = await initiate(payments, data, "pg-key")
            again = await initiate(payments, data, "pg-key")
            other = await initiate(payments, payment_input(), "pg-key")
    finally:
        cleanup = PostgresIdempotencyStore(_postgres_url(), table=table)
        await cleanup.open()
        await cleanup.drop()
        await cleanup.close()
    assert first.errors is None, first.errors
    assert again.data["initiatePayment"]["uetr"] == first.data["initiatePayment"]["uetr"]
    assert error_code(other) == "BAD_USER_INPUT"
    assert (await rail_ledger(rail))["settlements"][first.data["initiatePayment"]["uetr"]] == 1


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:///var/idem.sqlite3", "var/idem.sqlite3"),
        ("sqlite:////srv/idem.sqlite3", "/srv/idem.sqlite3"),
        ("sqlite://:memory:", ":memory:"),
        ("idem.sqlite3", "idem.sqlite3"),
    ],
)
def test_sqlite_urls_follow_the_usual_convention(url, path):
    store = open_store(url)
    assert isinstance(store, SqliteIdempotencyStore)
    assert store.path == path


def test_unknown_store_scheme_is_refused():
    with pytest.raises(ValueError, match="postgresql"):
        open_store("mysql://db/payments")
