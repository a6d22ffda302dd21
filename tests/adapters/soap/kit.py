"""Helpers the SOAP adapter tests share: sandbox call counters, a no-wait sleep, and loopback helper servers."""

from __future__ import annotations

import collections
import contextlib
from collections.abc import AsyncIterator, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from adapters.soap import SoapService
from gateway.sdk.sandbox import SandboxConfig, SandboxServer, serve_sandbox


def service(server: SandboxServer) -> SoapService:
    """The SoapService behind a running sandbox (its ``calls`` counter and ``switches``)."""
    app = server.faults.app
    soap = app.state.soap  # type: ignore[attr-defined]
    assert isinstance(soap, SoapService)
    return soap


class Sleeps:
    """An injectable tenacity sleep that records delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


class Hits:
    """A loopback server counting every request it receives (what hostile documents point at)."""

    def __init__(self) -> None:
        self.paths: collections.Counter[str] = collections.Counter()

    def app(self, _config: SandboxConfig) -> Starlette:
        async def hit(request: Request) -> Response:
            self.paths[request.url.path] += 1
            return Response('<!ENTITY x "leaked">', media_type="text/xml")

        return Starlette(routes=[Route("/{path:path}", hit, methods=["GET", "POST"])])

    @property
    def total(self) -> int:
        return sum(self.paths.values())


def replying(body: bytes | Callable[[], bytes], status: int = 200) -> Callable[[SandboxConfig], Starlette]:
    """A sandbox factory for a server answering every POST with ``body`` (a hostile SOAP endpoint)."""

    def factory(_config: SandboxConfig) -> Starlette:
        async def answer(request: Request) -> Response:
            content = body() if callable(body) else body
            return Response(content, status_code=status, media_type="text/xml")

        return Starlette(routes=[Route("/{path:path}", answer, methods=["GET", "POST"])])

    return factory


@contextlib.asynccontextmanager
async def counting_server() -> AsyncIterator[tuple[Hits, SandboxServer]]:
    hits = Hits()
    async with serve_sandbox(hits.app) as server:
        yield hits, server
