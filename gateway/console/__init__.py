"""The auditor console: a static page (HTML, one ES module, CSS) served by the gateway at ``/console``.

The page holds no data: it calls the gateway's own ``/graphql`` with the auditor's bearer token and the audit
subgraph's queries, so access is enforced there (non-auditors get FORBIDDEN). No front-end build is needed.
In production the page itself also needs a bearer token (``guard``: ``audit:read`` or ``ops:read``), so it is
reached through an authenticating proxy; see docs/security.md.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from importlib import resources

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

__all__ = ["console_routes"]

_FILES = {
    "console.html": "text/html; charset=utf-8",
    "console.js": "text/javascript; charset=utf-8",
    "console.css": "text/css; charset=utf-8",
}


def _asset(name: str) -> bytes:
    return (resources.files(__package__) / "static" / name).read_bytes()


#: returns a refusal for a request that may not see the console, or None
Guard = Callable[[Request], Awaitable[Response | None]]


def console_routes(guard: Guard | None = None) -> list[Route]:
    assets = {name: _asset(name) for name in _FILES}  # read once at start-up

    def serve(name: str) -> Route:
        async def endpoint(request: Request) -> Response:
            refused = await guard(request) if guard is not None else None
            if refused is not None:
                return refused
            return Response(assets[name], media_type=_FILES[name], headers={"cache-control": "no-cache"})

        path = "/console" if name == "console.html" else f"/console/{name}"
        return Route(path, endpoint, methods=["GET"])

    return [serve(name) for name in _FILES]
