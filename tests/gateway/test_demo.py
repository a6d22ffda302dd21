"""``silkgraph demo``: sandbox ports beside the gateway's, and an audit log that verifies after the demo."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import stat
import sys
from pathlib import Path

import httpx
import pytest

from gateway.cli import _verify_command, main
from gateway.demo import demo_audit_key, demo_audit_overrides, sandbox_port
from gateway.sdk.sandbox import free_port

SILKGRAPH = str(Path(sys.executable).parent / "silkgraph")


def test_sandbox_ports_keep_their_offset_beside_the_gateway_port() -> None:
    assert [sandbox_port(p, 4000) for p in (4101, 4107)] == [4101, 4107]
    assert [sandbox_port(p, 5000) for p in (4101, 4107)] == [5101, 5107]
    assert sandbox_port(4101, 0) == sandbox_port(4101, None) == 0  # ephemeral
    assert sandbox_port(4107, 65500) == 0  # past the last port: ephemeral rather than an error


def test_a_taken_sandbox_port_falls_back_to_an_ephemeral_one() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        gateway = busy - 101
        if gateway <= 0:
            pytest.skip("the OS gave a port too low to sit at a sandbox offset")
        assert sandbox_port(4101, gateway) == 0
        assert sandbox_port(4102, gateway) in (busy + 1, 0)  # free (or, rarely, someone else's)


def test_the_demo_audit_key_is_created_private_once_and_then_reused(tmp_path: Path) -> None:
    key_file = tmp_path / "var" / "demo-audit-signing-key"
    key = demo_audit_key(key_file)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert demo_audit_key(key_file) == key


def test_a_demo_on_another_port_keeps_its_own_audit_log(tmp_path: Path) -> None:
    default, other = demo_audit_overrides(4000, tmp_path), demo_audit_overrides(5000, tmp_path)
    assert default["audit.store"] == f"sqlite:///{tmp_path / 'audit.sqlite3'}"
    assert other["audit.store"] == f"sqlite:///{tmp_path / 'demo-5000' / 'audit.sqlite3'}"
    assert default["audit.signing_key"] == other["audit.signing_key"]


async def _until_listening(client: httpx.AsyncClient) -> None:
    """The banner comes just before uvicorn binds: wait for the socket (bounded by the test's timeout)."""
    while True:
        try:
            if (await client.get("/healthz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.05)


@pytest.mark.slow
@pytest.mark.timeout(180)
async def test_after_a_demo_the_audit_log_verifies_tails_and_proves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()
    demo = await asyncio.create_subprocess_exec(
        SILKGRAPH,
        "demo",
        "--port",
        str(port),
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert demo.stdout is not None
    banner = []
    try:
        while not banner or "Press Ctrl+C" not in banner[-1]:
            line = (await demo.stdout.readline()).decode()
            assert line, "the demo exited: " + "".join(banner)
            banner.append(line)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            await _until_listening(client)
            for _ in range(3):
                response = await client.post("/graphql", json={"query": "{ countries { code } }"})
                assert response.status_code == 200, response.text
    finally:
        demo.send_signal(signal.SIGINT)
        await demo.wait()
    text = "".join(banner)
    assert _verify_command(port) in text and "export PATH=" in text
    # the audit commands, in this process (a thread: they run their own event loop) from the demo's directory
    monkeypatch.chdir(tmp_path)
    store = f"sqlite:///{tmp_path}/var/demo-{port}/audit.sqlite3"
    verify = ["audit", "--store", store, "verify", "--checkpoints-dir", f"var/demo-{port}/checkpoints"]
    assert await asyncio.to_thread(main, verify) == 0
    assert await asyncio.to_thread(main, ["audit", "--store", store, "tail", "-n", "1"]) == 0
    assert await asyncio.to_thread(main, ["audit", "--store", store, "prove", "--seq", "0"]) == 0
    out, err = capsys.readouterr()
    assert "OK: 3 records" in err and "NOT checked" not in err, err
    assert '"seq":2' in out and '"size": 3' in out
