"""Shared helpers: sample records, a seeded SQLite log, and the attacker's direct access to its file."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gateway.audit.checkpoint import CheckpointSigner, CheckpointVerifier, CheckpointWriter
from gateway.audit.log import AuditLog
from gateway.audit.sqlite import SqliteStore
from gateway.audit.store import AuditStore
from gateway.audit.verify import Report, verify_log

ORIGIN = "audit.test/log"
SIGNER = CheckpointSigner(ORIGIN, bytes(range(32)))


def sample(i: int, *, subject: str = "alice", agency: str | None = None, outcome: str = "ok") -> dict[str, Any]:
    return {
        "v": 1,
        "trace_id": f"{i:032x}",
        "time": f"2026-01-01T00:00:{i % 60:02d}.000Z",
        "principal": {"subject": subject, "agency": agency, "roles": [], "scopes": []},
        "operation": {"type": "query", "name": f"Op{i % 3}", "document_hash": "x", "variables": {}},
        "outcome": outcome,
        "fetches": [{"service": "cargo" if i % 2 else "customs", "path": []}],
        "legacy_calls": [{"source": "cargo-xml", "started": 1795000000.25}] if i % 2 else [],
    }


async def seed(db: Path, count: int, checkpoints: Path, every: int = 4) -> None:
    log = AuditLog(SqliteStore(str(db)), signer=SIGNER, publisher=CheckpointWriter(checkpoints), checkpoint_every=every)
    async with log:
        for i in range(count):
            await log.append(sample(i))


def verify(
    db: Path, *, published: Path | None = None, external: tuple[str, ...] = (), every: int | None = None
) -> Report:
    return asyncio.run(averify(db, published=published, external=external, every=every))


async def averify(
    db: Path, *, published: Path | None = None, external: tuple[str, ...] = (), every: int | None = None
) -> Report:
    store = SqliteStore(str(db))
    await store.open(create=False)
    try:
        return await verify_store(store, published=published, external=external, every=every)
    finally:
        await store.close()


async def verify_store(
    store: AuditStore, *, published: Path | None = None, external: tuple[str, ...] = (), every: int | None = None
) -> Report:
    notes = await asyncio.to_thread(published_notes, published)
    verifier = CheckpointVerifier(SIGNER.verifier_key)
    return await verify_log(store, verifier=verifier, published=notes, external=external, every=every)


def published_notes(folder: Path | None) -> list[tuple[str, str]]:
    """The checkpoint directory as `silkgraph audit verify` reads it: every file by name, ``latest`` included."""
    if folder is None or not folder.is_dir():
        return []
    files = [*sorted(folder.glob("*.checkpoint")), folder / "latest"]
    return [(p.name, p.read_text()) for p in files if p.is_file()]


class ManualClock:
    """An injected ``sleep`` for the log's checkpoint timer: an interval passes only when the test calls ``tick``."""

    def __init__(self) -> None:
        self.asleep = asyncio.Event()
        self._wake = asyncio.Event()
        self.delays: list[float] = []

    async def sleep(self, delay: float) -> None:
        self.delays.append(delay)
        self.asleep.set()
        await self._wake.wait()
        self._wake.clear()

    async def tick(self) -> None:
        """Let one interval pass; returns once the timer has done its work and sleeps again."""
        await self.asleep.wait()
        self.asleep.clear()
        self._wake.set()
        await self.asleep.wait()


class Attacker:
    """Someone with write access to the database file: drops the append-only triggers and edits rows."""

    def __init__(self, db: Path) -> None:
        self.conn = sqlite3.connect(db, isolation_level=None)
        for trigger in ("audit_event_no_update", "audit_event_no_delete", "audit_checkpoint_no_delete"):
            self.conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")

    def rows(self) -> Iterator[tuple[Any, ...]]:
        yield from self.conn.execute("SELECT * FROM audit_event ORDER BY seq")

    def close(self) -> None:
        self.conn.close()
