"""SIGTERM within a grace period: stop accepting, let requests finish, drain, exit — never hang on a store.

``silkgraph serve`` runs uvicorn with a :class:`GracefulServer`. On the first SIGTERM (or SIGINT) uvicorn stops
accepting connections and waits for the requests in flight — for half of ``[stores] shutdown_grace`` at most —
then runs the app's shutdown (the audit spool drained, a last checkpoint signed, pools closed). Each of those
waits is bounded by its store's timeouts, but a process must not outlive its grace because of one more: a
watchdog started with the signal ends the process when the grace runs out. Nothing committed is lost that way —
a response leaves only once its audit record is durable (in the store or the spool), and the spool is drained
by the next start.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from types import FrameType
from typing import Any

import uvicorn

__all__ = ["GracefulServer", "graceful_config", "with_shutdown_watchdog"]

log = logging.getLogger("silkgraph.shutdown")

#: exit status when the grace period ran out before the shutdown finished
OVERDUE = 70


def graceful_config(app: Any, host: str, port: int, grace: float) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=max(1, int(grace / 2)),
    )


def _start_watchdog(grace: float) -> threading.Timer:
    timer = threading.Timer(grace, _overdue, args=(grace,))
    timer.daemon = True
    timer.start()
    return timer


def with_shutdown_watchdog(app: Any, grace: float) -> Any:
    """The app, with a watchdog started when its lifespan shutdown begins (``serve --workers``: uvicorn's own
    worker processes, whose signal handling is uvicorn's). uvicorn has waited for requests for half the grace by
    then; the shutdown gets the other half."""

    async def watched(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            await app(scope, receive, send)
            return

        async def receive_watched() -> Any:
            message = await receive()
            if message.get("type") == "lifespan.shutdown":
                _start_watchdog(grace / 2)
            return message

        await app(scope, receive_watched, send)

    return watched


class GracefulServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, grace: float) -> None:
        super().__init__(config)
        self.grace = grace
        self._watchdog: threading.Timer | None = None

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self._watchdog is None:
            log.info("shutting down", extra={"fields": {"signal": sig, "grace_s": self.grace}})
            self._watchdog = _start_watchdog(self.grace)
        super().handle_exit(sig, frame)

    async def serve(self, sockets: Any = None) -> None:
        try:
            await super().serve(sockets)
        finally:
            if self._watchdog is not None:
                self._watchdog.cancel()


def _overdue(grace: float) -> None:
    message = f"shutdown did not finish within shutdown_grace ({grace:g} s): exiting now"
    log.error(message)
    print(f"silkgraph: {message}", file=sys.stderr, flush=True)
    os._exit(OVERDUE)
