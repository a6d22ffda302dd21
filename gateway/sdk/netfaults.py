"""A TCP proxy that injects network faults between a client and a real server, switched while it runs.

The sandboxes' own fault injection (:class:`gateway.sdk.sandbox.FaultInjection`) works on HTTP requests; this
works on the bytes of any TCP protocol — a legacy system's HTTP or SOAP, a remote subgraph, PostgreSQL, Redis —
so a test can put a real server behind it and break the network in the ways networks break::

    async with FaultProxy(("127.0.0.1", 6379)) as proxy:        # listens on proxy.port
        client = redis.asyncio.from_url(f"redis://127.0.0.1:{proxy.port}/0")
        proxy.set(Toxics(latency_ms=200))                      # every chunk 200 ms late
        proxy.set(Toxics(down=True))                           # refused, open connections cut
        proxy.set(Toxics(timeout_ms=0))                        # bytes vanish, connections hang
        proxy.clear()

Toxics (the names follow Toxiproxy's, a widely used fault proxy):

* ``latency_ms`` (+ ``jitter_ms``): each chunk is delayed;
* ``bandwidth_kbps``: chunks are paced to that many kilobytes a second;
* ``slicer_bytes`` (+ ``slicer_delay_ms``): chunks are cut into pieces of at most that size, sent apart;
* ``limit_bytes``: the connection is closed once that many bytes went through (a reply cut short);
* ``timeout_ms``: nothing goes through; the connection is closed after that long (0: held open until cleared);
* ``reset_ms``: the connection is reset (TCP RST) that long after it opened (0: at once);
* ``slow_close_ms``: a closing side's close reaches the other side that much later;
* ``down``: new connections are refused and open ones are reset, as a stopped server's would be.

``direction`` says which way the data toxics apply: ``"downstream"`` (server → client, the default),
``"upstream"`` or ``"both"``. Settings apply to the chunks read after :meth:`FaultProxy.set`; ``down``,
``timeout_ms`` and ``reset_ms`` also act on the connections already open.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import random
import socket
import struct
from typing import Literal

__all__ = ["FaultProxy", "Toxics"]

_CHUNK = 64 * 1024


@dataclasses.dataclass(frozen=True, kw_only=True)
class Toxics:
    """What the proxy does to the traffic; the default does nothing."""

    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    bandwidth_kbps: float = 0.0
    slicer_bytes: int = 0
    slicer_delay_ms: float = 0.0
    limit_bytes: int = 0
    timeout_ms: float | None = None
    reset_ms: float | None = None
    slow_close_ms: float = 0.0
    down: bool = False
    direction: Literal["downstream", "upstream", "both"] = "downstream"

    def applies(self, downstream: bool) -> bool:
        return self.direction == "both" or (self.direction == "downstream") == downstream


@dataclasses.dataclass(eq=False)
class _Link:
    """One proxied connection: the client's side and the server's side."""

    client: asyncio.StreamWriter
    server: asyncio.StreamWriter
    tasks: list[asyncio.Task[None]] = dataclasses.field(default_factory=list)
    #: bytes sent each way, for ``limit_bytes``
    sent: dict[bool, int] = dataclasses.field(default_factory=lambda: {True: 0, False: 0})


class FaultProxy:
    """Listens on a free loopback port (``port``) and forwards each connection to ``upstream``."""

    def __init__(self, upstream: tuple[str, int], *, host: str = "127.0.0.1", seed: int | None = None) -> None:
        self.upstream = upstream
        self.host = host
        self.port = 0
        self.toxics = Toxics()
        #: connections accepted, and connections refused while down
        self.accepted = 0
        self.refused = 0
        self._rng = random.Random(seed)
        self._server: asyncio.Server | None = None
        self._links: set[_Link] = set()
        self._handlers: set[asyncio.Task[None]] = set()
        self._changed = asyncio.Event()

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    async def __aenter__(self) -> FaultProxy:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for link in list(self._links):
            self._drop(link, reset=False)
        for task in list(self._handlers):
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)

    def set(self, toxics: Toxics) -> None:
        """Switch to ``toxics``; ``down`` and ``reset_ms=0`` cut the open connections now."""
        self.toxics = toxics
        self._changed.set()
        self._changed = asyncio.Event()
        if toxics.down or toxics.reset_ms == 0:
            for link in list(self._links):
                self._drop(link, reset=True)

    def clear(self) -> None:
        self.set(Toxics())

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        handler = asyncio.current_task()
        assert handler is not None
        self._handlers.add(handler)
        try:
            await self._serve(reader, writer)
        except asyncio.CancelledError:
            writer.close()
        finally:
            self._handlers.discard(handler)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        toxics = self.toxics
        if toxics.down or toxics.reset_ms == 0:
            self.refused += 1
            _reset(writer)
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:  # the real server is down: so is the proxied one
            self.refused += 1
            _reset(writer)
            return
        if self.toxics.down:  # went down while connecting
            self.refused += 1
            _reset(writer)
            up_writer.close()
            return
        self.accepted += 1
        link = _Link(client=writer, server=up_writer)
        self._links.add(link)
        link.tasks = [
            asyncio.create_task(self._pump(link, reader, up_writer, downstream=False)),
            asyncio.create_task(self._pump(link, up_reader, writer, downstream=True)),
        ]
        reset = None
        if toxics.reset_ms is not None:
            reset = asyncio.create_task(self._reset_later(link, toxics.reset_ms))
        try:
            await asyncio.gather(*link.tasks, return_exceptions=True)
        finally:
            for task in (*link.tasks, *([reset] if reset else [])):
                task.cancel()
            for side in (writer, up_writer):
                side.close()
            self._links.discard(link)

    async def _reset_later(self, link: _Link, ms: float) -> None:
        await asyncio.sleep(ms / 1000)
        self._drop(link, reset=True)

    async def _pump(
        self, link: _Link, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, downstream: bool
    ) -> None:
        try:
            while True:
                chunk = await reader.read(_CHUNK)
                if not chunk:
                    break
                if not await self._forward(link, chunk, writer, downstream):
                    return
            # the reading side closed its half: pass the close on (later, under slow_close)
            toxics = self.toxics
            if toxics.slow_close_ms and toxics.applies(downstream):
                await asyncio.sleep(toxics.slow_close_ms / 1000)
            if writer.can_write_eof():
                with contextlib.suppress(OSError):
                    writer.write_eof()
        except OSError:  # a side reset or vanished: so does the other
            self._drop(link, reset=True)

    async def _forward(self, link: _Link, chunk: bytes, writer: asyncio.StreamWriter, downstream: bool) -> bool:
        """Send one chunk under the current toxics; False once the link is gone."""
        toxics = self.toxics
        if not toxics.applies(downstream):
            writer.write(chunk)
            await writer.drain()
            return True
        if toxics.timeout_ms is not None:  # swallow everything: the peer waits for bytes that never come
            changed = self._changed
            if toxics.timeout_ms > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), toxics.timeout_ms / 1000)
                if not changed.is_set():
                    self._drop(link, reset=False)
                    return False
            else:
                await changed.wait()
            return True  # cleared: the swallowed chunk stays lost, as on a real network that dropped it
        delay = toxics.latency_ms + (self._rng.uniform(-toxics.jitter_ms, toxics.jitter_ms) if toxics.jitter_ms else 0)
        if delay > 0:
            await asyncio.sleep(delay / 1000)
        if toxics.limit_bytes:
            room = toxics.limit_bytes - link.sent[downstream]
            if room <= 0:
                self._drop(link, reset=False)
                return False
            chunk = chunk[:room]
        pieces = [chunk]
        if toxics.slicer_bytes:
            size = toxics.slicer_bytes
            pieces = [chunk[i : i + size] for i in range(0, len(chunk), size)]
        for n, piece in enumerate(pieces):
            if n and toxics.slicer_delay_ms:
                await asyncio.sleep(toxics.slicer_delay_ms / 1000)
            if toxics.bandwidth_kbps:
                await asyncio.sleep(len(piece) / (toxics.bandwidth_kbps * 1024))
            writer.write(piece)
            await writer.drain()
        link.sent[downstream] += len(chunk)
        if toxics.limit_bytes and link.sent[downstream] >= toxics.limit_bytes:
            self._drop(link, reset=False)
            return False
        return True

    def _drop(self, link: _Link, *, reset: bool) -> None:
        for writer in (link.client, link.server):
            if reset:
                _reset(writer)
            else:
                writer.close()
        for task in link.tasks:
            if task is not asyncio.current_task():
                task.cancel()
        self._links.discard(link)


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with TCP RST (SO_LINGER 0): the peer sees "connection reset by peer"."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport = writer.transport
    transport.abort()
