"""Two `silkgraph serve` replicas whose shared audit PostgreSQL hangs (the TCP fault proxy holds every packet):
answers stay bounded, /readyz says not ready while records can only go to the spool, each spool drains by itself
once the network is back, and SIGTERM during a hang still ends both — with no answered operation unrecorded.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

from gateway.policy.devkeys import DevKey
from gateway.sdk.netfaults import FaultProxy, Toxics
from gateway.sdk.sandbox import free_port
from gateway.shutdown import OVERDUE
from tests.e2e.test_replicas import ROOT, SIGNING_KEY, _spawn, _tail, _wait
from tests.services import postgres_url

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.timeout(180)]

QUERY = {"query": "{ currencies { code } }"}


@dataclass
class Replica:
    url: str
    proc: subprocess.Popen[bytes]
    log: Path
    spool: Path


@dataclass
class Gateway:
    replicas: list[Replica]
    config: Path
    proxy: FaultProxy
    token: str


@pytest.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[Gateway]:
    import asyncpg

    real_url = postgres_url("a PostgreSQL server for the audit store")
    real = urlsplit(real_url)
    schema = f"hang_{uuid.uuid4().hex[:10]}"
    async with FaultProxy((real.hostname or "127.0.0.1", real.port or 5432)) as proxy:
        through = urlunsplit(real._replace(netloc=f"{real.username or 'postgres'}@{proxy.address}"))
        config = tmp_path / "silkgraph.toml"
        config.write_text(
            f"""
[gateway]
mode = "demo"
log_level = "warning"

[auth]
demo_key_file = "{tmp_path / "dev.pem"}"

[audit]
store = "{through}{"&" if "?" in through else "?"}schema={schema}"
checkpoint_path = "{tmp_path / "checkpoints"}"
spool_path = "spool"
signing_key = "{SIGNING_KEY}"
append_timeout = 2.0

[stores]
postgres_connect_timeout = 0.5
postgres_statement_timeout = 0.5
postgres_operation_timeout = 1.0
shutdown_grace = 2.0

[adapters.reference]
"""
        )
        keys = DevKey.load_or_create(tmp_path / "dev.pem")
        token = keys.token(subject="hang-test", roles=["frontend"], scopes=["trade:read"])
        replicas = []
        for i in range(2):  # each in its own directory: its own spool ("spool" is relative), one shared store
            (tmp_path / f"r{i}").mkdir()
            port, log = free_port(), tmp_path / f"r{i}" / "gateway.log"
            proc = _spawn(["serve", "--config", str(config), "--port", str(port)], log)
            replicas.append(Replica(f"http://127.0.0.1:{port}", proc, log, tmp_path / f"r{i}" / "spool"))
        try:
            for r in replicas:
                await _wait(f"{r.url}/healthz", r.proc, r.log)
            yield Gateway(replicas, config, proxy, token)
        finally:
            for r in replicas:
                if r.proc.poll() is None:
                    r.proc.kill()
                    r.proc.wait()
    conn = await asyncpg.connect(real_url)
    try:
        await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    finally:
        await conn.close()


async def _until(check: Callable[[], Awaitable[bool]], what: str, gw: Gateway) -> None:
    for _ in range(300):
        if await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"never: {what}\n" + "\n".join(_tail(r.log) for r in gw.replicas))


def _spooled(r: Replica) -> int:
    return len(list(r.spool.glob("*.json"))) if r.spool.is_dir() else 0


async def test_a_hung_audit_store_wedges_no_replica(gateway: Gateway) -> None:
    gw = gateway
    headers = {"authorization": f"Bearer {gw.token}"}
    answered = 0
    async with httpx.AsyncClient(timeout=60) as client:

        async def ask(r: Replica) -> int:
            nonlocal answered
            answer = await client.post(f"{r.url}/graphql", json=QUERY, headers=headers)
            assert answer.status_code in (200, 503), answer.text
            if answer.status_code == 200:
                assert "errors" not in answer.json(), answer.text
                answered += 1
            return answer.status_code

        async def ready(r: Replica) -> bool:
            return (await client.get(f"{r.url}/readyz")).status_code == 200

        for r in gw.replicas:
            assert await ask(r) == 200 and await ready(r)
        gw.proxy.set(Toxics(timeout_ms=0, direction="both"))  # PostgreSQL silently stops answering
        for r in gw.replicas:
            statuses = [await ask(r) for _ in range(4)]
            assert statuses[0] == 200  # admitted while the store looked up: its record went to the spool
            assert 503 in statuses  # then the replica fails closed, at once, instead of waiting on the store
            assert _spooled(r) >= 1
            assert not await ready(r)  # records can only go to the spool: out of the load balancer

        gw.proxy.clear()

        async def recovered() -> bool:
            return all([await ready(r) and _spooled(r) == 0 for r in gw.replicas])

        await _until(recovered, "both ready again with their spools drained", gw)
        for r in gw.replicas:
            assert await ask(r) == 200

        gw.proxy.set(Toxics(timeout_ms=0, direction="both"))  # hang again, and stop both meanwhile
        for r in gw.replicas:
            assert await ask(r) == 200  # spooled
    for r in gw.replicas:
        r.proc.send_signal(signal.SIGTERM)
    for r in gw.replicas:  # the hang never clears: the grace period ends each
        returncode = await asyncio.to_thread(r.proc.wait, 60)
        assert returncode in (0, -signal.SIGTERM, OVERDUE), _tail(r.log)
    gw.proxy.clear()

    # nothing answered is unrecorded: the shared store holds the rest, the spools what the hang kept from it
    export = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "gateway.cli", "audit", "--config", str(gw.config), "export"],
        capture_output=True,
        text=True,
        cwd=gw.config.parent,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert export.returncode == 0, export.stderr
    stored = [json.loads(line) for line in export.stdout.splitlines() if line.strip()]
    spooled = sum(_spooled(r) for r in gw.replicas)
    assert len(stored) + spooled >= answered, (len(stored), spooled, answered)
    assert [r["seq"] for r in stored] == list(range(len(stored)))  # one dense chain for both writers
