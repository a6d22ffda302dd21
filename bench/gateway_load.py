"""Gateway load with wrk, after the published federation-gateway benchmark method (reference/federation.md §8).

    python -m bench.gateway_load [--seconds 60] [--warmup 15] [--runs 3] [--latency-ms 4] [--concurrency 1,50,200]

Three processes on loopback: mock Federation v2 subgraphs (bench.mock_subgraphs, ``--latency-ms`` injected per
subgraph request), the gateway (`silkgraph serve --supergraph`, production mode, audit off, ``--workers`` worker
processes) and wrk (Debian's ``wrk`` package: ``apt-get install wrk``). For every query shape and concurrency:
a warm-up, then ``--runs`` runs of ``--seconds`` each; the median run is printed (requests/s, p50/p99 latency from
wrk's histogram, errors = non-2xx responses + socket errors), with the gateway's CPU per request, the requests/s
one core sustains at that cost, and the subgraph requests actually sent per gateway request. Then a burst: the
load jumps from 50 to 200 connections. The gateway's peak RSS closes the report.

In-flight deduplication is off unless ``--dedup``: the published method sends a unique ``Authorization`` per
request so no sharing can help, and with it off every gateway request costs its full fan-out.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.federation import SHAPES
from bench.loadgen import cpu_seconds, rss_mb, spawn, wait_for
from bench.mock_subgraphs import compose_mock_supergraph, production_env, subgraph_requests

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclasses.dataclass
class WrkRun:
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> WrkRun:
    """Requests, duration, errors and the p50/p99 of wrk's ``--latency`` report."""
    done = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m)", output)
    if done is None:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    seconds = float(done.group(2)) * {"ms": 0.001, "s": 1.0, "m": 60.0}[done.group(3)]
    latency = dict(re.findall(r"^\s+(50|99)(?:\.000)?%\s+([\d.]+(?:us|ms|s))", output, re.M))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors += int(non_2xx.group(1)) if non_2xx else 0
    return WrkRun(
        requests=int(done.group(1)),
        seconds=seconds,
        errors=errors,
        p50_ms=_ms(latency["50"]),
        p99_ms=_ms(latency["99"]),
    )


def _script(query: str) -> Path:
    body = json.dumps({"query": query})
    path = Path(tempfile.mkdtemp()) / "post.lua"
    path.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body)}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        'wrk.headers["Accept"] = "application/graphql-response+json"\n'
    )
    return path


def wrk(url: str, script: Path, connections: int, seconds: float, timeout_s: int = 2) -> WrkRun:
    """One wrk run; a response slower than ``timeout_s`` counts as a timeout error (wrk's default is 2 s)."""
    args = ["wrk", "--latency", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", f"--timeout={timeout_s}s"]
    args += ["-s", str(script), url]
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    return parse_wrk(done.stdout)


async def main(args: argparse.Namespace) -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk (Debian's package)")
    sub_port, gw_port = 5810, 5800
    subs = spawn(["-m", "bench.mock_subgraphs", str(sub_port), str(args.latency_ms)])
    gateway = None
    try:
        _, path = await compose_mock_supergraph(sub_port)
        command = ["-m", "gateway.cli", "serve", "--supergraph", str(path), "--port", str(gw_port)]
        if args.workers > 1:
            command += ["--workers", str(args.workers)]
        gateway = spawn(
            command,
            env={
                **production_env(),
                "SILKGRAPH_GATEWAY__LOG_LEVEL": "error",
                "SILKGRAPH_AUDIT__ENABLED": "false",
                "SILKGRAPH_GATEWAY__DEDUPLICATE_FETCHES": "true" if args.dedup else "false",
            },
        )
        url = f"http://127.0.0.1:{gw_port}/graphql"
        await wait_for(f"http://127.0.0.1:{gw_port}/healthz")
        pids = _tree(gateway.pid)
        print(
            f"wrk; {args.runs} runs of {args.seconds:.0f} s after {args.warmup:.0f} s warm-up, median run; subgraph "
            f"latency {args.latency_ms} ms; {args.workers} worker(s); dedup {'on' if args.dedup else 'off'}"
        )
        print(
            f"{'shape':32} {'conn':>4} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} "
            f"{'sub req/req':>11} {'cpu ms/req':>10} {'1-core req/s':>12}"
        )
        for label, query in SHAPES.items():
            script = _script(query)
            for connections in args.concurrency:
                wrk(url, script, connections, args.warmup)
                runs = []
                for _ in range(args.runs):
                    cpu0, sub0 = sum(cpu_seconds(p) for p in pids), await subgraph_requests(sub_port)
                    run = wrk(url, script, connections, args.seconds)
                    cpu = sum(cpu_seconds(p) for p in pids) - cpu0
                    fanout = (await subgraph_requests(sub_port) - sub0) / max(run.requests, 1)
                    runs.append((run, cpu / max(run.requests, 1) * 1000, fanout))
                run, cpu_ms, fanout = sorted(runs, key=lambda r: r[0].rps)[len(runs) // 2]
                print(
                    f"{label:32} {connections:>4} {run.rps:>8.0f} {run.p50_ms:>8.2f} {run.p99_ms:>8.2f} "
                    f"{run.errors:>6} {fanout:>11.2f} {cpu_ms:>10.3f} {1000 / cpu_ms:>12.0f}"
                )
        # burst: from a steady 50 connections straight to 200
        script = _script(SHAPES["b) 3-level chain, lists of 50"])
        steady = wrk(url, script, 50, args.seconds / 2)
        burst = wrk(url, script, 200, args.seconds / 2)
        print(
            f"burst 50 → 200 (shape b): {steady.rps:.0f} → {burst.rps:.0f} req/s, p99 {steady.p99_ms:.1f} → "
            f"{burst.p99_ms:.1f} ms, errors {steady.errors} → {burst.errors}; "
            f"throughput ratio {burst.rps / steady.rps:.2f}"
        )
        print(f"gateway peak RSS: {max(rss_mb(p) for p in pids):.0f} MB per process ({len(pids)} process(es))")
    finally:
        for proc in (gateway, subs):
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=10)


def _tree(pid: int) -> list[int]:
    """The gateway process and its worker processes (``--workers``), whose CPU counts too."""
    found = subprocess.run(["pgrep", "-P", str(pid)], check=False, capture_output=True, text=True).stdout.split()
    children = [int(p) for p in found]
    return [pid, *children] if children else [pid]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=15)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latency-ms", type=float, default=4.0)
    parser.add_argument("--concurrency", type=lambda s: [int(c) for c in s.split(",")], default=[1, 50, 200])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--dedup", action="store_true")
    args = parser.parse_args()
    asyncio.run(main(args))
