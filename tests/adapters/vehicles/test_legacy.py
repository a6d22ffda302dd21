"""The legacy export records → ExportFiling: every field, every code, every way a record can be malformed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from adapters.vehicles.legacy import (
    LICENCE_CODES,
    STATUS_CODES,
    TEST_CODES,
    filing_from_legacy,
    format_legacy_date,
    page_from_legacy,
    parse_legacy_date,
)
from adapters.vehicles.model import STATUSES, Party
from gateway.errors import UpstreamProtocolError

RECORD: dict[str, Any] = {
    "VIN_CODE": "LSVAM418XP2184847",
    "EXPORTER_USCC": "91370281MA3C5R7B0C",
    "EXPORTER_NAME": "青岛海信贸易有限公司",
    "BUYER_COUNTRY": "KZ",
    "BUYER_TAX_NO": "191240005671",
    "BUYER_NAME": "Almaty Auto Import LLP",
    "REG_DATE": "20230418",
    "PURCHASE_DATE": "20261002",
    "TEMP_PLATE_NO": "鲁B·临0815",
    "TEMP_PLATE_DATE": "20261008",
    "TEST_RESULT": "P",
    "TEST_DATE": "20261012",
    "LICENCE_STATUS": "02",
    "LICENCE_NO": "EL2026-3702-00815",
    "LICENCE_DATE": "20261015",
    "MFR_CONFIRM": "N",
    "DECL_MRN": "420120260000000817",
    "AWB_NO": "784-20260026",
    "EXIT_DATE": "20261122",
    "DEREG_DATE": "",
    "STATUS_CD": "60",
    "MILEAGE": 61200,
    "PRICE_AMT": "86000.00",
    "CURR_CD": "CNY",
}


def record(**changes: Any) -> dict[str, Any]:
    data = dict(RECORD)
    for key, value in changes.items():
        if value is ...:
            del data[key]
        else:
            data[key] = value
    return data


def test_every_field_maps() -> None:
    filing = filing_from_legacy(RECORD)
    assert filing.vin == "LSVAM418XP2184847"
    assert filing.exporter == Party(country="CN", tax_id="91370281MA3C5R7B0C")
    assert filing.buyer == Party(country="KZ", tax_id="191240005671")
    assert filing.first_registered_on == dt.date(2023, 4, 18)
    assert filing.purchased_on == dt.date(2026, 10, 2)
    assert filing.temp_plate == "鲁B·临0815"
    assert filing.temp_plate_issued_on == dt.date(2026, 10, 8)
    assert (filing.test_result, filing.tested_on) == ("PASSED", dt.date(2026, 10, 12))
    assert (filing.licence_status, filing.licence_number) == ("ISSUED", "EL2026-3702-00815")
    assert filing.licence_date == dt.date(2026, 10, 15)
    assert filing.manufacturer_confirmation is False
    assert filing.declaration_mrn == "420120260000000817"
    assert filing.awb == "784-20260026"
    assert filing.exited_on == dt.date(2026, 11, 22)
    assert filing.deregistered_on is None
    assert filing.status == "EXITED"
    assert filing.exited
    assert filing.mileage_km == 61200
    assert (filing.price, filing.currency) == (Decimal("86000.00"), "CNY")


def test_empty_strings_are_none_and_lower_case_is_normalised() -> None:
    filing = filing_from_legacy(
        record(VIN_CODE="lsvam418xp2184847", DECL_MRN="", AWB_NO=None, EXIT_DATE="", TEMP_PLATE_NO=" ", CURR_CD="cny")
    )
    assert filing.vin == "LSVAM418XP2184847"
    assert (filing.declaration_mrn, filing.awb, filing.exited_on, filing.temp_plate) == (None, None, None, None)
    assert filing.currency == "CNY"


@pytest.mark.parametrize(("code", "status"), sorted(STATUS_CODES.items()))
def test_every_status_code_maps(code: str, status: str) -> None:
    assert filing_from_legacy(record(STATUS_CD=code)).status == status
    assert status in STATUSES


@pytest.mark.parametrize(("code", "status"), sorted(LICENCE_CODES.items()))
def test_every_licence_code_maps(code: str, status: str) -> None:
    assert filing_from_legacy(record(LICENCE_STATUS=code)).licence_status == status


@pytest.mark.parametrize(("code", "result"), sorted(TEST_CODES.items()))
def test_every_test_code_maps(code: str, result: str) -> None:
    assert filing_from_legacy(record(TEST_RESULT=code)).test_result == result


def test_a_missing_test_result_means_not_tested_and_a_missing_flag_means_no() -> None:
    filing = filing_from_legacy(record(TEST_RESULT=..., MFR_CONFIRM=...))
    assert (filing.test_result, filing.manufacturer_confirmation) == ("NOT_TESTED", False)
    assert filing_from_legacy(record(MFR_CONFIRM="Y")).manufacturer_confirmation is True


def test_mileage_may_come_as_digits() -> None:
    assert filing_from_legacy(record(MILEAGE="61200")).mileage_km == 61200


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("VIN_CODE", ...),
        ("VIN_CODE", ""),
        ("EXPORTER_USCC", None),
        ("BUYER_COUNTRY", 7),
        ("REG_DATE", ""),
        ("REG_DATE", "2023-04-18"),
        ("PURCHASE_DATE", "20261302"),
        ("TEMP_PLATE_DATE", 20261008),
        ("TEST_RESULT", "X"),
        ("LICENCE_STATUS", "2"),
        ("STATUS_CD", "99"),
        ("STATUS_CD", 60),
        ("MFR_CONFIRM", "yes"),
        ("DECL_MRN", 12),
        ("MILEAGE", -1),
        ("MILEAGE", "61,200"),
        ("MILEAGE", True),
        ("PRICE_AMT", 86000.5),
        ("PRICE_AMT", "eighty"),
        ("PRICE_AMT", "-1"),
        ("CURR_CD", ""),
    ],
)
def test_a_malformed_record_is_an_upstream_protocol_error_naming_the_field(field: str, value: Any) -> None:
    with pytest.raises(UpstreamProtocolError) as caught:
        filing_from_legacy(record(**{field: value}))
    assert field in caught.value.message
    assert caught.value.service == "vehicles"


def test_a_record_that_is_not_an_object_is_a_protocol_error() -> None:
    with pytest.raises(UpstreamProtocolError):
        filing_from_legacy(["LSVAM418XP2184847"])


def test_legacy_dates_round_trip() -> None:
    assert parse_legacy_date("20260101", "d") == dt.date(2026, 1, 1)
    assert parse_legacy_date("", "d") is None
    assert parse_legacy_date(None, "d") is None
    assert format_legacy_date(dt.date(2026, 2, 5)) == "20260205"


def test_a_page_maps_its_items_and_counts() -> None:
    page = page_from_legacy({"total": 3, "page": 2, "pageSize": 1, "items": [RECORD]})
    assert (page.total, page.page, [f.vin for f in page.items]) == (3, 2, ["LSVAM418XP2184847"])


def test_a_batch_answer_without_page_counts_its_items() -> None:
    page = page_from_legacy({"items": [RECORD, RECORD]})
    assert (page.total, page.page) == (2, 1)


@pytest.mark.parametrize(
    "body",
    [None, [], {"total": 1}, {"items": {}}, {"items": [], "total": -1}, {"items": [], "page": 0}, {"items": [1]}],
)
def test_a_malformed_page_is_a_protocol_error(body: Any) -> None:
    with pytest.raises(UpstreamProtocolError):
        page_from_legacy(body)
