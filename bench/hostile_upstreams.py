"""Peak memory of the gateway's upstream reads while 8 hostile upstreams answer 100 MB at once.

A hostile upstream (:class:`gateway.sdk.testing.hostile.HostileUpstream`, in its own process so its memory does
not count) answers every request with 100 MB: plain, gzip-compressed, or a gzip bomb (~100 KB inflating to
100 MB). Eight reads run at once through each of Silkgraph's upstream clients — the legacy HTTP client (REST and
SOAP adapters), zeep's transport over it, and the remote-subgraph transport (its pooled client and httpx) — and
each must end in ``UPSTREAM_PROTOCOL_ERROR`` at its cap. Each client runs in a fresh process; the bench prints that
process's peak RSS (``ru_maxrss``) and its RSS afterwards, and for comparison the same 8 replies read by a plain
``httpx`` client with no cap.

    python -m bench.hostile_upstreams [--size 100000000] [--concurrency 8]

Target: peak RSS under 300 MiB for every capped client. (``before`` is the process with its modules loaded.)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

CLIENTS = ("legacy-rest", "legacy-soap", "subgraph-pool", "subgraph-httpx", "unbounded-httpx")
REPLIES = ("huge", "huge-gzip", "bomb")


def _rss_now_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


async def _one(client: str, url: str, size: int, concurrency: int) -> dict[str, Any]:
    import httpx

    from adapters.soap.transport import GuardedTransport as SoapTransport
    from gateway.errors import SubgraphError
    from gateway.federation.http_pool import HttpPool
    from gateway.federation.transports import HttpTransport
    from gateway.sdk.adapter import AdapterSettings
    from gateway.sdk.calls import legacy_http_client
    from gateway.sdk.context import RequestContext
    from gateway.sdk.retry import ReadRetry

    outcomes: list[str] = []
    before = _rss_now_mb()  # the process with every module loaded, before any reply

    async def expect_refusal(call: Any) -> None:
        try:
            await call
            outcomes.append("answered")
        except SubgraphError as exc:
            outcomes.append(exc.code)

    paths = [
        f"/{'bomb' if r == 'bomb' else 'huge'}?size={size}{'&gzip=1' if r == 'huge-gzip' else ''}" for r in REPLIES
    ]
    async with contextlib.AsyncExitStack() as stack:
        calls: list[Any] = []
        if client in ("legacy-rest", "legacy-soap"):
            settings = AdapterSettings(name="hostile", url=url, total_timeout=120.0, read_timeout=60.0)
            http = await stack.enter_async_context(legacy_http_client(settings, source="hostile"))
            if client == "legacy-rest":
                calls = [http.get(paths[i % 3]) for i in range(concurrency)]
            else:
                soap = SoapTransport(
                    http, service="hostile", documents=Path(tempfile.gettempdir()), max_bytes=2_000_000
                )
                calls = [soap.post(url + paths[i % 3], b"<x/>", {}) for i in range(concurrency)]
        elif client.startswith("subgraph"):
            session: Any = (
                await stack.enter_async_context(HttpPool())
                if client == "subgraph-pool"
                else await stack.enter_async_context(httpx.AsyncClient())
            )
            transports = [
                HttpTransport("hostile", url + paths[i % 3], session, timeout=120.0, retry=ReadRetry(attempts=1))
                for i in range(concurrency)
            ]
            calls = [t.fetch("{ blob }", {}, RequestContext()) for t in transports]
        else:  # what an uncapped read costs: every byte of every reply in memory
            plain = await stack.enter_async_context(httpx.AsyncClient(base_url=url, timeout=120.0))

            async def whole(path: str) -> None:
                response = await plain.get(path)
                outcomes.append(f"{len(response.content)} bytes")

            calls = [whole(paths[i % 3]) for i in range(concurrency)]
            await asyncio.gather(*calls)
            calls = []
        if calls:
            await asyncio.gather(*(expect_refusal(c) for c in calls))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {
        "client": client,
        "before_mb": round(before, 1),
        "peak_mb": round(peak, 1),
        "after_mb": round(_rss_now_mb(), 1),
        "outcomes": outcomes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000_000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = asyncio.run(_one(args.child, args.url, args.size, args.concurrency))
        print(json.dumps(result))
        return
    server = subprocess.Popen(
        [sys.executable, "-c", _SERVER],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        print(f"{args.concurrency} hostile replies of {args.size / 1e6:.0f} MB at once (plain, gzip, gzip bomb):")
        for client in CLIENTS:
            out = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.hostile_upstreams",
                    "--child",
                    client,
                    "--url",
                    url,
                    "--concurrency",
                    str(args.concurrency),
                    "--size",
                    str(args.size),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            r = json.loads(out.stdout.strip().splitlines()[-1])
            verdict = (
                ""
                if client.startswith("unbounded")
                else ("  (target < 300 MiB: met)" if r["peak_mb"] < 300 else "  (target < 300 MiB: MISSED)")
            )
            outcomes = sorted(set(r["outcomes"]))
            print(
                f"  {client:18s} RSS before {r['before_mb']:6.1f} MiB, peak {r['peak_mb']:7.1f} MiB, "
                f"after {r['after_mb']:7.1f} MiB, {outcomes}{verdict}"
            )
    finally:
        server.terminate()
        server.wait(10)


_SERVER = """
import asyncio
from gateway.sdk.testing.hostile import HostileUpstream
async def main():
    async with HostileUpstream() as upstream:
        print(upstream.url, flush=True)
        await asyncio.Event().wait()
asyncio.run(main())
"""


if __name__ == "__main__":
    main()
