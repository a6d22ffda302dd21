from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from adapters.vehicles import rules
from adapters.vehicles.model import ExportFiling, Party

FILING = ExportFiling(
    vin="LVSHCAMB1TE123456",
    exporter=Party(country="CN", tax_id="91370281MA3C5R7B0C"),
    buyer=Party(country="KZ", tax_id="191240005671"),
    first_registered_on=dt.date(2026, 7, 1),
    purchased_on=dt.date(2026, 10, 20),
    temp_plate="鲁B·临0921",
    temp_plate_issued_on=dt.date(2026, 10, 25),
    test_result="PASSED",
    tested_on=dt.date(2026, 10, 26),
    licence_status="ISSUED",
    licence_number="EL2026-3702-00921",
    licence_date=dt.date(2026, 10, 28),
    manufacturer_confirmation=False,
    declaration_mrn=None,
    awb="784-20260026",
    exited_on=None,
    deregistered_on=None,
    status="LICENSED",
    mileage_km=4800,
    price=Decimal("132000.00"),
    currency="CNY",
)
TODAY = dt.date(2026, 11, 28)


def filing(**changes: Any) -> ExportFiling:
    return dataclasses.replace(FILING, **changes)


def codes(f: ExportFiling, today: dt.date = TODAY) -> list[str]:
    return [v.code for v in rules.violations(f, today)]


def test_a_temporary_plate_is_valid_for_sixty_days() -> None:
    assert rules.temp_plate_expiry(dt.date(2026, 10, 25)) == dt.date(2026, 12, 24)
    assert rules.temp_plate_expiry(None) is None
    assert not rules.temp_plate_expired(FILING, dt.date(2026, 12, 24))
    assert rules.temp_plate_expired(FILING, dt.date(2026, 12, 25))


def test_deregistration_is_due_two_calendar_months_after_exit() -> None:
    assert rules.deregistration_deadline(dt.date(2026, 11, 22)) == dt.date(2027, 1, 22)
    assert rules.deregistration_deadline(dt.date(2026, 12, 31)) == dt.date(2027, 2, 28)
    assert rules.deregistration_deadline(dt.date(2027, 12, 31)) == dt.date(2028, 2, 29)
    assert rules.deregistration_deadline(None) is None


def test_a_car_registered_within_180_days_without_confirmation_breaks_the_2026_rule() -> None:
    (violation,) = rules.violations(FILING, TODAY)
    assert violation.code == "MANUFACTURER_CONFIRMATION_MISSING"
    assert "119 days" in violation.message
    assert "manufacturer" in violation.message


def test_the_confirmation_rule_is_met_by_the_confirmation_or_by_age() -> None:
    assert codes(filing(manufacturer_confirmation=True)) == []
    assert codes(filing(first_registered_on=dt.date(2026, 4, 30))) == []  # 181 days before the licence
    assert codes(filing(first_registered_on=dt.date(2026, 5, 1))) == ["MANUFACTURER_CONFIRMATION_MISSING"]


def test_the_confirmation_rule_applies_only_from_2026() -> None:
    old = filing(first_registered_on=dt.date(2025, 9, 1), licence_date=dt.date(2025, 12, 31))
    assert codes(old) == []


def test_without_a_licence_date_the_rule_measures_to_exit_or_today() -> None:
    unlicensed = filing(licence_date=None, licence_status="APPLIED", status="TESTED")
    assert codes(unlicensed, dt.date(2026, 12, 1)) == ["MANUFACTURER_CONFIRMATION_MISSING"]
    assert codes(unlicensed, dt.date(2026, 12, 29)) == ["TEMP_PLATE_EXPIRED"]  # 181 days: rule no longer applies


def test_an_expired_plate_matters_only_while_the_car_is_still_in_the_country() -> None:
    later = dt.date(2027, 1, 5)
    assert "TEMP_PLATE_EXPIRED" in codes(filing(manufacturer_confirmation=True), later)
    exited = filing(manufacturer_confirmation=True, status="EXITED", exited_on=dt.date(2026, 12, 1))
    assert "TEMP_PLATE_EXPIRED" not in codes(exited, later)


def test_a_licence_without_a_passed_test_is_a_violation() -> None:
    assert codes(filing(manufacturer_confirmation=True, test_result="FAILED")) == ["LICENCE_WITHOUT_PASSED_TEST"]


def test_deregistration_status_and_overdue() -> None:
    exited = filing(manufacturer_confirmation=True, status="EXITED", exited_on=dt.date(2026, 11, 22))
    assert rules.deregistration_status(FILING, TODAY) == "NOT_DUE"
    assert rules.deregistration_status(exited, dt.date(2027, 1, 22)) == "PENDING"
    assert rules.deregistration_status(exited, dt.date(2027, 1, 23)) == "OVERDUE"
    assert rules.effective_status(exited, dt.date(2027, 1, 22)) == "EXITED"
    assert rules.effective_status(exited, dt.date(2027, 1, 23)) == "OVERDUE_DEREGISTRATION"
    assert codes(exited, dt.date(2027, 1, 23)) == ["DEREGISTRATION_OVERDUE"]
    done = dataclasses.replace(exited, status="DEREGISTERED", deregistered_on=dt.date(2027, 1, 10))
    assert rules.deregistration_status(done, dt.date(2027, 6, 1)) == "DONE"
    assert rules.effective_status(done, dt.date(2027, 6, 1)) == "DEREGISTERED"


def test_a_legacy_overdue_status_without_exit_date_is_still_overdue() -> None:
    overdue = filing(manufacturer_confirmation=True, status="OVERDUE_DEREGISTRATION")
    assert rules.deregistration_status(overdue, TODAY) == "OVERDUE"
    (violation,) = rules.violations(overdue, TODAY)
    assert violation.code == "DEREGISTRATION_OVERDUE"
    assert "is overdue" in violation.message
