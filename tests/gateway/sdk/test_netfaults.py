"""The TCP fault proxy, over a real echo server and a real HTTP sandbox."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from gateway.sdk.netfaults import FaultProxy, Toxics
from gateway.sdk.sandbox import serve_sandbox

pytestmark = pytest.mark.timeout(30)


RECEIVED: list[bytes] = []


async def _echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError):
        while data := await reader.read(65536):
            RECEIVED.append(data)
            writer.write(data)
            await writer.drain()
    writer.close()


@contextlib.asynccontextmanager
async def echo_proxy() -> AsyncIterator[FaultProxy]:
    RECEIVED.clear()
    server = await asyncio.start_server(_echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server, FaultProxy(("127.0.0.1", port), seed=1) as proxy:
        yield proxy


async def _connect(proxy: FaultProxy) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection(proxy.host, proxy.port)


async def _read_exactly(reader: asyncio.StreamReader, n: int) -> tuple[bytes, int]:
    """``n`` bytes and how many reads they took."""
    data, reads = b"", 0
    while len(data) < n:
        chunk = await reader.read(n - len(data))
        if not chunk:
            break
        data, reads = data + chunk, reads + 1
    return data, reads


async def _assert_cut(reader: asyncio.StreamReader, writer: asyncio.StreamWriter | None = None) -> None:
    """The connection is gone: a write (when given a writer) or the next read meets a reset or an end of stream."""
    with pytest.raises(ConnectionError):
        if writer is not None:
            writer.write(b"x")
            await writer.drain()
        if not await reader.read(1):
            raise ConnectionResetError("closed by the peer")


async def test_bytes_pass_unchanged_both_ways() -> None:
    async with echo_proxy() as proxy:
        reader, writer = await _connect(proxy)
        payload = bytes(range(256)) * 400
        writer.write(payload)
        assert (await _read_exactly(reader, len(payload)))[0] == payload
        writer.close()
        assert proxy.accepted == 1


async def test_latency_delays_each_reply() -> None:
    async with echo_proxy() as proxy:
        proxy.set(Toxics(latency_ms=200))
        reader, writer = await _connect(proxy)
        started = time.monotonic()
        writer.write(b"ping")
        assert (await _read_exactly(reader, 4))[0] == b"ping"
        assert time.monotonic() - started >= 0.2  # a lower bound: the toxic was applied
        writer.close()


async def test_down_refuses_new_connections_and_resets_open_ones_until_cleared() -> None:
    async with echo_proxy() as proxy:
        reader, writer = await _connect(proxy)
        writer.write(b"up")
        assert (await _read_exactly(reader, 2))[0] == b"up"
        proxy.set(Toxics(down=True))
        await _assert_cut(reader, writer)
        r2, _w2 = await _connect(proxy)  # accepted by the kernel, then reset at once
        await _assert_cut(r2)
        assert proxy.refused == 1
        proxy.clear()
        r3, w3 = await _connect(proxy)
        w3.write(b"back")
        assert (await _read_exactly(r3, 4))[0] == b"back"
        w3.close()


async def test_timeout_zero_holds_the_connection_silent_until_cleared() -> None:
    async with echo_proxy() as proxy:
        proxy.set(Toxics(timeout_ms=0))
        reader, writer = await _connect(proxy)
        writer.write(b"lost")
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(reader.read(4), 0.3)
        proxy.clear()
        writer.write(b"next")
        assert (await _read_exactly(reader, 4))[0] == b"next"  # the swallowed bytes stay lost
        writer.close()


async def test_timeout_closes_the_connection_after_its_time() -> None:
    async with echo_proxy() as proxy:
        proxy.set(Toxics(timeout_ms=100))
        reader, writer = await _connect(proxy)
        writer.write(b"lost")
        assert await asyncio.wait_for(reader.read(4), 5) == b""  # closed, nothing delivered
        writer.close()


async def test_limit_bytes_cuts_the_reply_short() -> None:
    async with echo_proxy() as proxy:
        proxy.set(Toxics(limit_bytes=10))
        reader, writer = await _connect(proxy)
        writer.write(b"0123456789abcdef")
        data, _ = await _read_exactly(reader, 16)
        assert data == b"0123456789"
        writer.close()


async def test_the_slicer_fragments_a_reply_without_changing_it() -> None:
    async with echo_proxy() as proxy:
        proxy.set(Toxics(slicer_bytes=7, slicer_delay_ms=2))
        reader, writer = await _connect(proxy)
        payload = b"fragmented on the wire, whole at the end"
        writer.write(payload)
        data, reads = await _read_exactly(reader, len(payload))
        assert data == payload
        assert reads > 1
        writer.close()


async def test_reset_after_a_while_resets_the_connection() -> None:
    async with echo_proxy() as proxy:
        proxy.set(Toxics(reset_ms=50))
        reader, writer = await _connect(proxy)
        await asyncio.sleep(0.2)
        await _assert_cut(reader, writer)


async def test_upstream_toxics_act_on_requests() -> None:
    async with echo_proxy() as proxy:
        proxy.set(Toxics(limit_bytes=3, direction="upstream"))
        reader, writer = await _connect(proxy)
        writer.write(b"abcdef")
        assert await asyncio.wait_for(reader.read(6), 5) in (b"", b"abc")  # cut after 3 bytes of the request
        assert b"".join(RECEIVED) == b"abc"
        writer.close()


async def test_an_http_client_sees_the_faults_it_would_see_on_a_real_network() -> None:
    async def hello(_: Request) -> PlainTextResponse:
        return PlainTextResponse("x" * 5000)

    app = Starlette(routes=[Route("/", hello)])
    async with serve_sandbox(lambda _c: app) as server, FaultProxy((server.host, server.port)) as proxy:
        url = f"http://{proxy.address}/"
        async with httpx.AsyncClient(timeout=1.0) as client:
            proxy.set(Toxics(slicer_bytes=100))
            assert (await client.get(url)).text == "x" * 5000
            proxy.set(Toxics(limit_bytes=1000))
            with pytest.raises(httpx.RemoteProtocolError):  # the body ended before its content-length
                await client.get(url)
            proxy.set(Toxics(timeout_ms=0))
            with pytest.raises(httpx.ReadTimeout):
                await client.get(url)
            proxy.set(Toxics(down=True))
            with pytest.raises((httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError)):
                await client.get(url)
            proxy.clear()
            assert (await client.get(url)).status_code == 200
