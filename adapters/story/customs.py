"""Customs of the story: the Chinese export declarations and the Kazakh (EAEU) ones."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from adapters.story.traders import ASTANA_GRAIN, HAIXIN, HORGOS, PUDONG


@dataclasses.dataclass(frozen=True, kw_only=True)
class GoodsItem:
    hs_code: str
    description: str
    quantity: Decimal
    unit: str
    value: Decimal
    currency: str
    origin: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class Declaration:
    id: str  # MRN (18 chars)
    lrn: str
    declarant: tuple[str, str]
    direction: str  # EXPORT | IMPORT
    procedure: str  # Chinese trade mode, e.g. "0110" general trade, "0130" barter, "4019" border trade
    office: str
    awb: str | None
    vin: str | None
    barter_contract: str | None
    items: tuple[GoodsItem, ...]
    #: notification codes reached (domain.md §2.1): 02 received, 01 accepted, 06 documents, 05 control, 09 cleared
    statuses: tuple[tuple[str, str], ...]


DECLARATIONS: tuple[Declaration, ...] = (
    Declaration(
        id="26CN4201E000000017",
        lrn="HX-2026-0815",
        declarant=HAIXIN,
        direction="EXPORT",
        procedure="0110",
        office="CN4201 Qingdao Liuting Airport Customs",
        awb="784-20260026",
        vin="LSVAM418XP2184847",
        barter_contract=None,
        items=(
            GoodsItem(
                hs_code="8703.23",
                description="Used passenger car, SAIC Volkswagen, 1.8 l",
                quantity=Decimal("1"),
                unit="PCE",
                value=Decimal("86000.00"),
                currency="CNY",
                origin="CN",
            ),
        ),
        statuses=(
            ("02", "2026-11-19T10:00:00+08:00"),
            ("01", "2026-11-19T10:20:00+08:00"),
            ("09", "2026-11-20T16:00:00+08:00"),
            ("16", "2026-11-22T07:40:00+08:00"),
        ),
    ),
    Declaration(
        id="26CN4201E000000009",
        lrn="HX-2026-0702",
        declarant=HAIXIN,
        direction="EXPORT",
        procedure="0110",
        office="CN6501 Horgos Customs",  # by road through the Khorgos land port: no air waybill
        awb=None,
        vin="JHMCM5653HC404453",
        barter_contract=None,
        items=(
            GoodsItem(
                hs_code="8703.23",
                description="Used passenger car, Honda Accord, 2.4 l",
                quantity=Decimal("1"),
                unit="PCE",
                value=Decimal("54000.00"),
                currency="CNY",
                origin="JP",
            ),
        ),
        statuses=(
            ("02", "2026-08-20T09:00:00+08:00"),
            ("01", "2026-08-20T09:30:00+08:00"),
            ("09", "2026-08-21T11:00:00+08:00"),
            ("16", "2026-08-25T18:00:00+08:00"),
        ),
    ),
    Declaration(
        id="26CN6501B000000003",
        lrn="HG-BC-2026-0001-1",
        declarant=HORGOS,
        direction="EXPORT",
        procedure="0130",
        office="CN6501 Horgos Customs",
        awb=None,
        vin=None,
        barter_contract="BC-2026-0001",
        items=(
            GoodsItem(
                hs_code="8429.52",
                description="Hydraulic excavator, 21 t",
                quantity=Decimal("6"),
                unit="PCE",
                value=Decimal("1260000.00"),
                currency="CNY",
                origin="CN",
            ),
        ),
        statuses=(
            ("02", "2026-10-05T09:00:00+08:00"),
            ("01", "2026-10-05T09:40:00+08:00"),
            ("09", "2026-10-06T15:00:00+08:00"),
            ("16", "2026-10-08T12:00:00+08:00"),
        ),
    ),
    Declaration(
        id="26CN6501B000000004",
        lrn="HG-BC-2026-0001-2",
        declarant=HORGOS,
        direction="EXPORT",
        procedure="0130",
        office="CN9401 Urumqi Diwopu Airport Customs",
        awb="999-20260015",
        vin=None,
        barter_contract="BC-2026-0001",
        items=(
            GoodsItem(
                hs_code="8431.49",
                description="Excavator hydraulic units",
                quantity=Decimal("4"),
                unit="PCE",
                value=Decimal("180000.00"),
                currency="CNY",
                origin="CN",
            ),
        ),
        statuses=(
            ("02", "2026-11-18T09:00:00+08:00"),
            ("01", "2026-11-18T09:35:00+08:00"),
            ("06", "2026-11-18T11:00:00+08:00"),
        ),
    ),
    Declaration(
        id="26CN3100E000000021",
        lrn="PD-2026-1102",
        declarant=PUDONG,
        direction="EXPORT",
        procedure="0110",
        office="CN2233 Shanghai Pudong Airport Customs",
        awb="999-12345675",
        vin=None,
        barter_contract=None,
        items=(
            GoodsItem(
                hs_code="8433.90",
                description="Parts of harvesting machinery",
                quantity=Decimal("12"),
                unit="PCE",
                value=Decimal("412000.00"),
                currency="CNY",
                origin="CN",
            ),
        ),
        statuses=(
            ("02", "2026-11-02T10:00:00+08:00"),
            ("01", "2026-11-02T10:15:00+08:00"),
            ("09", "2026-11-03T09:00:00+08:00"),
            ("16", "2026-11-04T10:30:00+08:00"),
        ),
    ),
    Declaration(
        id="26CN5100E000000033",
        lrn="PD-2026-1110",
        declarant=PUDONG,
        direction="EXPORT",
        procedure="0110",
        office="CN5141 Guangzhou Baiyun Airport Customs",
        awb="784-30791202",
        vin=None,
        barter_contract=None,
        items=(
            GoodsItem(
                hs_code="8708.40",
                description="Gearboxes for tractors",
                quantity=Decimal("30"),
                unit="PCE",
                value=Decimal("955000.00"),
                currency="CNY",
                origin="CN",
            ),
        ),
        statuses=(
            ("02", "2026-11-10T12:00:00+08:00"),
            ("01", "2026-11-10T12:30:00+08:00"),
            ("05", "2026-11-11T09:00:00+08:00"),
            ("09", "2026-11-11T16:00:00+08:00"),
        ),
    ),
)


#: The Kazakh (EAEU) side: export declarations filed with the State Revenue Committee of Kazakhstan (ASTANA-1),
#: not with Chinese customs, so the Chinese customs sandbox does not hold them. Procedure 10 is the EAEU export
#: procedure; the barter contract's wheat leg cites this one.
EAEU_DECLARATIONS: tuple[Declaration, ...] = (
    Declaration(
        id="26KZ0101I000000451",
        lrn="AG-BC-2026-0001-B1",
        declarant=ASTANA_GRAIN,
        direction="EXPORT",
        procedure="10",
        office="KZ55201 Khorgos customs post (Eastern Gate)",
        awb=None,
        vin=None,
        barter_contract="BC-2026-0001",
        items=(
            GoodsItem(
                hs_code="1001.99",
                description="Wheat, milling grade 3",
                quantity=Decimal("375"),
                unit="TNE",
                value=Decimal("750000.00"),
                currency="CNY",
                origin="KZ",
            ),
        ),
        statuses=(
            ("02", "2026-10-30T10:00:00+05:00"),
            ("01", "2026-10-30T11:00:00+05:00"),
            ("09", "2026-10-31T15:00:00+05:00"),
            ("16", "2026-11-02T09:00:00+05:00"),
        ),
    ),
)
