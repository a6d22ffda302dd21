"""Reading an upstream reply body whole and within a byte cap counted after decompression.

Every upstream read in Silkgraph goes through :func:`read_body`: the legacy HTTP client
(:func:`gateway.sdk.calls.legacy_http_client`, which zeep's transport in :mod:`adapters.soap.transport` uses too)
and the remote-subgraph transport (:mod:`gateway.federation.transports`, over httpx or the pooled client of
:mod:`gateway.federation.http_pool`, whose protocol feeds a :class:`BodyReader` as bytes arrive). It takes the
body as it comes off the wire — after chunked transfer decoding, before content decoding — and

* reads to the end of the body, however the bytes arrive (one read never promises the whole body);
* decodes ``Content-Encoding`` itself (``gzip``, ``deflate``, or a chain of them) in bounded steps, so a small
  compressed reply can never inflate past ``limit`` plus one step in memory;
* stops as soon as the decoded size passes ``limit``, raising :class:`BodyTooLarge` (callers map it to
  ``UPSTREAM_PROTOCOL_ERROR`` naming their service), without draining the rest of the body.

Callers advertise only the encodings it decodes: :data:`ACCEPT_ENCODING`. A reply in an encoding it does not
decode raises :class:`BodyUndecodable`, as does corrupt compressed data.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterable, AsyncIterator, Iterator

import httpx

__all__ = ["ACCEPT_ENCODING", "BodyReader", "BodyTooLarge", "BodyUndecodable", "read_body", "read_httpx_body"]

#: the ``Accept-Encoding`` every upstream request sends: exactly what :func:`read_body` can decode
ACCEPT_ENCODING = "gzip, deflate"

#: the most one decoding step produces before the limit is checked again
_STEP = 64 * 1024
_IDENTITY = frozenset({"", "identity"})
_GZIP = frozenset({"gzip", "x-gzip"})


class BodyTooLarge(Exception):
    """The reply is (or announces itself) larger than the limit, counted after decompression."""

    def __init__(self, limit: int, *, announced: int | None = None) -> None:
        why = f"it announces {announced} bytes" if announced is not None else "it is larger"
        super().__init__(f"{why}, over the {limit}-byte limit")
        self.limit = limit
        self.announced = announced


class BodyUndecodable(Exception):
    """The reply's ``Content-Encoding`` is not one Silkgraph asked for, or its compressed data is corrupt."""


class _Inflater:
    """One ``gzip`` / ``deflate`` layer, decoding in steps of at most ``_STEP`` bytes."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self._head = b""
        self._d = zlib.decompressobj(16 + zlib.MAX_WBITS) if coding in _GZIP else None

    def steps(self, data: bytes) -> Iterator[bytes]:
        """Decode ``data``, yielding at most ``_STEP`` bytes at a time (the next step is decoded only if asked)."""
        if self._d is None:
            # HTTP's "deflate" is zlib-wrapped, but some servers send raw deflate: its first two bytes tell
            self._head += data
            if len(self._head) < 2:
                return
            data, self._head = self._head, b""
            wrapped = data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self._d = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        while True:
            try:
                out = self._d.decompress(data, _STEP)
            except zlib.error:
                raise BodyUndecodable(f"the reply is not valid {self.coding} data") from None
            data = self._d.unconsumed_tail
            if out:
                yield out
            if not data and len(out) < _STEP:
                return

    def finish(self) -> bytes:
        if self._d is None:  # fewer than two bytes in all
            self._d = zlib.decompressobj(-zlib.MAX_WBITS)
            return b"".join(self.steps(self._head)) if self._head else b""
        return self._d.flush()  # every input byte was consumed by steps(): only a few bytes can remain


def _layers(encoding: str | None) -> list[_Inflater]:
    """The decoders for a ``Content-Encoding`` header, in the order they apply (last coding first)."""
    codings = [c.strip().lower() for c in (encoding or "").split(",")]
    layers: list[_Inflater] = []
    for coding in reversed(codings):
        if coding in _IDENTITY:
            continue
        if coding not in _GZIP and coding != "deflate":
            raise BodyUndecodable(f"the reply uses Content-Encoding {coding!r}, which was not asked for")
        layers.append(_Inflater(coding))
    return layers


def _announced(value: int | str | None) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


class BodyReader:
    """The decoding and counting of :func:`read_body`, fed one chunk at a time as the wire bytes arrive (a
    protocol's callbacks feed it directly; :func:`read_body` feeds it from an async iterator).

    ``announced`` is the reply's ``Content-Length``: more than ``limit`` is refused here, before any byte is read
    (a compressed body's length is its compressed size, which a body within the limit does not exceed in practice).
    """

    __slots__ = ("_layers", "_limit", "_parts", "_total")

    def __init__(self, *, limit: int, encoding: str | None = None, announced: int | str | None = None) -> None:
        size = _announced(announced)
        if size is not None and size > limit:
            raise BodyTooLarge(limit, announced=size)
        self._layers = _layers(encoding) if encoding else []
        self._limit = limit
        self._parts: list[bytes] = []
        self._total = 0

    def feed(self, data: bytes) -> None:
        """Take one chunk of wire bytes; raises :class:`BodyTooLarge` as soon as the decoded size passes the limit."""
        if data:
            self._take(data, 0)

    def finish(self) -> bytes:
        """The whole decoded body, once the last chunk was fed."""
        for i, layer in enumerate(self._layers):
            tail = layer.finish()
            if tail:
                self._take(tail, i + 1)
        return b"".join(self._parts)

    def _take(self, data: bytes, start: int) -> None:
        """Pass ``data`` through ``layers[start:]`` step by step, keeping the output; stop past the limit."""
        if start == len(self._layers):
            self._total += len(data)
            if self._total > self._limit:
                raise BodyTooLarge(self._limit)
            self._parts.append(data)
            return
        for step in self._layers[start].steps(data):
            self._take(step, start + 1)


async def read_body(
    chunks: AsyncIterable[bytes],
    *,
    limit: int,
    encoding: str | None = None,
    announced: int | str | None = None,
) -> bytes:
    """The whole decoded body of ``chunks`` (wire bytes in ``encoding``), at most ``limit`` bytes of it
    (:class:`BodyReader` says how)."""
    reader = BodyReader(limit=limit, encoding=encoding, announced=announced)
    async for chunk in chunks:
        reader.feed(chunk)
    return reader.finish()


async def read_httpx_body(response: httpx.Response, *, limit: int) -> bytes:
    """:func:`read_body` of an httpx response: from the wire, or — when a transport built the response from bytes
    already in memory (and httpx decoded them) — from those bytes, with the same cap."""
    if response.is_stream_consumed:
        return await read_body(_once(response.content), limit=limit)
    return await read_body(
        response.aiter_raw(),
        limit=limit,
        encoding=response.headers.get("content-encoding"),
        announced=response.headers.get("content-length"),
    )


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data
