"""A legacy airline that speaks Cargo-XML (XFWB 3.00, XFSU 2.00) and FSU text over HTTP.

Seeded with the story's shipments of one AWB prefix (default 784, China Southern). Endpoints:

* ``GET /xfwb/{awb}`` — the air waybill (``rsm:Waybill``);
* ``GET /xfsu?awb=…`` (repeatable) — every status message of those AWBs in a batch envelope
  (``cx:Messages``, namespace ``urn:silkgraph:sandbox:cargo-xml:1``); ``&latest=true`` with one AWB answers the
  single latest ``rsm:StatusMessage`` as a plain document;
* ``GET /messages?awb=…`` / ``?party=CN/<taxId>&role=SHIPPER|CONSIGNEE|ANY`` / no filter — the mailbox: each
  shipment's XFWB followed by its XFSUs, in one envelope (one call for a whole batch);
* ``GET /fsu/{awb}`` — the same statuses as classic ``FSU/14`` text, messages separated by blank lines;
* ``POST /xfwb`` — a booking: an XFWB without AWB; the airline allocates one and answers 201 with the issued
  waybill. A reused ``SenderAssignedID`` (booking reference) is a duplicate (409).

Refusals are Cargo-IMP ``FNA/1`` text. Options: ``shipments``, ``prefix``, ``carrier`` (two-letter code),
``api_key`` (every call needs it in ``X-API-Key``).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable
from decimal import Decimal

from lxml import etree
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from adapters import story
from adapters.cargo import fsu, xfsu, xfwb
from adapters.cargo.cargo_xml import BATCH, CargoXmlError, parse, q, to_bytes
from adapters.cargo.model import FlightLeg, Party
from adapters.cargo.seed import AirlineBook, BookedShipment, Leg, StatusEvent
from adapters.credentials import demo_api_key
from adapters.sandbox_auth import RequireApiKey
from gateway.errors import BadUserInput
from gateway.sdk.identifiers import parse_awb
from gateway.sdk.sandbox import SandboxConfig

__all__ = ["create_cargo_xml_app"]

XML = "application/xml"
_CARRIERS = {"784": "CZ", "999": "CA", "781": "MU"}


class _Refusal(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


def _when(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


class _Airline:
    def __init__(self, config: SandboxConfig) -> None:
        opts = config.options
        self.prefix: str = opts.get("prefix", "784")
        self.carrier: str = opts.get("carrier", _CARRIERS.get(self.prefix, "XX"))
        self.book = AirlineBook(self.prefix, opts.get("shipments", story.SHIPMENTS))
        self.calls: collections.Counter[str] = collections.Counter()

    def party(self, key: tuple[str, str]) -> Party:
        return Party(country=key[0], tax_id=key[1], name=self.book.party_name(key))

    def draft(self, s: BookedShipment) -> xfwb.WaybillDraft:
        return xfwb.WaybillDraft(
            awb=s.awb,
            shipper=self.party(s.shipper),
            consignee=self.party(s.consignee),
            origin=s.origin,
            destination=s.destination,
            pieces=s.pieces,
            weight_kg=s.weight_kg,
            volume_m3=s.volume_m3,
            goods=s.goods,
            hs_code=s.hs_code,
            legs=[
                FlightLeg(
                    flight=g.flight,
                    origin=g.origin,
                    destination=g.destination,
                    departure=_when(g.departure),
                    arrival=_when(g.arrival),
                )
                for g in s.legs
            ],
            reference=s.booking_reference,
        )

    def waybill(self, s: BookedShipment) -> etree._Element:
        issued = _when(s.events[0].at) if s.events else dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        return xfwb.render_waybill(
            self.draft(s),
            carrier=self.carrier,
            message_id=f"{s.awb}-FWB",
            issued=issued or dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        )

    def statuses(self, s: BookedShipment) -> list[etree._Element]:
        return [
            xfsu.render_status(
                xfsu.StatusReport(
                    awb=s.awb,
                    code=e.code,
                    at=e.at,
                    location=e.location,
                    flight=e.flight,
                    pieces=s.pieces,
                    weight_kg=str(s.weight_kg),
                    origin=s.origin,
                    destination=s.destination,
                ),
                carrier=self.carrier,
                message_id=f"{s.awb}-FSU-{n}",
            )
            for n, e in enumerate(s.events, 1)
        ]

    def lookup(self, awb: str, agency: str | None) -> BookedShipment:
        try:
            awb = parse_awb(awb)
        except BadUserInput as exc:
            raise _Refusal(400, f"INVALID AWB {awb}: {exc.message}") from None
        found = self.book.get(awb, agency)
        if found is None:
            raise _Refusal(404, f"AWB {awb} NOT ON FILE")
        return found


def _envelope(children: list[etree._Element]) -> Response:
    root = etree.Element(q(BATCH, "Messages"), nsmap={"cx": BATCH})
    root.set("count", str(len(children)))
    root.extend(children)
    return Response(to_bytes(root), media_type=XML)


def create_cargo_xml_app(config: SandboxConfig) -> Starlette:
    airline = _Airline(config)

    def agency(request: Request) -> str | None:
        return request.headers.get("x-agency-id") or None

    async def get_waybill(request: Request) -> Response:
        airline.calls["xfwb"] += 1
        s = airline.lookup(request.path_params["awb"], agency(request))
        return Response(to_bytes(airline.waybill(s)), media_type=XML)

    async def get_status(request: Request) -> Response:
        airline.calls["xfsu"] += 1
        awbs = request.query_params.getlist("awb")
        if not awbs:
            raise _Refusal(400, "QUERY NEEDS AT LEAST ONE awb")
        found = [airline.lookup(a, agency(request)) for a in dict.fromkeys(awbs)]
        if request.query_params.get("latest") == "true" and len(found) == 1:
            messages = airline.statuses(found[0])
            if not messages:
                raise _Refusal(404, f"AWB {found[0].awb} HAS NO STATUS")
            return Response(to_bytes(messages[-1]), media_type=XML)
        return _envelope([m for s in found for m in airline.statuses(s)])

    async def mailbox(request: Request) -> Response:
        airline.calls["messages"] += 1
        who = agency(request)
        awbs = request.query_params.getlist("awb")
        parties = [p.split("/", 1) for p in request.query_params.getlist("party")]
        role = request.query_params.get("role", "ANY").upper()
        if awbs:
            found = [s for a in dict.fromkeys(awbs) if (s := airline.book.get(a, who)) is not None]
        elif parties:
            found = [
                s
                for s in airline.book.all(who)
                if any(s in airline.book.involving((p[0], p[-1]), role, who) for p in parties)
            ]
        else:
            found = airline.book.all(who)
        return _envelope([m for s in found for m in (airline.waybill(s), *airline.statuses(s))])

    async def get_fsu(request: Request) -> Response:
        airline.calls["fsu"] += 1
        s = airline.lookup(request.path_params["awb"], agency(request))
        messages = []
        for e in s.events:
            nxt = next((g.destination for g in s.legs if g.flight == e.flight), None)
            at = dt.datetime.fromisoformat(e.at)
            messages.append(
                fsu.render_fsu(
                    awb=s.awb,
                    origin=s.origin,
                    destination=s.destination,
                    pieces=s.pieces,
                    weight_kg=s.weight_kg,
                    code=e.code,
                    at=at,
                    location=e.location,
                    flight=e.flight,
                    next_airport=nxt,
                )
            )
        return PlainTextResponse("\n".join(messages))

    async def book(request: Request) -> Response:
        airline.calls["book"] += 1
        if "xml" not in request.headers.get("content-type", ""):
            raise _Refusal(415, "SEND XFWB AS application/xml")
        try:
            draft = xfwb.read_draft(parse(await request.body()))
        except CargoXmlError as exc:
            raise _Refusal(400, f"INVALID XFWB: {exc}") from None
        if draft.awb:
            raise _Refusal(400, "BOOKING XFWB MUST NOT CARRY AN AWB; THE AIRLINE ISSUES IT")
        if draft.pieces < 1 or draft.weight_kg <= 0:
            raise _Refusal(400, "PIECES AND WEIGHT MUST BE POSITIVE")
        if draft.reference and (dup := airline.book.find_reference(draft.reference)) is not None:
            raise _Refusal(409, f"DUPLICATE BOOKING REFERENCE {draft.reference} ALREADY AWB {dup.awb}")
        shipper = (draft.shipper.country, draft.shipper.tax_id)
        if not airline.book.may_act_for(shipper, agency(request)):
            raise _Refusal(403, "AGENCY NOT AUTHORISED FOR SHIPPER")
        when = request.headers.get("x-booking-time") or dt.datetime.now().astimezone().isoformat(timespec="seconds")
        s = airline.book.add(
            BookedShipment(
                awb=airline.book.allocate_awb(),
                shipper=shipper,
                consignee=(draft.consignee.country, draft.consignee.tax_id),
                origin=draft.origin,
                destination=draft.destination,
                legs=[Leg(flight=g.flight, origin=g.origin, destination=g.destination) for g in draft.legs],
                pieces=draft.pieces,
                weight_kg=Decimal(draft.weight_kg),
                volume_m3=draft.volume_m3,
                goods=draft.goods,
                hs_code=draft.hs_code,
                events=[StatusEvent(code="BKD", at=when, location=draft.origin)],
                booking_reference=draft.reference,
            )
        )
        return Response(
            to_bytes(airline.waybill(s)), status_code=201, media_type=XML, headers={"Location": f"/xfwb/{s.awb}"}
        )

    def guarded(handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                result = await handler(request)
            except _Refusal as r:
                airline.calls["refused"] += 1
                return PlainTextResponse(f"FNA/1\nACK/{r.reason}\n", status_code=r.status)
            return result

        return endpoint

    clock_seconds = float(config.options.get("milestone_seconds") or 0)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        """With ``milestone_seconds``, the airline moves its shipments on by itself (the demo's live data)."""
        if clock_seconds <= 0:
            yield
            return

        async def tick() -> None:
            while True:
                await asyncio.sleep(clock_seconds)
                airline.book.advance(dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))

        task = asyncio.create_task(tick())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app = Starlette(
        lifespan=lifespan,
        middleware=[Middleware(RequireApiKey, key=str(config.options.get("api_key", demo_api_key("cargo-xml"))))],
        routes=[
            Route("/xfwb/{awb}", guarded(get_waybill)),
            Route("/xfwb", guarded(book), methods=["POST"]),
            Route("/xfsu", guarded(get_status)),
            Route("/messages", guarded(mailbox)),
            Route("/fsu/{awb}", guarded(get_fsu)),
        ],
    )
    app.state.airline = airline
    return app
