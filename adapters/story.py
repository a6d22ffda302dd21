"""The one trade story every sandbox is seeded from.

Every legacy sandbox (tax, customs, payments, cargo, barter, vehicles) seeds its state from these records, so
one query through the gateway tells a cross-border trade end to end: the same companies, air waybills, VINs,
barter contracts, declarations and payments appear in every system.

The story (autumn 2026):

* **Qingdao Haixin Trading** (CN) exports used cars to **Almaty Auto Import** (KZ): a 2017 Honda left by road
  through Khorgos in August and is deregistered; a 2023 SAIC Volkswagen flew TAO-URC-ALA on one air waybill
  (one piece, declared with its VIN); a 2026 Changan Ford is licensed but waits for the manufacturer's
  after-sales confirmation (first registered under 180 days ago), so it is neither declared nor shipped. The
  export VAT rebate rests on the purchase invoice of the Qingdao used-car market that sold Haixin the car.
* **Horgos Border Trade** (CN) and **Astana Grain Trading** (KZ) run closed barter contract ``BC-2026-0001``:
  excavators and hydraulic units (1,440,000 CNY) against 720 t of wheat at 2,000 CNY/t, customs procedure
  0130; the Chinese legs are delivered, the first wheat leg left Kazakhstan under the EAEU export declaration
  in :data:`EAEU_DECLARATIONS`.
* **Shanghai Pudong Machinery Export** (CN) flies machine parts to **Volga Agro Import** (RU) on Air China
  (ONE Record airline, prefix 999) and to **Minsk Tractor Parts** (BY) on China Southern (Cargo-XML
  airline, prefix 784); payments in CNY and RUB, one held for compliance, one rejected (RR04).
* **Mumbai Pulses Export** (IN) ships chickpeas to Horgos; an export rebate and a fapiao are on file.

Partner agencies (tenants) see only the companies listed under them (``Company.agencies``).
All identifiers are valid by their rules (USCC, INN, BIN, UNP, GSTIN check digits; AWB mod 7; VIN check digit
where the maker uses one, and a model-year code that fits the first registration). Prices sit inside the ranges
of :mod:`adapters.story_prices`; ``tests/adapters/test_story.py`` cross-checks the whole story. Fixed UUIDs keep
every run deterministic.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

__all__ = [
    "ACCOUNTS",
    "AGENCIES",
    "BARTER_CONTRACTS",
    "COMPANIES",
    "DECLARATIONS",
    "EAEU_DECLARATIONS",
    "INVOICES",
    "PAYMENTS",
    "SHIPMENTS",
    "SUPPLIERS",
    "VEHICLES",
    "Account",
    "BarterContract",
    "BarterGoods",
    "Company",
    "Declaration",
    "GoodsItem",
    "Invoice",
    "Payment",
    "Shipment",
    "Vehicle",
    "company",
]


@dataclasses.dataclass(frozen=True, kw_only=True)
class Company:
    country: str  # ISO 3166 alpha-2
    tax_id: str
    name: str
    name_local: str
    city: str
    address: str
    registered_on: str  # ISO date
    status: str  # ACTIVE | SUSPENDED | DEREGISTERED
    vat_payer: str  # GENERAL | SMALL_SCALE | NOT_REGISTERED
    agencies: tuple[str, ...]  # partner agencies allowed to see this company


@dataclasses.dataclass(frozen=True, kw_only=True)
class Account:
    owner: tuple[str, str]  # (country, tax_id)
    bic: str
    number: str  # IBAN where the country uses one, else the domestic account number
    iban: bool
    currency: str
    opening_balance: Decimal
    status: str = "OPEN"  # OPEN | CLOSED | BLOCKED


@dataclasses.dataclass(frozen=True, kw_only=True)
class Payment:
    uetr: str
    msg_id: str
    end_to_end_id: str
    debtor: tuple[str, str]
    debtor_account: str
    creditor: tuple[str, str]
    creditor_account: str
    amount: Decimal
    currency: str
    charge_bearer: str  # DEBT | CRED | SHAR | SLEV
    remittance: str
    settlement_date: str
    #: final status the rail reaches for this seeded payment, with its reason code if any
    outcome: str  # ACSC | PDNG | RJCT
    reason: str | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class Shipment:
    awb: str  # PPP-SSSSSSSC
    shipper: tuple[str, str]
    consignee: tuple[str, str]
    origin: str  # IATA airport
    destination: str
    route: tuple[str, ...]  # flight legs, e.g. ("CA1043 TAO-PEK", "CA909 PEK-SVO")
    pieces: int
    weight_kg: Decimal
    volume_m3: Decimal
    goods: str
    hs_code: str
    #: status codes reached so far, in order, with their ISO timestamps and airports
    events: tuple[tuple[str, str, str], ...]


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


@dataclasses.dataclass(frozen=True, kw_only=True)
class BarterGoods:
    side: str  # the party (country) delivering these goods: "A" or "B"
    hs_code: str
    description: str
    quantity: Decimal
    unit: str
    unit_value: Decimal
    origin: str
    incoterms: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class BarterContract:
    id: str
    number: str
    signed_on: str
    party_a: tuple[str, str]
    party_b: tuple[str, str]
    kind: str  # CLOSED | OPEN | TOLLING
    reference_currency: str
    valid_until: str
    counter_delivery_deadline: str
    status: str  # DRAFT | SIGNED | IN_EXECUTION | BALANCED | OVERDUE | CLOSED
    goods: tuple[BarterGoods, ...]
    #: deliveries: (side, hs_code, quantity, declaration MRN, awb or None, date)
    deliveries: tuple[tuple[str, str, Decimal, str, str | None, str], ...]
    tolerance_pct: Decimal = Decimal("2.0")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Vehicle:
    vin: str
    exporter: tuple[str, str]
    buyer: tuple[str, str]
    first_registered_on: str
    purchased_on: str
    temp_plate: str
    temp_plate_issued_on: str
    status: str  # PURCHASED … DEREGISTERED (domain.md §6)
    mileage_km: int
    price: Decimal
    currency: str
    declaration: str | None
    awb: str | None
    manufacturer_confirmation: bool


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


AGENCIES: dict[str, str] = {
    "qingdao-broker": "Qingdao Customs Brokerage Service (partner agency, CN)",
    "kz-trade-agency": "Kazakhstan Trade Facilitation Agency (partner agency, KZ)",
    "ru-export-center": "Russian Export Support Center (partner agency, RU)",
}

HAIXIN = ("CN", "91370281MA3C5R7B0C")
HORGOS = ("CN", "91650000MA77X8TQ31")
PUDONG = ("CN", "91310115MA1K3Y4A90")
ALMATY_AUTO = ("KZ", "191240005671")
ASTANA_GRAIN = ("KZ", "240540001232")
VOLGA = ("RU", "7707083893")
MINSK = ("BY", "200988541")
MUMBAI = ("IN", "27AAPFU0939F1ZV")

COMPANIES: tuple[Company, ...] = (
    Company(
        country="CN",
        tax_id=HAIXIN[1],
        name="Qingdao Haixin Trading Co., Ltd.",
        name_local="青岛海信贸易有限公司",
        city="Qingdao",
        address="88 Haier Road, Laoshan District, Qingdao, Shandong",
        registered_on="2019-03-12",
        status="ACTIVE",
        vat_payer="GENERAL",
        agencies=("qingdao-broker",),
    ),
    Company(
        country="CN",
        tax_id=HORGOS[1],
        name="Xinjiang Horgos Border Trade Co., Ltd.",
        name_local="新疆霍尔果斯边境贸易有限公司",
        city="Horgos",
        address="12 Kazakhstan Street, Horgos, Ili, Xinjiang",
        registered_on="2016-08-01",
        status="ACTIVE",
        vat_payer="GENERAL",
        agencies=("qingdao-broker", "kz-trade-agency"),
    ),
    Company(
        country="CN",
        tax_id=PUDONG[1],
        name="Shanghai Pudong Machinery Export Co., Ltd.",
        name_local="上海浦东机械出口有限公司",
        city="Shanghai",
        address="501 Zhangjiang Road, Pudong New Area, Shanghai",
        registered_on="2018-05-20",
        status="ACTIVE",
        vat_payer="GENERAL",
        agencies=("qingdao-broker", "ru-export-center"),
    ),
    Company(
        country="KZ",
        tax_id=ALMATY_AUTO[1],
        name="Almaty Auto Import LLP",
        name_local="ТОО «Алматы Авто Импорт»",
        city="Almaty",
        address="150 Abay Avenue, Almaty",
        registered_on="2019-12-04",
        status="ACTIVE",
        vat_payer="GENERAL",
        agencies=("kz-trade-agency",),
    ),
    Company(
        country="KZ",
        tax_id=ASTANA_GRAIN[1],
        name="Astana Grain Trading LLP",
        name_local="ТОО «Астана Грейн Трейдинг»",
        city="Astana",
        address="7 Kabanbay Batyr Avenue, Astana",
        registered_on="2024-05-15",
        status="ACTIVE",
        vat_payer="GENERAL",
        agencies=("kz-trade-agency",),
    ),
    Company(
        country="RU",
        tax_id=VOLGA[1],
        name="Volga Agro Import LLC",
        name_local="ООО «Волга Агро Импорт»",
        city="Moscow",
        address="19 Vavilova Street, Moscow",
        registered_on="2002-08-16",
        status="ACTIVE",
        vat_payer="GENERAL",
        agencies=("ru-export-center",),
    ),
    Company(
        country="BY",
        tax_id=MINSK[1],
        name="Minsk Tractor Parts JSC",
        name_local="ОАО «Минские тракторные запчасти»",
        city="Minsk",
        address="29 Dolginovsky Tract, Minsk",
        registered_on="2008-02-27",
        status="ACTIVE",
        vat_payer="GENERAL",
        agencies=("ru-export-center",),
    ),
    Company(
        country="IN",
        tax_id=MUMBAI[1],
        name="Mumbai Pulses Export Pvt. Ltd.",
        name_local="Mumbai Pulses Export Pvt. Ltd.",
        city="Mumbai",
        address="Plot 4, MIDC Andheri East, Mumbai, Maharashtra",
        registered_on="2017-07-01",
        status="SUSPENDED",
        vat_payer="GENERAL",
        agencies=(),
    ),
)


def company(key: tuple[str, str]) -> Company:
    """The story's company with this (country, tax id)."""
    for c in COMPANIES:
        if (c.country, c.tax_id) == key:
            return c
    raise KeyError(key)


ACCOUNTS: tuple[Account, ...] = (
    Account(
        owner=HAIXIN,
        bic="ICBKCNBJXXX",
        number="6222020200112233445",
        iban=False,
        currency="CNY",
        opening_balance=Decimal("5000000.00"),
    ),
    Account(
        owner=HORGOS,
        bic="BKCHCNBJXXX",
        number="4563510100892233110",
        iban=False,
        currency="CNY",
        opening_balance=Decimal("1200000.00"),
    ),
    Account(
        owner=PUDONG,
        bic="COMMCNSHXXX",
        number="3100661234567890123",
        iban=False,
        currency="CNY",
        opening_balance=Decimal("8000000.00"),
    ),
    Account(
        owner=ALMATY_AUTO,
        bic="HSBKKZKX",
        number="KZ86125KZT5004100100",
        iban=True,
        currency="KZT",
        opening_balance=Decimal("350000000.00"),
    ),
    Account(
        owner=ASTANA_GRAIN,
        bic="HSBKKZKX",
        number="KZ17601A871001726921",
        iban=True,
        currency="KZT",
        opening_balance=Decimal("90000000.00"),
    ),
    Account(
        owner=VOLGA,
        bic="SABRRUMMXXX",
        number="40702810938000012345",
        iban=False,
        currency="RUB",
        opening_balance=Decimal("25000000.00"),
    ),
    Account(
        owner=MINSK,
        bic="AKBBBY2XXXX",
        number="BY13NBRB3600900000002Z00AB00",
        iban=True,
        currency="BYN",
        opening_balance=Decimal("40000.00"),
    ),
    Account(
        owner=MUMBAI,
        bic="SBININBBXXX",
        number="00000031234567890",
        iban=False,
        currency="INR",
        opening_balance=Decimal("2500000.00"),
        status="BLOCKED",
    ),
)

SHIPMENTS: tuple[Shipment, ...] = (
    Shipment(
        awb="999-12345675",
        shipper=PUDONG,
        consignee=VOLGA,
        origin="PVG",
        destination="SVO",
        route=("CA1520 PVG-PEK", "CA909 PEK-SVO"),
        pieces=12,
        weight_kg=Decimal("1840.5"),
        volume_m3=Decimal("9.60"),
        goods="Agricultural machine parts",
        hs_code="8433.90",
        events=(
            ("BKD", "2026-11-02T09:15:00+08:00", "PVG"),
            ("RCS", "2026-11-03T14:40:00+08:00", "PVG"),
            ("MAN", "2026-11-04T08:05:00+08:00", "PVG"),
            ("DEP", "2026-11-04T10:30:00+08:00", "PVG"),
            ("ARR", "2026-11-04T13:05:00+08:00", "PEK"),
            ("DEP", "2026-11-05T02:10:00+08:00", "PEK"),
            ("ARR", "2026-11-05T06:55:00+03:00", "SVO"),
            ("RCF", "2026-11-05T09:20:00+03:00", "SVO"),
            ("NFD", "2026-11-05T11:00:00+03:00", "SVO"),
            ("DLV", "2026-11-06T15:45:00+03:00", "SVO"),
        ),
    ),
    Shipment(
        awb="999-20260015",
        shipper=HORGOS,
        consignee=ASTANA_GRAIN,
        origin="URC",
        destination="NQZ",
        route=("CA7733 URC-NQZ",),
        pieces=4,
        weight_kg=Decimal("2960.0"),
        volume_m3=Decimal("14.20"),
        goods="Excavator spare hydraulic units (barter BC-2026-0001)",
        hs_code="8431.49",
        events=(
            ("BKD", "2026-11-18T10:00:00+08:00", "URC"),
            ("RCS", "2026-11-19T16:20:00+08:00", "URC"),
            ("DEP", "2026-11-20T09:45:00+08:00", "URC"),
        ),
    ),
    Shipment(
        awb="784-30791202",
        shipper=PUDONG,
        consignee=MINSK,
        origin="CAN",
        destination="MSQ",
        route=("CZ6077 CAN-URC", "CZ6061 URC-MSQ"),
        pieces=30,
        weight_kg=Decimal("4210.0"),
        volume_m3=Decimal("22.50"),
        goods="Tractor gearbox assemblies",
        hs_code="8708.40",
        events=(
            ("BKD", "2026-11-10T11:00:00+08:00", "CAN"),
            ("RCS", "2026-11-11T17:30:00+08:00", "CAN"),
            ("MAN", "2026-11-12T06:00:00+08:00", "CAN"),
            ("DEP", "2026-11-12T08:20:00+08:00", "CAN"),
            ("ARR", "2026-11-12T14:10:00+08:00", "URC"),
        ),
    ),
    Shipment(
        awb="784-20260026",
        shipper=HAIXIN,
        consignee=ALMATY_AUTO,
        origin="TAO",
        destination="ALA",
        route=("CZ6947 TAO-URC", "CZ6007 URC-ALA"),
        pieces=1,
        weight_kg=Decimal("1560.0"),
        volume_m3=Decimal("18.00"),
        goods="Used passenger car (1), VIN LSVAM418XP2184847",
        hs_code="8703.23",
        events=(
            ("BKD", "2026-11-20T09:00:00+08:00", "TAO"),
            ("RCS", "2026-11-21T15:10:00+08:00", "TAO"),
            ("DEP", "2026-11-22T07:40:00+08:00", "TAO"),
            ("ARR", "2026-11-22T12:55:00+08:00", "URC"),
            ("DEP", "2026-11-23T09:15:00+08:00", "URC"),
            ("ARR", "2026-11-23T10:05:00+05:00", "ALA"),
            ("RCF", "2026-11-23T12:30:00+05:00", "ALA"),
        ),
    ),
    Shipment(
        awb="999-20260030",
        shipper=MUMBAI,
        consignee=HORGOS,
        origin="BOM",
        destination="URC",
        route=("CA0948 BOM-PEK", "CA1267 PEK-URC"),
        pieces=40,
        weight_kg=Decimal("8000.0"),
        volume_m3=Decimal("12.00"),
        goods="Chickpeas, dried",
        hs_code="0713.20",
        events=(("BKD", "2026-11-25T08:00:00+05:30", "BOM"),),
    ),
)

VEHICLES: tuple[Vehicle, ...] = (
    Vehicle(
        vin="LSVAM418XP2184847",
        exporter=HAIXIN,
        buyer=ALMATY_AUTO,
        first_registered_on="2023-04-18",
        purchased_on="2026-10-02",
        temp_plate="鲁B·临0815",
        temp_plate_issued_on="2026-10-08",
        status="EXITED",
        mileage_km=61200,
        price=Decimal("86000.00"),
        currency="CNY",
        declaration="26CN4201E000000017",
        awb="784-20260026",
        manufacturer_confirmation=False,
    ),
    Vehicle(
        vin="LVSHCAMB1TE123456",
        exporter=HAIXIN,
        buyer=ALMATY_AUTO,
        first_registered_on="2026-07-01",
        purchased_on="2026-10-20",
        temp_plate="鲁B·临0921",
        temp_plate_issued_on="2026-10-25",
        status="LICENSED",
        mileage_km=4800,
        price=Decimal("132000.00"),
        currency="CNY",
        declaration=None,
        awb=None,  # licensed, waiting for the manufacturer's after-sales confirmation: not shipped
        manufacturer_confirmation=False,  # registered ≤180 days before export: rule violation surfaced as data
    ),
    Vehicle(
        vin="JHMCM5653HC404453",
        exporter=HAIXIN,
        buyer=ALMATY_AUTO,
        first_registered_on="2017-09-09",
        purchased_on="2026-08-01",
        temp_plate="鲁B·临0702",
        temp_plate_issued_on="2026-08-05",
        status="DEREGISTERED",
        mileage_km=98300,
        price=Decimal("54000.00"),
        currency="CNY",
        declaration="26CN4201E000000009",
        awb=None,
        manufacturer_confirmation=False,
    ),
)

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

BARTER_CONTRACTS: tuple[BarterContract, ...] = (
    BarterContract(
        id="BC-2026-0001",
        number="HG-KZ/2026/0001",
        signed_on="2026-09-15",
        party_a=HORGOS,
        party_b=ASTANA_GRAIN,
        kind="CLOSED",
        reference_currency="CNY",
        valid_until="2027-09-15",
        counter_delivery_deadline="2027-03-31",
        status="IN_EXECUTION",
        goods=(
            BarterGoods(
                side="A",
                hs_code="8429.52",
                description="Hydraulic excavator, 21 t",
                quantity=Decimal("6"),
                unit="PCE",
                unit_value=Decimal("210000.00"),
                origin="CN",
                incoterms="DAP Khorgos",
            ),
            BarterGoods(
                side="A",
                hs_code="8431.49",
                description="Excavator hydraulic units",
                quantity=Decimal("4"),
                unit="PCE",
                unit_value=Decimal("45000.00"),
                origin="CN",
                incoterms="CPT Astana",
            ),
            BarterGoods(
                side="B",
                hs_code="1001.99",
                description="Wheat, milling grade 3",
                quantity=Decimal("720"),
                unit="TNE",
                unit_value=Decimal("2000.00"),
                origin="KZ",
                incoterms="DAP Khorgos",
            ),
        ),
        deliveries=(
            ("A", "8429.52", Decimal("6"), "26CN6501B000000003", None, "2026-10-08"),
            ("A", "8431.49", Decimal("4"), "26CN6501B000000004", "999-20260015", "2026-11-20"),
            ("B", "1001.99", Decimal("375"), "26KZ0101I000000451", None, "2026-11-02"),
        ),
    ),
)

PAYMENTS: tuple[Payment, ...] = (
    Payment(
        uetr="6513270e-269e-4d37-b2a7-4de452e6b438",
        msg_id="ALMAUTO20261118001",
        end_to_end_id="INV-HX-2026-0815",
        debtor=ALMATY_AUTO,
        debtor_account="KZ86125KZT5004100100",
        creditor=HAIXIN,
        creditor_account="6222020200112233445",
        amount=Decimal("86000.00"),
        currency="CNY",
        charge_bearer="SHAR",
        remittance="Used car LSVAM418XP2184847, contract HX-KZ-0815",
        settlement_date="2026-11-18",
        outcome="ACSC",
    ),
    Payment(
        uetr="d23f0824-128b-4f33-8c5c-7fd0a6a3a450",
        msg_id="VOLGA20261101007",
        end_to_end_id="INV-PD-2026-1102",
        debtor=VOLGA,
        debtor_account="40702810938000012345",
        creditor=PUDONG,
        creditor_account="3100661234567890123",
        amount=Decimal("3950000.00"),
        currency="RUB",
        charge_bearer="DEBT",
        remittance="Machine parts, AWB 999-12345675",
        settlement_date="2026-11-01",
        outcome="ACSC",
    ),
    Payment(
        uetr="9531985d-5d9d-49f8-9818-e811892f902b",
        msg_id="MINSK20261113002",
        end_to_end_id="INV-PD-2026-1110",
        debtor=MINSK,
        debtor_account="BY13NBRB3600900000002Z00AB00",
        creditor=PUDONG,
        creditor_account="3100661234567890123",
        amount=Decimal("955000.00"),
        currency="CNY",
        charge_bearer="SHAR",
        remittance="Tractor gearboxes, AWB 784-30791202",
        settlement_date="2026-11-13",
        outcome="PDNG",  # compliance hold
    ),
    Payment(
        uetr="36f675cc-81e7-4ef5-a8e2-5d940ed90475",
        msg_id="MUMBAI20261126001",
        end_to_end_id="ADV-MP-2026-0030",
        debtor=HORGOS,
        debtor_account="4563510100892233110",
        creditor=MUMBAI,
        creditor_account="00000031234567890",
        amount=Decimal("64000.00"),
        currency="CNY",
        charge_bearer="SHAR",
        remittance="Advance for chickpeas, AWB 999-20260030",
        settlement_date="2026-11-26",
        outcome="RJCT",
        reason="AC06",  # creditor account blocked
    ),
)

#: Domestic suppliers: known to the tax system (they issue the purchase VAT invoices export rebates rest on),
#: trading with no one abroad.
QINGDAO_AUTO = ("CN", "91370211MA7QDA5X2N")
CHANGZHOU_PARTS = ("CN", "91320412MA1XK2C84F")

SUPPLIERS: tuple[Company, ...] = (
    Company(
        country="CN",
        tax_id=QINGDAO_AUTO[1],
        name="Qingdao West Coast Used Car Market Co., Ltd.",
        name_local="青岛西海岸二手车交易市场有限公司",
        city="Qingdao",
        address="66 Changjiang Road, Huangdao District, Qingdao, Shandong",
        registered_on="2018-05-20",
        status="ACTIVE",
        vat_payer="GENERAL",
        agencies=("qingdao-broker",),
    ),
    Company(
        country="CN",
        tax_id=CHANGZHOU_PARTS[1],
        name="Changzhou Harvester & Tractor Parts Co., Ltd.",
        name_local="常州收获机拖拉机零部件有限公司",
        city="Changzhou",
        address="9 Huanghe Road, Xinbei District, Changzhou, Jiangsu",
        registered_on="2015-11-03",
        status="ACTIVE",
        vat_payer="GENERAL",
        agencies=(),
    ),
)

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
        rebate=("RB-2026-000815", "UNDER_REVIEW", "26CN4201E000000017"),
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
        rebate=("RB-2026-001102", "APPROVED", "26CN3100E000000021"),
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
        rebate=("RB-2026-001110", "DATA_MISMATCH", "26CN5100E000000099"),
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
