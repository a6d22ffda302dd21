"""Audit records the store could not take, kept on local disk until it can.

An operation admitted while the store was up may find it gone when its record is appended — and a mutation has
already changed a legacy system by then. Rather than drop that record (or answer 503 for work that was done),
the trail writes it here: one JSON file per record, written to a temporary name, fsync'd, renamed and the
directory fsync'd, so a record in the spool survives a crash. The response then leaves, its record durable.

:meth:`Spool.drain` appends the spooled records, oldest first, once the store answers again (the trail runs it
every second while anything is spooled, and at start-up); each file is removed only after its append committed,
so a crash mid-drain can repeat a record but never lose one. A drained record carries ``spooled_at``, and its
sequence number is later than those of records appended while it waited.

One spool directory belongs to one audit store: do not share it between gateways with different stores.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["Spool"]


class Spool:
    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    def put(self, record: Mapping[str, Any]) -> Path:
        """Write ``record`` durably (blocking: call it in a thread); its path, in spool order."""
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns():020d}-{secrets.token_hex(4)}.json"
        body = json.dumps({**record, "spooled_at": time.time()}, default=str, separators=(",", ":")).encode()
        partial = self.directory / f".{name}.partial"
        with open(partial, "wb") as file:
            file.write(body)
            file.flush()
            os.fsync(file.fileno())
        final = self.directory / name
        os.replace(partial, final)
        _fsync_dir(self.directory)
        return final

    def pending(self) -> list[Path]:
        """Spooled records, oldest first (partial writes of a crash are skipped)."""
        if not self.directory.is_dir():
            return []
        return sorted(p for p in self.directory.iterdir() if p.suffix == ".json" and not p.name.startswith("."))

    def __len__(self) -> int:
        return len(self.pending())

    async def drain(self, append: Callable[[Mapping[str, Any]], Awaitable[int]]) -> int:
        """Append every spooled record with ``append``, oldest first; how many went. Stops at the first failure
        (the exception propagates); a file that is not a record is moved aside as ``*.unreadable``."""
        done = 0
        for path in self.pending():
            try:
                record = json.loads(path.read_bytes())
            except (OSError, ValueError):
                path.rename(path.with_suffix(".unreadable"))
                continue
            await append(record)
            path.unlink()
            done += 1
        if done:
            _fsync_dir(self.directory)
        return done


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
