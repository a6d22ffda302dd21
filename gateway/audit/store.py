"""What an audit store keeps and answers: an append-only, densely numbered, hash-chained list of records.

Every store (memory, SQLite, PostgreSQL) implements :class:`AuditStore`. ``append`` takes a batch of prepared
entries and, **inside one transaction under the log's lock**, reads the head, numbers the entries densely from
it, extends the chain ``chain = SHA-256(prev_chain ‖ leaf)`` (genesis ``prev`` = 32 zero bytes) and commits.
The searchable columns are copies of values inside the signed body; the verifier checks they still agree.
"""

from __future__ import annotations

import abc
import dataclasses
import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import rfc8785

from gateway.audit.merkle import leaf_hash

__all__ = [
    "GENESIS",
    "AuditStore",
    "Entry",
    "MemoryStore",
    "Row",
    "SearchFilter",
    "StoredCheckpoint",
    "chain_hash",
    "columns_of",
    "entry_for",
    "sql_where",
]

GENESIS = bytes(32)


def chain_hash(prev: bytes, leaf: bytes) -> bytes:
    return hashlib.sha256(prev + leaf).digest()


@dataclasses.dataclass(frozen=True, slots=True)
class Columns:
    """Searchable copies of record fields (each derived from the body by :func:`columns_of`)."""

    ts: str
    trace_id: str
    subject: str
    agency: str | None
    operation_type: str | None
    operation_name: str | None
    outcome: str
    services: str  # ",cargo,customs,": a search for ",cargo," finds it
    legacy_sources: str


def _tagged(values: Sequence[str]) -> str:
    return "," + ",".join(sorted(set(values))) + "," if values else ""


def columns_of(record: Mapping[str, Any]) -> Columns:
    principal = record.get("principal") or {}
    operation = record.get("operation") or {}
    return Columns(
        ts=str(record.get("time", "")),
        trace_id=str(record.get("trace_id", "")),
        subject=str(principal.get("subject", "")),
        agency=principal.get("agency"),
        operation_type=operation.get("type"),
        operation_name=operation.get("name"),
        outcome=str(record.get("outcome", "")),
        services=_tagged([f["service"] for f in record.get("fetches") or ()]),
        legacy_sources=_tagged([c["source"] for c in record.get("legacy_calls") or ()]),
    )


@dataclasses.dataclass(frozen=True, slots=True)
class Entry:
    """A record ready to append: canonical body (RFC 8785), its leaf hash and searchable columns."""

    body: bytes
    leaf: bytes
    columns: Columns


def entry_for(record: Mapping[str, Any]) -> Entry:
    body = canonical_json(record)
    return Entry(body=body, leaf=leaf_hash(body), columns=columns_of(record))


def canonical_json(value: Any) -> bytes:
    """RFC 8785 bytes. ``json.dumps`` produces the same bytes when every key is ASCII and every float prints the
    same in Python and ECMAScript (finite, not integral, no exponent); otherwise the ``rfc8785`` encoder runs.
    The verifier re-checks every stored body against ``rfc8785``."""
    if _plain(value):
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return rfc8785.dumps(value)


_SAFE = 2**53 - 1


def _plain(value: Any) -> bool:
    if isinstance(value, str | bool) or value is None:
        return True
    if isinstance(value, int):
        return -_SAFE <= value <= _SAFE
    if isinstance(value, float):
        return math.isfinite(value) and not value.is_integer() and "e" not in repr(value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and k.isascii() and _plain(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(_plain(v) for v in value)
    return False


@dataclasses.dataclass(frozen=True, slots=True)
class Row:
    seq: int
    body: bytes
    leaf: bytes
    chain: bytes
    columns: Columns

    def record(self) -> dict[str, Any]:
        value = json.loads(self.body)
        if not isinstance(value, dict):
            raise ValueError(f"audit record {self.seq} is not a JSON object")
        return value


@dataclasses.dataclass(frozen=True, slots=True)
class StoredCheckpoint:
    size: int
    root: bytes
    ts: str
    note: str
    key_id: str


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class SearchFilter:
    """Search terms; all given terms must match. Results come newest first, ``before`` is the paging cursor."""

    subject: str | None = None
    agency: str | None = None
    operation: str | None = None
    outcome: str | None = None
    service: str | None = None
    legacy_source: str | None = None
    since: str | None = None  # ISO-8601 UTC, inclusive
    until: str | None = None  # ISO-8601 UTC, exclusive
    #: the request id a client quotes (the ``X-Request-Id`` of its response)
    request_id: str | None = None
    before: int | None = None
    limit: int = 50

    def request_id_needle(self) -> bytes | None:
        """The bytes of ``"request_id":"…"`` as they stand in a record's canonical (RFC 8785) JSON body."""
        if self.request_id is None:
            return None
        return b'"request_id":' + json.dumps(self.request_id, ensure_ascii=False).encode()

    def matches(self, row: Row) -> bool:
        c = row.columns
        return (
            (self.subject is None or c.subject == self.subject)
            and (self.agency is None or c.agency == self.agency)
            and (self.operation is None or c.operation_name == self.operation)
            and (self.outcome is None or c.outcome == self.outcome)
            and (self.service is None or f",{self.service}," in c.services)
            and (self.legacy_source is None or f",{self.legacy_source}," in c.legacy_sources)
            and (self.since is None or c.ts >= self.since)
            and (self.until is None or c.ts < self.until)
            and (self.before is None or row.seq < self.before)
            and self._same_request(row)
        )

    def _same_request(self, row: Row) -> bool:
        return self.request_id is None or row.record().get("request_id") == self.request_id

    def exact(self, rows: list[Row]) -> list[Row]:
        """SQL stores match the request id as bytes in the body; keep the rows whose *record's* id it is."""
        return rows if self.request_id is None else [r for r in rows if self._same_request(r)]


class AuditStore(abc.ABC):
    """An append-only audit log. ``open``/``close`` bracket its life; every method may raise ``OSError``-likes."""

    url: str = ""

    async def open(self, *, create: bool = True) -> None:  # noqa: B027 - optional hook
        """Connect; create the schema if missing unless ``create`` is False (verifiers change nothing)."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""

    @abc.abstractmethod
    async def append(self, entries: Sequence[Entry]) -> list[int]:
        """Append in one transaction under the log lock; return the sequence numbers given."""

    @abc.abstractmethod
    async def size(self) -> int:
        """How many records the log holds (committed)."""

    @abc.abstractmethod
    async def rows(self, start: int, end: int) -> list[Row]:
        """Rows with ``start <= seq < end`` in seq order (as stored: a verifier sees gaps and disorder)."""

    @abc.abstractmethod
    async def search(self, terms: SearchFilter) -> list[Row]:
        """Rows matching ``terms``, newest first."""

    @abc.abstractmethod
    async def add_checkpoint(self, cp: StoredCheckpoint) -> None:
        """Remember a signed checkpoint (idempotent per size)."""

    @abc.abstractmethod
    async def checkpoints(self) -> list[StoredCheckpoint]:
        """Every stored checkpoint, smallest size first."""

    async def ping(self) -> None:
        """Raise unless the store answers."""
        await self.size()

    async def get(self, seq: int) -> Row | None:
        rows = await self.rows(seq, seq + 1)
        return rows[0] if rows and rows[0].seq == seq else None

    async def leaves(self, start: int, end: int) -> list[bytes]:
        return [r.leaf for r in await self.rows(start, end)]


class MemoryStore(AuditStore):
    """In-process store for tests and the demo; lost at exit."""

    url = "memory"

    def __init__(self) -> None:
        self._rows: list[Row] = []
        self._checkpoints: dict[int, StoredCheckpoint] = {}

    async def append(self, entries: Sequence[Entry]) -> list[int]:
        prev = self._rows[-1].chain if self._rows else GENESIS
        seqs = []
        for entry in entries:
            prev = chain_hash(prev, entry.leaf)
            seq = len(self._rows)
            self._rows.append(Row(seq, entry.body, entry.leaf, prev, entry.columns))
            seqs.append(seq)
        return seqs

    async def size(self) -> int:
        return len(self._rows)

    async def rows(self, start: int, end: int) -> list[Row]:
        return [r for r in self._rows if start <= r.seq < end]

    async def search(self, terms: SearchFilter) -> list[Row]:
        found = [r for r in reversed(self._rows) if terms.matches(r)]
        return found[: terms.limit]

    async def add_checkpoint(self, cp: StoredCheckpoint) -> None:
        self._checkpoints.setdefault(cp.size, cp)

    async def checkpoints(self) -> list[StoredCheckpoint]:
        return [self._checkpoints[k] for k in sorted(self._checkpoints)]


def sql_where(
    terms: SearchFilter, mark: str = "?", contains: str = "instr", body_contains: str = "instr(body_jcs, ?) > 0"
) -> tuple[str, list[Any]]:
    """A WHERE clause for the search terms (SQL stores).

    ``mark`` is the placeholder style (``?`` or ``${n}``), ``contains`` the substring function of the dialect,
    ``body_contains`` the dialect's test for bytes inside the record body (the request id has no column).
    """
    clauses: list[str] = []
    args: list[Any] = []

    def add(sql: str, value: Any) -> None:
        args.append(value)
        clauses.append(sql.replace("?", mark.format(n=len(args))))

    for column, value in (
        ("subject", terms.subject),
        ("agency", terms.agency),
        ("operation_name", terms.operation),
        ("outcome", terms.outcome),
    ):
        if value is not None:
            add(f"{column} = ?", value)
    if terms.service is not None:
        add(f"{contains}(services, ?) > 0", f",{terms.service},")
    if terms.legacy_source is not None:
        add(f"{contains}(legacy_sources, ?) > 0", f",{terms.legacy_source},")
    if terms.since is not None:
        add("ts_utc >= ?", terms.since)
    if terms.until is not None:
        add("ts_utc < ?", terms.until)
    if terms.before is not None:
        add("seq < ?", terms.before)
    needle = terms.request_id_needle()
    if needle is not None:
        add(body_contains, needle)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", args
