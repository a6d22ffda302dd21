"""Vehicles of the story: the used cars exported, with their plates, status and declarations."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from adapters.story.traders import ALMATY_AUTO, HAIXIN


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
        declaration="420120260000000817",
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
        declaration="940320260000000702",
        awb=None,
        manufacturer_confirmation=False,
    ),
)
