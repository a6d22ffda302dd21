"""Catch blocking calls on the event loop: a step of a task that sleeps off the CPU, or holds the CPU too long.

Wall time alone cannot tell a blocking call from a busy machine: on a loaded 2-core CI runner a healthy step may
wait a second for a CPU. So each step scheduled on the loop (every task step goes through ``call_soon``) is split
with the kernel's scheduler accounting for the loop's thread (``/proc/thread-self/schedstat``: time on a CPU, time
waiting in the run queue for one):

- **blocked** = wall − on-CPU − run-queue wait: time the thread slept inside the step (a synchronous socket or
  HTTP call, ``time.sleep``, a lock). Waiting for a CPU is not counted, so load does not make the check flaky.
- **on-CPU**: synchronous work that holds the loop (a WSDL parse, a large XML schema build).

A step over either threshold is reported. Where the kernel gives no run-queue figure, the thread's CPU time from
:func:`time.thread_time` is used and run-queue wait counts as blocked (wall time, as asyncio's debug mode measures).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

__all__ = ["BLOCKED_SECONDS", "ON_CPU_SECONDS", "SLOW_CALLBACK_SECONDS", "slow_callbacks"]

#: a step that sleeps this long inside the loop is a blocking call
BLOCKED_SECONDS = 0.2
#: a step that computes this long holds every other request back
ON_CPU_SECONDS = 0.5
#: kept for callers that name one threshold: the on-CPU one
SLOW_CALLBACK_SECONDS = ON_CPU_SECONDS

_SCHEDSTAT = Path("/proc/thread-self/schedstat")


def _scheduler_clock() -> Callable[[], tuple[float, float]]:
    """A function giving (seconds on a CPU, seconds waiting for one) of the calling thread."""
    try:
        on_cpu, waiting, *_ = _SCHEDSTAT.read_text().split()
        int(on_cpu), int(waiting)
    except (OSError, ValueError):
        return lambda: (time.thread_time(), 0.0)

    def read() -> tuple[float, float]:
        on_cpu, waiting, *_ = _SCHEDSTAT.read_text().split()
        return int(on_cpu) / 1e9, int(waiting) / 1e9

    return read


@contextlib.contextmanager
def slow_callbacks(
    threshold: float = ON_CPU_SECONDS, *, blocked_threshold: float = BLOCKED_SECONDS
) -> Iterator[list[str]]:
    """Within a running loop: yield a list that fills with a report for each step scheduled from now on that was
    blocked longer than ``blocked_threshold`` or computed longer than ``threshold`` (seconds)."""
    loop = asyncio.get_running_loop()
    clock = _scheduler_clock()
    reports: list[str] = []
    original = loop.call_soon

    def measured(callback: Callable[..., Any]) -> Callable[..., Any]:
        def step(*args: Any) -> Any:
            wall0, (cpu0, wait0) = time.monotonic(), clock()
            try:
                return callback(*args)
            finally:
                (cpu1, wait1), wall1 = clock(), time.monotonic()
                on_cpu = cpu1 - cpu0
                blocked = (wall1 - wall0) - on_cpu - (wait1 - wait0)
                if blocked > blocked_threshold or on_cpu > threshold:
                    reports.append(f"{callback!r} was blocked {blocked:.3f} s and on a CPU {on_cpu:.3f} s")

        return step

    def call_soon(callback: Callable[..., Any], *args: Any, context: Any = None) -> asyncio.Handle:
        return original(measured(callback), *args, context=context)

    loop.call_soon = call_soon  # type: ignore[method-assign,assignment]
    try:
        yield reports
    finally:
        del loop.call_soon  # the instance attribute goes; the class's method is back
