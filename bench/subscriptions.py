"""Live data under load: 1,000 graphql-ws subscribers of cargo milestones on one gateway process.

    python -m bench.subscriptions [--subscribers 1000] [--events 40] [--rate 10] [--redis redis://127.0.0.1:6379/6]

The gateway (cargo adapter + its sandboxes, events through Redis pub/sub) runs in a child process; this process
opens the WebSocket subscribers and publishes milestones to Redis, as another replica's ingestion would. Each
event's ``source`` carries its publish time, so every delivery gives one end-to-end latency: Redis → gateway →
per-subscriber tenancy check (cached per stream) → subgraph resolver → per-event plan → shaping → WebSocket.

Prints events/s (deliveries to subscribers per second, paced and in a burst), p50/p99 event latency and the
gateway process's RSS before and after the subscribers. Numbers only; nothing here asserts on timing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

QUERY = "subscription { shipmentMilestones { awb code source } }"


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def _serve(redis: str, prefix: str, key: str, audit: bool) -> None:
    from tests.gateway.live.platform import live_gateway

    overrides = {
        "gateway.subscriptions.store": redis,
        "gateway.subscriptions.channel_prefix": prefix,
        "gateway.subscriptions.max_per_principal": 1_000_000,
        "gateway.log_level": "error",
        "audit.enabled": audit,
    }
    async with live_gateway(Path(key).parent, names=("cargo",), **overrides) as gw:
        print(gw.url, flush=True)
        await asyncio.Event().wait()


class Tally:
    """What the subscribers received: counts per kind of event, latencies of the measured ones."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}
        self.warm: set[int] = set()
        self.latencies: list[float] = []
        self.changed = asyncio.Condition()

    async def note(self, who: int, kind: str, sent: float) -> None:
        if kind == "measure":
            self.latencies.append(time.time() - sent)
        else:
            self.warm.add(who)
        self.seen[kind] = self.seen.get(kind, 0) + 1
        async with self.changed:
            self.changed.notify_all()

    async def until(self, kind: str, count: int) -> None:
        async with self.changed:
            await self.changed.wait_for(lambda: self.seen.get(kind, 0) >= count)

    async def until_warm(self, count: int) -> None:
        async with self.changed:
            await self.changed.wait_for(lambda: len(self.warm) >= count)


async def _subscriber(url: str, token: str, tally: Tally, who: int, ready: asyncio.Event) -> None:
    import websockets

    async with websockets.connect(url, subprotocols=["graphql-transport-ws"], open_timeout=60, max_queue=None) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
        await ws.recv()
        await ws.send(json.dumps({"type": "subscribe", "id": "1", "payload": {"query": QUERY}}))
        ready.set()
        async for raw in ws:
            message = json.loads(raw)
            if message.get("type") == "ping":
                await ws.send(json.dumps({"type": "pong"}))
                continue
            if message.get("type") != "next":
                continue
            source = message["payload"]["data"]["shipmentMilestones"]["source"]
            _, kind, sent = source.split(":", 2)
            await tally.note(who, kind, float(sent))


def _event(prefix: str, kind: str) -> tuple[str, str]:
    data = {"code": "DEP", "at": "2026-12-07T10:00:00+00:00", "location": "TAO", "flight": None}
    body = {
        "topic": "cargo.milestone",
        "key": {"awb": "784-20260026"},
        "data": data,
        "source": f"bench:{kind}:{time.time()}",
    }
    return prefix + "cargo.milestone", json.dumps(body)


async def _run(args: argparse.Namespace) -> None:
    import redis.asyncio

    from gateway.policy.devkeys import DevKey

    work = Path(tempfile.mkdtemp(prefix="silkgraph-bench-"))
    key = str(work / "dev.pem")
    prefix = f"bench{secrets.token_hex(3)}:"
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.subscriptions",
        "--serve",
        "--redis",
        args.redis,
        "--prefix",
        prefix,
        "--key",
        key,
        *(["--no-audit"] if args.no_audit else []),
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    assert child.stdout is not None
    url = (await asyncio.wait_for(child.stdout.readline(), 120)).decode().strip().replace(
        "http://", "ws://"
    ) + "/graphql"
    token = DevKey.load_or_create(key).token(subject="bench", agency="qingdao-broker", scopes=("cargo:read",))
    client: Any = redis.asyncio.from_url(args.redis)
    rss_before = _rss_mb(child.pid)
    tally = Tally()
    tasks = []
    try:
        for i in range(args.subscribers):
            ready = asyncio.Event()
            tasks.append(asyncio.create_task(_subscriber(url, token, tally, i, ready)))
            await ready.wait()
        async with asyncio.timeout(300):  # warm up until every stream has delivered (tenancy verdicts cached)
            while len(tally.warm) < args.subscribers:  # a subscribe still in flight misses one warm-up event
                await client.publish(*_event(prefix, "warmup"))
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(3.0):
                        await tally.until_warm(args.subscribers)
        await asyncio.sleep(2.0)  # let the last warm-up deliveries drain before measuring
        rss_subscribed = _rss_mb(child.pid)
        expected = args.events * args.subscribers
        started = time.perf_counter()
        for _ in range(args.events):
            await client.publish(*_event(prefix, "measure"))
            await asyncio.sleep(1 / args.rate)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(300):
                await tally.until("measure", expected)
        paced = len(tally.latencies) / (time.perf_counter() - started)
        paced_latencies = sorted(tally.latencies)
        tally.latencies.clear()
        started = time.perf_counter()
        for _ in range(args.events):
            await client.publish(*_event(prefix, "measure"))
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(300):
                await tally.until("measure", 2 * expected)
        burst = len(tally.latencies) / (time.perf_counter() - started)
        rss_after = _rss_mb(child.pid)
        burst_latencies = sorted(tally.latencies)

        def pct(values: list[float], p: float) -> float:
            return values[min(len(values) - 1, int(p * len(values)))] * 1000 if values else float("nan")

        print(f"subscribers            {args.subscribers}")
        print(f"events published       {args.events} paced at {args.rate}/s, then {args.events} at once")
        print(f"deliveries (paced)     {len(paced_latencies)} of {expected}")
        print(f"events/s (paced)       {paced:,.0f} deliveries/s")
        print(f"latency paced p50/p99  {pct(paced_latencies, 0.5):.1f} / {pct(paced_latencies, 0.99):.1f} ms")
        print(f"deliveries (burst)     {len(burst_latencies)} of {expected}")
        print(f"events/s (burst)       {burst:,.0f} deliveries/s")
        print(f"latency burst p50/p99  {pct(burst_latencies, 0.5):.1f} / {pct(burst_latencies, 0.99):.1f} ms")
        rss = f"{rss_before:.0f} MB idle, {rss_subscribed:.0f} MB subscribed, {rss_after:.0f} MB after"
        print(f"gateway RSS            {rss}")
        print(f"RSS per subscriber     {(rss_subscribed - rss_before) * 1024 / args.subscribers:.0f} KB")
        print(f"mean latency (paced)   {statistics.fmean(paced_latencies) * 1000:.1f} ms" if paced_latencies else "")
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await client.aclose()
        child.terminate()
        await child.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--events", type=int, default=40)
    parser.add_argument("--rate", type=float, default=10.0, help="events per second in the paced phase")
    parser.add_argument("--redis", default=os.environ.get("SILKGRAPH_TEST_REDIS_URL", "redis://127.0.0.1:6379/6"))
    parser.add_argument("--no-audit", action="store_true", help="without audit records (to see what they cost)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--prefix", default="", help=argparse.SUPPRESS)
    parser.add_argument("--key", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(_serve(args.redis, args.prefix, args.key, not args.no_audit))
    else:
        asyncio.run(_run(args))


if __name__ == "__main__":
    main()
