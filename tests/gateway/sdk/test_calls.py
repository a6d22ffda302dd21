"""legacy_http_client: a drop-in httpx client that records every legacy call into the current request."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gateway.sdk.adapter import AdapterSettings
from gateway.sdk.calls import LEGACY_CALLS, LegacyCall, legacy_http_client, record_legacy_call
from gateway.sdk.context import RequestContext, _reset_current, _set_current
from gateway.sdk.sandbox import SandboxServer, free_port, serve_sandbox
from gateway.sdk.testing import partner
from gateway.telemetry import Telemetry


def legacy_app(_: object) -> Starlette:
    async def echo(request: Request) -> Response:
        body = await request.body()
        return Response(
            body, media_type="application/octet-stream", headers={"x-trace": request.headers["traceparent"]}
        )

    async def slow(request: Request) -> JSONResponse:
        await asyncio.sleep(5)
        return JSONResponse({})

    async def boom(request: Request) -> JSONResponse:
        return JSONResponse({"fault": "x"}, status_code=500)

    return Starlette(
        routes=[
            Route("/echo", echo, methods=["POST"]),
            Route("/slow", slow),
            Route("/boom", boom),
        ]
    )


@pytest.fixture
async def server() -> AsyncIterator[SandboxServer]:
    async with serve_sandbox(legacy_app) as s:
        yield s


@contextlib.contextmanager
def request_context() -> Iterator[RequestContext]:
    """A request as the gateway sets it up: current context and an operation span (a partner agency's user)."""
    ctx = RequestContext(request_id="t", principal=partner())
    token = _set_current(ctx)
    try:
        with Telemetry().operation(ctx, None):
            yield ctx
    finally:
        _reset_current(token)


def calls(ctx: RequestContext) -> list[LegacyCall]:
    return ctx.extras.get(LEGACY_CALLS, [])


async def test_each_call_is_recorded_with_digests_status_and_traceparent(server: SandboxServer) -> None:
    settings = AdapterSettings(name="customs", url=server.url)
    async with legacy_http_client(settings, source="customs-soap") as client:
        with request_context() as ctx:
            r = await client.post("/echo", content=b"<Envelope/>", headers={"SOAPAction": '"GetDeclaration"'})
    assert r.content == b"<Envelope/>"
    [call] = calls(ctx)
    assert r.headers["x-trace"].startswith(f"00-{ctx.trace_id}-{call.span_id}-")  # the call's span is the parent
    assert call.source == "customs-soap"
    assert call.operation == "GetDeclaration"
    assert call.method == "POST" and call.status == 200 and call.error_code is None
    assert call.endpoint == f"{server.url}/echo"
    assert call.request_digest == call.response_digest == hashlib.sha256(b"<Envelope/>").hexdigest()
    assert call.latency_ms > 0


async def test_an_identical_repeat_counts_as_a_retry(server: SandboxServer) -> None:
    async with legacy_http_client(AdapterSettings(name="x", url=server.url), source="x") as client:
        with request_context() as ctx:
            for body in (b"a", b"a", b"b"):
                await client.post("/echo", content=body)
    assert [c.retries for c in calls(ctx)] == [0, 1, 0]
    assert [c.operation for c in calls(ctx)] == ["POST /echo"] * 3


async def test_timeouts_come_from_settings_and_are_recorded(server: SandboxServer) -> None:
    settings = AdapterSettings(name="x", url=server.url, read_timeout=0.2, total_timeout=0.3)
    async with legacy_http_client(settings, source="x") as client:
        with request_context() as ctx, pytest.raises(httpx.TimeoutException):
            await client.get("/slow")
    [call] = calls(ctx)
    assert call.error_code == "UPSTREAM_TIMEOUT" and call.status is None


async def test_total_timeout_bounds_the_whole_exchange(server: SandboxServer) -> None:
    settings = AdapterSettings(name="x", url=server.url, read_timeout=10, total_timeout=0.2)
    async with legacy_http_client(settings, source="x") as client:
        with request_context() as ctx, pytest.raises(httpx.ReadTimeout, match="total_timeout"):
            await client.get("/slow")
    assert calls(ctx)[0].error_code == "UPSTREAM_TIMEOUT"


async def test_unreachable_and_failing_systems_are_recorded() -> None:
    settings = AdapterSettings(name="x", url=f"http://127.0.0.1:{free_port()}")
    async with legacy_http_client(settings, source="x", breaker=lambda: "closed") as client:
        with request_context() as ctx, pytest.raises(httpx.ConnectError):
            await client.get("/anything")
    [call] = calls(ctx)
    assert call.error_code == "UPSTREAM_UNAVAILABLE" and call.breaker == "closed"


async def test_server_errors_are_marked(server: SandboxServer) -> None:
    async with legacy_http_client(AdapterSettings(name="x", url=server.url), source="x") as client:
        with request_context() as ctx:
            r = await client.get("/boom")
    assert r.status_code == 500 and r.json() == {"fault": "x"}
    assert calls(ctx)[0].error_code == "HTTP_500"


async def test_calls_outside_a_request_are_not_recorded_anywhere(server: SandboxServer) -> None:
    async with legacy_http_client(AdapterSettings(name="x", url=server.url), source="x") as client:
        r = await client.post(
            "/echo", content=b"health", headers={"traceparent": "00-" + "1" * 32 + "-" + "2" * 16 + "-01"}
        )
    assert r.status_code == 200


def test_record_legacy_call_for_clients_that_are_not_httpx() -> None:
    with request_context() as ctx:
        call = record_legacy_call(
            source="barter-mq", operation="PutContract", endpoint="mq://barter/in", status=0, request_body=b"x"
        )
    assert calls(ctx) == [call]
    assert call.request_digest == hashlib.sha256(b"x").hexdigest()
    assert call.to_json()["source"] == "barter-mq" and "fetch" not in call.to_json()
