"""Cargo of the story: the air waybills the airlines carry and the status events reached so far."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from adapters.story.traders import ALMATY_AUTO, ASTANA_GRAIN, HAIXIN, HORGOS, MINSK, MUMBAI, PUDONG, VOLGA


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
