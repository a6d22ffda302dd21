"""The trade dossier over slow legacy systems: is the gateway as fast as its slowest chain of fetches?

    python -m bench.dossier [--latency-ms 50] [--iterations 30]      (from the repository root)

Starts every built-in adapter's sandbox(es) with injected latency (``FaultConfig(latency_ms=…)`` on every
sandbox) and the gateway in-process behind ``POST /graphql`` on loopback, then runs each example query (the
company dossier for Haixin and for Horgos first) one request at a time. For every request it prints the median:

* ``http ms``: the whole request as a client sees it (``POST /graphql`` on loopback);
* ``exec ms``: the same operation through the federated graph in-process (plan, fetch, shape; no HTTP);
* ``critical ms``: the plan's critical path, from the fetch records: a ``Sequence`` adds its steps, a
  ``Parallel`` takes its slowest branch, a fetch counts its measured duration;
* ``ratio``: ``http ms / critical ms`` (target ≤ 1.10: fetches that can overlap do, and the gateway adds little);
* ``depth``: fetches on the plan's longest dependency chain (× the injected latency is the floor);
* the fetches each subgraph received per request (root + ``_entities``).

Numbers only; nothing here asserts on timing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

from gateway.federation.executor import FetchRecord
from gateway.federation.plan import Condition, Fetch, Flatten, Parallel, PlanNode, QueryPlan, Sequence
from gateway.operations import example_operations
from gateway.sdk.sandbox import FaultConfig
from tests.e2e.live import Platform, running_platform

HAIXIN = {"country": "CN", "taxId": "91370281MA3C5R7B0C"}
HORGOS = {"country": "CN", "taxId": "91650000MA77X8TQ31"}


def depth(node: PlanNode | None) -> int:
    """Fetches on the plan's longest chain of dependent fetches."""
    if node is None:
        return 0
    if isinstance(node, Fetch | Flatten):
        return 1
    if isinstance(node, Sequence):
        return sum(depth(child) for child in node.nodes)
    if isinstance(node, Parallel):
        return max((depth(child) for child in node.nodes), default=0)
    return max(depth(node.if_clause), depth(node.else_clause))


def critical_path(plan: QueryPlan, fetches: list[FetchRecord]) -> float:
    """Milliseconds along the plan's slowest chain, from the measured fetch durations.

    A planned entity fetch that found nothing to fetch made no call and counts zero.
    """
    durations: dict[tuple[str, tuple[str, ...]], list[float]] = {}
    for record in fetches:
        durations.setdefault((record.service, record.path), []).append(record.duration_ms)

    def take(service: str, path: tuple[str, ...]) -> float:
        pending = durations.get((service, path))
        return pending.pop(0) if pending else 0.0

    def walk(node: PlanNode | None) -> float:
        if node is None:
            return 0.0
        if isinstance(node, Fetch):
            return take(node.service, ())
        if isinstance(node, Flatten):
            return take(node.node.service, node.path)
        if isinstance(node, Sequence):
            return sum(walk(child) for child in node.nodes)
        if isinstance(node, Parallel):
            return max((walk(child) for child in node.nodes), default=0.0)
        assert isinstance(node, Condition)
        return max(walk(node.if_clause), walk(node.else_clause))

    return walk(plan.node)


def cases() -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(label, query, variables): the company dossier of two companies, then every other example query."""
    operations = example_operations()
    dossier = operations["CompanyDossier"]
    yield "CompanyDossier (Haixin)", dossier.text, HAIXIN
    yield "CompanyDossier (Horgos)", dossier.text, HORGOS
    for op in operations.values():
        if op.kind == "query" and op.name != "CompanyDossier":
            yield op.name, op.text, op.variables


async def measure(platform: Platform, query: str, variables: dict[str, Any], iterations: int) -> dict[str, Any]:
    http_ms: list[float] = []
    exec_ms: list[float] = []
    critical_ms: list[float] = []
    chain = 0
    per_subgraph: Counter[str] = Counter()
    for _ in range(iterations):
        started = time.perf_counter()
        body = await platform.post(query, variables)
        http_ms.append((time.perf_counter() - started) * 1000)
        if body.get("errors"):
            raise SystemExit(f"the operation failed: {body['errors']}")
        started = time.perf_counter()
        response = await platform.execute(query, variables)
        exec_ms.append((time.perf_counter() - started) * 1000)
        assert response.plan is not None
        critical_ms.append(critical_path(response.plan, response.fetches))
        chain = depth(response.plan.node)
        per_subgraph = Counter(record.service for record in response.fetches)
    http, critical = statistics.median(http_ms), statistics.median(critical_ms)
    return {
        "http": http,
        "exec": statistics.median(exec_ms),
        "critical": critical,
        "ratio": http / critical if critical else float("nan"),
        "depth": chain,
        "fetches": per_subgraph,
    }


async def main(latency_ms: float, iterations: int) -> None:
    async with running_platform(FaultConfig(latency_ms=latency_ms)) as platform:
        print(f"sandbox latency {latency_ms:g} ms on every legacy call; {iterations} requests per row, medians")
        print(
            f"{'operation':26} {'http ms':>8} {'exec ms':>8} {'critical':>8} {'ratio':>6} {'depth':>5} "
            f"{'floor':>6}  fetches per subgraph"
        )
        for label, query, variables in cases():
            await platform.post(query, variables)  # warm: plan cache, WSDLs, connection pools
            row = await measure(platform, query, variables, iterations)
            fetches = " ".join(f"{name}={n}" for name, n in sorted(row["fetches"].items()))
            print(
                f"{label:26} {row['http']:8.1f} {row['exec']:8.1f} {row['critical']:8.1f} "
                f"{row['ratio']:6.2f} {row['depth']:5d} {row['depth'] * latency_ms:6.0f}  {fetches}"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--iterations", type=int, default=30)
    args = parser.parse_args()
    asyncio.run(main(args.latency_ms, args.iterations))
