"""Customs of the story: the Chinese export declarations (出口货物报关单) and the Kazakh (EAEU) one.

Each Chinese declaration carries what the form carries: the 18-digit entry number, the customs office of
declaration and the exit customs (4-digit GACC codes), trade mode, transaction terms, transport mode and the
means of transport, the transport document (the air waybill for air), supporting documents, and goods items
with their 10-digit tariff code, declared quantity and legal units. Codes are those of
:mod:`adapters.customs.codes`; docs/customs-wco.md maps every field to the WCO Data Model.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from adapters.story.traders import ASTANA_GRAIN, HAIXIN, HORGOS, PUDONG


@dataclasses.dataclass(frozen=True, kw_only=True)
class GoodsItem:
    tariff_code: str  # 10 digits: 8-digit Chinese tariff code + 2 statistical digits
    description: str
    quantity: Decimal  # declared (成交) quantity
    unit: str  # GACC unit code of the declared quantity, e.g. "003" vehicle
    legal_quantity: Decimal  # in the first legal unit (法定第一计量单位)
    legal_unit: str
    value: Decimal  # total price of the item
    currency: str
    origin: str
    destination: str
    second_quantity: Decimal | None = None  # in the second legal unit, where the tariff has one
    second_unit: str | None = None
    exemption: str = "1"  # 征免方式: 1 duty as per tariff

    @property
    def hs_code(self) -> str:
        """The HS subheading the other systems name (``8703.23``)."""
        return f"{self.tariff_code[:4]}.{self.tariff_code[4:6]}"

    @property
    def unit_price(self) -> Decimal:
        return (self.value / self.quantity).quantize(Decimal("0.0001"))


@dataclasses.dataclass(frozen=True, kw_only=True)
class Declaration:
    id: str  # customs entry number (报关单号), 18 digits; the EAEU one keeps its own numbering
    lrn: str
    declarant: tuple[str, str]
    direction: str  # EXPORT | IMPORT
    procedure: str  # trade mode (监管方式), e.g. "0110" general trade, "0130" barter
    office: str  # customs office of declaration (申报地海关)
    exit_office: str  # exit customs (出境关别)
    departure_port: str  # where the goods leave: IATA airport for air, the land port's name for road
    transport_mode: str  # 运输方式: "4" road, "5" air
    conveyance: str  # means of transport: flight number, or the truck's plate
    voyage: str | None  # flight date (yyyymmdd) once known
    awb: str | None  # the transport document (提运单号) of an air shipment
    vin: str | None
    barter_contract: str | None
    transaction_terms: str  # 成交方式 code
    licences: tuple[tuple[str, str], ...]  # supporting documents (随附单证): (code, number)
    items: tuple[GoodsItem, ...]
    levy_nature: str = "101"  # 征免性质: 101 general taxation
    #: release flow reached: DECLARED -> REVIEWED | INSPECTED -> RELEASED -> CLEARED, with times
    statuses: tuple[tuple[str, str], ...]


def _car(tariff: str, description: str, value: str, weight: str, origin: str) -> GoodsItem:
    return GoodsItem(
        tariff_code=tariff,
        description=description,
        quantity=Decimal("1"),
        unit="003",
        legal_quantity=Decimal("1"),
        legal_unit="003",
        second_quantity=Decimal(weight),
        second_unit="035",
        value=Decimal(value),
        currency="CNY",
        origin=origin,
        destination="KZ",
    )


DECLARATIONS: tuple[Declaration, ...] = (
    Declaration(
        id="420120260000000817",
        lrn="HX-2026-0815",
        declarant=HAIXIN,
        direction="EXPORT",
        procedure="0110",
        office="4201",
        exit_office="9401",  # flown on to Urumqi on the same air waybill, where it leaves China
        departure_port="URC",
        transport_mode="5",
        conveyance="CZ6007",
        voyage="20261123",
        awb="784-20260026",
        vin="LSVAM418XP2184847",
        barter_contract=None,
        transaction_terms="3",
        licences=(("4", "EL2026-3702-00815"),),
        items=(_car("8703234110", "Used passenger car, SAIC Volkswagen, 1.8 l", "86000.00", "1560", "CN"),),
        statuses=(
            ("DECLARED", "2026-11-19T10:00:00+08:00"),
            ("REVIEWED", "2026-11-19T10:20:00+08:00"),
            ("RELEASED", "2026-11-20T16:00:00+08:00"),
            ("CLEARED", "2026-11-24T10:00:00+08:00"),
        ),
    ),
    Declaration(
        id="940320260000000702",
        lrn="HX-2026-0702",
        declarant=HAIXIN,
        direction="EXPORT",
        procedure="0110",
        office="9403",  # by road through the Khorgos land port: no air waybill
        exit_office="9403",
        departure_port="Khorgos road port",
        transport_mode="4",
        conveyance="新F·H0702",
        voyage=None,
        awb=None,
        vin="JHMCM5653HC404453",
        barter_contract=None,
        transaction_terms="3",
        licences=(("4", "EL2026-3702-00702"),),
        items=(_car("8703234110", "Used passenger car, Honda Accord, 2.4 l", "54000.00", "1480", "JP"),),
        statuses=(
            ("DECLARED", "2026-08-20T09:00:00+08:00"),
            ("REVIEWED", "2026-08-20T09:30:00+08:00"),
            ("RELEASED", "2026-08-21T11:00:00+08:00"),
            ("CLEARED", "2026-08-25T18:00:00+08:00"),
        ),
    ),
    Declaration(
        id="940320260000001003",
        lrn="HG-BC-2026-0001-1",
        declarant=HORGOS,
        direction="EXPORT",
        procedure="0130",
        office="9403",
        exit_office="9403",
        departure_port="Khorgos road port",
        transport_mode="4",
        conveyance="新F·H1005",
        voyage=None,
        awb=None,
        vin=None,
        barter_contract="BC-2026-0001",
        transaction_terms="1",  # DAP Khorgos
        licences=(),
        items=(
            GoodsItem(
                tariff_code="8429521200",
                description="Hydraulic excavator, 21 t",
                quantity=Decimal("6"),
                unit="001",
                legal_quantity=Decimal("6"),
                legal_unit="001",
                second_quantity=Decimal("126000"),
                second_unit="035",
                value=Decimal("1260000.00"),
                currency="CNY",
                origin="CN",
                destination="KZ",
            ),
        ),
        statuses=(
            ("DECLARED", "2026-10-05T09:00:00+08:00"),
            ("INSPECTED", "2026-10-05T14:00:00+08:00"),
            ("RELEASED", "2026-10-06T15:00:00+08:00"),
            ("CLEARED", "2026-10-08T12:00:00+08:00"),
        ),
    ),
    Declaration(
        id="940120260000001118",
        lrn="HG-BC-2026-0001-2",
        declarant=HORGOS,
        direction="EXPORT",
        procedure="0130",
        office="9401",
        exit_office="9401",
        departure_port="URC",
        transport_mode="5",
        conveyance="CA7733",
        voyage="20261120",
        awb="999-20260015",
        vin=None,
        barter_contract="BC-2026-0001",
        transaction_terms="2",  # CPT Astana
        licences=(),
        items=(
            GoodsItem(
                tariff_code="8431499900",
                description="Excavator hydraulic units",
                quantity=Decimal("4"),
                unit="011",
                legal_quantity=Decimal("2960.0"),
                legal_unit="035",
                value=Decimal("180000.00"),
                currency="CNY",
                origin="CN",
                destination="KZ",
            ),
        ),
        statuses=(
            ("DECLARED", "2026-11-18T09:00:00+08:00"),
            ("REVIEWED", "2026-11-18T11:00:00+08:00"),
            ("RELEASED", "2026-11-19T15:00:00+08:00"),
            ("CLEARED", "2026-11-21T10:00:00+08:00"),
        ),
    ),
    Declaration(
        id="223320260000011021",
        lrn="PD-2026-1102",
        declarant=PUDONG,
        direction="EXPORT",
        procedure="0110",
        office="2233",
        exit_office="0101",  # on to Beijing on the same air waybill, where it leaves China
        departure_port="PEK",
        transport_mode="5",
        conveyance="CA909",
        voyage="20261105",
        awb="999-12345675",
        vin=None,
        barter_contract=None,
        transaction_terms="3",
        licences=(),
        items=(
            GoodsItem(
                tariff_code="8433901000",
                description="Parts of harvesting machinery",
                quantity=Decimal("12"),
                unit="011",
                legal_quantity=Decimal("1840.5"),
                legal_unit="035",
                value=Decimal("412000.00"),
                currency="CNY",
                origin="CN",
                destination="RU",
            ),
        ),
        statuses=(
            ("DECLARED", "2026-11-02T10:00:00+08:00"),
            ("REVIEWED", "2026-11-02T10:15:00+08:00"),
            ("RELEASED", "2026-11-03T09:00:00+08:00"),
            ("CLEARED", "2026-11-06T10:00:00+08:00"),
        ),
    ),
    Declaration(
        id="514120260000011033",
        lrn="PD-2026-1110",
        declarant=PUDONG,
        direction="EXPORT",
        procedure="0110",
        office="5141",
        exit_office="9401",  # leaves China at Urumqi, where the shipment now waits for its onward flight
        departure_port="URC",
        transport_mode="5",
        conveyance="CZ6061",
        voyage=None,
        awb="784-30791202",
        vin=None,
        barter_contract=None,
        transaction_terms="3",
        licences=(),
        items=(
            GoodsItem(
                tariff_code="8708409100",
                description="Gearboxes for tractors",
                quantity=Decimal("30"),
                unit="011",
                legal_quantity=Decimal("4210.0"),
                legal_unit="035",
                value=Decimal("955000.00"),
                currency="CNY",
                origin="CN",
                destination="BY",
            ),
        ),
        statuses=(
            ("DECLARED", "2026-11-10T12:00:00+08:00"),
            ("INSPECTED", "2026-11-11T09:00:00+08:00"),
            ("RELEASED", "2026-11-11T16:00:00+08:00"),
        ),
    ),
)


#: The Kazakh (EAEU) side: export declarations filed with the State Revenue Committee of Kazakhstan (ASTANA-1),
#: not with Chinese customs, so the Chinese customs sandbox does not hold them. Procedure 10 is the EAEU export
#: procedure; units are OKEI codes (168 tonne, 166 kg); the barter contract's wheat leg cites this one.
EAEU_DECLARATIONS: tuple[Declaration, ...] = (
    Declaration(
        id="26KZ0101I000000451",
        lrn="AG-BC-2026-0001-B1",
        declarant=ASTANA_GRAIN,
        direction="EXPORT",
        procedure="10",
        office="55201",
        exit_office="55201",
        departure_port="Khorgos road port",
        transport_mode="4",
        conveyance="KZ 451 AG 05",
        voyage=None,
        awb=None,
        vin=None,
        barter_contract="BC-2026-0001",
        transaction_terms="1",  # DAP Khorgos
        licences=(),
        items=(
            GoodsItem(
                tariff_code="1001990000",
                description="Wheat, milling grade 3",
                quantity=Decimal("375"),
                unit="168",
                legal_quantity=Decimal("375000"),
                legal_unit="166",
                value=Decimal("750000.00"),
                currency="CNY",
                origin="KZ",
                destination="CN",
            ),
        ),
        statuses=(
            ("DECLARED", "2026-10-30T10:00:00+05:00"),
            ("REVIEWED", "2026-10-30T11:00:00+05:00"),
            ("RELEASED", "2026-10-31T15:00:00+05:00"),
        ),
    ),
)
