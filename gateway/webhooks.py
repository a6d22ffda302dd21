"""Inbound notifications from legacy systems: ``/webhooks/<adapter>/…`` is served by that adapter's webhook app.

An adapter that receives pushes (the cargo adapter's ONE Record ``POST /notifications``) offers ``webhook_app()``;
the gateway mounts it here and dispatches every request to the adapter of the generation serving right now (a
reload swaps adapters; the path stays). Deny by default: the adapter's own app authenticates the sender; an
adapter without a webhook app, or not configured, has no endpoint (404).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Mount
from starlette.types import Receive, Scope, Send

__all__ = ["webhook_routes"]


def webhook_routes(current: Callable[[], Any]) -> list[BaseRoute]:
    """The ``/webhooks/{adapter}`` mount; ``current()`` is the serving runtime (None before start-up)."""

    async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
        name = scope.get("path_params", {}).get("adapter", "")
        runtime = current()
        adapter = runtime.adapters.get(name) if runtime is not None else None
        factory = getattr(adapter, "webhook_app", None)
        app = factory() if factory is not None and scope["type"] == "http" else None
        if app is None:
            reply = JSONResponse({"error": f"no webhook endpoint for {name!r}"}, status_code=404)
            await reply(scope, receive, send)
            return
        await app(scope, receive, send)

    return [Mount("/webhooks/{adapter}", app=dispatch)]
