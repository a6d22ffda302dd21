"""Exactly-once settlement when the connection dies at every step of initiatePayment.

The rail's ledger counts settlements per UETR; whatever fault hits the pacs.008 send or the pacs.028 inquiry
that follows it, and however often the client retries with its idempotency key, each payment settles once and
the graph shows one Payment for it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
from pathlib import Path
from typing import Any

import pytest

from gateway.sdk.netfaults import FaultProxy, Toxics
from gateway.sdk.sandbox import FaultConfig, SandboxServer
from gateway.sdk.testing import execute, operator

from .conftest import initiate, make_adapter, payment, payment_input, rail_ledger

SEND = "/iso20022/messages/pacs.008"
INQUIRY = "/iso20022/messages/pacs.028"
#: seconds a "timeout" fault holds the reply: far beyond the impatient client's total_timeout (0.5 s)
HANG = 60.0
#: client-visible failures the chaos test's storm lasts for
STORM = 10

FAULTS = {
    "reset after the rail accepted": FaultConfig(reset_after_rate=1.0, paths=(SEND,)),
    # the rail holds its reply far longer than the client waits (HANG), so the client always times out
    "timeout after the rail accepted": FaultConfig(timeout_after_rate=1.0, timeout_s=HANG, paths=(SEND,)),
    "truncated reply": FaultConfig(truncate_rate=1.0, paths=(SEND,)),
    "garbled reply": FaultConfig(malformed_rate=1.0, paths=(SEND,)),
    "503 before the rail saw it": FaultConfig(error_rate=1.0, paths=(SEND,)),
    "reset before the rail saw it": FaultConfig(reset_rate=1.0, paths=(SEND,)),
    "reply and inquiry both lost": FaultConfig(reset_after_rate=1.0, paths=(SEND, INQUIRY)),
    "reply lost, inquiry times out": FaultConfig(timeout_after_rate=1.0, timeout_s=HANG, paths=(SEND, INQUIRY)),
}


async def _payments_with_e2e(adapter: Any, e2e: str) -> list[dict[str, Any]]:
    query = "query($f: PaymentFilter) { payments(filter: $f) { uetr status } }"
    result = await execute(adapter, query, {"f": {"endToEndId": e2e}}, who=operator())
    assert result.errors is None, result.errors
    return list(result.data["payments"])


async def _faulty_attempt(
    rail: SandboxServer, tmp_path: Path, data: dict[str, Any], key: str, fault: FaultConfig
) -> Any:
    """The first call, through the fault, by an impatient client (0.3 s read, 0.5 s in all)."""
    impatient = make_adapter(rail.url, tmp_path)
    impatient.settings = dataclasses.replace(impatient.settings, read_timeout=0.3, total_timeout=0.5)
    rail.faults.reconfigure(fault)
    try:
        async with impatient.lifespan():
            return await initiate(impatient, data, key)
    finally:
        rail.faults.reconfigure(FaultConfig())


@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
async def test_payment_settles_exactly_once_whatever_the_fault(rail, tmp_path: Path, fault: FaultConfig):
    """The client calls through the fault, then — the rail healthy again — retries with its key from a fresh
    gateway process (the idempotency store is the one on disk) with ordinary timeouts: no wall-clock race
    decides the outcome, however loaded the machine."""
    data = payment_input()
    first = await _faulty_attempt(rail, tmp_path, data, "eo-key", fault)
    if first.errors is not None:
        code = first.errors[0].original_error.code
        assert code in {"UPSTREAM_UNAVAILABLE", "UPSTREAM_TIMEOUT", "UPSTREAM_FAULT", "UPSTREAM_PROTOCOL_ERROR"}
    adapter = make_adapter(rail.url, tmp_path)
    async with adapter.lifespan():
        result = first if first.errors is None else await initiate(adapter, data, "eo-key")
        assert result.errors is None, result.errors
        created = result.data["initiatePayment"]
        assert created["status"] in {"ACTC", "ACCP", "ACSP", "ACSC"}
        final = await payment(adapter, created["uetr"])
        assert final["status"] == "ACSC"
        assert await _payments_with_e2e(adapter, data["endToEndId"]) == [{"uetr": created["uetr"], "status": "ACSC"}]
        replay = await initiate(adapter, data, "eo-key")
        assert replay.data["initiatePayment"]["uetr"] == created["uetr"]
    ledger = await rail_ledger(rail)
    assert ledger["settlements"][created["uetr"]] == 1


async def test_resend_after_a_lost_reply_is_answered_by_the_rail_duplicate_check(rail, tmp_path: Path):
    """With inquiries failing too, a resend carries the same MsgId/UETR: the rail replays its first answer."""
    adapter = make_adapter(rail.url, tmp_path, max_sends=1)
    data = payment_input()
    async with adapter.lifespan():
        rail.faults.reconfigure(FaultConfig(reset_after_rate=1.0, paths=(SEND,)))
        lost = await initiate(adapter, data, "dup-key")
        assert lost.errors[0].original_error.code == "UPSTREAM_UNAVAILABLE"
        rail.faults.reconfigure(FaultConfig())
        found = await initiate(adapter, data, "dup-key")
    ledger = await rail_ledger(rail)
    uetr = found.data["initiatePayment"]["uetr"]
    assert ledger["settlements"][uetr] == 1
    assert ledger["calls"]["pacs.008.001.08"] == 1  # the retry asked (pacs.028) instead of resending


async def test_many_payments_under_random_resets_each_settle_once(rail, tmp_path: Path):
    adapter = make_adapter(rail.url, tmp_path)
    flaky = FaultConfig(reset_after_rate=0.4, reset_rate=0.2, paths=(SEND, INQUIRY), seed=7)
    uetrs = []
    async with adapter.lifespan():
        for n in range(6):
            data = payment_input(amount={"amount": f"{100 + n}.00", "currency": "CNY"})
            for attempt in range(10):
                rail.faults.reconfigure(dataclasses.replace(flaky, seed=flaky.seed + n * 31 + attempt))
                result = await initiate(adapter, data, f"soak-{n}")
                if result.errors is None:
                    uetrs.append(result.data["initiatePayment"]["uetr"])
                    break
            else:
                pytest.fail(f"payment {n} never completed")
        rail.faults.reconfigure(FaultConfig())
        for uetr in uetrs:
            assert (await payment(adapter, uetr))["status"] == "ACSC"
    settlements = (await rail_ledger(rail))["settlements"]
    assert len(set(uetrs)) == 6
    assert all(settlements[u] == 1 for u in uetrs)


async def test_concurrent_payments_over_a_chaotic_network_each_settle_once(rail, tmp_path: Path):
    """Eight clients make three payments each at once, retrying each with its key, while the
    network to the rail is reset, cut short, silenced and slowed at random (a TCP fault proxy, switched every
    15 ms) until the clients have met ten failures: every payment settles exactly once and every client ends with
    its own payments. The storm ends on a count, not a clock, so a loaded machine gets the same weather."""
    chaos = [
        Toxics(),
        Toxics(reset_ms=0),
        Toxics(limit_bytes=300),
        Toxics(limit_bytes=120, direction="upstream"),
        Toxics(timeout_ms=150),
        Toxics(latency_ms=60, jitter_ms=30),
        Toxics(slicer_bytes=50, slicer_delay_ms=1),
    ]
    rng = random.Random(20261128)
    failed: list[str] = []
    async with FaultProxy((rail.host, rail.port)) as proxy:
        # the breaker opens under this weather, as it should; a short pause lets the clients keep at it
        adapter = make_adapter(f"http://{proxy.address}", tmp_path, breaker_reset=0.1)
        adapter.settings = dataclasses.replace(adapter.settings, read_timeout=0.5, total_timeout=1.0)
        stop = asyncio.Event()

        async def weather() -> None:
            # storm until the clients have met it STORM times (however slow the machine), then calm
            while not stop.is_set() and len(failed) < STORM:
                proxy.set(rng.choice(chaos))
                await asyncio.sleep(0.015)
            proxy.clear()

        async def client(n: int) -> list[str]:
            uetrs = []
            for k in range(3):
                data = payment_input(amount={"amount": f"{300 + 10 * n + k}.00", "currency": "CNY"})
                for _ in range(300):
                    result = await initiate(adapter, data, f"chaos-{n}-{k}")
                    if result.errors is None:
                        uetrs.append(str(result.data["initiatePayment"]["uetr"]))
                        break
                    code = result.errors[0].extensions["code"]
                    last = result.errors[0].message
                    # CONFLICT: its own earlier attempt still holds the key
                    assert code in {
                        "UPSTREAM_UNAVAILABLE",
                        "UPSTREAM_TIMEOUT",
                        "UPSTREAM_PROTOCOL_ERROR",
                        "CONFLICT",
                    }, result.errors
                    failed.append(code)
                    await asyncio.sleep(0.02)
                else:
                    raise AssertionError(f"payment {n}-{k} never completed: {last}")
            return uetrs

        async with adapter.lifespan():
            storm = asyncio.create_task(weather())
            try:
                uetrs = [u for batch in await asyncio.gather(*(client(n) for n in range(8))) for u in batch]
            finally:
                stop.set()
                await storm
                proxy.clear()
            reused = await initiate(adapter, payment_input(), "chaos-0-0")  # the key, with another input
            assert reused.errors and reused.errors[0].extensions["code"] == "BAD_USER_INPUT"
    settlements = (await rail_ledger(rail))["settlements"]
    assert len(failed) >= STORM, f"the chaos hardly reached the payments: {failed}"
    assert len(set(uetrs)) == 24
    assert all(settlements[u] == 1 for u in uetrs), {u: settlements.get(u) for u in uetrs}
