"""The used-car export rules (domain.md §6), as plain functions of a filing and a date.

* A "pending export" temporary plate is valid for **60 days** from issue.
* From **2026-01-01**, a car exported **≤180 days** after its first registration needs the manufacturer's
  after-sales confirmation for its export licence.
* The domestic registration must be cancelled (deregistration) about **two months** after the car exits.

Rule breaches are data, not errors: :func:`violations` lists them so a dossier shows them next to the car.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt

from adapters.vehicles.model import ExportFiling

__all__ = [
    "CONFIRMATION_RULE_FROM",
    "RECENT_REGISTRATION_DAYS",
    "TEMP_PLATE_DAYS",
    "Violation",
    "deregistration_deadline",
    "deregistration_status",
    "effective_status",
    "temp_plate_expired",
    "temp_plate_expiry",
    "violations",
]

TEMP_PLATE_DAYS = 60
RECENT_REGISTRATION_DAYS = 180
CONFIRMATION_RULE_FROM = dt.date(2026, 1, 1)
DEREGISTRATION_MONTHS = 2

#: statuses in which the car is still in the country, driving on its temporary plate
_BEFORE_EXIT = frozenset({"PURCHASED", "TRANSFER_PENDING_EXPORT", "TESTED", "LICENSED", "DECLARED"})


@dataclasses.dataclass(frozen=True, kw_only=True)
class Violation:
    code: str
    message: str


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def temp_plate_expiry(issued_on: dt.date | None) -> dt.date | None:
    """The last day a temporary plate is valid: 60 days after issue."""
    return None if issued_on is None else issued_on + dt.timedelta(days=TEMP_PLATE_DAYS)


def temp_plate_expired(filing: ExportFiling, today: dt.date) -> bool:
    expiry = temp_plate_expiry(filing.temp_plate_issued_on)
    return expiry is not None and today > expiry


def deregistration_deadline(exited_on: dt.date | None) -> dt.date | None:
    """Deregistration is due two calendar months after the car exits."""
    return None if exited_on is None else _add_months(exited_on, DEREGISTRATION_MONTHS)


def deregistration_status(filing: ExportFiling, today: dt.date) -> str:
    """NOT_DUE (not exited yet), PENDING, OVERDUE or DONE."""
    if filing.deregistered_on is not None or filing.status == "DEREGISTERED":
        return "DONE"
    deadline = deregistration_deadline(filing.exited_on)
    if deadline is None:
        return "OVERDUE" if filing.status == "OVERDUE_DEREGISTRATION" else "NOT_DUE"
    return "OVERDUE" if today > deadline or filing.status == "OVERDUE_DEREGISTRATION" else "PENDING"


def effective_status(filing: ExportFiling, today: dt.date) -> str:
    """The legacy status, except that an exited car past its deregistration deadline is OVERDUE_DEREGISTRATION."""
    if filing.status == "EXITED" and deregistration_status(filing, today) == "OVERDUE":
        return "OVERDUE_DEREGISTRATION"
    return filing.status


def _export_reference_date(filing: ExportFiling, today: dt.date) -> dt.date:
    """When the car is exported for the 180-day rule: its licence date, else its exit, else today."""
    return filing.licence_date or filing.exited_on or today


def violations(filing: ExportFiling, today: dt.date) -> list[Violation]:
    """Every export rule the filing breaks on ``today``, in procedure order."""
    found: list[Violation] = []
    reference = _export_reference_date(filing, today)
    age = (reference - filing.first_registered_on).days
    if reference >= CONFIRMATION_RULE_FROM and age <= RECENT_REGISTRATION_DAYS and not filing.manufacturer_confirmation:
        found.append(
            Violation(
                code="MANUFACTURER_CONFIRMATION_MISSING",
                message=(
                    f"first registered {filing.first_registered_on.isoformat()}, {age} days before export "
                    f"({reference.isoformat()}); since {CONFIRMATION_RULE_FROM.isoformat()} a car exported within "
                    f"{RECENT_REGISTRATION_DAYS} days of first registration needs the manufacturer's after-sales "
                    "confirmation for its export licence"
                ),
            )
        )
    if filing.status in _BEFORE_EXIT and temp_plate_expired(filing, today):
        expiry = temp_plate_expiry(filing.temp_plate_issued_on)
        assert expiry is not None
        found.append(
            Violation(
                code="TEMP_PLATE_EXPIRED",
                message=(
                    f"temporary plate {filing.temp_plate or '(unnumbered)'} expired on {expiry.isoformat()} "
                    f"({TEMP_PLATE_DAYS} days after issue) and the car has not exited"
                ),
            )
        )
    if filing.licence_status == "ISSUED" and filing.test_result != "PASSED":
        found.append(
            Violation(
                code="LICENCE_WITHOUT_PASSED_TEST",
                message="an export licence was issued but no passed destination-standard test is on file",
            )
        )
    if deregistration_status(filing, today) == "OVERDUE":
        deadline = deregistration_deadline(filing.exited_on)
        due = f"was due by {deadline.isoformat()}" if deadline else "is overdue"
        found.append(
            Violation(
                code="DEREGISTRATION_OVERDUE",
                message=f"the car exited but its domestic registration is not cancelled; deregistration {due}",
            )
        )
    return found
