"""Tax records as the adapter sees them: plain values mapped from the SOAP replies (no zeep types)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

__all__ = [
    "InvoiceRecord",
    "RebateRecord",
    "Taxpayer",
    "VerificationRecord",
    "invoice_of",
    "rebate_of",
    "taxpayer_of",
]


@dataclasses.dataclass(frozen=True, kw_only=True)
class Taxpayer:
    country: str
    tax_id: str
    name: str
    name_local: str | None
    city: str | None
    address: str | None
    registered_on: dt.date
    status: str
    vat_payer_type: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.country, self.tax_id)


@dataclasses.dataclass(frozen=True, kw_only=True)
class InvoiceRecord:
    code: str
    number: str
    type: str
    issued_on: dt.date
    seller: tuple[str, str]
    seller_name: str
    buyer: tuple[str, str]
    buyer_name: str
    amount_without_tax: Decimal
    tax_amount: Decimal
    amount_with_tax: Decimal
    currency: str
    abandoned: bool
    rebate_id: str | None


@dataclasses.dataclass(frozen=True, kw_only=True)
class RebateRecord:
    id: str
    status: str
    exporter: tuple[str, str]
    invoice: tuple[str, str]
    mrn: str
    amount: Decimal
    currency: str
    history: tuple[tuple[str, dt.date], ...]
    remark: str | None


@dataclasses.dataclass(frozen=True, kw_only=True)
class VerificationRecord:
    result: str
    message: str
    mismatched: tuple[str, ...]
    invoice: InvoiceRecord | None


def taxpayer_of(v: Any) -> Taxpayer:
    return Taxpayer(
        country=str(v.Country),
        tax_id=str(v.TIN),
        name=str(v.Name),
        name_local=v.LocalName,
        city=v.City,
        address=v.Address,
        registered_on=v.RegistrationDate,
        status=str(v.Status),
        vat_payer_type=str(v.VatPayerType),
    )


def invoice_of(v: Any) -> InvoiceRecord:
    return InvoiceRecord(
        code=str(v.Code or ""),
        number=str(v.Number),
        type=str(v.Type),
        issued_on=v.IssueDate,
        seller=(str(v.Seller.Country), str(v.Seller.TIN)),
        seller_name=str(v.Seller.Name),
        buyer=(str(v.Buyer.Country), str(v.Buyer.TIN)),
        buyer_name=str(v.Buyer.Name),
        amount_without_tax=Decimal(v.AmountWithoutTax),
        tax_amount=Decimal(v.TaxAmount),
        amount_with_tax=Decimal(v.AmountWithTax),
        currency=str(v.Currency),
        abandoned=bool(v.IsAbandoned),
        rebate_id=v.RebateID,
    )


def rebate_of(v: Any) -> RebateRecord:
    return RebateRecord(
        id=str(v.ID),
        status=str(v.Status),
        exporter=(str(v.Exporter.Country), str(v.Exporter.TIN)),
        invoice=(str(v.Invoice.Code or ""), str(v.Invoice.Number)),
        mrn=str(v.DeclarationMRN),
        amount=Decimal(v.RebateAmount),
        currency=str(v.Currency),
        history=tuple((str(s.Status), s.Date) for s in v.StatusHistory or ()),
        remark=v.Remark,
    )
