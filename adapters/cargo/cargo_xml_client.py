"""The adapter's client for Cargo-XML airlines: batched mailbox reads (XFWB + XFSU) and XFWB bookings."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

import httpx
from lxml import etree

from adapters.cargo import xfsu, xfwb
from adapters.cargo.cargo_xml import BATCH, RSM_FSU, RSM_FWB, CargoXmlError, parse, q, to_bytes
from adapters.cargo.model import CargoEvent, ShipmentRecord, assign_flights
from adapters.cargo.transport import SERVICE, read, request
from gateway.errors import BadUserInput, Conflict, Forbidden, UpstreamProtocolError
from gateway.sdk.retry import ReadRetry

__all__ = ["CargoXmlClient", "read_mailbox"]

_SYSTEM = "Cargo-XML airline"
_HEADERS = {"Accept": "application/xml"}


def read_mailbox(root: etree._Element) -> list[ShipmentRecord]:
    """A batch envelope of XFWB and XFSU messages → one record per waybill, its statuses attached in time order."""
    if root.tag != q(BATCH, "Messages"):
        raise CargoXmlError(f"expected a message batch ({BATCH}), got {root.tag}")
    records: dict[str, ShipmentRecord] = {}
    events: dict[str, list[CargoEvent]] = {}
    for message in root:
        if not isinstance(message.tag, str):
            continue  # comments, processing instructions
        if message.tag == q(RSM_FWB, "Waybill"):
            record = xfwb.read_waybill(message)
            records[record.awb] = record
        elif message.tag == q(RSM_FSU, "StatusMessage"):
            awb, event = xfsu.read_status(message)
            events.setdefault(awb, []).append(event)
        else:
            raise CargoXmlError(f"unexpected message {message.tag} in the batch")
    out = []
    for awb, record in records.items():
        timeline = tuple(sorted(events.get(awb, ()), key=lambda e: e.at))
        out.append(dataclasses.replace(record, events=assign_flights(timeline, record.legs)))
    return out


def _fna(reply: httpx.Response) -> str:
    """The reason of a Cargo-IMP ``FNA`` refusal."""
    lines = [line for line in reply.text.splitlines() if line.startswith("ACK/")]
    return lines[0][4:] if lines else reply.text[:200]


class CargoXmlClient:
    def __init__(self, client: httpx.AsyncClient, *, retry: ReadRetry | None = None) -> None:
        self.http = client
        self.retry = retry

    def _parse(self, reply: httpx.Response, what: str) -> etree._Element:
        try:
            return parse(reply.content)
        except CargoXmlError as exc:
            raise UpstreamProtocolError(f"{_SYSTEM} sent malformed XML for {what}: {exc}", service=SERVICE) from None

    async def _mailbox(self, params: list[tuple[str, str]], agency: str | None) -> list[ShipmentRecord]:
        reply = await read(
            self.http, "/messages", retry=self.retry, system=_SYSTEM, agency=agency, headers=_HEADERS, params=params
        )
        try:
            return read_mailbox(self._parse(reply, "/messages"))
        except CargoXmlError as exc:
            raise UpstreamProtocolError(
                f"{_SYSTEM} sent messages the adapter cannot read: {exc}", service=SERVICE
            ) from None

    async def waybills(self, awbs: Sequence[str], agency: str | None) -> dict[str, ShipmentRecord]:
        found = await self._mailbox([("awb", a) for a in awbs], agency)
        return {r.awb: r for r in found}

    async def involving(
        self, parties: Sequence[tuple[str, str]], role: str, agency: str | None
    ) -> list[ShipmentRecord]:
        return await self._mailbox([("party", f"{c}/{t}") for c, t in parties] + [("role", role)], agency)

    async def all(self, agency: str | None) -> list[ShipmentRecord]:
        return await self._mailbox([], agency)

    async def book(self, draft: xfwb.WaybillDraft, *, carrier: str, agency: str | None) -> str:
        """Send an XFWB without AWB; return the AWB the airline issued."""
        document = xfwb.render_waybill(
            draft,
            carrier=carrier,
            message_id=draft.reference or "BOOKING",
            issued=dt.datetime.now(dt.UTC).replace(microsecond=0),
        )
        reply = await request(
            self.http,
            "POST",
            "/xfwb",
            system=_SYSTEM,
            agency=agency,
            headers={**_HEADERS, "Content-Type": "application/xml"},
            content=to_bytes(document),
            ok=(201,),
            expected=(400, 403, 409),
        )
        if reply.status_code == 409:
            raise Conflict(f"booking rejected as a duplicate: {_fna(reply)}")
        if reply.status_code == 403:
            raise Forbidden(f"the airline refused the booking: {_fna(reply)}")
        if reply.status_code == 400:
            raise BadUserInput(f"the airline rejected the booking: {_fna(reply)}", field="input")
        try:
            issued = xfwb.read_waybill(self._parse(reply, "POST /xfwb"))
        except CargoXmlError as exc:
            raise UpstreamProtocolError(f"{_SYSTEM} answered the booking unreadably: {exc}", service=SERVICE) from None
        return issued.awb

    async def ping(self) -> None:
        await request(self.http, "GET", "/messages", system=_SYSTEM, headers=_HEADERS, params=[("awb", "000-00000000")])
