"""An HTTP/1.1 upstream that answers with exactly the bytes a test asks for: big, compressed, bombs, drips.

The replies a caller must survive, over a real loopback socket (keep-alive, any number of requests)::

    async with HostileUpstream() as upstream:          # listens on upstream.url
        f"{upstream.url}/blob?size=5000000"            # a GraphQL JSON reply of exactly that many bytes
        f"{upstream.url}/huge?size=100000000"          # a body of that size, generated as it is sent
        f"{upstream.url}/bomb?size=100000000"          # gzip that inflates to that size (about 0.1 % on the wire)
        f"{upstream.url}/drip?every=0.05"              # one byte of body at that interval, forever

``/blob`` bodies are :func:`blob_body` (deterministic, not repetitive, so a lost or reordered piece shows) and
are written in pieces of random sizes (seeded), so a reader that trusts one read to return the whole body fails.
``gzip=1`` compresses ``/blob`` and ``/huge``; ``chunked=1`` sends ``/blob`` with chunked transfer coding
instead of a ``Content-Length``; ``/huge`` never announces its length. The server keeps only one piece of a body
in memory at a time, so it can run beside the code it tests without hiding that code's memory use.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import random
import struct
import zlib
from collections.abc import Iterator
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

__all__ = ["HostileUpstream", "blob_body", "gzip_bomb"]

_PIECE = 64 * 1024


@functools.lru_cache(maxsize=16)
def blob_body(size: int) -> bytes:
    """A GraphQL response ``{"data":{"blob":"<hex>"}}`` of exactly ``size`` bytes (at least 24)."""
    head, tail = b'{"data":{"blob":"', b'"}}'
    room = max(size - len(head) - len(tail), 0)
    seed = b"".join(hashlib.sha256(i.to_bytes(8, "big")).hexdigest().encode() for i in range(1024))  # 64 KiB
    out = bytearray()
    counter = 0
    while len(out) < room:  # 64 KiB blocks, each rotated differently: no two blocks alike
        at = (counter * 4099) % len(seed)
        out += seed[at:] + seed[:at]
        counter += 1
    return head + bytes(out[:room]) + tail


@functools.lru_cache(maxsize=4)
def gzip_bomb(size: int) -> bytes:
    """Gzip data that inflates to ``size`` zero bytes (about 0.1 % of ``size``), made without compressing them all.

    Each 1 MiB of zeros is compressed after a full flush, which resets the compressor's history, so every such
    block compresses to the same bytes: the bomb repeats one block and ends with the trailer (CRC-32, size) of
    the whole inflated body, as a real gzip writer would."""
    block = 1 << 20
    if size < block:
        z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        return z.compress(bytes(size)) + z.flush()
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(block)
    first = z.compress(zeros) + z.flush(zlib.Z_FULL_FLUSH)
    repeat = z.compress(zeros) + z.flush(zlib.Z_FULL_FLUSH)
    last_block = z.compress(bytes(size % block)) + z.flush(zlib.Z_FINISH)[:-8]  # final block, without its trailer
    count, crc = size // block, 0
    for _ in range(count):
        crc = zlib.crc32(zeros, crc)
    crc = zlib.crc32(bytes(size % block), crc)
    trailer = struct.pack("<II", crc, size & 0xFFFFFFFF)
    return first + repeat * (count - 1) + last_block + trailer


@functools.lru_cache(maxsize=16)
def _gzipped_blob(size: int) -> bytes:
    return b"".join(_gzip(iter([blob_body(size)])))


def _generated(size: int) -> Iterator[bytes]:
    """``size`` bytes of a JSON string body, one piece at a time."""
    yield b'{"data":{"blob":"'
    left = max(size - 20, 0)
    piece = b"x" * _PIECE
    while left > 0:
        yield piece[: min(left, _PIECE)]
        left -= _PIECE
    yield b'"}}'


def _gzip(pieces: Iterator[bytes]) -> Iterator[bytes]:
    z = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    for piece in pieces:
        out = z.compress(piece)
        if out:
            yield out
    yield z.flush()


class HostileUpstream:
    """The server; ``requests`` counts the requests it answered (``seed`` fixes the piece sizes)."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, seed: int = 0) -> None:
        self.host = host
        self.port = port
        self.requests = 0
        self._random = random.Random(seed)
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def __aenter__(self) -> HostileUpstream:
        self._server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        with contextlib.suppress(Exception):
            await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            while await self._one(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()

    async def _one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        target = lines[0].split(" ")[1]
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        length = int(headers.get("content-length", "0"))
        if length:
            await reader.readexactly(length)
        self.requests += 1
        url = urlsplit(target)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        size = int(query.get("size", "1024"))
        zipped = query.get("gzip") == "1"
        if url.path == "/blob":
            body = _gzipped_blob(size) if zipped else blob_body(size)
            if query.get("chunked") == "1":
                await self._head(writer, zipped, "transfer-encoding: chunked")
                for piece in self._pieces(body):
                    writer.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                    await writer.drain()
                writer.write(b"0\r\n\r\n")
            else:
                await self._head(writer, zipped, f"content-length: {len(body)}")
                for piece in self._pieces(body):
                    writer.write(piece)
                    await writer.drain()
            await writer.drain()
            return True
        if url.path == "/huge":
            await self._head(writer, zipped, "connection: close")
            for piece in _gzip(_generated(size)) if zipped else _generated(size):
                writer.write(piece)
                await writer.drain()
            return False
        if url.path == "/bomb":
            body = gzip_bomb(size)
            await self._head(writer, True, f"content-length: {len(body)}")
            writer.write(body)
            await writer.drain()
            return True
        if url.path == "/drip":
            await self._head(writer, False, "connection: close")
            every = float(query.get("every", "0.05"))
            writer.write(b'{"data":{"blob":"')
            while True:
                await writer.drain()
                await asyncio.sleep(every)
                writer.write(b"x")
        writer.write(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n")
        await writer.drain()
        return True

    def _pieces(self, body: bytes) -> Iterator[bytes]:
        at = 0
        while at < len(body):
            step = self._random.choice((1, 7, 1000, 4096, 65536, 200_000))
            yield body[at : at + step]
            at += step

    @staticmethod
    async def _head(writer: asyncio.StreamWriter, zipped: bool, framing: str) -> None:
        lines = ["HTTP/1.1 200 OK", "content-type: application/json", framing]
        if zipped:
            lines.append("content-encoding: gzip")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await writer.drain()
