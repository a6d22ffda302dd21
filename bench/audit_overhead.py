"""Requests/s with the audit trail on vs off, over the cargo/customs test graph on a loopback socket.

    .venv/bin/python bench/audit_overhead.py [--requests 3000] [--concurrency 32] [--store sqlite|memory]

Runs the same workload against the gateway with audit disabled and enabled (SQLite in a temp dir by default:
WAL, synchronous=FULL, group commit), alternating off/on twice in one process, and prints both rates and their
ratio. The target is an
audit cost of at most 10% (ratio >= 0.90). Timings vary by machine; the ratio from one run is what matters.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gateway.app import create_app
from gateway.config import Settings, load_settings
from gateway.federation.engine import FederatedGraph
from gateway.runtime import Runtime
from gateway.sdk.sandbox import serve_sandbox
from tests.gateway.federation.conftest import Graph
from tests.gateway.policy.conftest import annotated, load

QUERY = '{ shipments { awb status weight duty } shipment(awb: "999-12345675") { awb duty } }'


async def measure(settings: Settings, requests: int, concurrency: int) -> tuple[float, int]:
    graph = Graph()

    async def factory(s: Settings, stack: contextlib.AsyncExitStack) -> Runtime:
        http = await stack.enter_async_context(httpx.AsyncClient())
        # fields tagged public (the gateway is closed by default): this measures the audit log, not authorization
        fg = FederatedGraph(load(annotated({})), graph.transports)
        return Runtime(settings=s, supergraph=fg.supergraph, graph=fg, adapters={}, remotes={}, http=http)

    app = create_app(settings, runtime_factory=factory)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with (
        serve_sandbox(lambda _: app) as server,
        httpx.AsyncClient(base_url=server.url, limits=limits) as client,
    ):
        for _ in range(50):  # warm caches and connections
            await client.post("/graphql", json={"query": QUERY})
        remaining = requests
        failures = 0

        async def worker() -> None:
            nonlocal remaining, failures
            while remaining > 0:
                remaining -= 1
                r = await client.post("/graphql", json={"query": QUERY})
                if r.status_code != 200:
                    failures += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return requests / elapsed, failures


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--store", choices=("sqlite", "memory"), default="sqlite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = f"sqlite:///{tmp}/audit.sqlite3" if args.store == "sqlite" else "memory"
        off = load_settings(None, overrides={"audit.enabled": False})
        key = base64.b64encode(bytes(32)).decode()  # a fixed bench key: checkpoints signed as in production
        on = load_settings(
            None,
            overrides={"audit.store": store, "audit.checkpoint_path": f"{tmp}/checkpoints", "audit.signing_key": key},
        )
        # alternate off/on/off/on so drift on a shared machine hits both sides alike
        runs = [await measure(settings, args.requests // 2, args.concurrency) for settings in (off, on, off, on)]
        rate_off = 2 / (1 / runs[0][0] + 1 / runs[2][0])
        rate_on = 2 / (1 / runs[1][0] + 1 / runs[3][0])
        fail_off, fail_on = runs[0][1] + runs[2][1], runs[1][1] + runs[3][1]
    print(f"query: {QUERY}")
    print(f"requests: {args.requests}, concurrency: {args.concurrency}, audit store: {args.store}")
    print(f"audit off: {rate_off:8.1f} req/s  ({fail_off} failures)")
    print(f"audit on : {rate_on:8.1f} req/s  ({fail_on} failures)")
    ratio = rate_on / rate_off
    print(f"ratio on/off: {ratio:.3f}  (audit cost {100 * (1 - ratio):.1f}%, target <= 10%)")


if __name__ == "__main__":
    asyncio.run(main())
