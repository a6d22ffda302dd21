"""Catch blocking calls on the event loop with asyncio's debug mode: any callback slower than a threshold.

asyncio in debug mode logs ``Executing <Handle ...> took 0.612 seconds`` for every step that holds the loop
longer than ``loop.slow_callback_duration``. The threshold is generous (0.5 s by default) so a busy shared
machine does not make it flaky, while a synchronous HTTP call, ``time.sleep`` or a WSDL parse on the loop
still shows up. Nothing is patched: the loop measures itself. The loop decides whether to time a step when
the step starts, so the step that enters :func:`slow_callbacks` is not timed: ``await asyncio.sleep(0)`` first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator

__all__ = ["SLOW_CALLBACK_SECONDS", "slow_callbacks"]

SLOW_CALLBACK_SECONDS = 0.5


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.reports: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.msg, str) and record.msg.startswith("Executing"):
            self.reports.append(record.getMessage())


@contextlib.contextmanager
def slow_callbacks(threshold: float = SLOW_CALLBACK_SECONDS) -> Iterator[list[str]]:
    """Within a running loop: yield a list that fills with a report for each callback slower than ``threshold``."""
    loop = asyncio.get_running_loop()
    logger = logging.getLogger("asyncio")
    collector = _Collector()
    was_debug, was_threshold, was_level = loop.get_debug(), loop.slow_callback_duration, logger.level
    logger.addHandler(collector)
    logger.setLevel(min(logger.getEffectiveLevel(), logging.WARNING))
    loop.set_debug(True)
    loop.slow_callback_duration = threshold
    try:
        yield collector.reports
    finally:
        loop.set_debug(was_debug)
        loop.slow_callback_duration = was_threshold
        logger.setLevel(was_level)
        logger.removeHandler(collector)
