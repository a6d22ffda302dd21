"""Validation rules for the platform's identifiers and values, built on kept libraries.

Each ``parse_*`` function takes client input and returns the canonical value, or raises
:class:`~gateway.errors.BadUserInput` whose message names the rule that failed (and never any other exception,
whatever the input). They are plain functions so the Strawberry scalars (:mod:`gateway.sdk.scalars`), the
gateway's API schema and the adapters all share one rule.

Sources: ISO 4217 currencies and minor units from the ``iso4217`` package (the ISO maintenance agency's table),
ISO 3166 countries from ``pycountry``, IBAN/BIC from ``schwifty``, tax ids from ``python-stdnum`` plus
:mod:`gateway.sdk.tax_ids`, the AWB check digit (IATA: serial mod 7), VINs from ``vininfo`` (:mod:`gateway.sdk.vin`),
the Chinese customs entry number (报关单号) as GACC numbers it (docs/customs-wco.md).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import pycountry
from iso4217 import Currency as _Iso4217
from schwifty import BIC as _SchwiftyBIC
from schwifty import IBAN as _IBAN
from schwifty.exceptions import SchwiftyException

from gateway.errors import BadUserInput
from gateway.sdk.tax_ids import parse_tax_id
from gateway.sdk.vin import VIN_CHARACTERS, vin_problem

__all__ = [
    "CURRENCY_EXPONENTS",
    "MINOR_UNITS",
    "MoneyValue",
    "awb_check_digit",
    "minor_units",
    "parse_awb",
    "parse_bic",
    "parse_country",
    "parse_currency",
    "parse_entry_number",
    "parse_hs_code",
    "parse_iban",
    "parse_id",
    "parse_money",
    "parse_tax_id",
    "parse_uetr",
    "parse_vin",
]

#: ISO 4217 exponent of every active code; ``None`` where ISO says "N.A." (gold, SDR, test and no-currency codes).
CURRENCY_EXPONENTS: Mapping[str, int | None] = {c.code: c.exponent for c in _Iso4217}

#: ISO 4217 minor units of every currency that has them (the codes usable in :class:`MoneyValue`).
MINOR_UNITS: Mapping[str, int] = {code: exp for code, exp in CURRENCY_EXPONENTS.items() if exp is not None}


def minor_units(code: str) -> int:
    """ISO 4217 minor units of a currency code; 0 for the codes without any (XAU, XDR, XXX...).

    Raises ``KeyError`` for a code that is not in ISO 4217 (parse it with :func:`parse_currency` first).
    """
    return CURRENCY_EXPONENTS[code] or 0


def _text(value: Any, what: str, field: str | None) -> str:
    if not isinstance(value, str):
        raise BadUserInput(f"{what} must be a string, got {type(value).__name__}", field=field)
    return value.strip()


def parse_id(value: Any, field: str | None = None) -> str:
    """An ``ID`` argument: a non-blank string (an empty id must never reach a legacy system's URL)."""
    text = _text(str(value) if isinstance(value, int) else value, "an ID", field)
    if not text:
        raise BadUserInput(f"{field or 'the ID'} must be a non-empty ID, got {value!r}", field=field)
    return text


def _ascii_upper(value: Any, what: str, field: str | None) -> str:
    text = _text(value, what, field)
    if not text.isascii():
        raise BadUserInput(f"{what} {value!r} must use ASCII letters and digits only", field=field)
    return text.upper()


def parse_currency(value: Any, field: str | None = None) -> str:
    """ISO 4217 alphabetic code of a currency in the current table (e.g. CNY)."""
    code = _ascii_upper(value, "CurrencyCode", field)
    if not re.fullmatch(r"[A-Z]{3}", code) or code not in CURRENCY_EXPONENTS:
        raise BadUserInput(f"{value!r} is not an ISO 4217 currency code (three letters, e.g. CNY)", field=field)
    return code


def parse_country(value: Any, field: str | None = None) -> str:
    """ISO 3166-1 alpha-2 code of an assigned country (e.g. KZ)."""
    code = _ascii_upper(value, "CountryCode", field)
    if not re.fullmatch(r"[A-Z]{2}", code) or pycountry.countries.get(alpha_2=code) is None:
        raise BadUserInput(f"{value!r} is not an ISO 3166-1 alpha-2 country code (e.g. KZ)", field=field)
    return code


# --------------------------------------------------------------------------------------------- money


@dataclasses.dataclass(frozen=True, slots=True)
class MoneyValue:
    """An amount in a currency, quantised to the currency's ISO 4217 minor units."""

    amount: Decimal
    currency: str

    def to_json(self) -> dict[str, str]:
        quantum = Decimal(1).scaleb(-minor_units(self.currency))
        return {"amount": str(self.amount.quantize(quantum)), "currency": self.currency}

    def __str__(self) -> str:
        data = self.to_json()
        return f"{data['amount']} {data['currency']}"


#: ISO 20022 ActiveCurrencyAndAmount: at most 18 digits in all.
_MAX_DIGITS = 18
_DECIMAL = re.compile(r"(?P<int>[0-9]+)(?:\.(?P<frac>[0-9]*))?|\.(?P<frac_only>[0-9]+)")


def parse_money(value: Any, field: str | None = None) -> MoneyValue:
    """Money from ``{"amount": "12.50", "currency": "CNY"}`` or the string ``"12.50 CNY"``.

    Rules: a plain decimal string (or an integer), not negative, no more decimals than the currency's minor
    units (trailing zeros beyond them are fine: ``"12.500 CNY"`` is ``12.50 CNY``), at most 18 digits in all.
    """
    if isinstance(value, MoneyValue):
        return value
    if isinstance(value, str):
        parts = value.split()
        if len(parts) != 2:
            raise BadUserInput(f"Money {value!r} must look like '1234.50 CNY'", field=field)
        raw_amount, raw_currency = parts
    elif isinstance(value, dict):
        if set(value) != {"amount", "currency"}:
            raise BadUserInput("Money must be an object with exactly 'amount' and 'currency'", field=field)
        raw_amount, raw_currency = value["amount"], value["currency"]
    else:
        raise BadUserInput(f"Money must be an object or a string, got {type(value).__name__}", field=field)
    currency = parse_currency(raw_currency, field)
    exp = CURRENCY_EXPONENTS[currency]
    if exp is None:
        raise BadUserInput(f"Money cannot be in {currency}: ISO 4217 gives it no minor units", field=field)
    amount = _amount(raw_amount, field)
    quantum = Decimal(1).scaleb(-exp)
    quantised = amount.quantize(quantum)
    if quantised != amount:
        raise BadUserInput(
            f"Money amount {raw_amount} has more decimals than {currency} allows ({exp} minor units)", field=field
        )
    if quantised and len(quantised.normalize().as_tuple().digits) > _MAX_DIGITS:
        raise BadUserInput(f"Money amount {raw_amount} has more than {_MAX_DIGITS} digits (ISO 20022)", field=field)
    return MoneyValue(amount=quantised, currency=currency)


def _amount(raw: Any, field: str | None) -> Decimal:
    if isinstance(raw, float):
        raise BadUserInput("Money amount must be a decimal string, not a float (floats lose cents)", field=field)
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str):
        raise BadUserInput("Money amount must be a decimal string such as '1234.50'", field=field)
    text = raw.strip()
    if text.startswith("-"):
        raise BadUserInput(f"Money amount {raw!r} must not be negative", field=field)
    match = _DECIMAL.fullmatch(text)
    if not match:
        raise BadUserInput(f"Money amount {raw!r} is not a plain decimal number such as '1234.50'", field=field)
    integer = (match["int"] or "").lstrip("0")
    if len(integer) > _MAX_DIGITS:
        raise BadUserInput(f"Money amount {raw!r} has more than {_MAX_DIGITS} digits (ISO 20022)", field=field)
    fraction = (match["frac"] or match["frac_only"] or "").rstrip("0")
    try:
        return Decimal(f"{integer or '0'}.{fraction or '0'}")
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise BadUserInput(f"Money amount {raw!r} is not a decimal number", field=field) from None


# --------------------------------------------------------------------------------------------- transport ids

_AWB = re.compile(r"([0-9]{3})[-\s]?([0-9]{7})([0-9])")


def awb_check_digit(serial: str) -> int:
    """Check digit of an air waybill's 7-digit serial: the serial modulo 7 (no weights)."""
    return int(serial) % 7


def parse_awb(value: Any, field: str | None = None) -> str:
    """Air waybill ``PPP-SSSSSSSC``: airline prefix, 7-digit serial, check digit = serial mod 7."""
    text = _text(value, "AWB", field)
    match = _AWB.fullmatch(text)
    if not match:
        raise BadUserInput(f"AWB {value!r} must be 3 digits, '-', then 8 digits (e.g. 020-12345675)", field=field)
    prefix, serial, check = match.groups()
    expected = awb_check_digit(serial)
    if expected != int(check):
        raise BadUserInput(
            f"AWB {value!r} fails the check digit: serial {serial} mod 7 is {expected}, not {check}", field=field
        )
    return f"{prefix}-{serial}{check}"


def parse_vin(value: Any, field: str | None = None) -> str:
    """VIN (ISO 3779): 17 characters without I, O, Q; check digit and model-year code by :mod:`gateway.sdk.vin`.

    North American (1-5) and Chinese (L) VINs always carry the check digit and a model-year code; elsewhere ISO
    3779 makes them optional, so a mismatch there is accepted (e.g. AvtoVAZ ``XTA...``).
    """
    vin = _ascii_upper(value, "VIN", field)
    if len(vin) != 17:
        raise BadUserInput(f"VIN {value!r} must be 17 characters, got {len(vin)}", field=field)
    bad = sorted({c for c in vin if c not in VIN_CHARACTERS})
    if bad:
        raise BadUserInput(
            f"VIN {value!r} has characters not allowed in a VIN (I, O, Q and symbols): {''.join(bad)}", field=field
        )
    problem = vin_problem(vin)
    if problem:
        raise BadUserInput(f"VIN {value!r} fails the check: {problem}", field=field)
    return vin


# --------------------------------------------------------------------------------------------- banking

_BIC_SHAPE = re.compile(r"[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")


def parse_bic(value: Any, field: str | None = None) -> str:
    """ISO 9362 BIC: 4 party, 2 country (ISO 3166), 2 location, optional 3 branch characters."""
    text = _ascii_upper(value, "BIC", field)
    if not _BIC_SHAPE.fullmatch(text):
        raise BadUserInput(
            f"BIC {value!r} must be 8 or 11 characters: 4 party, 2 country letters, 2 location, 3 branch",
            field=field,
        )
    try:
        bic = _SchwiftyBIC(text)
    except SchwiftyException as exc:
        raise BadUserInput(f"BIC {value!r} is invalid: {exc}", field=field) from None
    return str(bic.compact)


def parse_iban(value: Any, field: str | None = None) -> str:
    """ISO 13616 IBAN (country format and mod-97 check); returns the compact form."""
    text = _text(value, "IBAN", field)
    if not text.isascii():
        raise BadUserInput(f"IBAN {value!r} must use ASCII letters and digits only", field=field)
    try:
        iban = _IBAN(text)
    except SchwiftyException as exc:
        raise BadUserInput(f"IBAN {value!r} is invalid: {exc}", field=field) from None
    return str(iban.compact)


_UETR = re.compile(r"[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}")


def parse_uetr(value: Any, field: str | None = None) -> str:
    """Unique end-to-end transaction reference: a UUID version 4, canonically lower case."""
    text = _text(value, "UETR", field)
    if not text.isascii() or not _UETR.fullmatch(text.lower()):
        raise BadUserInput(f"UETR {value!r} must be a UUIDv4 such as 6513270e-269e-4d37-b2a7-4de452e6b438", field=field)
    return text.lower()


# --------------------------------------------------------------------------------------------- goods

_HS = re.compile(r"([0-9]{4})(?:\.?([0-9]{2}))?(?:\.?([0-9]{2}|[0-9]{4}))?")


def parse_hs_code(value: Any, field: str | None = None) -> str:
    """Harmonized System code: heading (4 digits), optional subheading (6) and national digits (8 or 10).

    Canonical form ``8703.23`` / ``8703.2310``; chapters 01-97 except the reserved 77.
    """
    text = _text(value, "HSCode", field).replace(" ", "")
    match = _HS.fullmatch(text)
    if not match or (match[3] and not match[2]):
        raise BadUserInput(f"HS code {value!r} must be 4, 6, 8 or 10 digits (e.g. 8703.23)", field=field)
    heading, sub, national = match.groups()
    chapter = int(heading[:2])
    if not 1 <= chapter <= 97 or chapter == 77:
        raise BadUserInput(f"HS code {value!r}: chapter {heading[:2]} does not exist (01-97, not 77)", field=field)
    return heading + (f".{sub}" if sub else "") + (national or "")


_ENTRY = re.compile(r"([0-9]{4})([0-9]{4})([01])([0-9]{9})")


def parse_entry_number(value: Any, field: str | None = None) -> str:
    """Chinese customs entry number (报关单号), 18 digits: the 4-digit code of the customs office that accepted
    the declaration, the 4-digit year it did, the import/export flag (``1`` import, ``0`` export) and a 9-digit
    serial, e.g. ``223320260000011021`` (Shanghai Pudong Airport Customs, 2026, export)."""
    text = _text(value, "CustomsEntryNumber", field).replace(" ", "")
    match = _ENTRY.fullmatch(text)
    if match is None:
        raise BadUserInput(
            f"customs entry number {value!r} must be 18 digits: 4-digit customs office, 4-digit year, "
            "import/export flag (1 import, 0 export) and 9-digit serial, e.g. 223320260000011021",
            field=field,
        )
    if not 1980 <= int(match[2]) <= 2099:
        raise BadUserInput(f"customs entry number {value!r}: year {match[2]} is not a declaration year", field=field)
    return text
