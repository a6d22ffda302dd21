"""The payment idempotency store: (client, key) → fingerprint, status, MsgId, UETR, response.

A row is inserted atomically as ``in_progress`` together with the MsgId and
UETR derived for it, *before* anything is sent, so every resend reuses them and the rail's duplicate checks
apply. Then:

* same key, same fingerprint, ``completed`` → replay (the same payment);
* same key, same fingerprint, ``in_progress`` → :class:`InProgress` (409-like), unless its lease expired
  (the worker that held it died), in which case the caller takes it over;
* same key, same fingerprint, ``failed`` (the outcome was unknown or the rail unreachable) → the caller takes
  it over and must ask the rail before resending;
* same key, other fingerprint → :class:`KeyReused` (422-like).

:class:`SqlIdempotencyStore` holds the logic; :class:`SqliteIdempotencyStore` (aiosqlite) and
:mod:`.idempotency_pg` (asyncpg) run it. ``open_store`` picks one from a URL.
"""

from __future__ import annotations

import abc
import dataclasses
import datetime as dt
import hashlib
import json
import re
import sqlite3
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import aiosqlite
import rfc8785

__all__ = [
    "IdempotencyRecord",
    "IdempotencyStore",
    "InProgress",
    "KeyReused",
    "SqlIdempotencyStore",
    "SqliteIdempotencyStore",
    "StoreUnavailable",
    "fingerprint",
    "open_store",
]

_TABLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def fingerprint(payload: Mapping[str, Any]) -> str:
    """SHA-256 of the RFC 8785 (JCS) canonical JSON of a request's input."""
    return hashlib.sha256(rfc8785.dumps(dict(payload))).hexdigest()


class KeyReused(Exception):
    """The key was used before with a different input."""


class InProgress(Exception):
    """The key's first request is still being processed."""


class StoreUnavailable(Exception):
    """The store could not be read or written (down, connection lost, timed out): nothing was decided."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class IdempotencyRecord:
    client_id: str
    key: str
    fingerprint: str
    status: str  # in_progress | completed | failed
    msg_id: str
    uetr: str
    created_at: dt.datetime
    attempts: int = 0
    response: Mapping[str, Any] | None = None
    error: str | None = None

    @property
    def replay(self) -> bool:
        return self.status == "completed"


class IdempotencyStore(abc.ABC):
    @abc.abstractmethod
    async def open(self) -> None: ...

    @abc.abstractmethod
    async def close(self) -> None: ...

    @abc.abstractmethod
    async def claim(
        self, *, client_id: str, key: str, fingerprint: str, msg_id: str, uetr: str, created_at: dt.datetime
    ) -> IdempotencyRecord:
        """Insert or take over the row for (client, key); raise KeyReused / InProgress per the module rules."""

    @abc.abstractmethod
    async def record_attempt(self, client_id: str, key: str) -> None:
        """Count one send of the message (before it goes out)."""

    @abc.abstractmethod
    async def complete(self, client_id: str, key: str, response: Mapping[str, Any]) -> None: ...

    @abc.abstractmethod
    async def fail(self, client_id: str, key: str, error: str) -> None: ...

    @abc.abstractmethod
    async def abandoned(self, limit: int = 50) -> list[IdempotencyRecord]:
        """Rows still ``in_progress`` after their lease (the worker that held them died or hung), oldest first."""

    @abc.abstractmethod
    async def take_over(self, record: IdempotencyRecord) -> bool:
        """Renew an abandoned row's lease for the caller; False when another worker took it first."""


_COLUMNS = "client_id, idem_key, fingerprint, status, msg_id, uetr, created_at, updated_at, attempts, response, error"


def _record(row: tuple[Any, ...]) -> IdempotencyRecord:
    return IdempotencyRecord(
        client_id=row[0],
        key=row[1],
        fingerprint=row[2],
        status=row[3],
        msg_id=row[4],
        uetr=row[5],
        created_at=dt.datetime.fromisoformat(row[6]),
        attempts=int(row[8]),
        response=json.loads(row[9]) if row[9] else None,
        error=row[10],
    )


class SqlIdempotencyStore(IdempotencyStore):
    """The store's logic over any SQL driver with ``?`` placeholders (rewritten by drivers that need others)."""

    def __init__(
        self, *, table: str = "payment_idempotency", lease: float = 60.0, clock: Callable[[], float] = time.time
    ) -> None:
        if not _TABLE.match(table):
            raise ValueError(f"idempotency table name {table!r} must be a plain SQL identifier (a-z, 0-9, _)")
        self.table = table
        self.lease = lease
        self.clock = clock

    @abc.abstractmethod
    async def _execute(self, sql: str, *args: Any) -> int:
        """Run a statement; return the number of rows it changed."""

    @abc.abstractmethod
    async def _fetchrow(self, sql: str, *args: Any) -> tuple[Any, ...] | None: ...

    @abc.abstractmethod
    async def _fetchall(self, sql: str, *args: Any) -> list[tuple[Any, ...]]: ...

    def _ddl(self) -> str:
        return (
            f"CREATE TABLE IF NOT EXISTS {self.table} ("
            "client_id TEXT NOT NULL, idem_key TEXT NOT NULL, fingerprint TEXT NOT NULL, status TEXT NOT NULL, "
            "msg_id TEXT NOT NULL, uetr TEXT NOT NULL, created_at TEXT NOT NULL, updated_at DOUBLE PRECISION NOT NULL, "
            "attempts INTEGER NOT NULL DEFAULT 0, response TEXT, error TEXT, PRIMARY KEY (client_id, idem_key))"
        )

    async def _row(self, client_id: str, key: str) -> IdempotencyRecord | None:
        row = await self._fetchrow(
            f"SELECT {_COLUMNS} FROM {self.table} WHERE client_id = ? AND idem_key = ?", client_id, key
        )
        return _record(row) if row is not None else None

    async def abandoned(self, limit: int = 50) -> list[IdempotencyRecord]:
        rows = await self._fetchall(
            f"SELECT {_COLUMNS} FROM {self.table} WHERE status = 'in_progress' AND updated_at < ? "
            "ORDER BY updated_at LIMIT ?",
            self.clock() - self.lease,
            limit,
        )
        return [_record(row) for row in rows]

    async def take_over(self, record: IdempotencyRecord) -> bool:
        now = self.clock()
        taken = await self._execute(
            f"UPDATE {self.table} SET updated_at = ? "
            "WHERE client_id = ? AND idem_key = ? AND status = 'in_progress' AND updated_at < ?",
            now,
            record.client_id,
            record.key,
            now - self.lease,
        )
        return taken > 0

    async def claim(
        self, *, client_id: str, key: str, fingerprint: str, msg_id: str, uetr: str, created_at: dt.datetime
    ) -> IdempotencyRecord:
        now = self.clock()
        inserted = await self._execute(
            f"INSERT INTO {self.table} "
            "(client_id, idem_key, fingerprint, status, msg_id, uetr, created_at, updated_at, attempts) "
            "VALUES (?, ?, ?, 'in_progress', ?, ?, ?, ?, 0) ON CONFLICT (client_id, idem_key) DO NOTHING",
            client_id,
            key,
            fingerprint,
            msg_id,
            uetr,
            created_at.isoformat(),
            now,
        )
        row = await self._row(client_id, key)
        assert row is not None, "idempotency row vanished right after insert"
        if inserted:
            return row
        if row.fingerprint != fingerprint:
            raise KeyReused(key)
        if row.status == "completed":
            return row
        if row.status == "failed":
            taken = await self._execute(
                f"UPDATE {self.table} SET status = 'in_progress', updated_at = ? "
                "WHERE client_id = ? AND idem_key = ? AND status = 'failed'",
                now,
                client_id,
                key,
            )
        else:
            taken = await self._execute(
                f"UPDATE {self.table} SET updated_at = ? "
                "WHERE client_id = ? AND idem_key = ? AND status = 'in_progress' AND updated_at < ?",
                now,
                client_id,
                key,
                now - self.lease,
            )
        if not taken:
            raise InProgress(key)
        return dataclasses.replace(row, status="in_progress")

    async def record_attempt(self, client_id: str, key: str) -> None:
        await self._execute(
            f"UPDATE {self.table} SET attempts = attempts + 1, updated_at = ? WHERE client_id = ? AND idem_key = ?",
            self.clock(),
            client_id,
            key,
        )

    async def complete(self, client_id: str, key: str, response: Mapping[str, Any]) -> None:
        await self._execute(
            f"UPDATE {self.table} SET status = 'completed', response = ?, error = NULL, updated_at = ? "
            "WHERE client_id = ? AND idem_key = ?",
            json.dumps(dict(response), sort_keys=True),
            self.clock(),
            client_id,
            key,
        )

    async def fail(self, client_id: str, key: str, error: str) -> None:
        await self._execute(
            f"UPDATE {self.table} SET status = 'failed', error = ?, updated_at = ? "
            "WHERE client_id = ? AND idem_key = ?",
            error[:2000],
            self.clock(),
            client_id,
            key,
        )


class SqliteIdempotencyStore(SqlIdempotencyStore):
    """SQLite (aiosqlite): the embedded default. ``path`` may be ``":memory:"``."""

    def __init__(self, path: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.path = path
        self._db: aiosqlite.Connection | None = None

    async def open(self) -> None:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._db = await aiosqlite.connect(self.path, isolation_level=None)
        await self._db.execute("PRAGMA journal_mode=WAL")
        await self._db.execute(self._ddl())

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError("idempotency store is not open (use the adapter's lifespan)")
        return self._db

    async def _execute(self, sql: str, *args: Any) -> int:
        try:
            cursor = await self.db.execute(sql, args)
            count = cursor.rowcount
            await cursor.close()
        except sqlite3.OperationalError as exc:  # disk full, I/O error, locked past the timeout
            raise StoreUnavailable(f"sqlite {self.path}: {exc}") from exc
        return int(count)

    async def _fetchrow(self, sql: str, *args: Any) -> tuple[Any, ...] | None:
        try:
            async with self.db.execute(sql, args) as cursor:
                row = await cursor.fetchone()
        except sqlite3.OperationalError as exc:
            raise StoreUnavailable(f"sqlite {self.path}: {exc}") from exc
        return tuple(row) if row is not None else None

    async def _fetchall(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        try:
            async with self.db.execute(sql, args) as cursor:
                rows = await cursor.fetchall()
        except sqlite3.OperationalError as exc:
            raise StoreUnavailable(f"sqlite {self.path}: {exc}") from exc
        return [tuple(row) for row in rows]


def open_store(url: str, *, table: str = "payment_idempotency", lease: float = 60.0) -> IdempotencyStore:
    """``sqlite:///relative/path``, ``sqlite:////absolute/path``, ``sqlite://:memory:``, a bare path, or
    ``postgresql://...``."""
    if url.startswith(("postgresql://", "postgres://")):
        from adapters.payments.idempotency_pg import PostgresIdempotencyStore

        return PostgresIdempotencyStore(url, table=table, lease=lease)
    if url.startswith("sqlite://"):
        # sqlite:///relative/path, sqlite:////absolute/path, sqlite://:memory: (the SQLAlchemy convention)
        path = url.removeprefix("sqlite://")
        path = path.removeprefix("/")
        return SqliteIdempotencyStore(path or ":memory:", table=table, lease=lease)
    if "://" in url:
        raise ValueError(f"idempotency_store {url!r}: use sqlite:///path or postgresql://...")
    return SqliteIdempotencyStore(url, table=table, lease=lease)
