"""A remote subgraph's reply comes through whole — byte for byte, however its bytes arrive — or is refused at the
cap with UPSTREAM_PROTOCOL_ERROR: big bodies, gzip, chunked, a 100 MB body, a gzip bomb and a reply that drips."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx
import pytest

from gateway.errors import UpstreamProtocolError, UpstreamTimeout
from gateway.federation.http_pool import HttpPool
from gateway.federation.transports import HttpTransport
from gateway.resilience import registry
from gateway.sdk.context import RequestContext
from gateway.sdk.retry import ReadRetry
from gateway.sdk.testing.hostile import HostileUpstream, blob_body

SIZES = [1_000, 100_000, 130_000, 600_000, 5_000_000]


@contextlib.asynccontextmanager
async def transport(kind: str, path: str, **options: float | int) -> AsyncIterator[HttpTransport]:
    registry().clear()
    async with contextlib.AsyncExitStack() as stack:
        upstream = await stack.enter_async_context(HostileUpstream(seed=7))
        client: HttpPool | httpx.AsyncClient
        if kind == "pool":
            client = await stack.enter_async_context(HttpPool())
        else:
            client = await stack.enter_async_context(httpx.AsyncClient())
        yield HttpTransport("blobs", upstream.url + path, client, retry=ReadRetry(attempts=1), **options)  # type: ignore[arg-type]
    registry().clear()


def _blob(answer: Mapping[str, Any]) -> bytes:
    """The answer as the bytes blob_body sent (the blob is ASCII hex: it re-encodes to the same bytes)."""
    return b'{"data":{"blob":"' + answer["data"]["blob"].encode() + b'"}}'


@pytest.mark.parametrize("size", SIZES)
async def test_every_body_comes_back_whole_fifty_times_in_a_row(size: int) -> None:
    expected = blob_body(size)
    async with transport("pool", f"/blob?size={size}") as t:
        for _ in range(50):
            assert _blob(await t.fetch("{ blob }", {}, RequestContext())) == expected


@pytest.mark.parametrize("kind", ["pool", "httpx"])
@pytest.mark.parametrize("framing", ["", "&chunked=1", "&gzip=1", "&gzip=1&chunked=1"])
async def test_every_client_and_framing_reads_the_whole_body(kind: str, framing: str) -> None:
    for size in (1_000, 130_000, 1_000_000):
        async with transport(kind, f"/blob?size={size}{framing}") as t:
            for _ in range(2):
                assert _blob(await t.fetch("{ blob }", {}, RequestContext())) == blob_body(size)


@pytest.mark.parametrize("kind", ["pool", "httpx"])
@pytest.mark.parametrize("path", ["/huge?size=100000000", "/huge?size=100000000&gzip=1", "/bomb?size=100000000"])
async def test_a_reply_over_the_cap_is_refused_when_the_cap_is_reached(kind: str, path: str) -> None:
    async with transport(kind, path, max_response_bytes=1_000_000) as t:
        with pytest.raises(UpstreamProtocolError) as caught:
            await t.fetch("{ blob }", {}, RequestContext())
        assert "1000000-byte limit" in caught.value.message
        assert caught.value.service == "blobs"


@pytest.mark.parametrize("kind", ["pool", "httpx"])
async def test_a_reply_that_drips_ends_at_the_timeout(kind: str) -> None:
    async with transport(kind, "/drip?every=0.02", timeout=0.5) as t:
        with pytest.raises(UpstreamTimeout):
            await t.fetch("{ blob }", {}, RequestContext())
