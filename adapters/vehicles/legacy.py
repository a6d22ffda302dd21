"""The second-hand car export system's legacy records → :class:`ExportFiling`. Plain synchronous functions.

The legacy system speaks upper-snake JSON with dates as ``yyyyMMdd`` strings, empty strings for "none", and
numeric codes for statuses::

    {"VIN_CODE": "LSVAM418XP2184847", "EXPORTER_USCC": "9137...", "BUYER_COUNTRY": "KZ", "BUYER_TAX_NO": "...",
     "REG_DATE": "20230418", "PURCHASE_DATE": "20261002", "TEMP_PLATE_NO": "...", "TEMP_PLATE_DATE": "20261008",
     "TEST_RESULT": "P", "TEST_DATE": "20261012", "LICENCE_STATUS": "02", "LICENCE_NO": "...",
     "LICENCE_DATE": "20261015", "MFR_CONFIRM": "N", "DECL_MRN": "...", "AWB_NO": "784-20260026",
     "EXIT_DATE": "20261122", "DEREG_DATE": "", "STATUS_CD": "60", "MILEAGE": 61200, "PRICE_AMT": "86000.00",
     "CURR_CD": "CNY"}

Anything else is :class:`~gateway.errors.UpstreamProtocolError` naming the field.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from adapters.vehicles.model import ExportFiling, Party
from gateway.errors import UpstreamProtocolError

__all__ = [
    "LICENCE_CODES",
    "SERVICE",
    "STATUS_CODES",
    "TEST_CODES",
    "Page",
    "filing_from_legacy",
    "format_legacy_date",
    "page_from_legacy",
    "parse_legacy_date",
]

SERVICE = "vehicles"

STATUS_CODES = {
    "10": "PURCHASED",
    "20": "TRANSFER_PENDING_EXPORT",
    "30": "TESTED",
    "40": "LICENSED",
    "50": "DECLARED",
    "60": "EXITED",
    "70": "DEREGISTERED",
    "90": "OVERDUE_DEREGISTRATION",
}
LICENCE_CODES = {"00": "NOT_APPLIED", "01": "APPLIED", "02": "ISSUED", "03": "REJECTED"}
TEST_CODES = {"": "NOT_TESTED", "P": "PASSED", "F": "FAILED"}


def _bad(where: str, why: str) -> UpstreamProtocolError:
    return UpstreamProtocolError(f"vehicle export system sent a malformed record: {where} {why}", service=SERVICE)


def parse_legacy_date(value: Any, where: str) -> dt.date | None:
    """``"20261122"`` → date; ``""``/``None`` → None."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) != 8 or not value.isdigit():
        raise _bad(where, f"{value!r} is not a yyyyMMdd date")
    try:
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise _bad(where, f"{value!r} is not a calendar date") from None


def format_legacy_date(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def _obj(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _bad(where, f"is {type(value).__name__}, expected an object")
    return value


def _str(row: Mapping[str, Any], key: str, where: str) -> str:
    value = row.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _bad(f"{where}.{key}", "is missing or empty")
    return value.strip()


def _opt_str(row: Mapping[str, Any], key: str, where: str) -> str | None:
    value = row.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _bad(f"{where}.{key}", "is not a string")
    return value.strip() or None


def _date(row: Mapping[str, Any], key: str, where: str) -> dt.date:
    day = parse_legacy_date(row.get(key), f"{where}.{key}")
    if day is None:
        raise _bad(f"{where}.{key}", "is missing")
    return day


def _code(row: Mapping[str, Any], key: str, where: str, codes: Mapping[str, str]) -> str:
    value = row.get(key, "")
    value = "" if value is None else value
    if not isinstance(value, str) or value.strip() not in codes:
        raise _bad(f"{where}.{key}", f"{value!r} is not one of the codes {', '.join(repr(c) for c in codes)}")
    return codes[value.strip()]


def _flag(row: Mapping[str, Any], key: str, where: str) -> bool:
    value = row.get(key, "N")
    if value not in {"Y", "N", ""}:
        raise _bad(f"{where}.{key}", f"{value!r} is neither 'Y' nor 'N'")
    return bool(value == "Y")


def _int(row: Mapping[str, Any], key: str, where: str) -> int:
    value = row.get(key)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _bad(f"{where}.{key}", f"{value!r} is not a whole number")
    return value


def _amount(row: Mapping[str, Any], key: str, where: str) -> Decimal:
    value = row.get(key)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _bad(f"{where}.{key}", f"{value!r} is not a decimal string")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise _bad(f"{where}.{key}", f"{value!r} is not a decimal number") from None
    if not amount.is_finite() or amount < 0:
        raise _bad(f"{where}.{key}", f"{value!r} is not a non-negative amount")
    return amount


def filing_from_legacy(value: Any) -> ExportFiling:
    """One legacy export filing → :class:`ExportFiling`."""
    row = _obj(value, "record")
    vin = _str(row, "VIN_CODE", "record").upper()
    where = f"record {vin}"
    return ExportFiling(
        vin=vin,
        exporter=Party(country="CN", tax_id=_str(row, "EXPORTER_USCC", where).upper()),
        buyer=Party(country=_str(row, "BUYER_COUNTRY", where).upper(), tax_id=_str(row, "BUYER_TAX_NO", where).upper()),
        first_registered_on=_date(row, "REG_DATE", where),
        purchased_on=_date(row, "PURCHASE_DATE", where),
        temp_plate=_opt_str(row, "TEMP_PLATE_NO", where),
        temp_plate_issued_on=parse_legacy_date(row.get("TEMP_PLATE_DATE"), f"{where}.TEMP_PLATE_DATE"),
        test_result=_code(row, "TEST_RESULT", where, TEST_CODES),
        tested_on=parse_legacy_date(row.get("TEST_DATE"), f"{where}.TEST_DATE"),
        licence_status=_code(row, "LICENCE_STATUS", where, LICENCE_CODES),
        licence_number=_opt_str(row, "LICENCE_NO", where),
        licence_date=parse_legacy_date(row.get("LICENCE_DATE"), f"{where}.LICENCE_DATE"),
        manufacturer_confirmation=_flag(row, "MFR_CONFIRM", where),
        declaration_mrn=_opt_str(row, "DECL_MRN", where),
        awb=_opt_str(row, "AWB_NO", where),
        exited_on=parse_legacy_date(row.get("EXIT_DATE"), f"{where}.EXIT_DATE"),
        deregistered_on=parse_legacy_date(row.get("DEREG_DATE"), f"{where}.DEREG_DATE"),
        status=_code(row, "STATUS_CD", where, STATUS_CODES),
        mileage_km=_int(row, "MILEAGE", where),
        price=_amount(row, "PRICE_AMT", where),
        currency=_str(row, "CURR_CD", where).upper(),
    )


@dataclasses.dataclass(frozen=True, kw_only=True)
class Page:
    total: int
    page: int
    items: tuple[ExportFiling, ...]


def page_from_legacy(value: Any) -> Page:
    """A legacy listing ``{"total": .., "page": .., "items": [...]}`` (batch answers carry no page)."""
    body = _obj(value, "listing")
    items = body.get("items")
    if not isinstance(items, list):
        raise _bad("listing.items", "is missing or not a list")
    total = body.get("total", len(items))
    page = body.get("page", 1)
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        raise _bad("listing.total", f"{total!r} is not a count")
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        raise _bad("listing.page", f"{page!r} is not a page number")
    return Page(total=total, page=page, items=tuple(filing_from_legacy(item) for item in items))
