"""A ONE Record server (API 2.3.0) for one airline: logistics objects, events, subscriptions, notifications.

Seeded with the story's shipments of one AWB prefix (default 999, Air China). Sandbox extensions, documented
here because ONE Record defines no search: ``GET /logistics-objects?waybillNumber=999-12345675&…`` (repeatable),
``&party=CN/<taxId>&role=SHIPPER|CONSIGNEE|ANY`` and ``&embedded=true`` answer an ``api:Collection`` of
Waybills — one call for a whole batch. Subscriptions name their callback as ``api:hasCallbackUrl`` (else
``{subscriber}/notifications``). Options: ``shipments`` (story shipments to seed), ``prefix``, ``carrier``,
``compact_iris`` (False sends full IRIs everywhere), ``notification_attempts``, ``notification_backoff_s``.

Every call needs an OAuth 2.0 bearer token from ``POST /oauth/token`` (client credentials, HTTP Basic client
authentication; options ``client_id``, ``client_secret``, ``token_ttl`` seconds); ``POST
/_sandbox/tokens/revoke`` revokes every token issued so far.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import email.utils
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from decimal import InvalidOperation
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from adapters import story
from adapters.cargo import one_record_graph as graph
from adapters.cargo.airlines import airline_name
from adapters.cargo.jsonld import API, CARGO, JsonLdError, Node, expand_iri, normalise
from adapters.cargo.one_record import read_location
from adapters.cargo.one_record_pubsub import Publisher
from adapters.cargo.seed import AirlineBook, BookedShipment, StatusEvent
from adapters.cargo.status import StatusCode, status_from_iri
from adapters.credentials import demo_client
from adapters.sandbox_auth import RequireBearer, TokenIssuer
from gateway.sdk.sandbox import SandboxConfig

#: the sandbox's OAuth 2.0 token endpoint
TOKEN_PATH = "/oauth/token"

__all__ = ["API_VERSION", "create_one_record_app"]

API_VERSION = "2.3.0"
MEDIA_TYPE = f"application/ld+json; version={API_VERSION}"
_ACCEPTABLE = ("application/ld+json", "application/json", "application/*", "*/*")


class _Problem(Exception):
    def __init__(self, status: int, title: str, code: str, message: str, resource: str | None = None) -> None:
        super().__init__(message)
        self.status, self.title, self.code, self.message, self.resource = status, title, code, message, resource


def _media(header: str) -> list[tuple[str, dict[str, str]]]:
    ranges = []
    for part in header.split(","):
        kind, *params = (p.strip() for p in part.split(";"))
        values = dict(p.partition("=")[::2] for p in params if "=" in p)
        ranges.append((kind.lower(), {k.strip().lower(): v.strip().strip('"') for k, v in values.items()}))
    return ranges


class _Server:
    def __init__(self, config: SandboxConfig) -> None:
        opts = config.options
        self.prefix: str = opts.get("prefix", "999")
        self.carrier: str = opts.get("carrier", airline_name(self.prefix))
        self.book = AirlineBook(self.prefix, opts.get("shipments", story.SHIPMENTS))
        self.compact: bool = opts.get("compact_iris", True)
        self.publisher = Publisher(
            self.book,
            attempts=opts.get("notification_attempts", 5),
            backoff=opts.get("notification_backoff_s", 0.05),
        )
        self.calls: collections.Counter[str] = collections.Counter()
        #: booking requests by object id, with the AWB each was booked as
        self.bookings: dict[str, tuple[dict[str, Any], str]] = {}
        self.revisions: collections.Counter[str] = collections.Counter()
        self.fallback_url = config.callback_url

    # -- HTTP plumbing ------------------------------------------------------------------------------------
    def reply(self, body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        if body is not None and not self.compact:
            body = normalise(body)
        content = json.dumps(body, ensure_ascii=False).encode() if body is not None else b""
        return Response(content, status_code=status, media_type=MEDIA_TYPE, headers=headers)

    def negotiate(self, request: Request) -> None:
        accept = request.headers.get("accept")
        if not accept:
            return
        ranges = _media(accept)
        if any(kind in _ACCEPTABLE and p.get("version", API_VERSION) == API_VERSION for kind, p in ranges):
            return
        asked = ", ".join(p.get("version", "?") for k, p in ranges if k == "application/ld+json") or accept
        raise _Problem(
            406,
            "Not Acceptable",
            "UNSUPPORTED_VERSION",
            f"this server speaks ONE Record API {API_VERSION} as application/ld+json; asked for {asked}",
        )

    async def body(self, request: Request) -> Node:
        kind, params = _media(request.headers.get("content-type", ""))[0]
        if kind not in ("application/ld+json", "application/json") or params.get("version", API_VERSION) != API_VERSION:
            raise _Problem(
                415,
                "Unsupported Media Type",
                "UNSUPPORTED_CONTENT_TYPE",
                f"send {MEDIA_TYPE}, not {request.headers.get('content-type')!r}",
            )
        try:
            return Node(normalise(json.loads(await request.body())))
        except (ValueError, JsonLdError) as exc:
            raise _Problem(400, "Bad Request", "INVALID_JSON_LD", f"the body is not valid JSON-LD: {exc}") from None

    def base(self, request: Request) -> str:
        return str(request.base_url).rstrip("/")

    def shipment_for(self, object_id: str, agency: str | None) -> tuple[str, BookedShipment]:
        kind, _, rest = object_id.partition("-")
        awb = rest[:12]
        found = self.book.get(awb, agency) if kind in ("waybill", "shipment", "piece", "movement") else None
        if found is None:
            raise _Problem(404, "Not Found", "NOT_FOUND", f"no logistics object {object_id!r}", object_id)
        return kind, found

    def render(self, base: str, s: BookedShipment) -> dict[str, Any]:
        return graph.waybill(base, s, self.carrier, self.book.party_name(s.shipper), self.book.party_name(s.consignee))


def create_one_record_app(config: SandboxConfig) -> Starlette:
    server = _Server(config)

    def agency(request: Request) -> str | None:
        return request.headers.get("x-agency-id") or None

    async def server_info(request: Request) -> Response:
        server.calls["server-info"] += 1
        base = server.base(request)
        return server.reply(
            {
                "@context": graph.LD_CONTEXT,
                "@id": f"{base}/",
                "@type": "api:ServerInformation",
                "api:hasDataHolder": {"@type": "cargo:Organization", "cargo:name": server.carrier},
                "api:hasServerEndpoint": {"@type": "xsd:anyURI", "@value": f"{base}/"},
                "api:hasSupportedApiVersion": [API_VERSION],
                "api:hasSupportedContentType": ["application/ld+json"],
                "api:hasSupportedOntology": [CARGO, API],
            }
        )

    async def search(request: Request) -> Response:
        server.calls["search"] += 1
        who = agency(request)
        awbs = request.query_params.getlist("waybillNumber")
        parties = [tuple(p.split("/", 1)) for p in request.query_params.getlist("party")]
        role = request.query_params.get("role", "ANY").upper()
        if awbs:
            found = [s for a in dict.fromkeys(awbs) if (s := server.book.get(a, who)) is not None]
        elif parties:
            found = [
                s
                for s in server.book.all(who)
                if any(s in server.book.involving((p[0], p[-1]), role, who) for p in parties)
            ]
        else:
            found = server.book.all(who)
        base = server.base(request)
        embedded = request.query_params.get("embedded") == "true"
        items = [server.render(base, s) if embedded else graph.shallow(server.render(base, s)) for s in found]
        return server.reply(
            {
                "@context": graph.LD_CONTEXT,
                "@type": "api:Collection",
                "api:hasItem": items,
                "api:hasTotalItems": len(items),
            }
        )

    async def create(request: Request) -> Response:
        server.calls["create"] += 1
        node = await server.body(request)
        base = server.base(request)
        if node.id and (node.id in server.bookings or node.id.rsplit("/", 1)[-1] in server.bookings):
            raise _Problem(409, "Conflict", "LOGISTICS_OBJECT_EXISTS", f"{node.id} already exists", node.id)
        try:
            shipment, reference = graph.read_booking_request(node)
        except (JsonLdError, ValueError) as exc:
            raise _Problem(400, "Bad Request", "INVALID_BOOKING_REQUEST", str(exc)) from None
        if reference and (dup := server.book.find_reference(reference)) is not None:
            raise _Problem(
                409,
                "Conflict",
                "DUPLICATE_BOOKING",
                f"booking reference {reference!r} was already booked as AWB {dup.awb}",
                f"{base}/logistics-objects/waybill-{dup.awb}",
            )
        if not server.book.may_act_for(shipment.shipper, agency(request)):
            raise _Problem(403, "Forbidden", "FORBIDDEN", "your agency may not book for this shipper")
        shipment.awb = server.book.allocate_awb()
        when = request.headers.get("x-booking-time") or datetime.now().astimezone().isoformat(timespec="seconds")
        shipment.events.append(StatusEvent(code="BKD", at=when, location=shipment.origin))
        server.book.add(shipment)
        object_id = f"booking-request-{len(server.bookings) + 1}"
        waybill = f"{base}/logistics-objects/waybill-{shipment.awb}"
        stored = json.loads(await request.body())
        stored.pop("@id", None)
        stored["@id"] = f"{base}/logistics-objects/{object_id}"
        stored.setdefault("@context", graph.LD_CONTEXT)
        stored["cargo:booking"] = {
            "@type": "cargo:Booking",
            "cargo:bookingStatus": graph.code("BookingStatus", "CONFIRMED"),
            "cargo:issuedForWaybill": {
                "@id": waybill,
                "@type": "cargo:Waybill",
                "cargo:waybillPrefix": server.prefix,
                "cargo:waybillNumber": shipment.serial,
            },
        }
        server.bookings[object_id] = (stored, shipment.awb)
        server.revisions[object_id] = 1
        server.publisher.notify(
            base,
            event_type="LOGISTICS_OBJECT_CREATED",
            lo=f"{base}/logistics-objects/shipment-{shipment.awb}",
            lo_type=CARGO + "Shipment",
            event=None,
            s=shipment,
        )
        return server.reply(None, 201, {"Location": stored["@id"], "Type": CARGO + "BookingRequest"})

    async def get_object(request: Request) -> Response:
        server.calls["get"] += 1
        object_id = request.path_params["id"]
        base = server.base(request)
        if object_id in server.bookings:
            node, awb = server.bookings[object_id]
            if server.book.get(awb, agency(request)) is None:  # the booking is as private as its shipment
                raise _Problem(404, "Not Found", "NOT_FOUND", f"no logistics object {object_id!r}")
            type_iri, modified = CARGO + "BookingRequest", None
        else:
            _, s = server.shipment_for(object_id, agency(request))
            full = server.render(base, s)
            own = f"{base}/logistics-objects/{object_id}"
            candidates = [
                full,
                full["cargo:shipment"],
                *full["cargo:shipment"]["cargo:pieces"],
                full["cargo:referredBookingOption"],
                *graph.movements(full),
            ]
            found = next((c for c in candidates if c["@id"] == own), None)
            if found is None:
                raise _Problem(404, "Not Found", "NOT_FOUND", f"no logistics object {object_id!r}", own)
            node = {
                "@context": graph.LD_CONTEXT,
                **(found if request.query_params.get("embedded") == "true" else graph.shallow(found)),
            }
            type_iri = CARGO + found["@type"].split(":", 1)[1]
            modified = max((datetime.fromisoformat(e.at) for e in s.events), default=None)
        revision = str(server.revisions[object_id] or 1)
        headers = {"Type": type_iri, "Revision": revision, "Latest-Revision": revision}
        if modified:
            headers["Last-Modified"] = email.utils.format_datetime(modified.astimezone(UTC), usegmt=True)
        return server.reply(node, 200, headers)

    async def events(request: Request) -> Response:
        object_id = request.path_params["id"]
        base = server.base(request)
        kind, s = server.shipment_for(object_id, agency(request))
        if kind != "shipment":
            raise _Problem(404, "Not Found", "NOT_FOUND", "logistics events are recorded on shipment-<awb> here")
        if request.method == "POST":
            server.calls["post-event"] += 1
            return await _post_event(request, base, s)
        server.calls["events"] += 1
        try:
            limit = max(1, min(int(request.query_params.get("limit", "50")), 200))
            offset = max(0, int(request.query_params.get("offset", "0")))
        except ValueError:
            raise _Problem(400, "Bad Request", "INVALID_PAGING", "limit and offset must be integers") from None
        page = [graph.logistics_event(base, s, n, e, server.carrier) for n, e in enumerate(s.events, 1)]
        body = {
            "@context": graph.LD_CONTEXT,
            "@type": "api:Collection",
            "api:hasItem": page[offset : offset + limit],
            "api:hasTotalItems": len(page),
        }
        headers = {}
        if offset + limit < len(page):
            headers["Link"] = f'<{base}{request.url.path}?limit={limit}&offset={offset + limit}>; rel="next"'
        return server.reply(body, 200, headers)

    async def _post_event(request: Request, base: str, s: BookedShipment) -> Response:
        node = await server.body(request)
        try:
            if not node.is_a("cargo:LogisticsEvent"):
                raise JsonLdError("expected a cargo:LogisticsEvent")
            status = status_from_iri(node.require("cargo:eventCode"))
            at = node.require("cargo:eventDate")
            datetime.fromisoformat(at)
            where = read_location(node.node("cargo:eventLocation"))
        except (JsonLdError, ValueError, InvalidOperation) as exc:
            raise _Problem(400, "Bad Request", "INVALID_LOGISTICS_EVENT", str(exc)) from None
        flight = None
        if status in (StatusCode.DEP, StatusCode.ARR, StatusCode.MAN, StatusCode.RCF):
            departing = status in (StatusCode.DEP, StatusCode.MAN)
            leg = next((g for g in s.legs if (g.origin if departing else g.destination) == where), None)
            flight = leg.flight if leg else None
        server.book.record(s.awb, StatusEvent(code=status.name, at=at, location=where, flight=flight))
        event_id = f"{base}/logistics-objects/shipment-{s.awb}/logistics-events/{len(s.events)}"
        shipment_id = f"{base}/logistics-objects/shipment-{s.awb}"
        server.publisher.notify(
            base, event_type="LOGISTICS_EVENT_RECEIVED", lo=shipment_id, lo_type=CARGO + "Shipment", event=event_id, s=s
        )
        return server.reply(None, 201, {"Location": event_id, "Type": CARGO + "LogisticsEvent"})

    async def subscriptions(request: Request) -> Response:
        base = server.base(request)
        if request.method == "GET":
            server.calls["subscriptions"] += 1
            items = [
                {
                    "@id": f"{base}/subscriptions/{s.id}",
                    "@type": "api:Subscription",
                    "api:hasTopicType": {"@id": s.topic_type},
                    "api:hasTopic": s.topic,
                }
                for s in server.publisher.subscriptions
                if s.agency == agency(request)
            ]
            return server.reply(
                {
                    "@context": graph.LD_CONTEXT,
                    "@type": "api:Collection",
                    "api:hasItem": items,
                    "api:hasTotalItems": len(items),
                }
            )
        server.calls["subscribe"] += 1
        node = await server.body(request)
        topic_type, topic = node.text("api:hasTopicType"), node.text("api:hasTopic")
        topic = expand_iri(topic) if topic else topic  # "cargo:Shipment" and the full IRI name one topic
        subscriber = node.node("api:hasSubscriber")
        callback = node.text("api:hasCallbackUrl") or (
            f"{subscriber.id.rstrip('/')}/notifications" if subscriber and subscriber.id else server.fallback_url
        )
        if not node.is_a("api:Subscription") or not topic_type or not topic or not callback:
            raise _Problem(
                400,
                "Bad Request",
                "INVALID_SUBSCRIPTION",
                "an api:Subscription needs hasTopicType, hasTopic and a subscriber or hasCallbackUrl",
            )
        sub = server.publisher.subscribe(topic_type=topic_type, topic=topic, callback=callback, agency=agency(request))
        return server.reply(None, 201, {"Location": f"{base}/subscriptions/{sub.id}", "Type": API + "Subscription"})

    def guarded(handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                server.negotiate(request)
                result = await handler(request)
            except _Problem as p:
                server.calls["error"] += 1
                return server.reply(graph.api_error(p.title, (p.code, p.message, p.resource)), p.status)
            return result

        return endpoint

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        worker = asyncio.create_task(server.publisher.deliver_forever())
        try:
            yield
        finally:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker

    client_id, client_secret = demo_client("cargo")
    issuer = TokenIssuer(
        str(config.options.get("client_id", client_id)),
        str(config.options.get("client_secret", client_secret)),
        ttl=float(config.options.get("token_ttl", 300)),
    )

    async def revoke_tokens(request: Request) -> Response:
        issuer.revoke_all()
        return Response(status_code=204)

    app = Starlette(
        middleware=[Middleware(RequireBearer, issuer=issuer, token_path=TOKEN_PATH)],
        routes=[
            Route(TOKEN_PATH, issuer.token_endpoint, methods=["POST"]),
            Route("/_sandbox/tokens/revoke", revoke_tokens, methods=["POST"]),
            Route("/", guarded(server_info)),
            Route("/logistics-objects", guarded(search), methods=["GET"]),
            Route("/logistics-objects", guarded(create), methods=["POST"]),
            Route("/logistics-objects/{id}", guarded(get_object)),
            Route("/logistics-objects/{id}/logistics-events", guarded(events), methods=["GET", "POST"]),
            Route("/subscriptions", guarded(subscriptions), methods=["GET", "POST"]),
        ],
        lifespan=lifespan,
    )
    app.state.server = server
    app.state.tokens = issuer
    return app
