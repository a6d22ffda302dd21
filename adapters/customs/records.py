"""Customs records as the adapter sees them: plain values mapped from the SOAP replies (no zeep types)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

__all__ = ["DeclarationPage", "DeclarationRecord", "GoodsLine", "Notice", "Receipt", "from_declaration", "notice"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class Notice:
    code: str  # WCO DMS notification function code, e.g. "02"
    name: str  # e.g. "DMSRCV"
    issued_at: dt.datetime


@dataclasses.dataclass(frozen=True, kw_only=True)
class GoodsLine:
    hs_code: str
    description: str
    quantity: Decimal
    unit: str
    value: Decimal
    currency: str
    origin: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class DeclarationRecord:
    mrn: str
    lrn: str
    declarant: tuple[str, str]
    direction: str
    procedure: str
    office_id: str
    office_name: str
    awb: str | None
    vin: str | None
    barter_contract: str | None
    items: tuple[GoodsLine, ...]
    status: Notice
    notifications: tuple[Notice, ...]


@dataclasses.dataclass(frozen=True, kw_only=True)
class Receipt:
    """What SubmitDeclaration answers: the MRN, the first notification, and whether the LRN was seen before."""

    lrn: str
    mrn: str
    notification: Notice
    duplicate: bool


@dataclasses.dataclass(frozen=True, kw_only=True)
class DeclarationPage:
    items: tuple[DeclarationRecord, ...]
    total: int
    next_token: str | None


def notice(value: Any) -> Notice:
    """Map a zeep ``Notification`` object to a :class:`Notice`."""
    return Notice(code=str(value.FunctionCode), name=str(value.Name), issued_at=value.IssueDateTime)


def from_declaration(value: Any) -> DeclarationRecord:
    """Map one zeep ``Declaration`` object (attribute access only) to a record."""
    items: Sequence[Any] = value.GoodsItem or ()
    return DeclarationRecord(
        mrn=str(value.MRN),
        lrn=str(value.LRN),
        declarant=(str(value.Declarant.Country), str(value.Declarant.TaxID)),
        direction=str(value.Direction),
        procedure=str(value.ProcedureCode),
        office_id=str(value.Office.ID),
        office_name=str(value.Office.Name),
        awb=value.AWB,
        vin=value.VIN,
        barter_contract=value.BarterContractID,
        items=tuple(
            GoodsLine(
                hs_code=str(i.HSCode),
                description=str(i.Description),
                quantity=Decimal(i.Quantity),
                unit=str(i.Unit),
                value=Decimal(i.Value),
                currency=str(i.Currency),
                origin=str(i.Origin),
            )
            for i in items
        ),
        status=notice(value.Status),
        notifications=tuple(notice(n) for n in value.Notification or ()),
    )
