"""Batching (issue G3): what a list of 100 shipments with customs and payment fields costs, against the minimum.

    python -m bench.batching [--count 100] [--latency-ms 0] [--repeat 1]      (from the repository root)

Starts every sandbox on loopback, seeded with the story plus ``--count`` generated shipments, declarations and
payments (:mod:`tests.e2e.bulk`), and the gateway in-process behind ``POST /graphql``; then asks for
``shipments(first: 100)`` with each shipment's customs declarations, its shipper's and consignee's names, the
shipper's payments and accounts (:data:`tests.e2e.shipment_list.QUERY`). Two seeds: shippers rotating over the
story's eight companies, and one company shipping everything (deduplication). The first request of each finds
the tax adapter's taxpayer cache cold; ``--repeat`` more requests find it warm.

For each request it prints, from the operation's audit record:

* per subgraph and plan level: the requests sent (``_entities`` calls; the root listing at level 0), the
  minimum (one per subgraph per level) and the representations each planned fetch sent;
* per legacy system and operation: the calls made, the fewest its API allows
  (:func:`tests.e2e.shipment_list.fewest_legacy_calls`) and the ratio actual / minimum;
* the request's wall time, and at the end the whole run's.

Counts are the result; times are for orientation only (shared machine, loopback sandboxes).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import Counter
from typing import Any

from graphql import parse

from adapters import story
from gateway.federation.plan import QueryPlan
from gateway.sdk.sandbox import FaultConfig
from tests.e2e.bulk import BulkStory, bulk_story
from tests.e2e.counting import Cost, cost_of, fetch_levels
from tests.e2e.live import Platform, running_platform
from tests.e2e.shipment_list import QUERY, fewest_legacy_calls, parties


def ratio(actual: int, minimum: int) -> str:
    if minimum == 0:
        return "  -  " if actual == 0 else "  inf"
    return f"{actual / minimum:5.2f}"


def fewest_requests(plan: QueryPlan) -> Counter[tuple[str, int]]:
    """One request per subgraph per plan level (root fetches at level 0)."""
    return Counter({(service, level): 1 for (service, _), levels in fetch_levels(plan).items() for level in levels})


def report(cost: Cost, plan: QueryPlan, fewest: Counter[tuple[str, str, str]], wall_ms: float) -> tuple[int, int]:
    """Print one request's counts; return (legacy calls, their minimum)."""
    requests = Counter(cost.entity_calls) + Counter({(s, 0): n for s, n in cost.root_calls.items()})
    minimum = fewest_requests(plan)
    print(f"  {'subgraph':10} {'level':>5} {'requests':>8} {'min':>4} {'ratio':>6}  representations sent")
    for service, level in sorted(set(requests) | set(minimum), key=lambda k: (k[1], k[0])):
        sent = [
            f"{n} {path}" for (s, lv, path), n in sorted(cost.representations.items()) if (s, lv) == (service, level)
        ]
        shown = ", ".join(sent) if sent else "(root fields)"
        actual, least = requests[(service, level)], minimum[(service, level)]
        print(f"  {service:10} {level:5d} {actual:8d} {least:4d} {ratio(actual, least):>6}  {shown}")
    print(f"  {'subgraph':10} {'legacy system':18} {'operation':34} {'calls':>5} {'min':>4} {'ratio':>6}")
    legacy_total = least_total = 0
    for service, source, operation in sorted(set(cost.legacy_calls) | set(fewest)):
        actual, least = cost.legacy_calls[(service, source, operation)], fewest[(service, source, operation)]
        legacy_total, least_total = legacy_total + actual, least_total + least
        print(f"  {service:10} {source:18} {operation:34} {actual:5d} {least:4d} {ratio(actual, least):>6}")
    if cost.unattributed:
        print(f"  !! {cost.unattributed} legacy call(s) the audit record ties to no fetch")
    print(
        f"  total: {sum(requests.values())} subgraph requests (min {sum(minimum.values())}), "
        f"{legacy_total} legacy calls (min {least_total}, ratio {ratio(legacy_total, least_total).strip()}); "
        f"wall {wall_ms:.1f} ms"
    )
    return legacy_total, least_total


async def measure(platform: Platform) -> tuple[dict[str, Any], Cost, float]:
    started = time.perf_counter()
    body = await platform.post(QUERY)
    wall_ms = (time.perf_counter() - started) * 1000
    if body.get("errors"):
        raise SystemExit(f"the list failed: {body['errors']}")
    plan = platform.runtime.graph.planner.plan(parse(QUERY), None)
    data: dict[str, Any] = body["data"]
    return data, cost_of(await platform.last_record(), plan), wall_ms


async def run_case(label: str, seed: BulkStory, faults: FaultConfig, repeat: int) -> tuple[int, int]:
    legacy = least = 0
    async with running_platform(faults, options_of=seed.options()) as platform:
        plan = platform.runtime.graph.planner.plan(parse(QUERY), None)
        cached: set[tuple[str, str]] = set()
        for n in range(1 + repeat):
            data, cost, wall_ms = await measure(platform)
            listed = len(data["shipments"]["edges"])
            warmth = "cold" if n == 0 else "warm"
            print(f"\n== {label}: {listed} shipments listed; request {n + 1} ({warmth} taxpayer cache)")
            counts = report(cost, plan, fewest_legacy_calls(data, cached=cached), wall_ms)
            legacy, least = legacy + counts[0], least + counts[1]
            cached |= parties(data, "shipper") | parties(data, "consignee")
    return legacy, least


async def main(count: int, latency_ms: float, repeat: int) -> None:
    faults = FaultConfig(latency_ms=latency_ms)
    print(f"G3 batching: {count} generated shipments besides the story's; sandbox latency {latency_ms:g} ms per call")
    started = time.perf_counter()
    cases = [
        ("shippers rotating over the story's 8 companies", bulk_story(count)),
        ("one shipper (Pudong) for every shipment", bulk_story(count, shipper=story.PUDONG, story_shipments=False)),
    ]
    legacy = least = 0
    for label, seed in cases:
        made, fewest = await run_case(label, seed, faults, repeat)
        legacy, least = legacy + made, least + fewest
    total_s = time.perf_counter() - started
    print(f"\nall requests: {legacy} legacy calls, minimum {least}; wall time {total_s:.1f} s (incl. start-up)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=100, help="shipments to generate besides the story's")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="injected latency on every sandbox call")
    parser.add_argument("--repeat", type=int, default=1, help="requests after the first (warm cache) per seed")
    args = parser.parse_args()
    asyncio.run(main(args.count, args.latency_ms, args.repeat))
