"""camt.054 debit/credit notifications the rail pushes to ``SandboxConfig.callback_url``.

Every entry booked after start-up (settlements and returns) is queued and POSTed, one camt.054 per entry, in
the rail's envelope. Delivery is at-least-once: a failed POST is retried twice with a short backoff, then
counted as failed. The queue is drained by a task the app's lifespan starts and stops.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator, Callable

import httpx

from adapters.payments.messages import camt054
from adapters.payments.messages.envelope import render_message
from adapters.payments.model import AccountRecord, StatementEntry
from adapters.payments.rail import Rail

__all__ = ["Notifier"]


class Notifier:
    def __init__(self, rail: Rail, url: str, *, next_id: Callable[[], str], calls: Counter[str]) -> None:
        self.rail = rail
        self.url = url
        self.next_id = next_id
        self.calls = calls
        self.queue: asyncio.Queue[tuple[AccountRecord, StatementEntry]] = asyncio.Queue()
        rail.ledger.listeners.append(lambda acct, entry: self.queue.put_nowait((acct, entry)))

    def _body(self, acct: AccountRecord, entry: StatementEntry) -> bytes:
        msg_id = self.next_id()
        doc = camt054.build(acct.number, acct.currency, entry, msg_id=msg_id, created=self.rail.clock())
        return render_message(
            doc,
            msg_def=camt054.MSG_DEF,
            sender_bic=self.rail.settings.bic,
            receiver_bic=acct.bic,
            biz_msg_id=msg_id,
            created=self.rail.clock(),
        )

    async def _deliver(self, http: httpx.AsyncClient, body: bytes) -> None:
        for attempt in range(3):
            try:
                response = await http.post(self.url, content=body, headers={"Content-Type": "application/xml"})
                if response.status_code < 300:
                    self.calls["camt.054.sent"] += 1
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.05 * (attempt + 1))
        self.calls["camt.054.failed"] += 1

    async def _run(self) -> None:
        async with httpx.AsyncClient(timeout=5.0, verify=not self.url.startswith("http://")) as http:
            while True:
                acct, entry = await self.queue.get()
                await self._deliver(http, self._body(acct, entry))

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        task = asyncio.create_task(self._run(), name="camt054-notifier")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
