"""PostgreSQL store against a real server: several gateway processes keep one dense, consistent log."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gateway.audit.checkpoint import CheckpointVerifier, CheckpointWriter
from gateway.audit.log import AuditLog
from gateway.audit.postgres import PostgresStore
from gateway.audit.store import SearchFilter
from gateway.audit.verify import verify_log
from tests.gateway.audit.conftest import SIGNER, sample
from tests.services import postgres_url

pytestmark = pytest.mark.postgres
REPO = Path(__file__).parents[3]


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    """A fresh schema on the test server (``?schema=`` in the store URL), dropped afterwards."""
    url = postgres_url("a PostgreSQL server for the audit store tests")
    import asyncpg

    schema = f"audit_t{uuid.uuid4().hex[:12]}"
    yield f"{url}{'&' if '?' in url else '?'}schema={schema}"
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    finally:
        await conn.close()


async def test_search_by_request_id_matches_the_records_own_id(pg_url: str) -> None:
    async with AuditLog(PostgresStore.from_url(pg_url), signer=SIGNER) as log:
        for i in range(12):
            await log.append({**sample(i), "request_id": f"req-{i}"})
        await log.append({**sample(12), "operation": {"type": "query", "variables": {"request_id": "req-1"}}})
        assert [r.seq for r in await log.store.search(SearchFilter(request_id="req-1"))] == [1]
        assert [r.seq for r in await log.store.search(SearchFilter(request_id="req-11"))] == [11]


async def test_appends_verify_and_the_table_is_append_only(pg_url: str) -> None:
    import asyncpg

    log = AuditLog(PostgresStore.from_url(pg_url), signer=SIGNER, checkpoint_every=5)
    async with log:
        seqs = await asyncio.gather(*(log.append(sample(i, subject="bob" if i % 3 else "ann")) for i in range(20)))
        assert sorted(seqs) == list(range(20))
        assert [r.seq for r in await log.store.search(SearchFilter(subject="ann", service="cargo"))] == [15, 9, 3]
        await log.store.ping()
    store = PostgresStore.from_url(pg_url)
    await store.open()
    try:
        report = await verify_log(store, verifier=CheckpointVerifier(SIGNER.verifier_key))
        assert report.ok, report.problems
        assert report.size == 20 and report.checkpoints >= 1
        assert store._pool is not None
        for sql in (
            "UPDATE {s}.audit_event SET subject = 'x'",
            "DELETE FROM {s}.audit_event",
            "TRUNCATE {s}.audit_event",
        ):
            with pytest.raises(asyncpg.PostgresError, match="append-only"):
                await store._pool.execute(sql.format(s=store.schema))
    finally:
        await store.close()


WORKER = """
import asyncio, sys
from gateway.audit.checkpoint import CheckpointWriter
from gateway.audit.log import AuditLog
from gateway.audit.postgres import PostgresStore
from tests.gateway.audit.conftest import SIGNER, sample

async def main(url, who, count, folder):
    log = AuditLog(PostgresStore.from_url(url), signer=SIGNER, publisher=CheckpointWriter(folder), checkpoint_every=16)
    async with log:
        for start in range(0, count, 10):
            await asyncio.gather(*(log.append(sample(i, subject=who)) for i in range(start, min(start + 10, count))))

asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]))
"""


async def test_several_processes_write_one_dense_consistent_log(pg_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "checkpoints"
    store = PostgresStore.from_url(pg_url)
    await store.open()  # create the schema once, as a deployment would
    await store.close()
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", WORKER, pg_url, f"proc{n}", "60", str(folder), cwd=REPO
        )
        for n in range(3)
    ]
    codes = await asyncio.gather(*(p.wait() for p in procs))
    assert codes == [0, 0, 0]
    store = PostgresStore.from_url(pg_url)
    await store.open()
    try:
        published = [cp.note for cp in await asyncio.to_thread(CheckpointWriter(folder).all)]
        report = await verify_log(store, verifier=CheckpointVerifier(SIGNER.verifier_key), published=published)
        assert report.ok, report.problems
        assert report.size == 180
        for n in range(3):
            assert len(await store.search(SearchFilter(subject=f"proc{n}", limit=100))) == 60
        assert published and all(cp.size <= 180 for cp in CheckpointWriter(folder).all())
    finally:
        await store.close()


async def test_records_of_operations_caught_by_a_database_outage_are_spooled_then_appended(
    pg_url: str, tmp_path: Path
) -> None:
    """The server goes away between an operation's admission and its record: the answer still leaves (its record
    fsync'd in the spool), and the record reaches PostgreSQL once the network is back."""
    from urllib.parse import urlsplit, urlunsplit

    from gateway.audit.trail import open_audit_trail
    from gateway.config import AuditSettings
    from gateway.federation.engine import GraphQLRequest
    from gateway.sdk.context import RequestContext
    from gateway.sdk.netfaults import FaultProxy, Toxics
    from tests.gateway.federation.conftest import Graph

    real = urlsplit(pg_url)
    graph = Graph()
    request = GraphQLRequest(query='{ shipment(awb: "999-12345675") { awb } }')
    result = await graph.graph.execute(request, RequestContext())
    async with FaultProxy((real.hostname or "127.0.0.1", real.port or 5432)) as proxy:
        via_proxy = urlunsplit(real._replace(netloc=f"{real.username or 'postgres'}@{proxy.address}"))
        settings = AuditSettings(
            store=via_proxy, checkpoint_path=None, spool_path=str(tmp_path / "spool"), append_timeout=3.0
        )
        async with open_audit_trail(settings) as trail:
            assert await trail.admit() is None  # admitted while the database is up
            proxy.set(Toxics(down=True))  # ... which then goes away
            sent = await trail.record(
                context=RequestContext(), request=request, result=result, graph=graph.graph, started=0.0, latency_ms=1
            )
            assert sent is result and sent.status != 503  # answered as is: the record is in the spool
            assert trail.status()["spool"]["pending"] == 1
            assert await trail.drain() == 0  # still down
            proxy.clear()
            for _ in range(3):  # the pool may hand out a connection the outage broke first
                if await trail.drain():
                    break
            assert trail.status()["spool"]["pending"] == 0
    store = PostgresStore.from_url(pg_url)
    await store.open()
    try:
        rows = await store.rows(0, 10)
        assert len(rows) == 1 and "spooled_at" in rows[0].record()
        report = await verify_log(store)
        assert report.ok, report.problems
    finally:
        await store.close()
