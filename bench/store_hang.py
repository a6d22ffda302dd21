"""Two `silkgraph serve` replicas, one PostgreSQL that hangs for 20 s: is any replica wedged afterwards?

    SILKGRAPH_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/store_hang.py [--hang 20] [--interval 0.05]

Both replicas keep their audit log (and the payment idempotency keys) in one PostgreSQL reached through the TCP
fault proxy (gateway.sdk.netfaults). A client per replica sends a query every ``--interval`` seconds throughout.
After a healthy warm-up the proxy *holds* every packet for ``--hang`` seconds (connections stay open, nothing
answers: what a dropped network or a stopped server looks like), then lets traffic through again. Printed:

* answers during the hang by status, and the slowest one (a wedged replica would show requests without end);
* recovery: seconds from the end of the hang until each replica's /readyz is 200 again with its spool drained;
* records lost: answered operations (200) minus records in the shared log plus records still spooled;
* shutdown: seconds from SIGTERM to exit for each replica (with the store hung again) and their exit codes;
* whether `silkgraph audit verify` passes on the shared log afterwards.

With ``--only-first`` only the first replica's network to PostgreSQL hangs (the second has its own proxy): how
much does a replica whose connection hangs *inside* an append (holding the log's advisory lock) cost the other?

Uses the [stores] defaults (the production bounds), not test-shortened ones.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gateway.policy.devkeys import DevKey  # noqa: E402
from gateway.sdk.netfaults import FaultProxy, Toxics  # noqa: E402
from gateway.sdk.sandbox import free_port  # noqa: E402

SIGNING_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
QUERY = {"query": "{ currencies { code } }"}


def _spawn(args: list[str], log: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "gateway.cli", *args],
            cwd=log.parent,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        )


async def _up(client: httpx.AsyncClient, url: str) -> None:
    for _ in range(600):
        with contextlib.suppress(httpx.HTTPError):
            if (await client.get(f"{url}/healthz")).status_code == 200:
                return
        await asyncio.sleep(0.1)
    raise SystemExit(f"{url} did not come up")


async def main(hang: float, interval: float, after: float, only_first: bool) -> None:
    pg = os.environ.get("SILKGRAPH_TEST_POSTGRES_URL")
    if not pg:
        raise SystemExit("set SILKGRAPH_TEST_POSTGRES_URL")
    real = urlsplit(pg)
    schema = f"bench_hang_{uuid.uuid4().hex[:8]}"
    tmp = Path(tempfile.mkdtemp(prefix="silkgraph-hang-"))
    upstream = (real.hostname or "127.0.0.1", real.port or 5432)
    async with FaultProxy(upstream) as proxy, FaultProxy(upstream) as other:

        def store_via(p: FaultProxy) -> str:
            through = urlunsplit(real._replace(netloc=f"{real.username or 'postgres'}@{p.address}"))
            return f"{through}{'&' if '?' in through else '?'}schema={schema}"

        store = store_via(proxy)
        config = tmp / "silkgraph.toml"
        config.write_text(
            f"""
[gateway]
mode = "demo"
log_level = "warning"

[auth]
demo_key_file = "{tmp / "dev.pem"}"

[audit]
store = "{store}"
checkpoint_path = "{tmp / "checkpoints"}"
signing_key = "{SIGNING_KEY}"

[adapters.reference]
"""
        )
        token = DevKey.load_or_create(tmp / "dev.pem").token(subject="bench", roles=["frontend"], scopes=["trade:read"])
        replicas = []
        for i in range(2):
            port = free_port()
            (tmp / f"r{i}").mkdir()
            # each replica runs in its own directory: its own spool (var/audit-spool), one shared store
            log = tmp / f"r{i}" / "gateway.log"
            # with --only-first, the second replica reaches PostgreSQL through a proxy that never hangs
            env = {"SILKGRAPH_AUDIT__STORE": store_via(other)} if only_first and i == 1 else {}
            proc = _spawn(["serve", "--config", str(config), "--port", str(port)], log, env)
            replicas.append((f"http://127.0.0.1:{port}", proc, tmp / f"r{i}"))
        headers = {"authorization": f"Bearer {token}"}
        samples: list[tuple[int, float, float, int]] = []  # (replica, sent at, latency, status)
        stop = asyncio.Event()
        async with httpx.AsyncClient(timeout=120) as client:
            for url, _, _ in replicas:
                await _up(client, url)

            async def load(i: int, url: str) -> None:
                while not stop.is_set():
                    t0 = time.monotonic()
                    try:
                        status = (await client.post(f"{url}/graphql", json=QUERY, headers=headers)).status_code
                    except httpx.HTTPError:
                        status = 0
                    samples.append((i, t0, time.monotonic() - t0, status))
                    await asyncio.sleep(interval)

            loaders = [asyncio.create_task(load(i, url)) for i, (url, _, _) in enumerate(replicas)]
            await asyncio.sleep(3)
            hang_start = time.monotonic()
            proxy.set(Toxics(timeout_ms=0, direction="both"))
            print(f"PostgreSQL held (silent) for {hang:g} s …", flush=True)
            await asyncio.sleep(hang)
            proxy.clear()
            hang_end = time.monotonic()
            recovery: dict[int, float] = {}
            while len(recovery) < len(replicas) and time.monotonic() - hang_end < 60:
                for i, (url, _, d) in enumerate(replicas):
                    if i in recovery:
                        continue
                    spooled = len(list((d / "var" / "audit-spool").glob("*.json")))
                    with contextlib.suppress(httpx.HTTPError):
                        ready = (await client.get(f"{url}/readyz")).status_code == 200
                        if ready and spooled == 0:
                            recovery[i] = time.monotonic() - hang_end
                await asyncio.sleep(0.05)
            await asyncio.sleep(after)  # past a checkpoint_interval: the timer signs again
            stop.set()
            await asyncio.gather(*loaders)

        during = [s for s in samples if hang_start <= s[1] < hang_end]
        by_status: dict[int, int] = {}
        for s in during:
            by_status[s[3]] = by_status.get(s[3], 0) + 1
        print(f"answers during the hang: {dict(sorted(by_status.items()))}; slowest {max(s[2] for s in during):.2f} s")
        for i in range(len(replicas)):
            mine = [s for s in during if s[0] == i]
            codes: dict[int, int] = {}
            for s in mine:
                codes[s[3]] = codes.get(s[3], 0) + 1
            print(f"  replica {i}: {dict(sorted(codes.items()))}, slowest {max(s[2] for s in mine):.2f} s")
        for i in range(len(replicas)):
            print(f"replica {i}: recovered (ready, spool drained) {recovery.get(i, float('nan')):.2f} s after the hang")
        answered = sum(1 for s in samples if s[3] == 200)

        proxy.set(Toxics(timeout_ms=0, direction="both"))  # stop both while the store hangs again
        other.set(Toxics(timeout_ms=0, direction="both"))
        for _, proc, _ in replicas:
            proc.send_signal(signal.SIGTERM)
        t0 = time.monotonic()
        exits = []
        for _, proc, _ in replicas:
            code = await asyncio.to_thread(proc.wait, 120)
            exits.append((code, time.monotonic() - t0))
        print("SIGTERM with the store hung: " + ", ".join(f"exit {c} after {t:.2f} s" for c, t in exits))
        proxy.clear()
        other.clear()

    spooled = sum(len(list((d / "var" / "audit-spool").glob("*.json"))) for _, _, d in replicas)
    export = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "gateway.cli", "audit", "--config", str(config), "export"],
        check=False,
        capture_output=True,
        text=True,
        cwd=tmp,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "SILKGRAPH_AUDIT__STORE": f"{pg}{'&' if '?' in pg else '?'}schema={schema}",
        },
    )
    stored = [json.loads(line) for line in export.stdout.splitlines() if line.strip()]
    ok = [r for r in stored if r["record"].get("http_status") in (None, 200)]
    print(f"answered 200: {answered}; records in the log: {len(stored)} ({len(ok)} with 200); still spooled: {spooled}")
    print(f"records lost: {max(0, answered - len(ok) - spooled)}")
    verify = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "gateway.cli", "audit", "--config", str(config), "verify"],
        check=False,
        capture_output=True,
        text=True,
        cwd=tmp,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "SILKGRAPH_AUDIT__STORE": f"{pg}{'&' if '?' in pg else '?'}schema={schema}",
        },
    )
    print(f"audit verify: exit {verify.returncode}: {verify.stderr.strip().splitlines()[-1] if verify.stderr else ''}")
    import asyncpg

    conn = await asyncpg.connect(pg)
    try:
        await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    finally:
        await conn.close()
    published = len(list((tmp / "checkpoints").glob("*.checkpoint")))
    print(f"published checkpoints: {published}; (logs and spools in {tmp})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hang", type=float, default=20.0)
    parser.add_argument("--interval", type=float, default=0.05)
    parser.add_argument("--after", type=float, default=12.0, help="seconds of traffic after recovery")
    parser.add_argument("--only-first", action="store_true", help="hang only the first replica's network to PostgreSQL")
    args = parser.parse_args()
    asyncio.run(main(args.hang, args.interval, args.after, args.only_first))
