"""Abandoned payment keys are resolved in the background after their lease, by asking the rail (pacs.028) as a
client retry would: a payment the rail took is recorded completed, one it never got is failed (a retry sends
it), one never sent is failed without asking. Workers "die" here by hanging at a chosen step and being
cancelled; the lease runs out on an injected clock."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from adapters.payments import PaymentsAdapter
from adapters.payments.idempotency import IdempotencyRecord
from gateway.sdk.sandbox import SandboxServer

from .conftest import initiate, make_adapter, payment_input, rail_ledger

KEY = "resolver-key"


async def _die_at(adapter: PaymentsAdapter, target: Any, name: str, data: dict[str, Any]) -> None:
    """Run a payment until ``target.name`` is called, then let the worker hang there and kill it."""
    reached = asyncio.Event()

    async def hang(*args: Any, **kwargs: Any) -> Any:
        reached.set()
        await asyncio.Event().wait()

    original: Callable[..., Awaitable[Any]] = getattr(target, name)
    setattr(target, name, hang)
    worker = asyncio.create_task(initiate(adapter, data, KEY))
    try:
        await reached.wait()
    finally:
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)
        setattr(target, name, original)


async def _row(adapter: PaymentsAdapter) -> IdempotencyRecord:
    store = adapter._store
    assert store is not None
    rows = await store._fetchall(  # type: ignore[attr-defined]
        f"SELECT client_id FROM {store.table} WHERE idem_key = ?",  # type: ignore[attr-defined]
        KEY,
    )
    record = await store._row(rows[0][0], KEY)  # type: ignore[attr-defined]
    assert record is not None
    return record


def _lease_over(adapter: PaymentsAdapter) -> None:
    assert adapter._store is not None
    adapter._store.clock = lambda: time.time() + 3600  # type: ignore[attr-defined]


async def _pacs(rail: SandboxServer, kind: str) -> int:
    """How many messages of a kind the rail received (pacs.008.001.08, pacs.028.001.05, …)."""
    calls = (await rail_ledger(rail))["calls"]
    return sum(n for k, n in calls.items() if k.startswith(kind) and k[len(kind) :].startswith(".001"))


@pytest.fixture
async def adapter(rail: SandboxServer, tmp_path: Path) -> Any:
    # the background round never comes by itself in these tests: they run it, after moving the clock
    payments = make_adapter(rail.url, tmp_path, idempotency_resolve_interval=3600)
    async with payments.lifespan():
        yield payments


async def test_a_payment_the_rail_took_is_recorded_completed_and_replayed(
    adapter: PaymentsAdapter, rail: SandboxServer
) -> None:
    data = payment_input()
    await _die_at(adapter, adapter._store, "complete", data)  # sent; the outcome never recorded
    assert (await _row(adapter)).status == "in_progress"
    assert adapter.resolver is not None
    assert await adapter.resolver.run_once() == 0  # within its lease: not touched
    _lease_over(adapter)
    assert await adapter.resolver.run_once() == 1
    row = await _row(adapter)
    assert row.status == "completed" and row.response is not None and row.response["uetr"] == row.uetr
    result = await initiate(adapter, data, KEY)  # the client's retry: the same payment, not another
    assert result.errors is None, result.errors
    assert result.data["initiatePayment"]["uetr"] == row.uetr
    assert await _pacs(rail, "pacs.008") == 1
    assert (await rail_ledger(rail))["settlements"][row.uetr] == 1


async def test_a_payment_the_rail_never_got_is_failed_and_a_retry_sends_it_once(
    adapter: PaymentsAdapter, rail: SandboxServer
) -> None:
    data = payment_input()
    assert adapter._client is not None
    await _die_at(adapter, adapter._client, "send_credit_transfer", data)  # attempt recorded, nothing sent
    assert (await _row(adapter)).attempts == 1
    _lease_over(adapter)
    assert adapter.resolver is not None
    assert await adapter.resolver.run_once() == 1
    row = await _row(adapter)
    assert row.status == "failed" and "never received" in (row.error or "")
    assert await _pacs(rail, "pacs.028") == 1
    result = await initiate(adapter, data, KEY)
    assert result.errors is None, result.errors
    assert result.data["initiatePayment"]["uetr"] == row.uetr  # the same message, first sent now
    assert await _pacs(rail, "pacs.008") == 1


async def test_a_key_never_sent_is_failed_without_asking_the_rail(
    adapter: PaymentsAdapter, rail: SandboxServer
) -> None:
    await _die_at(adapter, adapter._store, "record_attempt", payment_input())
    assert (await _row(adapter)).attempts == 0
    _lease_over(adapter)
    assert adapter.resolver is not None
    assert await adapter.resolver.run_once() == 1
    assert (await _row(adapter)).status == "failed"
    assert await _pacs(rail, "pacs.028") == 0 and await _pacs(rail, "pacs.008") == 0


async def test_the_background_round_runs_by_itself(rail: SandboxServer, tmp_path: Path) -> None:
    payments = make_adapter(rail.url, tmp_path, idempotency_lease=0.05, idempotency_resolve_interval=0.05)
    async with payments.lifespan():
        await _die_at(payments, payments._store, "complete", payment_input())
        for _ in range(200):  # wait for the condition (no time is asserted)
            if (await _row(payments)).status == "completed":
                break
            await asyncio.sleep(0.05)
        assert (await _row(payments)).status == "completed"
        assert payments.resolver is not None and payments.resolver.completed == 1
