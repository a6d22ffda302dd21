"""What a breaker buys: one legacy system goes silent under the gateway, then comes back.

    python -m bench.outage [--requests 20] [--read-timeout 0.5] [--breaker-reset 3]      (from the repository root)

The vehicles (REST), tax and customs (SOAP) sandboxes run behind TCP fault proxies
(``gateway.sdk.netfaults.FaultProxy``) and the gateway in-process on loopback; one query needs all three (the
car, its exporter's name, its customs declaration). Customs' network then goes silent: bytes vanish, nothing is
refused, the worst kind of outage. The script prints, for each phase, the median and worst latency of the query
and what it answered:

* ``healthy``: everything up;
* ``silent, breaker closed``: each request waits customs' read timeout (two requests: ``breaker_failures = 2``);
* ``silent, breaker open``: customs is not called; its fields are ``null`` at once, the rest answers;
* ``recovery``: the network is back; seconds until the first complete answer (the breaker's reset time, then
  one probe).

Numbers only; nothing here asserts on timing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from gateway.sdk.netfaults import Toxics
from tests.e2e.test_fault_injection import System, system


async def _timed(s: System) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    body = await s.ask()
    return (time.perf_counter() - started) * 1000, body


def _answer(body: dict[str, Any]) -> str:
    vehicle = (body.get("data") or {}).get("vehicle") or {}
    nulls = [k for k in ("manufacturer", "exporter", "customsDeclaration") if vehicle.get(k) is None]
    codes = sorted({e.get("extensions", {}).get("code", "?") for e in body.get("errors", [])})
    return "complete" if not nulls else f"null {', '.join(nulls)} ({', '.join(codes)})"


def _row(phase: str, times: list[float], answer: str) -> None:
    print(f"{phase:<26} {len(times):>3} {statistics.median(times):>9.1f} {max(times):>9.1f}  {answer}")


async def run(requests: int, read_timeout: float, breaker_reset: float) -> None:
    options = {"breaker_failures": 2, "breaker_reset": breaker_reset, "retry_attempts": 1}
    with tempfile.TemporaryDirectory() as tmp:
        async with system(
            Path(tmp), read_timeout=read_timeout, total_timeout=read_timeout * 2, proxied=True, options=options
        ) as s:
            print(f"customs read timeout {read_timeout:g} s, breaker: 2 failures, {breaker_reset:g} s open")
            print(f"{'phase':<26} {'n':>3} {'p50 ms':>9} {'max ms':>9}  answer")
            for _ in range(3):
                await s.ask()  # warm-up: connections, caches
            healthy = [await _timed(s) for _ in range(requests)]
            _row("healthy", [t for t, _ in healthy], _answer(healthy[-1][1]))

            s.proxies["customs"].set(Toxics(timeout_ms=0))
            closed = [await _timed(s) for _ in range(2)]
            _row("silent, breaker closed", [t for t, _ in closed], _answer(closed[-1][1]))
            opened = [await _timed(s) for _ in range(requests)]
            _row("silent, breaker open", [t for t, _ in opened], _answer(opened[-1][1]))

            s.proxies["customs"].clear()
            back = time.perf_counter()
            for _ in range(1000):  # polls the graph itself: the answer is what recovers, not an event
                if _answer(await s.ask()) == "complete":
                    break
                await asyncio.sleep(0.05)
            recovered = time.perf_counter() - back
            print(f"recovery: first complete answer {recovered:.2f} s after the network came back")
            h = statistics.median(t for t, _ in healthy)
            print(
                f"ratios to healthy p50: breaker closed {statistics.median(t for t, _ in closed) / h:.1f}x, "
                f"breaker open {statistics.median(t for t, _ in opened) / h:.2f}x"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--read-timeout", type=float, default=0.5)
    parser.add_argument("--breaker-reset", type=float, default=3.0)
    args = parser.parse_args()
    asyncio.run(run(args.requests, args.read_timeout, args.breaker_reset))


if __name__ == "__main__":
    main()
