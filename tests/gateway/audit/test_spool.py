"""The audit spool: durable files in order, drained oldest first, nothing removed before its append committed."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from gateway.audit.log import AuditUnavailable
from gateway.audit.spool import Spool


def _spool(tmp_path: Path) -> Spool:
    spool = Spool(tmp_path / "spool")
    for i in range(3):
        spool.put({"n": i})
    return spool


async def test_a_drain_appends_oldest_first_and_removes_each_file_after_its_append(tmp_path: Path) -> None:
    spool = _spool(tmp_path)
    appended: list[Mapping[str, Any]] = []

    async def append(record: Mapping[str, Any]) -> int:
        assert len(spool) == 3 - len(appended)  # the file is still there while its append runs
        appended.append(record)
        return len(appended) - 1

    assert await spool.drain(append) == 3
    assert [r["n"] for r in appended] == [0, 1, 2]
    assert all(isinstance(r["spooled_at"], float) for r in appended)
    assert len(spool) == 0


async def test_a_failing_append_stops_the_drain_and_keeps_the_rest(tmp_path: Path) -> None:
    spool = _spool(tmp_path)
    calls = 0

    async def append(record: Mapping[str, Any]) -> int:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise AuditUnavailable("database down")
        return calls

    with pytest.raises(AuditUnavailable):
        await spool.drain(append)
    assert len(spool) == 2  # the first went; the one that failed and the one after it wait


async def test_half_written_and_unreadable_files_never_become_records(tmp_path: Path) -> None:
    spool = _spool(tmp_path)
    (spool.directory / ".00000000000000000001-dead.json.partial").write_text('{"n": ')  # a crash mid-write
    (spool.directory / "00000000000000000002-bad0.json").write_text("not json")
    seen: list[int] = []

    async def append(record: Mapping[str, Any]) -> int:
        seen.append(record["n"])
        return 0

    assert await spool.drain(append) == 3
    assert seen == [0, 1, 2]
    assert sorted(p.suffix for p in spool.directory.iterdir()) == [".partial", ".unreadable"]


def test_an_empty_or_missing_spool_has_nothing_pending(tmp_path: Path) -> None:
    assert Spool(tmp_path / "never-made").pending() == []
