"""SQLite audit store (the embedded default): WAL, ``BEGIN IMMEDIATE`` appends, append-only triggers.

Several processes may append to one file: ``BEGIN IMMEDIATE`` takes SQLite's write lock before the head is read,
so numbering and chaining stay dense and consistent; ``busy_timeout`` makes the others wait. ``synchronous=FULL``
means a committed batch survives a crash of the process or the machine.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiosqlite

from gateway.audit.store import (
    GENESIS,
    AuditStore,
    Columns,
    Entry,
    Row,
    SearchFilter,
    StoredCheckpoint,
    chain_hash,
    sql_where,
)

__all__ = ["SqliteStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_event (
    seq INTEGER PRIMARY KEY,
    ts_utc TEXT NOT NULL,
    trace_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    agency TEXT,
    operation_type TEXT,
    operation_name TEXT,
    outcome TEXT NOT NULL,
    services TEXT NOT NULL,
    legacy_sources TEXT NOT NULL,
    body_jcs BLOB NOT NULL,
    leaf_hash BLOB NOT NULL,
    chain_hash BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_event_subject ON audit_event (subject, seq);
CREATE INDEX IF NOT EXISTS audit_event_ts ON audit_event (ts_utc);
CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN SELECT RAISE(ABORT, 'append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN SELECT RAISE(ABORT, 'append-only'); END;
CREATE TABLE IF NOT EXISTS audit_checkpoint (
    size INTEGER PRIMARY KEY,
    root BLOB NOT NULL,
    ts_utc TEXT NOT NULL,
    note TEXT NOT NULL,
    key_id TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_checkpoint_no_update BEFORE UPDATE ON audit_checkpoint
BEGIN SELECT RAISE(ABORT, 'append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_checkpoint_no_delete BEFORE DELETE ON audit_checkpoint
BEGIN SELECT RAISE(ABORT, 'append-only'); END;
"""

_COLUMNS = (
    "seq, ts_utc, trace_id, subject, agency, operation_type, operation_name, outcome, services, legacy_sources, "
    "body_jcs, leaf_hash, chain_hash"
)


def _row(r: Any) -> Row:
    return Row(
        seq=r[0],
        body=bytes(r[10]),
        leaf=bytes(r[11]),
        chain=bytes(r[12]),
        columns=Columns(
            ts=r[1],
            trace_id=r[2],
            subject=r[3],
            agency=r[4],
            operation_type=r[5],
            operation_name=r[6],
            outcome=r[7],
            services=r[8],
            legacy_sources=r[9],
        ),
    )


class SqliteStore(AuditStore):
    def __init__(self, path: str) -> None:
        self.path = path
        self.url = f"sqlite:///{path}"
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()

    @classmethod
    def from_url(cls, url: str) -> SqliteStore:
        return cls(url.removeprefix("sqlite:///"))

    async def _connect(self) -> aiosqlite.Connection:
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        await conn.execute("PRAGMA busy_timeout = 10000")
        await conn.execute("PRAGMA synchronous = FULL")
        return conn

    async def open(self, *, create: bool = True) -> None:
        if not create:  # read-only use (verify, export): never create or alter the file
            if not await asyncio.to_thread(Path(self.path).is_file):
                raise FileNotFoundError(f"no audit log at {self.path!r} (check audit.store / --store)")
            self._reader = self._writer = await aiosqlite.connect(f"file:{self.path}?mode=ro", uri=True)
            return
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._writer = await self._connect()
        await self._writer.execute("PRAGMA journal_mode = WAL")
        await self._writer.executescript(_SCHEMA)
        self._reader = await self._connect() if self.path != ":memory:" else self._writer

    async def close(self) -> None:
        for conn in {id(c): c for c in (self._reader, self._writer) if c is not None}.values():
            await conn.close()
        self._writer = self._reader = None

    def _w(self) -> aiosqlite.Connection:
        if self._writer is None:
            raise ConnectionError(f"audit store {self.url} is not open")
        return self._writer

    def _r(self) -> aiosqlite.Connection:
        if self._reader is None:
            raise ConnectionError(f"audit store {self.url} is not open")
        return self._reader

    async def ping(self) -> None:
        """Exercise the write path (lock, insert, triggers) and roll back: what failed was an append."""
        conn = self._w()
        async with self._write_lock:
            await conn.execute("BEGIN IMMEDIATE")
            try:
                await conn.execute(
                    f"INSERT INTO audit_event ({_COLUMNS}) VALUES (-1, '', '', '', NULL, NULL, NULL, '', '', '', "
                    "X'', X'', X'')"
                )
            finally:
                await conn.execute("ROLLBACK")

    async def append(self, entries: Sequence[Entry]) -> list[int]:
        async with self._write_lock:
            return await self._append(entries)

    async def _append(self, entries: Sequence[Entry]) -> list[int]:
        conn = self._w()
        await conn.execute("BEGIN IMMEDIATE")
        try:
            async with conn.execute("SELECT seq, chain_hash FROM audit_event ORDER BY seq DESC LIMIT 1") as cur:
                head = await cur.fetchone()
            seq, prev = (head[0] + 1, bytes(head[1])) if head else (0, GENESIS)
            rows = []
            seqs = []
            for entry in entries:
                prev = chain_hash(prev, entry.leaf)
                c = entry.columns
                rows.append(
                    (
                        seq,
                        c.ts,
                        c.trace_id,
                        c.subject,
                        c.agency,
                        c.operation_type,
                        c.operation_name,
                        c.outcome,
                        c.services,
                        c.legacy_sources,
                        entry.body,
                        entry.leaf,
                        prev,
                    )
                )
                seqs.append(seq)
                seq += 1
            await conn.executemany(f"INSERT INTO audit_event ({_COLUMNS}) VALUES ({', '.join('?' * 13)})", rows)
            await conn.execute("COMMIT")
        except BaseException:
            await conn.execute("ROLLBACK")
            raise
        return seqs

    async def size(self) -> int:
        async with self._r().execute("SELECT COALESCE(MAX(seq) + 1, 0) FROM audit_event") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def rows(self, start: int, end: int) -> list[Row]:
        sql = f"SELECT {_COLUMNS} FROM audit_event WHERE seq >= ? AND seq < ? ORDER BY seq"
        async with self._r().execute(sql, (start, end)) as cur:
            return [_row(r) for r in await cur.fetchall()]

    async def leaves(self, start: int, end: int) -> list[bytes]:
        sql = "SELECT leaf_hash FROM audit_event WHERE seq >= ? AND seq < ? ORDER BY seq"
        async with self._r().execute(sql, (start, end)) as cur:
            return [bytes(r[0]) for r in await cur.fetchall()]

    async def search(self, terms: SearchFilter) -> list[Row]:
        where, args = sql_where(terms)
        sql = f"SELECT {_COLUMNS} FROM audit_event {where} ORDER BY seq DESC LIMIT ?"
        async with self._r().execute(sql, (*args, terms.limit)) as cur:
            return terms.exact([_row(r) for r in await cur.fetchall()])

    async def add_checkpoint(self, cp: StoredCheckpoint) -> None:
        async with self._write_lock:
            await self._w().execute(
                "INSERT INTO audit_checkpoint (size, root, ts_utc, note, key_id) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (size) DO NOTHING",
                (cp.size, cp.root, cp.ts, cp.note, cp.key_id),
            )

    async def checkpoints(self) -> list[StoredCheckpoint]:
        sql = "SELECT size, root, ts_utc, note, key_id FROM audit_checkpoint ORDER BY size"
        async with self._r().execute(sql) as cur:
            return [StoredCheckpoint(r[0], bytes(r[1]), r[2], r[3], r[4]) for r in await cur.fetchall()]
