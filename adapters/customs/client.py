"""Typed calls to the customs SOAP service: one method per operation, returning :mod:`adapters.customs.records`."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from adapters.customs.records import DeclarationPage, DeclarationRecord, Receipt, from_declaration, notice
from adapters.soap import Scope, SoapClient, SoapEndpoint
from gateway.errors import Conflict, UpstreamFault

__all__ = ["ENDPOINT", "CustomsClient", "DeclarationDraft", "DraftItem", "Scope"]

_NS = "urn:silkgraph:customs:declaration:1"
ENDPOINT = SoapEndpoint(
    wsdl=Path(__file__).parent / "wsdl" / "customs.wsdl",
    bindings={
        "1.1": f"{{{_NS}}}CustomsDeclarationServiceSoap11Binding",
        "1.2": f"{{{_NS}}}CustomsDeclarationServiceSoap12Binding",
    },
    path="/customs",
)
#: the service's maximum page and batch size (customs.xsd maxOccurs)
BATCH = 500


@dataclasses.dataclass(frozen=True, kw_only=True)
class DraftItem:
    tariff_code: str
    description: str
    quantity: Decimal
    unit: str
    legal_quantity: Decimal
    legal_unit: str
    second_quantity: Decimal | None
    second_unit: str | None
    value: Decimal
    currency: str
    origin: str
    destination: str
    exemption: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class DeclarationDraft:
    lrn: str
    declarant: tuple[str, str]
    direction: str
    trade_mode: str
    office: str
    exit_office: str
    departure_port: str
    transport_mode: str
    conveyance: str
    voyage: str | None
    transaction_terms: str
    levy_nature: str = "101"
    awb: str | None = None
    vin: str | None = None
    barter_contract: str | None = None
    licences: tuple[tuple[str, str], ...] = ()
    items: tuple[DraftItem, ...] = ()


class CustomsClient:
    def __init__(self, soap: SoapClient) -> None:
        self.soap = soap

    async def _call(self, operation: str, scope: Scope, *, read: bool, **arguments: Any) -> Any:
        return await self.soap.call(
            operation, read=read, agency=scope.agency, traceparent=scope.traceparent, **arguments
        )

    async def submit(self, draft: DeclarationDraft, scope: Scope) -> Receipt:
        """SubmitDeclaration, sent once (never retried): the service is idempotent by (declarant, LRN)."""
        try:
            reply = await self._call(
                "SubmitDeclaration",
                scope,
                read=False,
                LRN=draft.lrn,
                Declarant={"Country": draft.declarant[0], "TaxID": draft.declarant[1]},
                Direction=draft.direction,
                TradeMode=draft.trade_mode,
                OfficeCode=draft.office,
                ExitOfficeCode=draft.exit_office,
                DeparturePort=draft.departure_port,
                TransportMode=draft.transport_mode,
                Conveyance={"Name": draft.conveyance, "Voyage": draft.voyage},
                TransactionTerms=draft.transaction_terms,
                LevyNature=draft.levy_nature,
                AWB=draft.awb,
                VIN=draft.vin,
                BarterContractID=draft.barter_contract,
                Licence=[{"Code": code, "Number": number} for code, number in draft.licences],
                GoodsItem=[
                    {
                        "TariffCode": i.tariff_code,
                        "Description": i.description,
                        "Quantity": i.quantity,
                        "Unit": i.unit,
                        "LegalQuantity": i.legal_quantity,
                        "LegalUnit": i.legal_unit,
                        "SecondQuantity": i.second_quantity,
                        "SecondUnit": i.second_unit,
                        "Value": i.value,
                        "Currency": i.currency,
                        "Origin": i.origin,
                        "Destination": i.destination,
                        "Exemption": i.exemption,
                    }
                    for i in draft.items
                ],
            )
        except UpstreamFault as fault:
            if fault.extensions.get("validationCode") == "LRN_REUSED":
                raise Conflict(
                    f"LRN {draft.lrn} was already used for a different declaration: use a new LRN",
                    field="lrn",
                    service=self.soap.service,
                ) from None
            raise
        return Receipt(
            lrn=str(reply.LRN),
            entry_number=str(reply.EntryID),
            notification=notice(reply.Notification),
            duplicate=reply.Duplicate,
        )

    async def decide(self, entry_number: str, status: str, scope: Scope) -> DeclarationRecord | None:
        """RecordDecision, sent once: a release-flow move customs refuses comes back as ``ILLEGAL_TRANSITION``."""
        try:
            reply = await self._call("RecordDecision", scope, read=False, EntryID=entry_number, Status=status)
        except UpstreamFault as fault:
            if fault.extensions.get("validationCode") == "ILLEGAL_TRANSITION":
                raise Conflict(
                    fault.message, code="ILLEGAL_TRANSITION", field="status", service=self.soap.service
                ) from None
            raise
        return from_declaration(reply) if reply is not None else None

    async def status(
        self, scope: Scope, *, entry_number: str | None = None, lrn: str | None = None
    ) -> DeclarationRecord | None:
        reply = await self._call("GetDeclarationStatus", scope, read=True, EntryID=entry_number, LRN=lrn)
        return from_declaration(reply) if reply is not None else None

    async def statuses(self, entry_numbers: Sequence[str], scope: Scope) -> dict[str, DeclarationRecord]:
        """GetDeclarationStatuses in batches of the service's maximum; unknown entry numbers are absent."""
        found: dict[str, DeclarationRecord] = {}
        unique = list(dict.fromkeys(entry_numbers))
        for start in range(0, len(unique), BATCH):
            reply = await self._call("GetDeclarationStatuses", scope, read=True, EntryID=unique[start : start + BATCH])
            for value in reply or ():
                record = from_declaration(value)
                found[record.entry_number] = record
        return found

    async def page(
        self,
        scope: Scope,
        *,
        declarants: Iterable[tuple[str, str]] = (),
        awbs: Iterable[str] = (),
        vins: Iterable[str] = (),
        barter_contracts: Iterable[str] = (),
        size: int = 50,
        token: str | None = None,
    ) -> DeclarationPage:
        reply = await self._call(
            "ListDeclarations",
            scope,
            read=True,
            Declarant=[{"Country": c, "TaxID": t} for c, t in declarants] or None,
            AWB=list(awbs) or None,
            VIN=list(vins) or None,
            BarterContractID=list(barter_contracts) or None,
            PageSize=size,
            PageToken=token,
        )
        return DeclarationPage(
            items=tuple(from_declaration(d) for d in reply.Declaration or ()),
            total=int(reply.TotalCount),
            next_token=reply.NextPageToken,
        )

    async def search(self, scope: Scope, **criteria: Any) -> list[DeclarationRecord]:
        """Every declaration matching ``criteria`` (see :meth:`page`), following page tokens."""
        records: list[DeclarationRecord] = []
        token: str | None = None
        while True:
            page = await self.page(scope, size=BATCH, token=token, **criteria)
            records.extend(page.items)
            if not page.next_token:
                return records
            token = page.next_token
