"""Customs records as the adapter sees them: plain values mapped from the SOAP replies (no zeep types)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

__all__ = [
    "DeclarationPage",
    "DeclarationRecord",
    "GoodsLine",
    "Notice",
    "Quantity",
    "Receipt",
    "from_declaration",
    "notice",
]


@dataclasses.dataclass(frozen=True, kw_only=True)
class Notice:
    status: str  # release-flow status reached, e.g. "RELEASED"
    code: str  # WCO-style response function code, e.g. "08"
    name: str  # e.g. "DMSROG"
    issued_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class Quantity:
    amount: Decimal
    unit: str  # GACC unit code


@dataclasses.dataclass(frozen=True, kw_only=True)
class GoodsLine:
    tariff_code: str
    description: str
    quantity: Quantity
    legal: Quantity
    second: Quantity | None
    unit_price: Decimal
    value: Decimal
    currency: str
    origin: str
    destination: str
    exemption: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class DeclarationRecord:
    entry_number: str
    lrn: str
    declarant: tuple[str, str]
    direction: str
    trade_mode: str
    office: tuple[str, str]  # (code, name)
    exit_office: tuple[str, str]
    departure_port: str
    transport_mode: str
    conveyance: str
    voyage: str | None
    transaction_terms: str
    levy_nature: str
    awb: str | None
    vin: str | None
    barter_contract: str | None
    licences: tuple[tuple[str, str], ...]
    items: tuple[GoodsLine, ...]
    status: Notice
    notifications: tuple[Notice, ...]


@dataclasses.dataclass(frozen=True, kw_only=True)
class Receipt:
    """What SubmitDeclaration answers: the entry number, the first notification, whether the LRN was seen."""

    lrn: str
    entry_number: str
    notification: Notice
    duplicate: bool


@dataclasses.dataclass(frozen=True, kw_only=True)
class DeclarationPage:
    items: tuple[DeclarationRecord, ...]
    total: int
    next_token: str | None


def notice(value: Any) -> Notice:
    """Map a zeep ``Notification`` object to a :class:`Notice`."""
    return Notice(
        status=str(value.Status), code=str(value.FunctionCode), name=str(value.Name), issued_at=value.IssueDateTime
    )


def _goods(i: Any) -> GoodsLine:
    second = Quantity(amount=Decimal(i.SecondQuantity), unit=str(i.SecondUnit)) if i.SecondUnit else None
    value, quantity = Decimal(i.Value), Decimal(i.Quantity)
    return GoodsLine(
        tariff_code=str(i.TariffCode),
        description=str(i.Description),
        quantity=Quantity(amount=quantity, unit=str(i.Unit)),
        legal=Quantity(amount=Decimal(i.LegalQuantity), unit=str(i.LegalUnit)),
        second=second,
        # UnitPrice is optional in the XSD: a service that leaves it out implies value / quantity
        unit_price=Decimal(i.UnitPrice) if i.UnitPrice is not None else (value / quantity).quantize(Decimal("0.0001")),
        value=value,
        currency=str(i.Currency),
        origin=str(i.Origin),
        destination=str(i.Destination),
        exemption=str(i.Exemption),
    )


def from_declaration(value: Any) -> DeclarationRecord:
    """Map one zeep ``Declaration`` object (attribute access only) to a record."""
    items: Sequence[Any] = value.GoodsItem or ()
    return DeclarationRecord(
        entry_number=str(value.EntryID),
        lrn=str(value.LRN),
        declarant=(str(value.Declarant.Country), str(value.Declarant.TaxID)),
        direction=str(value.Direction),
        trade_mode=str(value.TradeMode),
        office=(str(value.Office.Code), str(value.Office.Name)),
        exit_office=(str(value.ExitOffice.Code), str(value.ExitOffice.Name)),
        departure_port=str(value.DeparturePort),
        transport_mode=str(value.TransportMode),
        conveyance=str(value.Conveyance.Name),
        voyage=value.Conveyance.Voyage,
        transaction_terms=str(value.TransactionTerms),
        levy_nature=str(value.LevyNature),
        awb=value.AWB,
        vin=value.VIN,
        barter_contract=value.BarterContractID,
        licences=tuple((str(n.Code), str(n.Number)) for n in value.Licence or ()),
        items=tuple(_goods(i) for i in items),
        status=notice(value.Status),
        notifications=tuple(notice(n) for n in value.Notification or ()),
    )
