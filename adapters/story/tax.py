"""Tax of the story: the suppliers' special VAT invoices export rebates rest on."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from adapters.story.traders import CHANGZHOU_PARTS, HAIXIN, PUDONG, QINGDAO_AUTO


@dataclasses.dataclass(frozen=True, kw_only=True)
class Invoice:
    code: str
    number: str
    issued_on: str
    seller: tuple[str, str]
    buyer: tuple[str, str]
    amount_without_tax: Decimal
    tax_amount: Decimal
    check_code: str
    abandoned: bool = False
    #: export rebate on this invoice: (rebate id, status, customs MRN)
    rebate: tuple[str, str, str] | None = None


#: Special VAT invoices (10-digit code: region, two-digit year, batch and version digits; 8-digit number) issued
#: by the domestic suppliers to the exporters. An export VAT rebate rests on such a *purchase* invoice and is
#: matched electronically against the exporter's customs export declaration (the rebate's third field).
INVOICES: tuple[Invoice, ...] = (
    Invoice(
        code="3702261130",
        number="08152026",
        issued_on="2026-10-02",
        seller=QINGDAO_AUTO,
        buyer=HAIXIN,
        amount_without_tax=Decimal("70796.46"),
        tax_amount=Decimal("9203.54"),
        check_code="41250311875430987620",
        rebate=("RB-2026-000815", "UNDER_REVIEW", "420120260000000817"),
    ),
    Invoice(
        code="3200261130",
        number="11022026",
        issued_on="2026-10-28",
        seller=CHANGZHOU_PARTS,
        buyer=PUDONG,
        amount_without_tax=Decimal("318584.07"),
        tax_amount=Decimal("41415.93"),
        check_code="65910024387712093345",
        rebate=("RB-2026-001102", "APPROVED", "223320260000011021"),
    ),
    Invoice(
        code="3200261130",
        number="11102026",
        issued_on="2026-11-05",
        seller=CHANGZHOU_PARTS,
        buyer=PUDONG,
        amount_without_tax=Decimal("752212.39"),
        tax_amount=Decimal("97787.61"),
        check_code="17730219940021558861",
        # the exporter filed the rebate against a declaration number customs never issued: no electronic match
        rebate=("RB-2026-001110", "DATA_MISMATCH", "514120260000011099"),
    ),
    Invoice(
        code="3702261130",
        number="07022026",
        issued_on="2026-08-01",
        seller=QINGDAO_AUTO,
        buyer=HAIXIN,
        amount_without_tax=Decimal("42477.88"),
        tax_amount=Decimal("5522.12"),
        check_code="99012845561230476611",
        abandoned=True,
    ),
)
