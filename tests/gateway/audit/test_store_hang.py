"""The audit store (real PostgreSQL behind the TCP fault proxy) hanging, not failing: appends fail within the
pool's operation timeout, records go to the spool, ``ready`` says no while they can only go there, and the
spool drains by itself when the network comes back — no record lost, one chain that verifies."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from gateway.audit.checkpoint import CheckpointVerifier
from gateway.audit.log import AuditLog
from gateway.audit.postgres import PostgresStore
from gateway.audit.record import RecordBuilder
from gateway.audit.redaction import Redactor
from gateway.audit.spool import Spool
from gateway.audit.trail import AuditTrail
from gateway.audit.verify import verify_log
from gateway.federation.engine import GraphQLRequest, GraphQLResponse
from gateway.sdk.context import RequestContext
from gateway.sdk.netfaults import FaultProxy, Toxics
from gateway.sdk.pgpool import PgTimeouts
from tests.gateway.audit.conftest import SIGNER
from tests.gateway.federation.conftest import Graph
from tests.services import postgres_url

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(60)]

SHORT = PgTimeouts(connect=0.5, statement=0.5, lock=0.3, idle_in_transaction=1.0, operation=0.8, check_after=0.5)


@pytest.fixture
async def proxied(tmp_path: Path) -> AsyncIterator[tuple[FaultProxy, str]]:
    """(proxy, audit store URL through it with a schema of this test's own), the schema dropped afterwards."""
    import asyncpg

    real_url = postgres_url("a PostgreSQL server to put behind the fault proxy")
    real = urlsplit(real_url)
    schema = f"audit_h{uuid.uuid4().hex[:12]}"
    async with FaultProxy((real.hostname or "127.0.0.1", real.port or 5432)) as proxy:
        through = urlunsplit(real._replace(netloc=f"{real.username or 'postgres'}@{proxy.address}"))
        yield proxy, f"{through}{'&' if '?' in through else '?'}schema={schema}"
    conn = await asyncpg.connect(real_url)
    try:
        await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    finally:
        await conn.close()


def served(answer: GraphQLResponse) -> bool:
    """Answered with its data (not the 503 a record that could be neither appended nor spooled gets)."""
    return answer.status is None and answer.data is not None


async def _until(condition: object, what: str) -> None:
    for _ in range(400):
        if callable(condition) and condition():
            return
        await asyncio.sleep(0.025)
    raise AssertionError(f"never: {what}")


async def test_a_hung_store_spools_reports_not_ready_and_drains_by_itself(
    proxied: tuple[FaultProxy, str], tmp_path: Path
) -> None:
    proxy, url = proxied
    graph = Graph()
    request = GraphQLRequest(query='{ shipment(awb: "999-12345675") { awb } }')
    result = await graph.graph.execute(request, RequestContext())

    async def record(trail: AuditTrail) -> GraphQLResponse:
        return await trail.record(
            context=RequestContext(), request=request, result=result, graph=graph.graph, started=0.0, latency_ms=1.0
        )

    log = AuditLog(PostgresStore.from_url(url, SHORT), signer=SIGNER, checkpoint_every=1000, stall_after=1.0)
    spool = Spool(tmp_path / "spool")
    trail = AuditTrail(log, RecordBuilder(Redactor(b"k" * 32)), append_timeout=2.0, spool=spool)
    async with log:
        await trail.start_draining(interval=0.05)
        try:
            assert served(await record(trail)) and trail.ready
            proxy.set(Toxics(timeout_ms=0, direction="both"))  # packets vanish; connections stay open
            answers = await asyncio.gather(*(record(trail) for _ in range(5)))
            assert all(served(a) for a in answers)  # each record is durable in the spool instead
            assert len(spool) == 5
            assert trail.ready is False  # records can only go to the spool: take this replica out
            assert (await trail.admit()) is not None  # and new operations are refused (fail closed)
            proxy.clear()
            await _until(lambda: len(spool) == 0, "the spool drained once the store answered")
            assert trail.ready is True
            assert served(await record(trail))
        finally:
            await trail.stop_draining()
    store = PostgresStore.from_url(url)
    await store.open(create=False)
    try:
        report = await verify_log(store, verifier=CheckpointVerifier(SIGNER.verifier_key))
    finally:
        await store.close()
    assert report.ok, report.problems
    assert report.size == 7  # 1 before, 5 spooled, 1 after: none lost
