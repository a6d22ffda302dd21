"""What a hung Redis costs a request: rate limits, persisted queries and a cache in Redis, then Redis goes silent.

    SILKGRAPH_TEST_REDIS_URL=redis://127.0.0.1:6379/15 python -m bench.redis_hang [--requests 40]

The gateway runs in-process on loopback over the test graph with rate limiting and persisted queries in one
Redis reached through the TCP fault proxy (``gateway.sdk.netfaults``). After a healthy phase the proxy holds
every packet (a SIGSTOP'd Redis looks like this: connections open, nothing answers). Printed per phase: median
and worst latency of a request, and how many Redis calls waited (breaker openings) versus were answered by the
breaker at once. Target: the first request that meets the hang pays one ``[stores] redis_timeout`` (default
0.1 s), every other one nothing. Numbers only; nothing here asserts on timing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from gateway.resilience import registry
from gateway.sdk.netfaults import FaultProxy, Toxics
from tests.gateway.policy.app import running


async def main(requests: int) -> None:
    url = os.environ.get("SILKGRAPH_TEST_REDIS_URL")
    if not url:
        raise SystemExit("set SILKGRAPH_TEST_REDIS_URL")
    real = urlsplit(url)
    registry().clear()
    async with FaultProxy((real.hostname or "127.0.0.1", real.port or 6379)) as proxy:
        through = urlunsplit(real._replace(netloc=proxy.address))
        overrides = {
            "gateway.rate_limit.enabled": True,
            "gateway.rate_limit.store": through,
            "gateway.rate_limit.per_principal": 100000,
            "gateway.persisted_queries.store": through,
        }
        with tempfile.TemporaryDirectory() as tmp:
            async with running(Path(tmp), **overrides) as gw:

                async def phase(name: str) -> None:
                    times = []
                    for _ in range(requests):
                        t0 = time.perf_counter()
                        answer = await gw.post({"query": "{ __typename }"})
                        times.append((time.perf_counter() - t0) * 1000)
                        assert answer.status_code == 200, answer.text
                    guards = [g for g in registry().guards() if g.name.startswith("redis ")]
                    opened = sum(g.breaker.opened_count for g in guards)
                    fast = sum(g.rejected_open for g in guards)
                    print(
                        f"{name:<22} median {statistics.median(times):7.1f} ms  worst {max(times):7.1f} ms  "
                        f"breaker openings {opened}, calls answered by the breaker {fast}",
                        flush=True,
                    )

                await phase("healthy")
                proxy.set(Toxics(timeout_ms=0, direction="both"))
                await phase("Redis held silent")
                proxy.clear()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=40)
    asyncio.run(main(parser.parse_args().requests))
