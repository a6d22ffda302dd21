"""The running audit log: group-committed appends, signed checkpoints, health.

``await log.append(record)`` returns once the record is **committed** (its sequence number is the proof). A
single writer task takes every append waiting in the queue and commits them as one batch (group commit), so
concurrent operations share one transaction and one fsync. If the store fails, every waiting append fails and
the log is marked unavailable until the store answers again; the gateway then refuses operations (fail closed).

Checkpoints: the log signs ``(size, root)`` and writes it to the checkpoint directory (fsync'd, outside the
database) and the store

* at **exactly** every multiple of ``checkpoint_every``: each committed batch names the multiples it crossed
  (a batch of seqs 3..9 with ``every=4`` owes sizes 4 and 8) and one worker signs them in order, extending the
  Merkle state to each size — never "whatever the size is when the worker runs";
* every ``checkpoint_interval`` seconds (``sleep`` is injectable for tests), at the size this process last
  committed, if that grew — so no record stays unsigned longer than the interval;
* at shutdown.

At start-up the log rebuilds its Merkle state from the stored leaves and checks it against every earlier
checkpoint (stored or published); if any disagrees it refuses to sign again — a log must never sign a
checkpoint inconsistent with an earlier one. If it agrees, cadence checkpoints a crash left unsigned are signed.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from gateway.audit.checkpoint import Checkpoint, CheckpointSigner, CheckpointWriter
from gateway.audit.merkle import CompactRange
from gateway.audit.record import utc_iso
from gateway.audit.store import AuditStore, StoredCheckpoint, entry_for

__all__ = ["AuditLog", "AuditUnavailable"]

log = logging.getLogger("silkgraph.audit")

_Item = tuple[Any, "asyncio.Future[int]"]


class AuditUnavailable(Exception):
    """The audit store did not commit a record (the gateway fails closed)."""


class AuditLog:
    def __init__(
        self,
        store: AuditStore,
        *,
        signer: CheckpointSigner | None = None,
        publisher: CheckpointWriter | None = None,
        checkpoint_every: int = 256,
        checkpoint_interval: float | None = None,
        max_batch: int = 512,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        stall_after: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.signer = signer
        self.publisher = publisher
        self.checkpoint_every = checkpoint_every
        self.checkpoint_interval = checkpoint_interval
        self._ticker: asyncio.Task[None] | None = None
        self.max_batch = max_batch
        self.available = False
        self.last_error: str | None = None
        self.checkpoint_error: str | None = None
        self.latest: Checkpoint | None = None
        self.appended = 0
        self.batches = 0
        self._queue: asyncio.Queue[_Item] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None
        self._range = CompactRange()
        self._cp_lock = asyncio.Lock()
        self._sleep = sleep
        self._committed = 0  # the log's size after the last batch this process committed (or found at start)
        self._due: list[int] = []  # cadence sizes owed a checkpoint, ascending
        self._cp_wakeup = asyncio.Event()
        self._cp_worker: asyncio.Task[None] | None = None
        self._closing = False
        self._last_probe = 0.0
        #: an append still running after this many seconds means the store hangs: the log is not available
        self.stall_after = stall_after
        self._clock = clock
        self._append_started: float | None = None

    # ------------------------------------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        await self.store.open()
        await self._rebuild()
        self.available = True
        self._writer = asyncio.create_task(self._write_loop(), name="audit-writer")
        self._cp_worker = asyncio.create_task(self._sign_due_loop(), name="audit-checkpoint")
        if self.checkpoint_interval:
            self._ticker = asyncio.create_task(self._tick(self.checkpoint_interval), name="audit-checkpoint-timer")

    async def _tick(self, interval: float) -> None:
        while True:
            await self._sleep(interval)
            await self._checkpoint_quietly()

    async def _sign_due_loop(self) -> None:
        while not self._closing:
            await self._cp_wakeup.wait()
            self._cp_wakeup.clear()
            try:
                async with self._cp_lock:
                    await self._sign_due()
            except Exception as exc:  # the owed sizes stay owed: retried at the next batch, tick or shutdown
                log.error("audit checkpoint failed", extra={"fields": {"error": f"{type(exc).__name__}: {exc}"}})

    async def close(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
        if self._writer is not None:
            await self._queue.join()
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
        if self._cp_worker is not None:
            self._closing = True
            self._cp_wakeup.set()
            await asyncio.gather(self._cp_worker, return_exceptions=True)
        with contextlib.suppress(Exception):
            if self.available:
                await self.checkpoint()
        await self.store.close()

    async def __aenter__(self) -> AuditLog:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # ------------------------------------------------------------------------------------------- appending
    async def append(self, record: Mapping[str, Any]) -> int:
        """Append one record; returns its sequence number once committed, or raises AuditUnavailable."""
        if self._writer is None:
            raise AuditUnavailable("the audit log is not started")
        entry = entry_for(record)
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        await self._queue.put((entry, future))
        return await future

    async def _write_loop(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self.max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            self._append_started = self._clock()
            try:
                seqs = await self.store.append([entry for entry, _ in batch])
            except Exception as exc:  # the store is down or refused: every waiting operation fails closed
                self.available = False
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.error("audit append failed", extra={"fields": {"error": self.last_error, "batch": len(batch)}})
                for _, future in batch:
                    if not future.done():
                        future.set_exception(AuditUnavailable(self.last_error))
            else:
                self.available = True
                self.last_error = None
                self.appended += len(batch)
                self.batches += 1
                for (_, future), seq in zip(batch, seqs, strict=True):
                    if not future.done():
                        future.set_result(seq)
                self._owe(seqs[0], seqs[-1] + 1)
            finally:
                self._append_started = None
                for _ in batch:
                    self._queue.task_done()

    async def probe(self, interval: float = 1.0) -> bool:
        """Whether appends can be expected to work; re-checks a failed store at most every ``interval`` s.

        An append that has not returned for ``stall_after`` seconds means the store hangs: not available, whatever
        a ping on another connection says (the writer is stuck behind that append)."""
        if self.stalled:
            self.available = False
            self.last_error = f"an append has not returned for {self.stall_after:g} s (the store hangs)"
            return False
        if self.available:
            return True
        now = time.monotonic()
        if now - self._last_probe < interval:
            return False
        self._last_probe = now
        try:
            async with asyncio.timeout(2):
                await self.store.ping()
        except Exception as exc:  # still down
            self.last_error = f"{type(exc).__name__}: {exc}"
            return False
        self.available = True
        return True

    @property
    def stalled(self) -> bool:
        started = self._append_started
        return started is not None and self._clock() - started >= self.stall_after

    # ----------------------------------------------------------------------------------------- checkpoints
    def _owe(self, first: int, end: int) -> None:
        """A batch committed seqs ``first..end-1``: owe a checkpoint at every multiple of the cadence it crossed.

        Runs in the writer right after the commit, with no await in between, so a timer checkpoint (which signs
        at ``_committed``) can never get ahead of a size owed here."""
        every = self.checkpoint_every
        self._due.extend(range((first // every + 1) * every, end + 1, every))
        self._committed = max(self._committed, end)
        if self._due:
            self._cp_wakeup.set()

    async def _rebuild(self) -> None:
        """Load every leaf into the compact range, checking each earlier checkpoint on the way."""
        known: dict[int, bytes] = {cp.size: cp.root for cp in await self.store.checkpoints()}
        if self.publisher is not None:
            for cp in await asyncio.to_thread(self.publisher.all):
                if cp.size in known and known[cp.size] != cp.root:
                    self.checkpoint_error = f"published and stored checkpoints of size {cp.size} disagree"
                known.setdefault(cp.size, cp.root)
        size = await self.store.size()
        step = 10_000
        owed: list[tuple[int, bytes]] = []  # cadence sizes a crash left unsigned
        if 0 in known:
            self._check(0, known[0])
        for start in range(0, size, step):
            leaves = await self.store.leaves(start, min(start + step, size))
            if len(leaves) != min(step, size - start):
                self.checkpoint_error = f"the stored log has gaps near seq {start}; refusing to sign checkpoints"
                break
            for leaf in leaves:
                self._range.append(leaf)
                if self._range.size in known:
                    self._check(self._range.size, known[self._range.size])
                elif self._range.size % self.checkpoint_every == 0:
                    owed.append((self._range.size, self._range.root()))
        self._committed = self._range.size
        beyond = [s for s in known if s > self._range.size]
        if beyond:
            self.checkpoint_error = f"a checkpoint of size {min(beyond)} exists but the log has {self._range.size}"
        if self.checkpoint_error:
            log.error("audit log inconsistent with its checkpoints", extra={"fields": {"error": self.checkpoint_error}})
            return
        for cp_size, root in owed:  # the whole history agrees with every earlier checkpoint: fill the cadence
            await self._publish(cp_size, root)
        if known:
            top = max(known)
            self.latest = Checkpoint(origin=self.signer.origin if self.signer else "", size=top, root=known[top])
        if owed and (self.latest is None or owed[-1][0] > self.latest.size):
            self.latest = Checkpoint(
                origin=self.signer.origin if self.signer else "", size=owed[-1][0], root=owed[-1][1]
            )

    def _check(self, size: int, root: bytes) -> None:
        if self._range.root() != root:
            self.checkpoint_error = f"the log's root at size {size} differs from its checkpoint"

    async def _checkpoint_quietly(self) -> None:
        try:
            await self.checkpoint()
        except Exception as exc:  # signing is retried at the next tick
            log.error("audit checkpoint failed", extra={"fields": {"error": f"{type(exc).__name__}: {exc}"}})

    async def checkpoint(self) -> Checkpoint | None:
        """Sign every owed cadence checkpoint, then one at the size this process last committed; the newest
        checkpoint signed (None when nothing was new or signing is refused)."""
        async with self._cp_lock:
            signed = await self._sign_due()
            return await self._sign_at(self._committed) or signed

    async def _sign_due(self) -> Checkpoint | None:
        signed = None
        while self._due:
            signed = await self._sign_at(self._due[0]) or signed
            self._due.pop(0)
        return signed

    async def _sign_at(self, size: int) -> Checkpoint | None:
        """Extend the Merkle state to exactly ``size`` records and sign it (caller holds ``_cp_lock``)."""
        if self.signer is None or self.checkpoint_error is not None:
            return None
        if size < self._range.size or (self.latest is not None and self.latest.size >= size):
            return None  # already signed (here or by another process) or passed
        leaves = await self.store.leaves(self._range.size, size)
        if len(leaves) != size - self._range.size:
            self.checkpoint_error = f"the stored log has gaps after seq {self._range.size}"
            return None
        for leaf in leaves:
            self._range.append(leaf)
        return await self._publish(size, self._range.root())

    async def _publish(self, size: int, root: bytes) -> Checkpoint | None:
        if self.signer is None:
            return None
        cp = self.signer.sign(size, root)
        if self.publisher is not None:
            await asyncio.to_thread(self.publisher.write, cp)
        await self.store.add_checkpoint(
            StoredCheckpoint(cp.size, cp.root, utc_iso(time.time()), cp.note, self.signer.key_id.hex())
        )
        if self.latest is None or self.latest.size < cp.size:
            self.latest = cp
        return cp

    def status(self) -> dict[str, Any]:
        return {
            "available": self.available,
            "store": self.store.url.split("@")[-1],
            "appended": self.appended,
            "batches": self.batches,
            "merkle_size": self._range.size,
            "checkpoint": None
            if self.latest is None
            else {"size": self.latest.size, "root": base64.b64encode(self.latest.root).decode()},
            "checkpoint_error": self.checkpoint_error,
            "error": self.last_error,
        }
