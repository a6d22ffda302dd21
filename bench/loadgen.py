"""A small closed-loop HTTP load generator (asyncio + httpx) and process helpers for benchmarks."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


@dataclasses.dataclass
class Stats:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        data = sorted(self.latencies_ms)
        return data[min(len(data) - 1, round(p / 100 * (len(data) - 1)))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")


async def run_load(
    url: str,
    body: bytes,
    *,
    concurrency: int,
    seconds: float,
    warmup: float = 1.0,
    headers: dict[str, str] | None = None,
) -> Stats:
    headers = {"content-type": "application/json", **(headers or {})}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:

        async def hammer(until: float, record: list[float] | None, counts: list[int]) -> None:
            while time.perf_counter() < until:
                started = time.perf_counter()
                try:
                    r = await client.post(url, content=body, headers=headers)
                    ok = r.status_code == 200 and b'"errors"' not in r.content
                except httpx.HTTPError:
                    ok = False
                if record is not None:
                    record.append((time.perf_counter() - started) * 1000)
                    counts[0 if ok else 1] += 1

        if warmup:
            await asyncio.gather(*(hammer(time.perf_counter() + warmup, None, [0, 0]) for _ in range(concurrency)))
        latencies: list[float] = []
        counts = [0, 0]
        start = time.perf_counter()
        await asyncio.gather(*(hammer(start + seconds, latencies, counts) for _ in range(concurrency)))
        return Stats(
            requests=counts[0] + counts[1],
            errors=counts[1],
            seconds=time.perf_counter() - start,
            latencies_ms=latencies,
        )


def spawn(args: Sequence[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


async def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            try:
                if (await client.get(url)).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not come up within {seconds} s")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")
