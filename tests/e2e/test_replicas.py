"""Two gateway processes behind one PostgreSQL and one Redis behave as one gateway.

Each replica is a real `silkgraph serve` process with the same config: the audit log and the payment idempotency
keys live in PostgreSQL, rate limits in Redis. The payments rail is one sandbox process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from gateway.policy.devkeys import DevKey
from gateway.sdk.sandbox import free_port
from tests.services import postgres_url, redis_url

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SIGNING_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="


@dataclass
class Cluster:
    gateways: list[str]
    rail: str
    audit_store: str
    keys: DevKey
    config: Path


def _spawn(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "gateway.cli", *args],
            cwd=log.parent,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )


async def _wait(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise AssertionError(f"process exited early:\n{_tail(log)}")
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(url)).status_code < 500:
                    return
            await asyncio.sleep(0.2)
    raise AssertionError(f"{url} did not come up:\n{_tail(log)}")


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:]


@pytest.fixture
def service_urls() -> Iterator[tuple[str, str]]:
    what = "two replicas need a shared PostgreSQL and Redis"
    yield postgres_url(what), redis_url(what)


@pytest.fixture
async def cluster(tmp_path: Path, service_urls: tuple[str, str]) -> AsyncIterator[Cluster]:
    pg, redis = service_urls
    run = uuid.uuid4().hex[:10]
    audit_store = f"{pg}{'&' if '?' in pg else '?'}schema=replicas_{run}"
    rail_port = free_port()
    procs: list[subprocess.Popen[bytes]] = []
    try:
        rail_log = tmp_path / "rail.log"
        procs.append(_spawn(["sandbox", "payments", "--port", str(rail_port)], rail_log))
        rail = f"http://127.0.0.1:{rail_port}"
        await _wait(f"{rail}/health", procs[-1], rail_log)
        config = tmp_path / "silkgraph.toml"
        config.write_text(
            f"""
[gateway]
mode = "demo"
log_level = "warning"

[gateway.rate_limit]
enabled = true
store = "{redis}"
per_principal = 8
per_agency = 1000
window_seconds = 60

[stores]
# exact rate-limit counts: a loaded CI machine must not turn a slow Redis answer into a fail-open timeout
redis_timeout = 2.0

[auth]
demo_key_file = "{tmp_path / "dev.pem"}"

[audit]
store = "{audit_store}"
checkpoint_path = "{tmp_path / "checkpoints"}"
signing_key = "{SIGNING_KEY}"

[adapters.reference]

[adapters.payments]
url = "{rail}"
idempotency_store = "{pg}"
idempotency_table = "idem_{run}"
"""
        )
        keys = DevKey.load_or_create(tmp_path / "dev.pem")
        gateways = []
        for i in range(2):
            port = free_port()
            log = tmp_path / f"gateway{i}.log"
            procs.append(_spawn(["serve", "--config", str(config), "--port", str(port)], log))
            gateways.append(f"http://127.0.0.1:{port}")
        for i, url in enumerate(gateways):
            await _wait(f"{url}/healthz", procs[i + 1], tmp_path / f"gateway{i}.log")
        yield Cluster(gateways=gateways, rail=rail, audit_store=audit_store, keys=keys, config=config)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=15)


def _auth(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


@pytest.mark.timeout(300)
async def test_replicas_share_one_audit_log_rate_limits_and_exactly_once_payments(cluster: Cluster) -> None:
    reader = cluster.keys.token(subject=f"reader-{uuid.uuid4().hex[:6]}", roles=["frontend"], scopes=["trade:read"])
    async with httpx.AsyncClient(timeout=30) as client:
        # -- one audit log: operations on both replicas land in one dense, verifiable chain
        query = {"query": "{ currencies { code } }"}
        for i in range(6):
            r = await client.post(f"{cluster.gateways[i % 2]}/graphql", json=query, headers=_auth(reader))
            assert r.status_code == 200 and "errors" not in r.json(), r.text

        # -- one rate limit: 8 per principal per minute, counted across both replicas
        limited = cluster.keys.token(subject=f"burst-{uuid.uuid4().hex[:6]}", scopes=["trade:read"])
        statuses = []
        for i in range(12):
            r = await client.post(f"{cluster.gateways[i % 2]}/graphql", json=query, headers=_auth(limited))
            statuses.append(r.status_code)
        assert statuses.count(200) == 8, statuses
        assert statuses.count(429) == 4, statuses

        # -- exactly-once payments: the same idempotency key on both replicas at once settles once
        payer = cluster.keys.token(
            subject=f"treasury-{uuid.uuid4().hex[:6]}",
            agency="kz-trade-agency",  # the debtor's agency: payments are made for one agency's trader
            scopes=["payments:initiate", "payments:read"],
        )
        payment = {
            "query": "mutation Pay($input: InitiatePaymentInput!, $key: String!) "
            "{ initiatePayment(input: $input, idempotencyKey: $key) { uetr } }",
            "variables": {
                "key": f"replica-{uuid.uuid4()}",
                "input": {
                    "debtor": {"country": "KZ", "taxId": "191240005671"},
                    "debtorAccount": "KZ86125KZT5004100100",
                    "creditor": {"country": "CN", "taxId": "91650000MA77X8TQ31"},
                    "creditorAccount": "4563510100892233110",
                    "amount": {"amount": "2500.00", "currency": "CNY"},
                    "endToEndId": "REPLICA-1",
                },
            },
        }
        answers = await asyncio.gather(
            *(client.post(f"{url}/graphql", json=payment, headers=_auth(payer)) for url in cluster.gateways)
        )
        bodies = [a.json() for a in answers]
        uetrs = {b["data"]["initiatePayment"]["uetr"] for b in bodies if b.get("data")}
        conflicts = [b for b in bodies if b.get("errors")]
        assert len(uetrs) == 1, bodies  # whoever answered names the same payment
        assert all(e["errors"][0]["extensions"]["code"] == "CONFLICT" for e in conflicts), conflicts
        uetr = uetrs.pop()
        await asyncio.sleep(0.5)  # let the rail settle (ACSP -> ACSC)
        ledger = (await client.get(f"{cluster.rail}/_sandbox/ledger")).json()
        assert ledger["settlements"].get(uetr, 0) <= 1
        pacs008 = sum(n for kind, n in ledger["calls"].items() if "pacs.008" in kind)
        assert pacs008 == 1, ledger

    # -- the shared log verifies, and holds every answered operation from both replicas
    verify = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "gateway.cli", "audit", "--config", str(cluster.config), "verify"],
        capture_output=True,
        text=True,
        cwd=cluster.config.parent,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert verify.returncode == 0, verify.stderr
    export = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "gateway.cli", "audit", "--config", str(cluster.config), "export"],
        capture_output=True,
        text=True,
        cwd=cluster.config.parent,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    records = [json.loads(line) for line in export.stdout.splitlines() if line.strip()]
    assert len(records) >= 6 + 8 + len(bodies)
    assert [r["seq"] for r in records] == list(range(len(records)))  # dense, one order for both writers
