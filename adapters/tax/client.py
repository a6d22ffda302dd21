"""Typed calls to the tax SOAP service: one method per operation, returning :mod:`adapters.tax.records`.

Every operation here is a read (retried on transient failures); batches are cut at the service's maximum.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from adapters.soap import Scope, SoapClient, SoapEndpoint
from adapters.tax.records import (
    InvoiceRecord,
    RebateRecord,
    Taxpayer,
    VerificationRecord,
    invoice_of,
    rebate_of,
    taxpayer_of,
)

__all__ = ["ENDPOINT", "Scope", "TaxClient"]

_NS = "urn:silkgraph:tax:inquiry:1"
ENDPOINT = SoapEndpoint(
    wsdl=Path(__file__).parent / "wsdl" / "tax.wsdl",
    bindings={
        "1.1": f"{{{_NS}}}TaxInquiryServiceSoap11Binding",
        "1.2": f"{{{_NS}}}TaxInquiryServiceSoap12Binding",
    },
    path="/tax",
)
BATCH = 500


def _chunks(values: Sequence[Any]) -> list[Sequence[Any]]:
    unique = list(dict.fromkeys(values))
    return [unique[i : i + BATCH] for i in range(0, len(unique), BATCH)]


class TaxClient:
    def __init__(self, soap: SoapClient) -> None:
        self.soap = soap

    async def _read(self, operation: str, scope: Scope, **arguments: Any) -> Any:
        return await self.soap.call(
            operation, read=True, agency=scope.agency, traceparent=scope.traceparent, **arguments
        )

    async def taxpayer(self, key: tuple[str, str], scope: Scope) -> Taxpayer | None:
        reply = await self._read("GetTaxpayer", scope, Country=key[0], TIN=key[1])
        return taxpayer_of(reply.Taxpayer) if reply.Valid and reply.Taxpayer is not None else None

    async def taxpayers(self, keys: Sequence[tuple[str, str]], scope: Scope) -> dict[tuple[str, str], Taxpayer]:
        found: dict[tuple[str, str], Taxpayer] = {}
        for chunk in _chunks(keys):
            reply = await self._read("GetTaxpayers", scope, Key=[{"Country": c, "TIN": t} for c, t in chunk])
            for value in reply or ():
                record = taxpayer_of(value)
                found[record.key] = record
        return found

    async def register(self, country: str | None, scope: Scope) -> list[Taxpayer]:
        reply = await self._read("ListTaxpayers", scope, Country=country)
        return [taxpayer_of(v) for v in reply or ()]

    async def invoices(self, keys: Sequence[tuple[str, str]], scope: Scope) -> dict[tuple[str, str], InvoiceRecord]:
        found: dict[tuple[str, str], InvoiceRecord] = {}
        for chunk in _chunks(keys):
            reply = await self._read("GetInvoices", scope, Key=[{"Code": c, "Number": n} for c, n in chunk])
            for value in reply or ():
                record = invoice_of(value)
                found[(record.code, record.number)] = record
        return found

    async def verify(
        self,
        scope: Scope,
        *,
        code: str,
        number: str,
        issued_on: dt.date,
        amount: Decimal,
        check_code: str | None = None,
        seller_tax_code: str | None = None,
    ) -> VerificationRecord:
        reply = await self._read(
            "VerifyInvoice",
            scope,
            InvoiceCode=code,
            InvoiceNo=number,
            InvoiceDate=issued_on,
            Amount=amount,
            CheckCode=check_code,
            SellerTaxCode=seller_tax_code,
        )
        return VerificationRecord(
            result=str(reply.Result),
            message=str(reply.Message),
            mismatched=tuple(str(f) for f in reply.MismatchedField or ()),
            invoice=invoice_of(reply.Invoice) if reply.Invoice is not None else None,
        )

    async def rebates(
        self, scope: Scope, *, ids: Sequence[str] = (), exporters: Sequence[tuple[str, str]] = ()
    ) -> list[RebateRecord]:
        reply = await self._read(
            "GetExportRebateStatus",
            scope,
            RebateID=list(dict.fromkeys(ids)) or None,
            Exporter=[{"Country": c, "TIN": t} for c, t in dict.fromkeys(exporters)] or None,
        )
        return [rebate_of(v) for v in reply or ()]
