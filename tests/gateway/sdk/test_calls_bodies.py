"""The legacy HTTP client (and zeep's transport on top of it) reads every reply whole and within
``max_response_bytes`` counted after decompression; what goes over is an UPSTREAM_PROTOCOL_ERROR that counts
against the source's breaker."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from adapters.soap.transport import GuardedTransport as SoapTransport
from gateway.errors import ConfigError, Unauthenticated, UpstreamProtocolError
from gateway.policy.authn import JwksClient
from gateway.resilience import registry
from gateway.runtime import fetch_remote_sdl
from gateway.sdk.adapter import AdapterSettings
from gateway.sdk.calls import guard_of, legacy_http_client
from gateway.sdk.testing.hostile import HostileUpstream, blob_body


@contextlib.asynccontextmanager
async def legacy(
    total_timeout: float = 30.0, **options: object
) -> AsyncIterator[tuple[HostileUpstream, httpx.AsyncClient]]:
    registry().clear()
    async with HostileUpstream(seed=3) as upstream:
        settings = AdapterSettings(name="hostile", url=upstream.url, total_timeout=total_timeout, options=options)
        async with legacy_http_client(settings, source="hostile") as client:
            yield upstream, client
    registry().clear()


@pytest.mark.parametrize("path", ["/blob?size=1500000", "/blob?size=1500000&gzip=1&chunked=1"])
async def test_a_reply_within_the_cap_is_read_whole(path: str) -> None:
    async with legacy() as (_, client):
        for _ in range(5):
            response = await client.get(path)
            assert response.content == blob_body(1_500_000)
            assert "content-encoding" not in response.headers


@pytest.mark.parametrize("path", ["/huge?size=100000000", "/huge?size=100000000&gzip=1", "/bomb?size=100000000"])
async def test_a_reply_over_the_cap_is_refused_and_counts_as_a_failure(path: str) -> None:
    async with legacy(breaker_failures=2) as (_, client):
        guard = guard_of(client)
        assert guard is not None
        for _ in range(2):
            with pytest.raises(UpstreamProtocolError) as caught:
                await client.get(path)
            assert "2000000-byte limit" in caught.value.message
            assert caught.value.service == "hostile"
        assert guard.breaker.state.value == "open"


async def test_the_cap_is_an_adapter_option() -> None:
    async with legacy(max_response_bytes=10_000) as (_, client):
        with pytest.raises(UpstreamProtocolError):
            await client.get("/blob?size=10001")
        assert len((await client.get("/blob?size=10000")).content) == 10_000
    with pytest.raises(ConfigError, match=r"adapters\.hostile\.max_response_bytes"):
        async with legacy(max_response_bytes="big"):
            pass


async def test_a_reply_that_drips_ends_at_the_total_timeout() -> None:
    async with legacy(total_timeout=0.5, breaker_failures=1) as (_, client):
        with pytest.raises(httpx.ReadTimeout, match="total_timeout"):
            await client.get("/drip?every=0.02")
        guard = guard_of(client)
        assert guard is not None and guard.breaker.state.value == "open"  # a passed deadline is a failure


async def test_zeeps_transport_refuses_a_bomb_from_a_plain_client(tmp_path: Path) -> None:
    async with HostileUpstream() as upstream, httpx.AsyncClient() as client:
        transport = SoapTransport(client, service="tax", documents=tmp_path, max_bytes=1_000_000)
        try:
            with pytest.raises(UpstreamProtocolError, match="1000000-byte limit"):
                await transport.post(upstream.url + "/bomb?size=100000000", b"<x/>", {})
        finally:
            transport.close_loader()


@pytest.mark.parametrize("path", ["/bomb?size=100000000", "/huge?size=100000000"])
async def test_the_gateways_own_fetches_are_capped_too(path: str) -> None:
    """A remote subgraph's SDL and an identity provider's JWKS go through the same capped read."""
    async with HostileUpstream() as upstream, httpx.AsyncClient() as client:
        with pytest.raises(UpstreamProtocolError, match="byte limit"):
            await fetch_remote_sdl(client, "partner", upstream.url + path)
        jwks = JwksClient(upstream.url + path, client)
        with pytest.raises(Unauthenticated, match="signing keys are unavailable"):
            await jwks.key("any")
