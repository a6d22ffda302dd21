"""A pooled HTTP/1.1 client for subgraph calls: keep-alive connections per origin, every reply read whole.

A subgraph call is one POST with a few headers, answered by one reply read to its end; a general client's
machinery around that (request and response objects, header multidicts, timer handles, a connector) cost the
gateway about a fifth of its CPU on small operations. This client does only what a subgraph call needs, on
asyncio's Protocol API, with httptools (the parser uvicorn uses) reading the reply:

* idle keep-alive connections are kept per origin (scheme, host, port) and reused last-in first-out; one the
  server closed, or idle for ``keepalive`` seconds, is dropped; at most ``limit`` connections are in use at once;
* the reply's body — framed by ``Content-Length``, chunked, or ending with the connection — is fed to a
  :class:`gateway.bodies.BodyReader` as it arrives, which decodes gzip/deflate and refuses it as soon as it
  passes the cap (:class:`~gateway.bodies.BodyTooLarge`, the rest unread, the connection closed);
* ``total_timeout`` bounds the whole exchange (waiting for a free connection and the body included),
  ``connect_timeout`` the connection set-up;
* a query sent on a reused connection that the server closed before answering a byte (it was idle on the
  server's side) is sent again once on a new connection; anything else is sent once.

Failures raise :class:`TimeoutError`; :class:`ConnectionError` (an ``OSError`` from connecting, or
:class:`ReplyCut` when the connection closed before the reply was complete); :class:`ReplyMalformed` for bytes
that are not an HTTP/1.1 reply; :class:`~gateway.bodies.BodyTooLarge` or :class:`~gateway.bodies.BodyUndecodable`
for a body refused. :class:`gateway.federation.transports.HttpTransport` maps them to error codes.
"""

from __future__ import annotations

import asyncio
import dataclasses
import ssl
import time
from collections.abc import Mapping
from types import TracebackType
from typing import cast
from urllib.parse import urlsplit

import httptools

from gateway.bodies import BodyReader, BodyTooLarge, BodyUndecodable

__all__ = ["HttpPool", "Reply", "ReplyCut", "ReplyMalformed"]

#: status, reason phrase, decoded body
Reply = tuple[int, str, bytes]
_Origin = tuple[str, str, int]


class ReplyMalformed(Exception):
    """The bytes that came back are not an HTTP/1.1 reply (a bad status line, header or chunk)."""


class ReplyCut(ConnectionError):
    """The connection closed before the reply was complete."""


class _Connection(asyncio.Protocol):
    """One keep-alive connection: sends a request, parses its reply, then waits in the pool for the next one."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        #: False once the server closed the connection or it can no longer be trusted with a request
        self.open = True
        #: whether any byte of the current reply arrived (a reused connection with none may be stale)
        self.received = False
        self.idle_since = 0.0
        self._parser = httptools.HttpResponseParser(self)
        self._reply: asyncio.Future[Reply] | None = None
        self._limit = 0
        self._status = 0
        self._reason = b""
        self._encoding: bytes | None = None
        self._length: bytes | None = None
        self._chunked = False
        self._body: BodyReader | None = None

    async def exchange(self, request: bytes, limit: int) -> Reply:
        """Send ``request`` and wait for its whole reply (the body decoded, at most ``limit`` bytes)."""
        if not self.open or self.transport is None:
            raise ReplyCut("the connection was closed")
        reply: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        self._reply = reply
        self._limit = limit
        self._status, self._reason, self._body, self.received = 0, b"", None, False
        self._encoding = self._length = None
        self._chunked = False
        self.transport.write(request)
        try:
            return await reply
        finally:
            self._reply = None

    def close(self) -> None:
        self.open = False
        if self.transport is not None:
            self.transport.close()

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        if self._reply is None or self._reply.done():  # bytes nobody asked for: the connection is not trusted
            self.close()
            return
        self.received = True
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserCallbackError as exc:  # raised by a callback below: a refused body
            cause = exc.__context__
            self._fail(cause if isinstance(cause, Exception) else ReplyMalformed(str(exc)))
        except httptools.HttpParserError as exc:
            self._fail(ReplyMalformed(str(exc)))

    def eof_received(self) -> bool:
        return False  # close: connection_lost ends a body that runs to the close, or fails the reply

    def connection_lost(self, exc: Exception | None) -> None:
        self.open = False
        if self._reply is None or self._reply.done():
            return
        if self._body is not None and not self._chunked and self._length is None:
            self._complete()  # a body without framing ends with the connection
        else:
            self._fail(ReplyCut("the connection closed before the reply was complete"))

    # httptools callbacks (exceptions raised here surface as HttpParserCallbackError in data_received)

    def on_status(self, status: bytes) -> None:
        if self._reply is None or self._reply.done():  # a second reply to one request
            self.open = False
        self._reason += status

    def on_header(self, name: bytes, value: bytes) -> None:
        name = name.lower()
        if name == b"content-length":
            self._length = value
        elif name == b"transfer-encoding":
            self._chunked = True
        elif name == b"content-encoding":
            self._encoding = value if self._encoding is None else self._encoding + b", " + value

    def on_headers_complete(self) -> None:
        self._status = self._parser.get_status_code()
        self._body = BodyReader(
            limit=self._limit,
            encoding=self._encoding.decode("latin-1") if self._encoding is not None else None,
            announced=self._length.decode("latin-1") if self._length is not None else None,
        )

    def on_body(self, body: bytes) -> None:
        assert self._body is not None
        self._body.feed(body)

    def on_message_complete(self) -> None:
        if 100 <= self._status < 200:  # an interim reply: the final one follows on the same connection
            self._status, self._reason, self._body = 0, b"", None
            self._encoding = self._length = None
            self._chunked = False
            return
        if not self._parser.should_keep_alive():
            self.open = False
        self._complete()

    def _complete(self) -> None:
        reply = self._reply
        if reply is None or reply.done() or self._body is None:
            self.open = False
            return
        try:
            body = self._body.finish()
        except (BodyTooLarge, BodyUndecodable) as exc:
            self._fail(exc)
            return
        reply.set_result((self._status, self._reason.decode("latin-1"), body))

    def _fail(self, exc: Exception) -> None:
        if self._reply is not None and not self._reply.done():
            self._reply.set_exception(exc)
        self.close()


@dataclasses.dataclass(frozen=True, slots=True)
class _Target:
    """A subgraph URL, parsed once: where to connect and the first lines of every request to it."""

    origin: _Origin
    head: bytes

    @classmethod
    def of(cls, url: str) -> _Target:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        host = parts.netloc.rpartition("@")[2]
        return cls((parts.scheme, parts.hostname, port), f"POST {path} HTTP/1.1\r\nhost: {host}\r\n".encode())

    def request(self, body: bytes, headers: Mapping[str, str]) -> bytes:
        lines = "".join([f"{name}: {value}\r\n" for name, value in headers.items()])
        if lines.count("\n") != len(headers) or lines.count("\r") != len(headers):
            raise ValueError("a subgraph request header holds a line break")
        return b"%s%scontent-length: %d\r\n\r\n%s" % (self.head, lines.encode(), len(body), body)


class HttpPool:
    """Keep-alive HTTP/1.1 connections to subgraphs, shared by every :class:`HttpTransport` of a runtime."""

    def __init__(self, *, limit: int = 200, keepalive: float = 30.0) -> None:
        self._slots = asyncio.Semaphore(limit)
        self._keepalive = keepalive
        self._idle: dict[_Origin, list[_Connection]] = {}
        self._targets: dict[str, _Target] = {}
        self._tls: ssl.SSLContext | None = None
        self._closed = False

    async def __aenter__(self) -> HttpPool:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close every idle connection; connections in use close when their exchange ends."""
        self._closed = True
        for idle in self._idle.values():
            for conn in idle:
                conn.close()
        self._idle.clear()

    async def post(
        self,
        url: str,
        body: bytes,
        headers: Mapping[str, str],
        *,
        total_timeout: float,
        connect_timeout: float,
        limit: int,
        resend_stale: bool = True,
    ) -> Reply:
        """POST ``body`` to ``url`` and return the whole reply (its body decoded, at most ``limit`` bytes).

        ``resend_stale``: send again, once, on a new connection when a reused one closed before a byte of the
        reply arrived (the server dropped it as idle). Pass False for a request that must never be sent twice.
        """
        target = self._targets.get(url)
        if target is None:
            target = self._targets[url] = _Target.of(url)
        request = target.request(body, headers)
        async with asyncio.timeout(total_timeout), self._slots:
            conn = self._idle_connection(target.origin)
            if conn is not None:
                try:
                    return await self._exchange(target.origin, conn, request, limit)
                except ReplyCut:
                    if conn.received or not resend_stale:
                        raise
            conn = await self._connect(target.origin, connect_timeout)
            return await self._exchange(target.origin, conn, request, limit)

    def _idle_connection(self, origin: _Origin) -> _Connection | None:
        idle = self._idle.get(origin)
        if not idle:
            return None
        now = time.monotonic()
        if now - idle[0].idle_since >= self._keepalive:  # the oldest waits longest: expire it on the way
            idle.pop(0).close()
        while idle:
            conn = idle.pop()
            if conn.open and now - conn.idle_since < self._keepalive:
                return conn
            conn.close()
        return None

    async def _connect(self, origin: _Origin, connect_timeout: float) -> _Connection:
        scheme, host, port = origin
        tls = None
        if scheme == "https":
            if self._tls is None:
                self._tls = ssl.create_default_context()
            tls = self._tls
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(connect_timeout):
            _, conn = await loop.create_connection(
                _Connection, host, port, ssl=tls, server_hostname=host if tls is not None else None
            )
        return conn

    async def _exchange(self, origin: _Origin, conn: _Connection, request: bytes, limit: int) -> Reply:
        try:
            reply = await conn.exchange(request, limit)
        except BaseException:  # failed, timed out or cancelled mid-exchange: the connection's state is unknown
            conn.close()
            raise
        if conn.open and not self._closed:
            conn.idle_since = time.monotonic()
            self._idle.setdefault(origin, []).append(conn)
        else:
            conn.close()
        return reply
