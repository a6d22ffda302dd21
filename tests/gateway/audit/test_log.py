"""The running log: group commit, dense numbering, checkpoints, refusal to sign an inconsistent history."""

from __future__ import annotations

import asyncio
import random
import sqlite3
from pathlib import Path

import pytest

from gateway.audit.checkpoint import CheckpointVerifier, CheckpointWriter
from gateway.audit.log import AuditLog, AuditUnavailable
from gateway.audit.merkle import tree_hash
from gateway.audit.sqlite import SqliteStore
from gateway.audit.store import MemoryStore, SearchFilter, entry_for
from tests.gateway.audit.conftest import SIGNER, Attacker, ManualClock, averify, sample, seed


async def test_concurrent_appends_share_transactions_and_stay_dense(tmp_path: Path) -> None:
    log = AuditLog(SqliteStore(str(tmp_path / "a.sqlite3")), signer=SIGNER, checkpoint_every=1000)
    async with log:
        seqs = await asyncio.gather(*(log.append(sample(i)) for i in range(60)))
        assert sorted(seqs) == list(range(60))
        assert log.batches < 60  # group commit: several records per transaction
        assert await log.store.size() == 60


async def test_append_returns_only_after_commit(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite3"
    async with AuditLog(SqliteStore(str(db)), signer=SIGNER) as log:
        seq = await log.append(sample(0, subject="carol"))
        # a separate connection (another reader) already sees the committed row
        other = await asyncio.to_thread(
            lambda: sqlite3.connect(db).execute("SELECT subject FROM audit_event WHERE seq = ?", (seq,)).fetchone()
        )
        assert other == ("carol",)


async def test_the_table_refuses_updates_and_deletes(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite3"
    async with AuditLog(SqliteStore(str(db)), signer=SIGNER) as log:
        await log.append(sample(0))

    def tamper(sql: str) -> str:
        conn = sqlite3.connect(db)
        try:
            conn.execute(sql)
        except sqlite3.DatabaseError as exc:
            return str(exc)
        finally:
            conn.close()
        return "allowed"

    assert await asyncio.to_thread(tamper, "UPDATE audit_event SET subject = 'x'") == "append-only"
    assert await asyncio.to_thread(tamper, "DELETE FROM audit_event") == "append-only"
    assert await asyncio.to_thread(tamper, "DELETE FROM audit_checkpoint") == "append-only"


async def test_checkpoints_are_signed_every_n_records_and_at_shutdown(tmp_path: Path) -> None:
    cps = tmp_path / "cps"
    await seed(tmp_path / "a.sqlite3", 11, cps, every=4)
    published = CheckpointWriter(cps).all()
    verifier = CheckpointVerifier(SIGNER.verifier_key)
    sizes = [verifier.verify(cp.note).size for cp in published]
    assert sizes == [4, 8, 11]  # exactly every 4 records, and the rest at shutdown
    store = SqliteStore(str(tmp_path / "a.sqlite3"))
    await store.open()
    try:
        leaves = await store.leaves(0, 11)
        for cp in published:
            assert cp.root == tree_hash(leaves[: cp.size])
        assert [c.size for c in await store.checkpoints()] == sizes
    finally:
        await store.close()


@pytest.mark.parametrize("seed_value", [1, 2, 3])
async def test_the_cadence_is_exact_whatever_the_batching(tmp_path: Path, seed_value: int) -> None:
    """Group commit batches records arbitrarily; checkpoints still land on every multiple of the cadence."""
    rng = random.Random(seed_value)
    cps = tmp_path / "cps"
    log = AuditLog(
        SqliteStore(str(tmp_path / "a.sqlite3")), signer=SIGNER, publisher=CheckpointWriter(cps), checkpoint_every=7
    )
    async with log:
        done = 0
        while done < 100:
            burst = min(rng.randint(1, 12), 100 - done)
            await asyncio.gather(*(log.append(sample(i)) for i in range(done, done + burst)))
            done += burst
            if rng.random() < 0.3:
                await asyncio.sleep(0)  # let the checkpoint worker run sometimes, and sometimes not
    assert [cp.size for cp in CheckpointWriter(cps).all()] == [*range(7, 100, 7), 100]


async def test_the_timer_signs_what_arrived_within_one_interval(tmp_path: Path) -> None:
    """No record stays unsigned longer than ``checkpoint_interval``: deleting it afterwards is caught."""
    db, cps = tmp_path / "a.sqlite3", tmp_path / "cps"
    clock = ManualClock()
    log = AuditLog(
        SqliteStore(str(db)),
        signer=SIGNER,
        publisher=CheckpointWriter(cps),
        checkpoint_every=256,
        checkpoint_interval=10.0,
        sleep=clock.sleep,
    )
    async with log:
        for i in range(3):
            await log.append(sample(i))
        assert CheckpointWriter(cps).all() == []  # fewer than 256 records: nothing signed yet
        await clock.tick()
        assert [cp.size for cp in CheckpointWriter(cps).all()] == [3]
        await clock.tick()  # nothing new: nothing signed
        assert [cp.size for cp in CheckpointWriter(cps).all()] == [3]
        attacker = Attacker(db)
        attacker.conn.execute("DELETE FROM audit_event WHERE seq >= 1")  # the newest records, while it runs
        attacker.conn.execute("DELETE FROM audit_checkpoint")
        attacker.close()
        report = await averify(db, published=cps)
        assert not report.ok and report.first_bad == 1
        assert {p.kind for p in report.problems} == {"truncated"}
    assert clock.delays and set(clock.delays) == {10.0}


async def test_a_restart_signs_the_cadence_checkpoints_a_crash_left_unsigned(tmp_path: Path) -> None:
    db, cps = tmp_path / "a.sqlite3", tmp_path / "cps"
    store = SqliteStore(str(db))
    await store.open()
    await store.append([entry_for(sample(i)) for i in range(9)])  # committed, then the process died
    await store.close()
    log = AuditLog(SqliteStore(str(db)), signer=SIGNER, publisher=CheckpointWriter(cps), checkpoint_every=4)
    async with log:
        assert [cp.size for cp in CheckpointWriter(cps).all()] == [4, 8]
        assert log.latest is not None and log.latest.size == 8
    assert [cp.size for cp in CheckpointWriter(cps).all()] == [4, 8, 9]  # and the rest at shutdown
    assert (await averify(db, published=cps, every=4)).ok


async def test_a_log_that_contradicts_its_checkpoints_never_signs_again(tmp_path: Path) -> None:
    db, cps = tmp_path / "a.sqlite3", tmp_path / "cps"
    await seed(db, 6, cps)
    attacker = Attacker(db)
    attacker.conn.execute("UPDATE audit_event SET leaf_hash = zeroblob(32) WHERE seq = 1")
    attacker.close()
    log = AuditLog(SqliteStore(str(db)), signer=SIGNER, publisher=CheckpointWriter(cps), checkpoint_every=1)
    async with log:
        await log.append(sample(99))
        assert log.checkpoint_error is not None and "size" in log.checkpoint_error
        assert await log.checkpoint() is None
    assert CheckpointWriter(cps).latest().size == 6  # type: ignore[union-attr]


async def test_a_failing_store_fails_every_waiting_append() -> None:
    class BrokenStore(MemoryStore):
        async def append(self, entries: object) -> list[int]:  # type: ignore[override]
            raise ConnectionError("disk on fire")

    log = AuditLog(BrokenStore(), signer=SIGNER)
    async with log:
        results = await asyncio.gather(*(log.append(sample(i)) for i in range(5)), return_exceptions=True)
        assert all(isinstance(r, AuditUnavailable) for r in results)
        assert log.available is False
        assert "disk on fire" in (log.last_error or "")


async def test_search_by_principal_subgraph_legacy_system_and_time(tmp_path: Path) -> None:
    async with AuditLog(SqliteStore(str(tmp_path / "a.sqlite3")), signer=SIGNER) as log:
        for i in range(12):
            await log.append(sample(i, subject="bob" if i % 4 == 0 else "alice", agency="kz" if i < 6 else None))
        store = log.store
        assert [r.seq for r in await store.search(SearchFilter(subject="bob"))] == [8, 4, 0]
        assert [r.seq for r in await store.search(SearchFilter(agency="kz", service="cargo"))] == [5, 3, 1]
        assert [r.seq for r in await store.search(SearchFilter(legacy_source="cargo-xml", limit=2))] == [11, 9]
        assert [r.seq for r in await store.search(SearchFilter(legacy_source="cargo-xml", before=9))] == [7, 5, 3, 1]
        window = SearchFilter(since="2026-01-01T00:00:03", until="2026-01-01T00:00:05")
        assert [r.seq for r in await store.search(window)] == [4, 3]
        assert await store.search(SearchFilter(service="cargo_")) == []


@pytest.mark.parametrize("store_kind", ["memory", "sqlite"])
async def test_search_by_the_request_id_a_client_quotes(tmp_path: Path, store_kind: str) -> None:
    store = MemoryStore() if store_kind == "memory" else SqliteStore(str(tmp_path / "s.sqlite3"))
    async with AuditLog(store, signer=SIGNER) as log:
        for i in range(12):
            record = {**sample(i), "request_id": f"req-{i}"}
            if i == 5:  # a variable that looks like the id must not count
                record["operation"] = {**record["operation"], "variables": {"request_id": "req-1"}}
            await log.append(record)
        assert [r.seq for r in await store.search(SearchFilter(request_id="req-1"))] == [1]  # not req-10, not 5
        assert [r.seq for r in await store.search(SearchFilter(request_id="req-10", subject="alice"))] == [10]
        assert await store.search(SearchFilter(request_id='req-1"')) == []


@pytest.mark.parametrize("store_kind", ["memory", "sqlite"])
async def test_stores_agree_on_numbering_and_chain(tmp_path: Path, store_kind: str) -> None:
    store = MemoryStore() if store_kind == "memory" else SqliteStore(str(tmp_path / "s.sqlite3"))
    async with AuditLog(store, signer=SIGNER) as log:
        for i in range(5):
            await log.append(sample(i))
        rows = await log.store.rows(0, 5)
        assert [r.seq for r in rows] == list(range(5))
        assert rows[4].record()["trace_id"] == f"{4:032x}"


async def test_an_append_that_hangs_fails_the_operation_closed() -> None:
    from gateway.audit.record import RecordBuilder
    from gateway.audit.redaction import Redactor
    from gateway.audit.trail import AuditTrail
    from gateway.federation.engine import GraphQLRequest
    from gateway.sdk.context import RequestContext
    from tests.gateway.federation.conftest import Graph

    class StuckStore(MemoryStore):  # a database waiting on a lock that is never released
        async def append(self, entries: object) -> list[int]:  # type: ignore[override]
            await asyncio.Event().wait()
            return []

    graph = Graph()
    request = GraphQLRequest(query='{ shipment(awb: "999-12345675") { awb } }')
    result = await graph.graph.execute(request, RequestContext())
    async with AuditLog(StuckStore(), signer=SIGNER) as log:
        trail = AuditTrail(log, RecordBuilder(Redactor(b"k" * 32)), append_timeout=0.05)
        sent = await trail.record(
            context=RequestContext(), request=request, result=result, graph=graph.graph, started=0.0, latency_ms=1.0
        )
        assert sent.status == 503 and sent.data is None
        assert sent.errors[0]["extensions"]["code"] == "AUDIT_UNAVAILABLE"
        assert trail.ready is False
        log._writer.cancel()  # type: ignore[union-attr]  # the stuck append never returns: stop the writer
        log._writer = None
