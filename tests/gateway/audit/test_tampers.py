"""The tamper suite: every kind of tampering with a checkpointed log is caught, naming the first bad seq.

The same fourteen tampers run against SQLite and against the real PostgreSQL server. The log holds 11 records,
checkpointed exactly at 4 and 8 (``checkpoint_every=4``) and at 11 by the timer (an injected clock), as a
running gateway publishes them to a directory outside the database. The attacker owns the database (drops the
append-only triggers) and, for some tampers, the checkpoint directory too — but not the signing key.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import sqlite3
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import rfc8785

from gateway.audit.checkpoint import CheckpointSigner, CheckpointWriter
from gateway.audit.log import AuditLog
from gateway.audit.merkle import CompactRange, leaf_hash
from gateway.audit.postgres import PostgresStore
from gateway.audit.sqlite import SqliteStore
from gateway.audit.store import GENESIS, AuditStore, chain_hash
from gateway.audit.verify import Report
from tests.gateway.audit.conftest import SIGNER, ManualClock, sample, verify_store
from tests.services import postgres_url

COUNT, EVERY = 11, 4
# body, leaf, chain: positions in the table's column order
BODY, LEAF, CHAIN = 10, 11, 12


class Attacker:
    """Direct write access to the audit tables (either engine), triggers dropped; ``?`` placeholders."""

    def __init__(self, run: Callable[[str, tuple[Any, ...]], Awaitable[list[tuple[Any, ...]]]], prefix: str) -> None:
        self._run = run
        self.event = f"{prefix}audit_event"
        self.checkpoint = f"{prefix}audit_checkpoint"

    async def sql(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        return await self._run(sql.format(e=self.event, c=self.checkpoint), args)

    async def rows(self) -> list[tuple[Any, ...]]:
        return [
            tuple(bytes(v) if isinstance(v, memoryview) else v for v in r)
            for r in await self.sql("SELECT * FROM {e} ORDER BY seq")
        ]

    async def rechain(self, edit: Callable[[int, dict[str, Any]], bytes | None] | None = None) -> None:
        """Recompute every leaf and chain hash (after ``edit`` rewrote a body): all internal checks pass again."""
        prev = GENESIS
        for row in await self.rows():
            body = bytes(row[BODY])
            if edit is not None:
                body = edit(row[0], json.loads(body)) or body
            leaf = leaf_hash(body)
            prev = chain_hash(prev, leaf)
            subject = json.loads(body)["principal"]["subject"]
            await self.sql(
                "UPDATE {e} SET body_jcs = ?, leaf_hash = ?, chain_hash = ?, subject = ? WHERE seq = ?",
                body,
                leaf,
                prev,
                subject,
                row[0],
            )


@dataclasses.dataclass
class Log:
    store: Callable[[], AuditStore]
    cps: Path
    attacker: Attacker
    held: str  # the latest checkpoint an auditor copied

    async def verify(self, *, every: int | None = EVERY, external: tuple[str, ...] = ()) -> Report:
        store = self.store()
        await store.open(create=False)
        try:
            return await verify_store(store, published=self.cps, external=external, every=every)
        finally:
            await store.close()


async def _seed(store: AuditStore, cps: Path) -> None:
    clock = ManualClock()
    log = AuditLog(
        store,
        signer=SIGNER,
        publisher=CheckpointWriter(cps),
        checkpoint_every=EVERY,
        checkpoint_interval=5.0,
        sleep=clock.sleep,
    )
    async with log:
        for i in range(COUNT):
            await log.append(sample(i))
        await clock.tick()  # the interval passed: the timer signs the three records after the last cadence one
        assert [cp.size for cp in CheckpointWriter(cps).all()] == [4, 8, 11]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def log(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Log]:
    cps = tmp_path / "checkpoints"
    if request.param == "sqlite":
        db = tmp_path / "audit.sqlite3"
        await _seed(SqliteStore(str(db)), cps)
        conn = sqlite3.connect(db, isolation_level=None)
        for trigger in (
            "audit_event_no_update",
            "audit_event_no_delete",
            "audit_checkpoint_no_delete",
            "audit_checkpoint_no_update",
        ):
            conn.execute(f"DROP TRIGGER {trigger}")

        async def run_sqlite(sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
            return list(conn.execute(sql, args))

        yield Log(lambda: SqliteStore(str(db)), cps, Attacker(run_sqlite, ""), (cps / "latest").read_text())
        conn.close()
        return
    import asyncpg

    url = postgres_url("a PostgreSQL server for the audit tamper suite")
    schema = f"audit_t{uuid.uuid4().hex[:12]}"
    store_url = f"{url}{'&' if '?' in url else '?'}schema={schema}"
    await _seed(PostgresStore.from_url(store_url), cps)
    conn = await asyncpg.connect(url)
    await conn.execute(f"ALTER TABLE {schema}.audit_event DISABLE TRIGGER USER")
    await conn.execute(f"ALTER TABLE {schema}.audit_checkpoint DISABLE TRIGGER USER")

    async def run_pg(sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        parts = sql.split("?")
        numbered = parts[0] + "".join(f"${i}{part}" for i, part in enumerate(parts[1:], 1))
        return [tuple(r) for r in await conn.fetch(numbered, *args)]

    try:
        yield Log(
            lambda: PostgresStore.from_url(store_url), cps, Attacker(run_pg, f"{schema}."), (cps / "latest").read_text()
        )
    finally:
        await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        await conn.close()


# ------------------------------------------------------------------------------------------------ the tampers
async def edit_a_body(log: Log) -> None:
    row = (await log.attacker.rows())[3]
    body = json.loads(bytes(row[BODY]))
    body["outcome"] = "error"
    await log.attacker.sql("UPDATE {e} SET body_jcs = ? WHERE seq = 3", rfc8785.dumps(body))


async def edit_a_search_column(log: Log) -> None:
    await log.attacker.sql("UPDATE {e} SET subject = 'mallory' WHERE seq = 5")


async def edit_a_chain_hash(log: Log) -> None:
    await log.attacker.sql("UPDATE {e} SET chain_hash = ? WHERE seq = 9", bytes(32))


async def delete_a_record(log: Log) -> None:
    await log.attacker.sql("DELETE FROM {e} WHERE seq = 4")


async def reorder_two_records(log: Log) -> None:
    rows = {r[0]: r for r in await log.attacker.rows()}
    await log.attacker.sql("DELETE FROM {e} WHERE seq IN (6, 7)")
    for seq, other in ((6, 7), (7, 6)):
        marks = ", ".join("?" * 13)
        await log.attacker.sql(f"INSERT INTO {{e}} VALUES ({marks})", seq, *rows[other][1:])


async def insert_a_record(log: Log) -> None:
    rows = await log.attacker.rows()
    for r in reversed(rows[5:]):
        await log.attacker.sql("UPDATE {e} SET seq = seq + 1 WHERE seq = ?", r[0])
    forged = rfc8785.dumps({**sample(99), "outcome": "ok"})
    leaf = leaf_hash(forged)
    chain = chain_hash(bytes(rows[4][CHAIN]), leaf)  # a well-formed link from the record before it
    record = json.loads(forged)
    await log.attacker.sql(
        "INSERT INTO {e} VALUES (5, ?, ?, ?, NULL, 'query', ?, 'ok', ',cargo,', ',cargo-xml,', ?, ?, ?)",
        record["time"],
        record["trace_id"],
        "alice",
        record["operation"]["name"],
        forged,
        leaf,
        chain,
    )


async def truncate_the_tail(log: Log) -> None:
    await log.attacker.sql("DELETE FROM {e} WHERE seq >= 6")
    await log.attacker.sql("DELETE FROM {c} WHERE size > 6")


async def delete_the_records_only_the_timer_signed(log: Log) -> None:
    """The newest records after the last cadence checkpoint: older than the interval, so signed by the timer."""
    await log.attacker.sql("DELETE FROM {e} WHERE seq >= 9")
    await log.attacker.sql("DELETE FROM {c} WHERE size > 8")


async def rechain_the_whole_table(log: Log) -> None:
    def edit(seq: int, body: dict[str, Any]) -> bytes | None:
        if seq == 2:
            body["principal"]["subject"] = "mallory"
            return rfc8785.dumps(body)
        return None

    await log.attacker.rechain(edit)
    await log.attacker.sql("DELETE FROM {c}")


async def rechain_and_resign_with_another_key(log: Log) -> None:
    """…and re-sign every checkpoint, in the table and in the directory, with a key of the attacker's."""
    await rechain_the_whole_table(log)
    mallory = CheckpointSigner(SIGNER.origin, bytes(32))
    leaves = [bytes(r[LEAF]) for r in await log.attacker.rows()]
    compact = CompactRange()
    for leaf in leaves:
        compact.append(leaf)
        if compact.size in (4, 8, 11):
            cp = mallory.sign(compact.size, compact.root())
            CheckpointWriter(log.cps).write(cp)
            await log.attacker.sql(
                "INSERT INTO {c} VALUES (?, ?, '', ?, ?)", cp.size, cp.root, cp.note, mallory.key_id.hex()
            )


async def rewrite_a_body_non_canonically(log: Log) -> None:
    """Same JSON, other bytes (a re-serialised record), leaf and chain recomputed from there on."""

    def edit(seq: int, body: dict[str, Any]) -> bytes | None:
        return json.dumps(body, indent=1).encode() if seq == 1 else None

    await log.attacker.rechain(edit)


async def swap_a_checkpoint(log: Log) -> None:
    """The file of size 8 now holds the (validly signed) checkpoint of size 4; the table's row too."""
    four = (log.cps / "000000000004.checkpoint").read_text()
    (log.cps / "000000000008.checkpoint").write_text(four)
    await log.attacker.sql("UPDATE {c} SET note = ? WHERE size = 8", four)


async def drop_a_checkpoint(log: Log) -> None:
    (log.cps / "000000000004.checkpoint").unlink()
    await log.attacker.sql("DELETE FROM {c} WHERE size = 4")


async def edit_a_checkpoint(log: Log) -> None:
    path = log.cps / "000000000008.checkpoint"
    lines = path.read_text().split("\n")
    lines[2] = base64.b64encode(bytes(32)).decode()  # another root, the old signature
    path.write_text("\n".join(lines))


# (tamper, first bad seq verify must name, problem kinds it must report among others)
TAMPERS = [
    (edit_a_body, 3, {"leaf", "checkpoint"}),
    (edit_a_search_column, 5, {"columns"}),
    (edit_a_chain_hash, 9, {"chain"}),
    (delete_a_record, 4, {"gap"}),
    (reorder_two_records, 6, {"chain", "checkpoint"}),
    (insert_a_record, 6, {"chain", "checkpoint"}),  # 5 links well: its successor is the first to break
    (truncate_the_tail, 6, {"truncated"}),
    (delete_the_records_only_the_timer_signed, 9, {"truncated"}),
    (rechain_the_whole_table, 0, {"checkpoint"}),  # only the published checkpoints catch it; none vouches below 4
    (rechain_and_resign_with_another_key, 0, {"signature"}),
    (rewrite_a_body_non_canonically, 1, {"canonical", "checkpoint"}),
    (swap_a_checkpoint, 4, {"swapped"}),  # records 4..7 lost the checkpoint of size 8 that vouched for them
    (drop_a_checkpoint, 0, {"missing"}),
    (edit_a_checkpoint, 4, {"signature"}),
]


async def test_the_untouched_log_verifies(log: Log) -> None:
    report = await log.verify(external=(log.held,))
    assert report.ok, report.problems
    assert report.size == COUNT


@pytest.mark.parametrize(("tamper", "first_bad", "kinds"), TAMPERS, ids=[t[0].__name__ for t in TAMPERS])
async def test_a_tamper_is_caught_naming_the_first_bad_seq(
    log: Log, tamper: Callable[[Log], Awaitable[None]], first_bad: int, kinds: set[str]
) -> None:
    await tamper(log)
    report = await log.verify()
    assert not report.ok
    assert report.first_bad == first_bad, report.problems
    assert all(p.seq is not None for p in report.problems), report.problems
    assert kinds <= {p.kind for p in report.problems}, report.problems
