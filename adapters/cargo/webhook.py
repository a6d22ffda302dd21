"""The platform's ONE Record notification endpoint: airlines ``POST /notifications`` here.

:func:`webhook_app` is an ASGI app the gateway mounts (e.g. at ``/webhooks/cargo``); every valid
``api:Notification`` is recorded in a :class:`NotificationInbox`, the basis for GraphQL subscriptions.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import datetime as dt
import hmac
import json
import logging
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.cargo.jsonld import API, JsonLdError, Node, compact_iri, normalise
from gateway.errors import SilkgraphError

__all__ = ["Notification", "NotificationInbox", "webhook_app"]

log = logging.getLogger("silkgraph.cargo.webhook")

MAX_BODY = 64 * 1024


@dataclasses.dataclass(frozen=True, kw_only=True)
class Notification:
    """One notification: what happened (``LOGISTICS_EVENT_RECEIVED``…) to which logistics object."""

    event_type: str
    logistics_object: str
    object_type: str | None
    logistics_event: str | None
    received_at: dt.datetime


class NotificationInbox:
    """The latest notifications (bounded), and a way to wait for the next ones."""

    def __init__(self, capacity: int = 1000) -> None:
        self._items: collections.deque[Notification] = collections.deque(maxlen=capacity)
        self._arrived = asyncio.Condition()
        self.total = 0

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> collections.abc.Iterator[Notification]:
        return iter(list(self._items))

    async def record(self, notification: Notification) -> None:
        async with self._arrived:
            self._items.append(notification)
            self.total += 1
            self._arrived.notify_all()

    async def wait_for(self, count: int) -> list[Notification]:
        """Wait until at least ``count`` notifications have arrived in total; the caller bounds the wait."""
        async with self._arrived:
            await self._arrived.wait_for(lambda: self.total >= count)
            return list(self._items)


_TITLES = {400: "Bad Request", 401: "Unauthorized", 413: "Content Too Large", 415: "Unsupported Media Type"}


def _problem(status: int, message: str) -> Response:
    body = {
        "@context": {"api": API},
        "@type": "api:Error",
        "api:hasTitle": _TITLES[status],
        "api:hasErrorDetail": [{"@type": "api:ErrorDetail", "api:hasCode": str(status), "api:hasMessage": message}],
    }
    headers = {"WWW-Authenticate": 'Bearer realm="one-record-notifications"'} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type="application/ld+json", headers=headers)


def _authorised(request: Request, key: str) -> bool:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), key.encode())


def read_notification(data: bytes) -> Notification:
    """Parse an ``api:Notification``; ``JsonLdError`` names what is missing."""
    try:
        node = Node(normalise(json.loads(data)))
    except ValueError as exc:
        raise JsonLdError(f"not JSON: {exc}") from None
    if not node.is_a("api:Notification"):
        raise JsonLdError(f"expected an api:Notification, got types {node.types}")
    event_type = node.require("api:hasEventType")
    subject = node.node("api:hasLogisticsObject")
    if subject is None or subject.id is None:
        raise JsonLdError("the notification names no api:hasLogisticsObject")
    event = node.node("api:triggeredByLogisticsEvent")
    return Notification(
        event_type=compact_iri(event_type).removeprefix("api:"),
        logistics_object=subject.id,
        object_type=node.text("api:hasLogisticsObjectType"),
        logistics_event=event.id if event else None,
        received_at=dt.datetime.now(dt.UTC),
    )


def webhook_app(
    inbox: NotificationInbox,
    *,
    key: str,
    on_notification: Callable[[Notification], Awaitable[None]] | None = None,
) -> Starlette:
    """``POST /notifications``; only a caller sending ``Authorization: Bearer <key>`` is heard (else 401).

    ``on_notification`` runs in the background for every recorded notification (the airline gets its 204 at
    once; ONE Record makes the publisher retry until accepted, so the answer must not wait for our follow-up).
    """
    pending: set[asyncio.Task[None]] = set()

    async def follow_up(notification: Notification) -> None:
        assert on_notification is not None
        try:
            await on_notification(notification)
        except SilkgraphError as exc:  # the airline down, or an object that is not its own: the next one may do
            log.warning("ONE Record notification %s not followed up: %s", notification.logistics_object, exc.message)
        except Exception:  # a notification that cannot be followed up must not take the endpoint down
            log.exception("could not follow up ONE Record notification %s", notification.logistics_object)

    async def notifications(request: Request) -> Response:
        if not _authorised(request, key):
            return _problem(401, "send the platform's notification key as Authorization: Bearer <key>")
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind not in ("application/ld+json", "application/json"):
            return _problem(415, f"send an api:Notification as application/ld+json, not {kind or 'nothing'}")
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY:
                return _problem(413, f"a notification is at most {MAX_BODY} bytes")
            chunks.append(chunk)
        data = b"".join(chunks)
        try:
            notification = read_notification(data)
        except JsonLdError as exc:
            return _problem(400, str(exc))
        await inbox.record(notification)
        if on_notification is not None:
            task = asyncio.create_task(follow_up(notification), name="cargo-notification")
            pending.add(task)
            task.add_done_callback(pending.discard)
        return Response(status_code=204)

    return Starlette(routes=[Route("/notifications", notifications, methods=["POST"])])
