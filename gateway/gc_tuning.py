"""Garbage-collector settings for a serving process: collect young objects less often, never rescan the startup heap.

A federated response is thousands of short-lived dicts and lists (subgraph answers, representations, the shaped
result). With CPython's default threshold (a young collection every 700 net allocations) the collector ran
several times per request and rescanned every object still in flight each time: on a 500-entity list that was
a third of the gateway's CPU (py-spy, bench.peers). Young collections every 20,000 allocations cut it to a
tenth; freezing the heap built at startup (schemas, plans, modules) keeps the rare full collections from
walking it. Only ``silkgraph serve``/``demo`` processes do this (tests and libraries keep the defaults).
"""

from __future__ import annotations

import gc
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["YOUNG_THRESHOLD", "FreezeAfterStartup", "tune_for_serving"]

#: net allocations between young-generation collections (CPython's default is 700)
YOUNG_THRESHOLD = 20_000


def tune_for_serving(app: ASGIApp) -> ASGIApp:
    """Set the serving thresholds for this process; return ``app`` wrapped to freeze the heap once it started."""
    gc.set_threshold(YOUNG_THRESHOLD, 50, 1000)
    return FreezeAfterStartup(app)


class FreezeAfterStartup:
    """Moves every object alive when the ASGI lifespan startup completes out of the collector's reach."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return

        async def send_then_freeze(message: Any) -> None:
            if message["type"] == "lifespan.startup.complete":
                gc.collect()
                gc.freeze()
            await send(message)

        await self.app(scope, receive, send_then_freeze)
