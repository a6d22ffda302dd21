"""PostgreSQL audit store: many gateway processes append to one dense, consistent log.

An append takes ``pg_advisory_xact_lock`` (keyed by the table) inside its transaction, reads the head, numbers
and chains the batch, inserts it and commits — the lock is released with the transaction, so concurrent
writers in other processes queue behind it and the sequence stays dense. ``BEFORE UPDATE OR DELETE`` and
``BEFORE TRUNCATE`` triggers refuse changes (defence in depth: also revoke UPDATE/DELETE/TRUNCATE from the
gateway's role). The URL may carry ``?schema=NAME`` to keep the tables in their own schema.

The pool is a :class:`~gateway.sdk.pgpool.BoundedPool` (``[stores]`` timeouts): a PostgreSQL that hangs fails
an append within ``postgres_operation_timeout``, the hung connection is terminated rather than reused, and the
server itself ends a session left at ``BEGIN`` — so the log recovers by itself once the server answers again.
"""

from __future__ import annotations

import re
import urllib.parse
import zlib
from collections.abc import Sequence
from typing import Any

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
from gateway.sdk.pgpool import BoundedPool, PgTimeouts

__all__ = ["PostgresStore"]

_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,40}$")
_COLUMNS = (
    "seq, ts_utc, trace_id, subject, agency, operation_type, operation_name, outcome, services, legacy_sources, "
    "body_jcs, leaf_hash, chain_hash"
)


def _schema_sql(s: str) -> str:
    return f"""
CREATE SCHEMA IF NOT EXISTS {s};
CREATE TABLE IF NOT EXISTS {s}.audit_event (
    seq BIGINT PRIMARY KEY,
    ts_utc TEXT NOT NULL,
    trace_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    agency TEXT,
    operation_type TEXT,
    operation_name TEXT,
    outcome TEXT NOT NULL,
    services TEXT NOT NULL,
    legacy_sources TEXT NOT NULL,
    body_jcs BYTEA NOT NULL,
    leaf_hash BYTEA NOT NULL,
    chain_hash BYTEA NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_event_subject ON {s}.audit_event (subject, seq);
CREATE INDEX IF NOT EXISTS audit_event_ts ON {s}.audit_event (ts_utc);
CREATE TABLE IF NOT EXISTS {s}.audit_checkpoint (
    size BIGINT PRIMARY KEY,
    root BYTEA NOT NULL,
    ts_utc TEXT NOT NULL,
    note TEXT NOT NULL,
    key_id TEXT NOT NULL
);
CREATE OR REPLACE FUNCTION {s}.audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'append-only'; END $$;
DROP TRIGGER IF EXISTS audit_event_append_only ON {s}.audit_event;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON {s}.audit_event
    FOR EACH ROW EXECUTE FUNCTION {s}.audit_append_only();
DROP TRIGGER IF EXISTS audit_event_no_truncate ON {s}.audit_event;
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON {s}.audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION {s}.audit_append_only();
DROP TRIGGER IF EXISTS audit_checkpoint_append_only ON {s}.audit_checkpoint;
CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON {s}.audit_checkpoint
    FOR EACH ROW EXECUTE FUNCTION {s}.audit_append_only();
"""


def _row(r: Any) -> Row:
    return Row(
        seq=r["seq"],
        body=bytes(r["body_jcs"]),
        leaf=bytes(r["leaf_hash"]),
        chain=bytes(r["chain_hash"]),
        columns=Columns(
            ts=r["ts_utc"],
            trace_id=r["trace_id"],
            subject=r["subject"],
            agency=r["agency"],
            operation_type=r["operation_type"],
            operation_name=r["operation_name"],
            outcome=r["outcome"],
            services=r["services"],
            legacy_sources=r["legacy_sources"],
        ),
    )


class PostgresStore(AuditStore):
    def __init__(
        self,
        url: str,
        *,
        schema: str = "public",
        min_size: int = 1,
        max_size: int = 4,
        timeouts: PgTimeouts | None = None,
    ) -> None:
        if not _IDENT.match(schema):
            raise ValueError(f"audit schema name {schema!r} must be lower-case letters, digits and _")
        self.dsn = url
        self.schema = schema
        self.url = url if schema == "public" else f"{url}{'&' if '?' in url else '?'}schema={schema}"
        self._sizes = (min_size, max_size)
        self.timeouts = timeouts
        self._pool: BoundedPool | None = None
        self._lock_key = zlib.crc32(f"silkgraph.audit.{schema}".encode())

    @classmethod
    def from_url(cls, url: str, timeouts: PgTimeouts | None = None) -> PostgresStore:
        parts = urllib.parse.urlsplit(url)
        query = urllib.parse.parse_qsl(parts.query)
        schema = next((v for k, v in query if k == "schema"), "public")
        rest = urllib.parse.urlencode([(k, v) for k, v in query if k != "schema"])
        return cls(urllib.parse.urlunsplit(parts._replace(query=rest)), schema=schema, timeouts=timeouts)

    async def open(self, *, create: bool = True) -> None:
        pool = BoundedPool(self.dsn, self.timeouts, min_size=self._sizes[0], max_size=self._sizes[1])
        await pool.open()
        self._pool = pool
        if not create:
            return
        # schema creation itself is serialised, so several processes can start at once
        async with pool.connection() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", self._lock_key)
            await conn.execute(_schema_sql(self.schema))

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    def _p(self) -> BoundedPool:
        if self._pool is None:
            raise ConnectionError("audit store (PostgreSQL) is not open")
        return self._pool

    async def ping(self) -> None:
        """Exercise the write path (lock, insert, triggers) and roll back: what failed was an append."""
        async with self._p().connection() as conn:
            tx = conn.transaction()
            await tx.start()
            try:
                await conn.execute("SELECT pg_advisory_xact_lock($1)", self._lock_key)
                await conn.execute(
                    f"INSERT INTO {self.schema}.audit_event ({_COLUMNS}) "
                    "VALUES (-1, '', '', '', NULL, NULL, NULL, '', '', '', '', '', '')"
                )
            finally:
                await tx.rollback()

    async def append(self, entries: Sequence[Entry]) -> list[int]:
        s = self.schema
        async with self._p().connection() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", self._lock_key)
            head = await conn.fetchrow(f"SELECT seq, chain_hash FROM {s}.audit_event ORDER BY seq DESC LIMIT 1")
            seq, prev = (head["seq"] + 1, bytes(head["chain_hash"])) if head else (0, GENESIS)
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
            marks = ", ".join(f"${i}" for i in range(1, 14))
            await conn.executemany(f"INSERT INTO {s}.audit_event ({_COLUMNS}) VALUES ({marks})", rows)
        return seqs

    async def size(self) -> int:
        value = await self._p().fetchval(f"SELECT COALESCE(MAX(seq) + 1, 0) FROM {self.schema}.audit_event")
        return int(value)

    async def rows(self, start: int, end: int) -> list[Row]:
        sql = f"SELECT {_COLUMNS} FROM {self.schema}.audit_event WHERE seq >= $1 AND seq < $2 ORDER BY seq"
        return [_row(r) for r in await self._p().fetch(sql, start, end)]

    async def leaves(self, start: int, end: int) -> list[bytes]:
        sql = f"SELECT leaf_hash FROM {self.schema}.audit_event WHERE seq >= $1 AND seq < $2 ORDER BY seq"
        return [bytes(r[0]) for r in await self._p().fetch(sql, start, end)]

    async def search(self, terms: SearchFilter) -> list[Row]:
        where, args = sql_where(terms, mark="${n}", contains="strpos", body_contains="position(? in body_jcs) > 0")
        sql = f"SELECT {_COLUMNS} FROM {self.schema}.audit_event {where} ORDER BY seq DESC LIMIT ${len(args) + 1}"
        return terms.exact([_row(r) for r in await self._p().fetch(sql, *args, terms.limit)])

    async def add_checkpoint(self, cp: StoredCheckpoint) -> None:
        await self._p().execute(
            f"INSERT INTO {self.schema}.audit_checkpoint (size, root, ts_utc, note, key_id) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (size) DO NOTHING",
            cp.size,
            cp.root,
            cp.ts,
            cp.note,
            cp.key_id,
        )

    async def checkpoints(self) -> list[StoredCheckpoint]:
        sql = f"SELECT size, root, ts_utc, note, key_id FROM {self.schema}.audit_checkpoint ORDER BY size"
        return [StoredCheckpoint(r[0], bytes(r[1]), r[2], r[3], r[4]) for r in await self._p().fetch(sql)]
