"""Money: ISO 4217 minor units for every code, and the quantisation rules of amounts."""

from __future__ import annotations

from decimal import Decimal

import iso4217
import pycountry
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.errors import BadUserInput
from gateway.sdk.identifiers import CURRENCY_EXPONENTS, MINOR_UNITS, MoneyValue, minor_units, parse_money

money_codes = st.sampled_from(sorted(MINOR_UNITS))


def test_every_pycountry_currency_has_an_iso4217_exponent_entry() -> None:
    assert {c.alpha_3 for c in pycountry.currencies} <= set(CURRENCY_EXPONENTS)


@pytest.mark.parametrize(
    ("code", "units"),
    [
        # the platform's currencies (domain.md §7)
        *[(c, 2) for c in ("CNY", "RUB", "KZT", "UZS", "KGS", "TJS", "INR", "PKR", "IRR", "BYN", "MNT", "AFN")],
        ("USD", 2),
        ("EUR", 2),
        # the exceptions
        ("JPY", 0),
        ("KRW", 0),
        ("VND", 0),
        ("XOF", 0),
        ("BHD", 3),
        ("KWD", 3),
        ("TND", 3),
        ("CLF", 4),
        ("UYW", 4),
    ],
)
def test_minor_units_follow_iso4217(code: str, units: int) -> None:
    assert minor_units(code) == units
    assert MINOR_UNITS[code] == units


@pytest.mark.parametrize("code", ["XAU", "XAG", "XDR", "XTS", "XXX"])
def test_codes_without_minor_units_are_not_money(code: str) -> None:
    assert CURRENCY_EXPONENTS[code] is None
    assert minor_units(code) == 0
    with pytest.raises(BadUserInput, match="no minor units"):
        parse_money(f"1 {code}")


def test_the_table_is_the_published_iso_table() -> None:
    assert iso4217.__published__.year >= 2025
    assert len(CURRENCY_EXPONENTS) == len(list(iso4217.Currency))


@given(
    code=money_codes,
    units=st.integers(min_value=0, max_value=10**15),
    zeros=st.integers(min_value=0, max_value=3),
)
def test_amounts_within_the_minor_units_round_trip(code: str, units: int, zeros: int) -> None:
    exp = MINOR_UNITS[code]
    amount = Decimal(units).scaleb(-exp)
    text = f"{amount:f}" + ("" if zeros == 0 else ("." if exp == 0 else "") + "0" * zeros)
    money = parse_money({"amount": text, "currency": code.lower()})
    assert money == MoneyValue(amount=amount, currency=code)
    assert parse_money(money.to_json()) == money
    assert parse_money(str(money)) == money
    assert Decimal(money.to_json()["amount"]).as_tuple().exponent == -exp


@given(code=money_codes, units=st.integers(min_value=1, max_value=10**9), extra=st.integers(1, 9))
def test_amounts_with_more_decimals_than_minor_units_are_rejected(code: str, units: int, extra: int) -> None:
    exp = MINOR_UNITS[code]
    text = f"{Decimal(units).scaleb(-exp):f}" + ("." if exp == 0 else "") + str(extra)
    with pytest.raises(BadUserInput, match=f"more decimals than {code} allows"):
        parse_money(f"{text} {code}")


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("-1.00 CNY", "negative"),
        ({"amount": 1.5, "currency": "CNY"}, "float"),
        ({"amount": True, "currency": "CNY"}, "decimal string"),
        ({"amount": "1e3", "currency": "CNY"}, "plain decimal"),
        ({"amount": "1_000", "currency": "CNY"}, "plain decimal"),
        ({"amount": "NaN", "currency": "CNY"}, "plain decimal"),
        ({"amount": "١٢", "currency": "CNY"}, "plain decimal"),
        ({"amount": "1", "currency": "CNY", "x": 1}, "exactly"),
        ("1 000 CNY", "look like"),
        ("1234567890123456789 JPY", "18 digits"),
        ("1.00 ABC", "ISO 4217"),
        (12, "object or a string"),
    ],
)
def test_money_rules_are_named(value: object, rule: str) -> None:
    with pytest.raises(BadUserInput, match=rule) as info:
        parse_money(value, field="amount")
    assert info.value.field == "amount"


def test_integers_and_leading_dots_are_decimal_amounts() -> None:
    assert parse_money({"amount": 5, "currency": "JPY"}) == MoneyValue(amount=Decimal(5), currency="JPY")
    assert str(parse_money(".5 EUR")) == "0.50 EUR"
    assert str(parse_money("007.10 KWD")) == "7.100 KWD"


#: ISO 4217 (table of 2026-01-01): every currency with minor units other than 2, and the codes with none.
NOT_TWO = {
    **dict.fromkeys(["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI"], 0),
    **dict.fromkeys(["VND", "VUV", "XAF", "XOF", "XPF"], 0),
    **dict.fromkeys(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
    **dict.fromkeys(["CLF", "UYW"], 4),
    **dict.fromkeys(["XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX"], None),
}


def test_every_code_has_the_iso4217_minor_units() -> None:
    wrong = {code: exp for code, exp in CURRENCY_EXPONENTS.items() if exp != NOT_TWO.get(code, 2)}
    assert wrong == {}
