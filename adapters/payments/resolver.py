"""Unfinished payment keys are resolved in the background, not left "in progress" until a client retries.

A worker that dies or hangs between claiming an idempotency key and recording the outcome leaves its row
``in_progress``. Before, that key answered ``CONFLICT`` for the lease and then waited for the client to retry
(one sat 881 s). The :class:`Resolver` runs in the adapter's lifespan and, every ``interval`` seconds, does for
each row whose lease ran out what a client retry would do, without sending anything:

* it takes the row over (renewing its lease atomically: one replica, or one retrying client, wins);
* a row with no recorded send never reached the rail: it is marked ``failed`` (a retry sends it);
* otherwise the rail is asked with a pacs.028 status inquiry for the row's UETR: a payment the rail knows is
  recorded ``completed`` with the rail's status (a retry replays it), one it never received (RJCT NOOR) is
  marked ``failed`` (a retry resends the same message, after asking again);
* if the rail or the store cannot answer, the row stays in progress and is tried again after another lease.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from adapters.payments.client import RailClient
from adapters.payments.idempotency import IdempotencyRecord, IdempotencyStore, StoreUnavailable
from gateway.errors import SubgraphError

__all__ = ["Resolver"]

log = logging.getLogger("silkgraph.payments.resolver")


class Resolver:
    def __init__(
        self,
        store: IdempotencyStore,
        client: RailClient,
        *,
        interval: float,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.store = store
        self.client = client
        self.interval = interval
        self._sleep = sleep
        self.completed = 0
        self.failed = 0

    async def run(self) -> None:
        while True:
            await self._sleep(self.interval)
            try:
                await self.run_once()
            except StoreUnavailable as exc:  # the store is away: the rows wait for the next round
                log.warning("payment keys not resolved: store unavailable", extra={"fields": {"error": str(exc)}})

    async def run_once(self) -> int:
        """Resolve every abandoned row the store lists now; how many were settled either way."""
        done = 0
        for record in await self.store.abandoned():
            if await self.store.take_over(record) and await self._resolve(record):
                done += 1
        return done

    async def _resolve(self, record: IdempotencyRecord) -> bool:
        if record.attempts == 0:  # claimed, never sent: nothing can have reached the rail
            await self.store.fail(record.client_id, record.key, "abandoned before it was sent; nothing was paid")
            self.failed += 1
            return True
        agency = record.client_id.split(":", 1)[0]
        try:
            report = (await self.client.inquire([record.uetr], agency=None if agency == "-" else agency))[record.uetr]
        except SubgraphError as exc:
            log.warning(
                "payment key not resolved: the rail did not answer its inquiry",
                extra={"fields": {"uetr": record.uetr, "error": exc.message}},
            )
            return False
        if report.known:
            response = {"uetr": record.uetr, "msgId": record.msg_id, "status": report.status, "reason": report.reason}
            await self.store.complete(record.client_id, record.key, response)
            self.completed += 1
        else:
            await self.store.fail(record.client_id, record.key, "the rail never received it (pacs.028: NOOR)")
            self.failed += 1
        log.info(
            "abandoned payment key resolved",
            extra={"fields": {"uetr": record.uetr, "status": report.status if report.known else "not received"}},
        )
        return True
