"""SIGTERM: a server whose shutdown hangs still exits when its grace period runs out (the watchdog)."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
import pytest

from gateway.sdk.sandbox import free_port
from gateway.shutdown import OVERDUE

ROOT = Path(__file__).resolve().parents[2]

SERVER = textwrap.dedent(
    """
    import asyncio, sys
    from gateway.shutdown import GracefulServer, graceful_config

    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await asyncio.Event().wait()  # a store that never answers at shutdown
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"up"})

    grace = float(sys.argv[2])
    if sys.argv[3] == "graceful":  # `silkgraph serve`
        asyncio.run(GracefulServer(graceful_config(app, "127.0.0.1", int(sys.argv[1]), grace), grace).serve())
    else:  # a `serve --workers N` worker: uvicorn's own server, the watchdog in the app
        import uvicorn
        from gateway.shutdown import with_shutdown_watchdog

        config = graceful_config(with_shutdown_watchdog(app, grace), "127.0.0.1", int(sys.argv[1]), grace)
        asyncio.run(uvicorn.Server(config).serve())
    """
)


def _start(port: int, grace: float, kind: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", SERVER, str(port), str(grace), kind], cwd=ROOT)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("kind", ["graceful", "worker"])
async def test_a_hung_shutdown_ends_when_the_grace_runs_out(kind: str) -> None:
    port = free_port()
    proc = _start(port, 1.0, kind)
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(300):
                try:
                    if (await client.get(f"http://127.0.0.1:{port}/")).status_code == 200:
                        break
                except httpx.HTTPError:
                    await asyncio.sleep(0.05)
            else:
                raise AssertionError("the server did not come up")
        proc.send_signal(signal.SIGTERM)
        # the shutdown never finishes by itself: only the watchdog can end the process
        assert await asyncio.to_thread(proc.wait, 30) == OVERDUE
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
