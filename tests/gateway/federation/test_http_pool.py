"""The pooled HTTP/1.1 client of remote subgraphs: what it sends, how it keeps connections, and which error code
each way a subgraph's reply can go wrong maps to (the byte-for-byte and cap tests are in test_transport_bodies)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator

import pytest

from gateway.errors import SubgraphError, UpstreamTimeout, UpstreamUnavailable
from gateway.federation.http_pool import HttpPool
from gateway.federation.transports import HttpTransport
from gateway.policy.signed_principal import PrincipalSigner, PrincipalVerifier
from gateway.resilience import registry
from gateway.sdk.context import Principal, RequestContext
from gateway.sdk.retry import ReadRetry

OK = b'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 18\r\n\r\n{"data":{"x":1.5}}'
CLOSE = b"close"  # a script step: read the request, then close the connection without a byte


@dataclasses.dataclass
class Scripted:
    """A server answering each request with the next step of ``steps`` (raw reply bytes, or CLOSE)."""

    steps: list[bytes]
    connections: int = 0
    requests: list[tuple[bytes, bytes]] = dataclasses.field(default_factory=list)

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while self.steps:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                )
                self.requests.append((head, await reader.readexactly(length)))
                step = self.steps.pop(0)
                if step == CLOSE:
                    break
                writer.write(step)
                await writer.drain()
                if b"connection: close" in step.lower():
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    def header(self, index: int, name: bytes) -> bytes | None:
        for line in self.requests[index][0].split(b"\r\n")[1:]:
            key, _, value = line.partition(b":")
            if key.strip().lower() == name:
                return value.strip()
        return None


@contextlib.asynccontextmanager
async def subgraph(
    steps: list[bytes], *, signer: PrincipalSigner | None = None
) -> AsyncIterator[tuple[Scripted, HttpTransport]]:
    registry().clear()
    script = Scripted(list(steps))
    server = await asyncio.start_server(script.serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with HttpPool() as pool:
            url = f"http://127.0.0.1:{port}/graphql?v=1"
            yield script, HttpTransport("sg", url, pool, timeout=5.0, retry=ReadRetry(attempts=1), signer=signer)
    finally:
        server.close()
        registry().clear()


async def test_requests_share_one_keep_alive_connection_and_carry_the_signed_principal() -> None:
    secret = "test-secret-test-secret-test-secret-0123"
    signer = PrincipalSigner(secret)
    caller = Principal(subject="ops@customs", agency="KZ-CUSTOMS")
    async with subgraph([OK] * 5, signer=signer) as (script, transport):
        for _ in range(5):
            assert await transport.fetch("{ x }", {"a": 1}, RequestContext(principal=caller)) == {"data": {"x": 1.5}}
    assert script.connections == 1
    head, body = script.requests[0]
    assert head.startswith(b"POST /graphql?v=1 HTTP/1.1\r\n")
    assert script.header(0, b"host") == transport.url.split("/")[2].encode()
    assert body == b'{"query":"{ x }","variables":{"a":1}}'
    assert script.header(0, b"content-type") == b"application/json"
    assert script.header(0, b"x-agency-id") == b"KZ-CUSTOMS"
    signed = script.header(0, b"silkgraph-principal")
    assert signed is not None
    assert PrincipalVerifier(secret).verify(signed.decode(), body).subject == "ops@customs"


async def test_a_connection_the_subgraph_closes_is_not_reused() -> None:
    closing = OK.replace(b"content-length", b"connection: close\r\ncontent-length")
    async with subgraph([closing, OK]) as (script, transport):
        for _ in range(2):
            assert await transport.fetch("{ x }", {}, RequestContext()) == {"data": {"x": 1.5}}
    assert script.connections == 2


async def test_a_query_on_a_connection_closed_while_idle_is_sent_again_on_a_new_one() -> None:
    async with subgraph([OK, CLOSE, OK]) as (script, transport):
        for _ in range(2):
            assert await transport.fetch("{ x }", {}, RequestContext()) == {"data": {"x": 1.5}}
    assert (script.connections, len(script.requests)) == (2, 3)


async def test_a_mutation_on_a_connection_closed_while_idle_is_never_sent_twice() -> None:
    async with subgraph([OK, CLOSE, OK]) as (script, transport):
        await transport.fetch("mutation { x }", {}, RequestContext())
        with pytest.raises(UpstreamUnavailable):
            await transport.fetch("mutation { x }", {}, RequestContext())
    assert len(script.requests) == 2


async def test_an_interim_reply_is_skipped_for_the_final_one() -> None:
    async with subgraph([b"HTTP/1.1 100 Continue\r\n\r\n" + OK]) as (_, transport):
        assert await transport.fetch("{ x }", {}, RequestContext()) == {"data": {"x": 1.5}}


@pytest.mark.parametrize(
    ("reply", "error", "code"),
    [
        (b"GARBAGE\r\n\r\n", SubgraphError, "SUBREQUEST_HTTP_ERROR"),
        (b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n", SubgraphError, "SUBREQUEST_HTTP_ERROR"),
        (b'HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"data"', UpstreamUnavailable, "UPSTREAM_UNAVAILABLE"),
        (b"HTTP/1.1 200 OK\r\ncontent-le", UpstreamUnavailable, "UPSTREAM_UNAVAILABLE"),
        (CLOSE, UpstreamUnavailable, "UPSTREAM_UNAVAILABLE"),
        (b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello", SubgraphError, "UPSTREAM_PROTOCOL_ERROR"),
        (b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 4\r\n\r\nbusy", SubgraphError, "SUBREQUEST_HTTP_ERROR"),
    ],
    ids=["bad-status-line", "bad-chunk", "body-cut", "head-cut", "closed-unanswered", "not-graphql", "http-502"],
)
async def test_each_broken_reply_maps_to_its_error_code(reply: bytes, error: type[SubgraphError], code: str) -> None:
    async with subgraph([reply]) as (_, transport):
        with pytest.raises(error) as raised:
            await transport.fetch("{ x }", {}, RequestContext())
    assert raised.value.code == code
    assert raised.value.service == "sg"


async def test_a_subgraph_that_is_down_is_unavailable_and_one_that_is_silent_times_out() -> None:
    registry().clear()
    accepted: list[asyncio.StreamWriter] = []
    listener = await asyncio.start_server(lambda _r, w: accepted.append(w), "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    async with HttpPool() as pool:
        silent = HttpTransport("sg", f"http://127.0.0.1:{port}/", pool, timeout=0.3, retry=ReadRetry(attempts=1))
        with pytest.raises(UpstreamTimeout):
            await silent.fetch("{ x }", {}, RequestContext())
        listener.close()
        for writer in accepted:
            writer.close()
        await listener.wait_closed()
        registry().clear()
        down = HttpTransport("sg", f"http://127.0.0.1:{port}/", pool, timeout=2, retry=ReadRetry(attempts=1))
        with pytest.raises(UpstreamUnavailable):
            await down.fetch("{ x }", {}, RequestContext())
    registry().clear()


async def test_a_header_value_with_a_line_break_is_never_sent() -> None:
    async with HttpPool() as pool:
        with pytest.raises(ValueError, match="line break"):
            await pool.post(
                "http://127.0.0.1:9/",
                b"{}",
                {"x-agency-id": "a\r\nx-injected: 1"},
                total_timeout=1,
                connect_timeout=1,
                limit=10,
            )
