"""Silkgraph against the JavaScript gateways and a Rust router, same subgraphs, same load, same answers.

    python -m bench.peers [--quick] [--rounds 3] [--seconds 10] [--warmup 3] [--connections 50] [--json FILE]
    python -m bench.peers --compat

The peers — ``@apollo/gateway`` (behind ``@apollo/server``), Hive Gateway (plain and ``--hive-router-runtime``)
and the Grafbase CLI's router (``grafbase dev``) — are installed from npm with ``npm ci`` into
``~/.cache/silkgraph-bench`` (``SILKGRAPH_BENCH_CACHE``), never into the source tree. All of them serve the
supergraph of bench.mock_subgraphs (one process, cached answers, no injected latency; their CPU is printed so
you can see they are not the bottleneck). Every gateway's answer to every shape is compared with Silkgraph's
first; then wrk (``-t1 -c50``) loads each gateway in turn, in interleaved rounds (the order rotates each round),
and the median round is reported: requests/s, p50/p99, CPU ms per request of the gateway's process tree from
/proc, and peak RSS. The last line is the summary the performance goal is stated in.

``--compat`` runs the checked-in ``schema/supergraph.graphql`` on the peers over the standalone built-in
subgraphs and diffs every example operation's answer against Silkgraph's (bench/peers/compat.py).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
from pathlib import Path

import httpx

from bench.gateway_load import _script, wrk
from bench.loadgen import spawn
from bench.mock_subgraphs import SUBGRAPHS, compose_mock_supergraph
from bench.peers.gateways import Peer, peers, tree_cpu
from bench.peers.report import Row, Sample, differences, median_row, summary, table

SHAPES = {
    "{ ping }": "{ ping }",
    "one entity through 3 subgraphs": '{ order(id: "o7") { id total buyer { name account { balance currency } } } }',
    "50 → 50 → 50 list": "{ orders { id total buyer { name account { balance currency } } } }",
    "6-subgraph fan-out": (
        "{ ping orders { id } traderCount ledgerVersion declarations { id status } flights { id route } "
        "rates { code value } }"
    ),
    "500-entity list": "{ manyOrders { id total buyer { name } } }",
}
BASE_PORT = 14700
SUBGRAPH_PORT = 14710


async def ask(client: httpx.AsyncClient, url: str, query: str) -> bytes:
    r = await client.post(url, json={"query": query}, headers={"accept": "application/graphql-response+json"})
    return r.content


async def wait_ready(client: httpx.AsyncClient, peer: Peer, seconds: float = 120) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        if peer.process is not None and peer.process.poll() is not None:
            raise SystemExit(f"{peer.name} exited with {peer.process.returncode}; see its log")
        try:
            if b'"pong"' in await ask(client, peer.url, "{ ping }"):
                return
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.3)
    raise SystemExit(f"{peer.name} did not answer {{ ping }} within {seconds:.0f} s")


async def bench(args: argparse.Namespace) -> int:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk (Debian's package)")
    work = Path(tempfile.mkdtemp(prefix="silkgraph-peers-"))
    subs = spawn(["-m", "bench.mock_subgraphs", str(SUBGRAPH_PORT), "0"])
    gateways: list[Peer] = []
    try:
        _, supergraph = await compose_mock_supergraph(SUBGRAPH_PORT)
        urls = {name: f"http://127.0.0.1:{SUBGRAPH_PORT + i}/graphql" for i, name in enumerate(SUBGRAPHS)}
        gateways = [
            p for p in peers(supergraph, urls, BASE_PORT, work, args.workers) if not args.only or p.name in args.only
        ]
        for peer in gateways:
            peer.start(work)
        async with httpx.AsyncClient(timeout=60) as client:
            for peer in gateways:
                await wait_ready(client, peer)
            print(f"gateways up; logs in {work}", flush=True)
            wrong = False
            for shape, query in SHAPES.items():
                answers = {p.name: await ask(client, p.url, query) for p in gateways}
                for name, why in differences(answers).items():
                    wrong = True
                    print(f"ANSWER DIFFERS on {shape!r}: {name}: {why}", flush=True)
        if wrong:
            return 1
        scripts = {shape: _script(query) for shape, query in SHAPES.items()}
        for shape in SHAPES:
            for peer in gateways:
                wrk(peer.url, scripts[shape], args.connections, args.warmup, 30)
        samples: dict[tuple[str, str], list[Sample]] = {}
        for round_no in range(args.rounds):
            order = gateways[round_no % len(gateways) :] + gateways[: round_no % len(gateways)]
            for shape in SHAPES:
                for peer in order:
                    cpu0, sub0 = peer.cpu(), tree_cpu(subs.pid)
                    run = wrk(peer.url, scripts[shape], args.connections, args.seconds, 30)
                    cpu, sub = peer.cpu() - cpu0, tree_cpu(subs.pid) - sub0
                    samples.setdefault((shape, peer.name), []).append(
                        Sample(run.rps, run.p50_ms, run.p99_ms, run.errors, run.requests, cpu, sub)
                    )
            print(f"round {round_no + 1}/{args.rounds} done", file=sys.stderr, flush=True)
        rss = {p.name: p.rss() for p in gateways}
        per_shape: dict[str, list[Row]] = {
            shape: [median_row(p.name, samples[(shape, p.name)], rss[p.name]) for p in gateways] for shape in SHAPES
        }
        print(
            f"\nwrk -t1 -c{args.connections}, {args.rounds} interleaved rounds of {args.seconds:.0f} s per gateway and "
            f"shape after {args.warmup:.0f} s warm-up; medians over rounds; one process per peer, Silkgraph with "
            f"{args.workers} worker(s); CPU from /proc (user+system of the gateway's process tree); answers "
            "identical on every shape\n"
        )
        for shape, rows in per_shape.items():
            print(table(shape, rows) + "\n")
        print(summary(per_shape), flush=True)
        return 0
    finally:
        for peer in gateways:
            peer.stop()
        subs.terminate()
        subs.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.peers")
    parser.add_argument("--quick", action="store_true", help="2 rounds of 4 s after 2 s warm-up (under 12 minutes)")
    parser.add_argument("--compat", action="store_true", help="the checked-in supergraph on the peers, diffed")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--only", action="append", help="run only this gateway (repeatable; Silkgraph always)")
    parser.add_argument("--shape", action="append", choices=list(SHAPES), help="run only this shape (repeatable)")
    parser.add_argument("--workers", type=int, default=1, help="Silkgraph worker processes (the peers keep one)")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.seconds, args.warmup = 2, 4, 2
    if args.only and "Silkgraph" not in args.only:
        args.only.append("Silkgraph")
    if args.shape:
        for name in [s for s in SHAPES if s not in args.shape]:
            del SHAPES[name]
    if args.compat:
        from bench.peers.compat import compat

        raise SystemExit(asyncio.run(compat()))
    raise SystemExit(asyncio.run(bench(args)))


if __name__ == "__main__":
    main()
