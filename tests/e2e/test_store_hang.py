"""A `silkgraph serve` process whose audit PostgreSQL hangs (the TCP fault proxy holds every packet): answers
stay bounded, /readyz says not ready while records can only go to the spool, the spool drains by itself once
the network is back, and SIGTERM during a hang still ends the process — with no answered operation unrecorded.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
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
class Gateway:
    url: str
    proc: subprocess.Popen[bytes]
    log: Path
    config: Path
    spool: Path
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
spool_path = "{tmp_path / "spool"}"
signing_key = "{SIGNING_KEY}"
append_timeout = 2.0

[stores]
postgres_connect_timeout = 0.5
postgres_statement_timeout = 0.5
postgres_operation_timeout = 1.0
shutdown_grace = 3.0

[adapters.reference]
"""
        )
        keys = DevKey.load_or_create(tmp_path / "dev.pem")
        token = keys.token(subject="hang-test", roles=["frontend"], scopes=["trade:read"])
        port = free_port()
        log = tmp_path / "gateway.log"
        proc = _spawn(["serve", "--config", str(config), "--port", str(port)], log)
        url = f"http://127.0.0.1:{port}"
        try:
            await _wait(f"{url}/healthz", proc, log)
            yield Gateway(url, proc, log, config, tmp_path / "spool", proxy, token)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    conn = await asyncpg.connect(real_url)
    try:
        await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    finally:
        await conn.close()


async def _until(check: object, what: str, gw: Gateway) -> None:
    for _ in range(300):
        if callable(check) and await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"never: {what}\n{_tail(gw.log)}")


def _spooled(gw: Gateway) -> int:
    return len(list(gw.spool.glob("*.json"))) if gw.spool.is_dir() else 0


async def test_a_hung_audit_store_never_wedges_the_gateway(gateway: Gateway) -> None:
    gw = gateway
    headers = {"authorization": f"Bearer {gw.token}"}
    answered = 0
    async with httpx.AsyncClient(timeout=60) as client:

        async def ask() -> int:
            nonlocal answered
            r = await client.post(f"{gw.url}/graphql", json=QUERY, headers=headers)
            assert r.status_code in (200, 503), r.text
            if r.status_code == 200:
                assert "errors" not in r.json(), r.text
                answered += 1
            return r.status_code

        async def ready() -> bool:
            return (await client.get(f"{gw.url}/readyz")).status_code == 200

        assert await ask() == 200 and await ready()
        gw.proxy.set(Toxics(timeout_ms=0, direction="both"))  # PostgreSQL silently stops answering
        statuses = [await ask() for _ in range(4)]
        assert statuses[0] == 200  # admitted while the store looked up: its record went to the spool
        assert 503 in statuses  # then the gateway fails closed, at once, instead of waiting on the store
        assert _spooled(gw) >= 1
        assert not await ready()  # records can only go to the spool: out of the load balancer

        gw.proxy.clear()

        async def recovered() -> bool:
            return await ready() and _spooled(gw) == 0

        await _until(recovered, "ready again with the spool drained", gw)
        assert await ask() == 200

        gw.proxy.set(Toxics(timeout_ms=0, direction="both"))  # hang again, and stop the gateway meanwhile
        assert await ask() == 200  # spooled
    gw.proc.send_signal(signal.SIGTERM)
    returncode = await asyncio.to_thread(gw.proc.wait, 60)  # the hang never clears: the grace period ends it
    assert returncode in (0, -signal.SIGTERM, OVERDUE), _tail(gw.log)
    gw.proxy.clear()

    # nothing answered is unrecorded: the store holds the rest, the spool what the hang kept from it
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
    assert len(stored) + _spooled(gw) >= answered, (len(stored), _spooled(gw), answered)
