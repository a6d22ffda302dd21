"""The gateway records one audit record per operation before it answers, and fails closed without the log."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from gateway.config import Settings, load_settings
from tests.gateway.audit.conftest import SIGNER
from tests.gateway.audit.legacy_graph import QUERY, gateway

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE}-00f067aa0ba902b7-01"


def settings(tmp_path: Path, **extra: Any) -> Settings:
    return load_settings(
        None,
        overrides={
            "audit.store": f"sqlite:///{tmp_path / 'audit.sqlite3'}",
            "audit.checkpoint_path": str(tmp_path / "checkpoints"),
            "audit.spool_path": str(tmp_path / "spool"),
            "audit.signing_key": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
            "audit.origin": "audit.test/log",
            **extra,
        },
    )


def read_in_another_process(db: Path) -> list[dict[str, Any]]:
    """What a fresh process finds in the SQLite file: proves the records were committed, not cached."""
    code = (
        "import json, sqlite3, sys\n"
        "rows = sqlite3.connect(sys.argv[1]).execute('SELECT body_jcs FROM audit_event ORDER BY seq').fetchall()\n"
        "print(json.dumps([json.loads(r[0]) for r in rows]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, check=True, text=True)
    records: list[dict[str, Any]] = json.loads(out.stdout)
    return records


async def test_every_operation_leaves_a_committed_record_with_fetches_legacy_calls_and_lineage(
    tmp_path: Path,
) -> None:
    async with gateway(settings(tmp_path)) as (client, legacy, _):
        r = await client.post(
            "/graphql",
            json={"query": QUERY},
            headers={"traceparent": TRACEPARENT, "apollographql-client-name": "dossier-web"},
        )
        assert r.json() == {"data": {"shipment": {"awb": "999-12345675", "duty": 184.05}}}
        # the response is out: the record must already be on disk, visible to another process
        records = await asyncio.to_thread(read_in_another_process, tmp_path / "audit.sqlite3")
        assert len(records) == 1
    record = records[0]
    assert record["trace_id"] == TRACE  # the OTel trace id of the caller's trace
    assert record["client"] == {"name": "dossier-web", "version": None}
    assert record["principal"]["subject"] == "user@qingdao-broker"
    assert record["principal"]["agency"] == "qingdao-broker"
    assert record["operation"]["name"] == "Duty"
    assert record["operation"]["document"].startswith("query Duty {")
    assert record["outcome"] == "ok"
    assert record["plan"] == {"services": ["cargo", "customs"], "fetches": 2}
    assert [(f["service"], f["entity"]) for f in record["fetches"]] == [("cargo", False), ("customs", True)]
    [call] = record["legacy_calls"]
    assert call["source"] == "customs-soap"
    assert call["operation"] == "GetRate"
    assert call["status"] == 200
    assert call["fetch"] == 1
    assert call["endpoint"].endswith("/rate")
    assert len(call["response_digest"]) == 64
    lineage = {entry["path"]: entry for entry in record["lineage"]}
    assert lineage["shipment"]["service"] == "cargo"
    assert lineage["shipment.duty"] == {"path": "shipment.duty", "service": "customs", "fetch": 1, "legacy_calls": [0]}
    # the legacy system saw the same trace, with the legacy call's own span as parent
    sent = legacy.headers[0]["traceparent"].split("-")
    assert sent[1] == TRACE and sent[2] == call["span_id"]


async def test_fetches_batched_into_one_call_share_it_and_its_legacy_calls(tmp_path: Path) -> None:
    query = '{ a: shipment(awb: "999-12345675") { duty } b: shipments { duty } }'
    async with gateway(settings(tmp_path)) as (client, _, _):
        r = await client.post("/graphql", json={"query": query})
        assert "errors" not in r.json()
    (record,) = await asyncio.to_thread(read_in_another_process, tmp_path / "audit.sqlite3")
    customs = [(i, f) for i, f in enumerate(record["fetches"]) if f["service"] == "customs"]
    assert [f["path"] for _, f in customs] == [["a"], ["b", "@"]]  # two plan fetches of one level...
    assert len({f["call"] for _, f in customs}) == 1  # ...sent as one _entities request
    assert {f["call"] for f in record["fetches"]} == {record["fetches"][0]["call"], customs[0][1]["call"]}
    calls = record["legacy_calls"]
    assert calls and {c["fetch"] for c in calls} == {customs[0][0]}  # each names the fetch it ran under
    lineage = {e["path"]: e["legacy_calls"] for e in record["lineage"]}
    assert lineage["a.duty"] == lineage["b.@.duty"] == list(range(len(calls)))  # and served both paths


async def test_variables_are_redacted_but_equal_values_still_match(tmp_path: Path) -> None:
    query = "query S($awb: ID!) { shipment(awb: $awb) { awb } }"
    async with gateway(settings(tmp_path)) as (client, _, app):
        for _ in range(2):
            await client.post("/graphql", json={"query": query, "variables": {"awb": "999-12345675"}})
        rows = await app.state.audit.log.store.rows(0, 2)
    first, second = (r.record()["operation"]["variables"]["awb"] for r in rows)
    assert first.startswith("hmac-sha256:") and "999" not in first
    assert first == second


def _break_store(db: Path) -> None:
    """The disk refuses new rows, as a full or failing volume would."""
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TRIGGER broken BEFORE INSERT ON audit_event BEGIN SELECT RAISE(ABORT, 'disk full'); END")


def _repair_store(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TRIGGER broken")


async def test_a_record_the_store_refuses_is_spooled_then_appended_once_it_is_back(tmp_path: Path) -> None:
    db = tmp_path / "audit.sqlite3"
    async with gateway(settings(tmp_path)) as (client, _, app):
        trail = app.state.audit
        assert (await client.post("/graphql", json={"query": QUERY})).status_code == 200
        await asyncio.to_thread(_break_store, db)
        answered = await client.post("/graphql", json={"query": QUERY})
        assert answered.status_code == 200 and answered.json()["data"]  # its record is durable in the spool
        assert [p.suffix for p in (tmp_path / "spool").iterdir()] == [".json"]
        assert (await client.get("/readyz")).json()["audit"]["spool"]["pending"] == 1
        assert await trail.drain() == 0  # the store still refuses: the record stays spooled
        await asyncio.to_thread(_repair_store, db)
        assert await trail.drain() == 1
        assert list((tmp_path / "spool").iterdir()) == []
    records = await asyncio.to_thread(read_in_another_process, db)
    assert len(records) == 2  # every answered operation has its record
    assert "spooled_at" in records[1] and "spooled_at" not in records[0]


async def test_a_failed_append_means_no_response_data_and_an_unready_gateway(tmp_path: Path) -> None:
    db = tmp_path / "audit.sqlite3"
    async with gateway(settings(tmp_path, **{"audit.spool_path": ""})) as (client, _, _):  # no spool
        assert (await client.post("/graphql", json={"query": QUERY})).status_code == 200

        def break_store() -> None:
            _break_store(db)

        await asyncio.to_thread(break_store)
        r = await client.post("/graphql", json={"query": QUERY})
        assert r.status_code == 503
        body = r.json()
        assert "data" not in body
        assert body["errors"][0]["extensions"]["code"] == "AUDIT_UNAVAILABLE"
        ready = await client.get("/readyz")  # (the test graph's subgraph URLs are fake, so look at "audit")
        assert ready.status_code == 503
        assert ready.json()["audit"]["available"] is False
        assert "disk full" in ready.json()["audit"]["error"]
        refused = await client.post("/graphql", json={"query": QUERY})
        assert refused.status_code == 503  # refused before execution while the store stays down

        await asyncio.to_thread(_repair_store, db)
        ready = await client.get("/readyz")
        assert ready.json()["audit"]["available"] is True
        assert (await client.post("/graphql", json={"query": QUERY})).status_code == 200
    records = await asyncio.to_thread(read_in_another_process, db)
    assert len(records) == 2  # only the operations whose records committed were answered


async def test_the_log_verifies_after_shutdown_against_its_published_checkpoint(tmp_path: Path) -> None:
    async with gateway(settings(tmp_path, **{"audit.checkpoint_every": 2})) as (client, _, _):
        for _ in range(5):
            await client.post("/graphql", json={"query": QUERY})
    latest = tmp_path / "checkpoints" / "latest"
    assert latest.read_text().split("\n")[1] == "5"
    args = [sys.executable, "-m", "gateway.cli", "audit", "--store", f"sqlite:///{tmp_path / 'audit.sqlite3'}"]
    args += ["verify", "--checkpoint", str(latest), "--key", SIGNER.verifier_key.replace("audit.test/log", "x")]
    # a wrong verifier key: signatures fail
    bad = await asyncio.to_thread(subprocess.run, args, capture_output=True, text=True, cwd=tmp_path)
    assert bad.returncode == 1
    from gateway.audit.checkpoint import CheckpointSigner

    key = CheckpointSigner.from_base64("audit.test/log", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=").verifier_key
    args[-1] = key
    good = await asyncio.to_thread(subprocess.run, args, capture_output=True, text=True, cwd=tmp_path)
    assert good.returncode == 0, good.stderr
    assert "OK: 5 records" in good.stderr


async def test_audit_can_be_disabled(tmp_path: Path) -> None:
    async with gateway(settings(tmp_path, **{"audit.enabled": False})) as (client, _, _):
        assert (await client.post("/graphql", json={"query": QUERY})).status_code == 200
        assert (await client.get("/readyz")).json()["audit"] == {"enabled": False}
    assert not (tmp_path / "audit.sqlite3").exists()


async def test_records_answered_before_a_crash_survive_it(tmp_path: Path) -> None:
    """Kill the gateway process (SIGKILL, no shutdown) after it answered: every answered operation is on disk."""
    from gateway.sdk.sandbox import free_port
    from tests.gateway.audit.conftest import verify

    db, port = tmp_path / "audit.sqlite3", free_port()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.gateway.audit.crash_server",
        str(db),
        str(port),
        cwd=Path(__file__).parents[3],
        stdout=subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        assert (await asyncio.wait_for(proc.stdout.readline(), 30)).strip() == b"ready"
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            answered = await asyncio.gather(*(client.post("/graphql", json={"query": QUERY}) for _ in range(12)))
        assert all(r.status_code == 200 for r in answered)
    finally:
        proc.kill()
        await proc.wait()
    report = await asyncio.to_thread(verify, db)
    assert report.ok, report.problems
    assert report.size == 12


async def test_requests_turned_away_by_the_security_gate_are_audited_too(tmp_path: Path) -> None:
    async with gateway(settings(tmp_path, **{"auth.demo_key_file": str(tmp_path / "dev.pem")})) as (client, _, _):
        refused = await client.post("/graphql", json={"query": QUERY}, headers={"authorization": "Bearer forged"})
        assert refused.status_code == 401
    records = await asyncio.to_thread(read_in_another_process, tmp_path / "audit.sqlite3")
    assert len(records) == 1
    assert records[0]["principal"]["subject"] == "anonymous"
    assert records[0]["outcome"] == "error"
    assert records[0]["error_codes"] == ["UNAUTHENTICATED"]
