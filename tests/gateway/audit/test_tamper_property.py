"""A generator of tampers: random edits, deletions, swaps and truncations of a checkpointed log are all caught,
and the first bad seq verify names is never after the first record the attacker touched.

Fixed seed in CI (40 tampers on copies of one seeded log); ``SILKGRAPH_TAMPER_CASES`` runs more.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.gateway.audit.conftest import seed, verify

COUNT, EVERY = 23, 4
COLUMNS = ("ts_utc", "trace_id", "subject", "operation_name", "outcome", "services", "legacy_sources")


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tamper-original")
    asyncio.run(seed(folder / "audit.sqlite3", COUNT, folder / "checkpoints", every=EVERY))
    return folder


def _tamper(rng: random.Random, db: Path) -> tuple[str, int]:
    """Apply one random tamper; what it was and the first seq it touched."""
    conn = sqlite3.connect(db, isolation_level=None)
    for trigger in ("audit_event_no_update", "audit_event_no_delete"):
        conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    try:
        kind = rng.choice(["body", "column", "leaf", "chain", "delete", "swap", "truncate"])
        seq = rng.randrange(COUNT)
        if kind == "body":
            (body,) = conn.execute("SELECT body_jcs FROM audit_event WHERE seq = ?", (seq,)).fetchone()
            data = bytearray(body)
            i = rng.randrange(len(data))
            data[i] = (data[i] + rng.randrange(1, 255)) % 256
            conn.execute("UPDATE audit_event SET body_jcs = ? WHERE seq = ?", (bytes(data), seq))
        elif kind == "column":
            column = rng.choice(COLUMNS)
            conn.execute(f"UPDATE audit_event SET {column} = {column} || 'x' WHERE seq = ?", (seq,))
        elif kind in ("leaf", "chain"):
            conn.execute(f"UPDATE audit_event SET {kind}_hash = ? WHERE seq = ?", (rng.randbytes(32), seq))
        elif kind == "delete":
            conn.execute("DELETE FROM audit_event WHERE seq = ?", (seq,))
        elif kind == "swap":
            seq = rng.randrange(COUNT - 1)
            other = rng.randrange(seq + 1, COUNT)
            rows = {r[0]: r for r in conn.execute("SELECT * FROM audit_event WHERE seq IN (?, ?)", (seq, other))}
            conn.execute("DELETE FROM audit_event WHERE seq IN (?, ?)", (seq, other))
            for at, source in ((seq, other), (other, seq)):
                conn.execute(f"INSERT INTO audit_event VALUES ({', '.join('?' * 13)})", (at, *rows[source][1:]))
        else:  # truncate: the newest records, and the checkpoints in the table that would show it
            seq = rng.randrange(1, COUNT)
            conn.execute("DELETE FROM audit_event WHERE seq >= ?", (seq,))
            conn.execute("DROP TRIGGER IF EXISTS audit_checkpoint_no_delete")
            conn.execute("DELETE FROM audit_checkpoint WHERE size > ?", (seq,))
        return kind, seq
    finally:
        conn.close()


CASES = int(os.environ.get("SILKGRAPH_TAMPER_CASES", "40"))


def test_every_random_tamper_is_caught_at_or_before_its_first_touched_seq(original: Path, tmp_path: Path) -> None:
    rng = random.Random(20261207)
    missed = []
    for case in range(CASES):
        work = tmp_path / f"case{case}"
        shutil.copytree(original, work)
        kind, seq = _tamper(rng, work / "audit.sqlite3")
        report = verify(work / "audit.sqlite3", published=work / "checkpoints", every=EVERY)
        if report.ok or report.first_bad is None or report.first_bad > seq:
            missed.append((case, kind, seq, report.first_bad, [p.kind for p in report.problems]))
        shutil.rmtree(work)
    assert not missed, missed
