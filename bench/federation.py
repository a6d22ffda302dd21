"""Gateway throughput and overhead over HTTP subgraphs (issue F2's query shapes).

    python -m bench.federation [--seconds 8] [--concurrency 1,50] [--latency-ms 0]

Three processes: mock subgraphs (bench.mock_subgraphs), the gateway (`silkgraph serve --supergraph`), and this
load generator. Prints requests/s, p50/p99, subgraph fetches per request, gateway CPU per request (and the
req/s one core could sustain at that cost), peak RSS, and the plan-cache hit cost as a share of request time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

from graphql import parse

from bench.loadgen import cpu_seconds, rss_mb, run_load, spawn, wait_for
from bench.mock_subgraphs import compose_mock_supergraph, production_env
from gateway.federation.engine import FederatedGraph
from gateway.federation.planning import plan_cache_key
from gateway.federation.supergraph import load_supergraph

SHAPES = {
    "a) one root field": "{ ping }",
    "b) 3-level chain, lists of 50": "{ orders { id total buyer { name account { balance currency } } } }",
    "c) wide, 6 subgraphs": (
        "{ ping orders { id } traderCount ledgerVersion declarations { id status } flights { id route } "
        "rates { code value } }"
    ),
}


async def main(seconds: float, concurrency: list[int], latency_ms: float) -> None:
    sub_port, gw_port = 5610, 5600
    subs = spawn(["-m", "bench.mock_subgraphs", str(sub_port), str(latency_ms)])
    gateway = None
    try:
        supergraph_sdl, path = await compose_mock_supergraph(sub_port)
        gateway = spawn(
            ["-m", "gateway.cli", "serve", "--supergraph", str(path), "--port", str(gw_port)],
            env={
                **production_env(),
                "SILKGRAPH_GATEWAY__LOG_LEVEL": "error",
                "SILKGRAPH_AUDIT__ENABLED": "false",
            },
        )
        url = f"http://127.0.0.1:{gw_port}/graphql"
        await wait_for(f"http://127.0.0.1:{gw_port}/healthz")

        supergraph = load_supergraph(supergraph_sdl)
        local = FederatedGraph(supergraph, {})
        print(f"gateway pid {gateway.pid}; subgraph latency {latency_ms} ms; {seconds:.0f} s per run")
        print(
            f"{'shape':32} {'conc':>4} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'err':>4} "
            f"{'fetches':>7} {'cpu ms/req':>10} {'1-core req/s':>12}"
        )
        for label, query in SHAPES.items():
            body = json.dumps({"query": query}).encode()
            fetches = local.planner.plan(parse(query)).fetches
            for c in concurrency:
                cpu0 = cpu_seconds(gateway.pid)
                stats = await run_load(url, body, concurrency=c, seconds=seconds)
                cpu = cpu_seconds(gateway.pid) - cpu0
                per_req = cpu / stats.requests * 1000 if stats.requests else float("nan")
                print(
                    f"{label:32} {c:>4} {stats.rps:>8.0f} {stats.p50:>8.2f} {stats.pct(99):>8.2f} "
                    f"{stats.errors:>4} {fetches:>7} {per_req:>10.3f} {1000 / per_req:>12.0f}"
                )
        print(f"gateway peak RSS: {rss_mb(gateway.pid):.0f} MB")

        # plan-cache hit cost vs the request time at concurrency 1 for shape (b)
        query = SHAPES["b) 3-level chain, lists of 50"]
        key = plan_cache_key(query, None, frozenset())
        doc = local.prepare(query).document
        assert doc is not None
        local.planner.plan(doc, None, frozenset(), key)
        n = 20000
        t0 = time.perf_counter()
        for _ in range(n):
            local.prepare(query)
            local.planner.plan(doc, None, frozenset(), key)
        hit_ms = (time.perf_counter() - t0) / n * 1000
        stats = await run_load(url, json.dumps({"query": query}).encode(), concurrency=1, seconds=seconds / 2)
        print(
            f"plan-cache hit (parse/validate/plan lookups): {hit_ms * 1000:.1f} µs = "
            f"{hit_ms / stats.p50 * 100:.2f}% of the p50 request time ({stats.p50:.2f} ms)  [target < 5%]"
        )
    finally:
        for proc in (gateway, subs):
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=10)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--concurrency", default="1,50")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    args = parser.parse_args()
    asyncio.run(main(args.seconds, [int(c) for c in args.concurrency.split(",")], args.latency_ms))
