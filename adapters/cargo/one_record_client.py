"""The adapter's client for ONE Record airlines: batched waybill reads, bookings, subscriptions."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import httpx

from adapters.cargo import one_record
from adapters.cargo.jsonld import JsonLdError, Node, normalise
from adapters.cargo.model import ShipmentRecord
from adapters.cargo.transport import SERVICE, read, request
from gateway.errors import BadUserInput, Conflict, Forbidden, UpstreamFault, UpstreamProtocolError
from gateway.sdk.retry import ReadRetry

__all__ = ["MEDIA_TYPE", "OneRecordClient"]

MEDIA_TYPE = "application/ld+json; version=2.3.0"
_SYSTEM = "ONE Record server"


def _document(reply: httpx.Response) -> Node:
    kind = reply.headers.get("content-type", "")
    if "json" not in kind:
        raise UpstreamProtocolError(
            f"{_SYSTEM} answered {reply.request.url} with {kind or 'no content type'}, not application/ld+json",
            service=SERVICE,
        )
    try:
        return Node(normalise(json.loads(reply.content)))
    except (ValueError, JsonLdError) as exc:
        raise UpstreamProtocolError(
            f"{_SYSTEM} sent malformed JSON-LD for {reply.request.url}: {exc}", service=SERVICE
        ) from None


def _error_text(reply: httpx.Response) -> str:
    """The messages of an ``api:Error`` reply (or its raw start when it is not one)."""
    try:
        error = Node(normalise(json.loads(reply.content)))
    except (ValueError, JsonLdError):
        return reply.text[:200]
    details = [d.text("api:hasMessage", "") or "" for d in error.nodes("api:hasErrorDetail")]
    return "; ".join(filter(None, details)) or error.text("api:hasTitle", "") or reply.text[:200]


class OneRecordClient:
    def __init__(self, client: httpx.AsyncClient, *, retry: ReadRetry | None = None) -> None:
        self.http = client
        self.retry = retry
        self.headers = {"Accept": MEDIA_TYPE}

    def _waybills(self, document: Node) -> list[ShipmentRecord]:
        try:
            return [one_record.read_waybill(item) for item in document.nodes("api:hasItem")]
        except JsonLdError as exc:
            raise UpstreamProtocolError(
                f"{_SYSTEM} sent a waybill the adapter cannot read: {exc}", service=SERVICE
            ) from None

    async def _search(self, params: list[tuple[str, str]], agency: str | None) -> list[ShipmentRecord]:
        reply = await read(
            self.http,
            "/logistics-objects",
            retry=self.retry,
            system=_SYSTEM,
            agency=agency,
            headers=self.headers,
            params=[("embedded", "true"), *params],
        )
        return self._waybills(_document(reply))

    async def waybills(self, awbs: Sequence[str], agency: str | None) -> dict[str, ShipmentRecord]:
        """Every requested AWB the airline shows this caller, in one call."""
        found = await self._search([("waybillNumber", a) for a in awbs], agency)
        return {r.awb: r for r in found}

    async def involving(
        self, parties: Sequence[tuple[str, str]], role: str, agency: str | None
    ) -> list[ShipmentRecord]:
        params = [("party", f"{c}/{t}") for c, t in parties] + [("role", role)]
        return await self._search(params, agency)

    async def all(self, agency: str | None) -> list[ShipmentRecord]:
        return await self._search([], agency)

    async def book(self, body: dict[str, Any], agency: str | None) -> str:
        """Post a BookingRequest; return the AWB the airline issued."""
        reply = await request(
            self.http,
            "POST",
            "/logistics-objects",
            system=_SYSTEM,
            agency=agency,
            headers={**self.headers, "Content-Type": MEDIA_TYPE},
            content=json.dumps(body).encode(),
            ok=(201,),
            expected=(400, 403, 409),
        )
        if reply.status_code == 409:
            raise Conflict(f"booking rejected as a duplicate: {_error_text(reply)}")
        if reply.status_code == 403:
            raise Forbidden(f"the airline refused the booking: {_error_text(reply)}")
        if reply.status_code == 400:
            raise BadUserInput(f"the airline rejected the booking: {_error_text(reply)}", field="input")
        location = reply.headers.get("location")
        if not location:
            raise UpstreamProtocolError(f"{_SYSTEM} created a booking but sent no Location", service=SERVICE)
        created = await read(self.http, location, retry=self.retry, system=_SYSTEM, agency=agency, headers=self.headers)
        booking = _document(created).node("cargo:booking")
        waybill = booking.node("cargo:issuedForWaybill") if booking else None
        if waybill is None:
            raise UpstreamFault(
                f"{_SYSTEM} accepted the booking but issued no waybill yet ({location})", service=SERVICE
            )
        try:
            return f"{waybill.require('cargo:waybillPrefix')}-{waybill.require('cargo:waybillNumber')}"
        except JsonLdError as exc:
            raise UpstreamProtocolError(f"{_SYSTEM} booking {location}: {exc}", service=SERVICE) from None

    async def subscribe(self, *, subscriber: str, callback_url: str, topic: str, agency: str | None = None) -> str:
        """Subscribe the platform to notifications about ``topic`` objects; returns the subscription's IRI."""
        body = one_record.subscription_request(subscriber=subscriber, callback_url=callback_url, topic=topic)
        reply = await request(
            self.http,
            "POST",
            "/subscriptions",
            system=_SYSTEM,
            agency=agency,
            headers={**self.headers, "Content-Type": MEDIA_TYPE},
            content=json.dumps(body).encode(),
            ok=(201,),
        )
        return str(reply.headers.get("location", ""))

    async def awb_of(self, iri: str) -> str:
        """The AWB of a Waybill or Shipment logistics object of this airline (a Shipment names its Waybill).

        Only this airline's own objects are read: a notification cannot make the platform fetch another host.
        """
        base = str(self.http.base_url).rstrip("/")
        if not iri.startswith(base + "/logistics-objects/"):
            raise BadUserInput(
                f"{iri!r} is not a logistics object of this airline ({base})", field="hasLogisticsObject"
            )
        node = _document(await read(self.http, iri, retry=self.retry, system=_SYSTEM, headers=self.headers))
        if node.is_a("cargo:Shipment"):
            waybill = node.node("cargo:waybill")
            if waybill is None or waybill.id is None:
                raise UpstreamProtocolError(f"{_SYSTEM} shipment {iri} names no cargo:waybill", service=SERVICE)
            return await self.awb_of(waybill.id)
        if not node.is_a("cargo:Waybill"):
            raise BadUserInput(f"{iri!r} is a {node.types}, not a Waybill or Shipment", field="hasLogisticsObject")
        try:
            return f"{node.require('cargo:waybillPrefix')}-{node.require('cargo:waybillNumber')}"
        except JsonLdError as exc:
            raise UpstreamProtocolError(f"{_SYSTEM} waybill {iri}: {exc}", service=SERVICE) from None

    async def ping(self) -> str:
        reply = await request(self.http, "GET", "/", system=_SYSTEM, headers=self.headers)
        return _document(reply).text("api:hasSupportedApiVersion", "") or ""
