"""Validation rules for the platform's identifiers and values, built on kept libraries.

Each ``parse_*`` function takes client input and returns the canonical value, or raises
:class:`~gateway.errors.BadUserInput` whose message names the rule that failed. They are plain functions so the
Strawberry scalars (:mod:`gateway.sdk.scalars`), the gateway's API schema and the adapters all share one rule.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

import pycountry
from schwifty import BIC as _BIC
from schwifty import IBAN as _IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.exceptions import ValidationError as _StdnumError
from vininfo import Vin as _Vin

from gateway.errors import BadUserInput

__all__ = [
    "MINOR_UNITS",
    "MoneyValue",
    "parse_awb",
    "parse_bic",
    "parse_country",
    "parse_currency",
    "parse_hs_code",
    "parse_iban",
    "parse_money",
    "parse_tax_id",
    "parse_uetr",
    "parse_vin",
]

#: ISO 4217 minor units for currencies where it is not 2 (pycountry has no minor units).
_MINOR_UNIT_EXCEPTIONS: dict[str, int] = {
    "BHD": 3,
    "BIF": 0,
    "CLF": 4,
    "CLP": 0,
    "DJF": 0,
    "GNF": 0,
    "IQD": 3,
    "ISK": 0,
    "JOD": 3,
    "JPY": 0,
    "KMF": 0,
    "KRW": 0,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "PYG": 0,
    "RWF": 0,
    "TND": 3,
    "UGX": 0,
    "UYI": 0,
    "UYW": 4,
    "VND": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
    "XPF": 0,
}
_NO_MINOR_UNITS = {"XAU", "XAG", "XPT", "XPD", "XDR", "XBA", "XBB", "XBC", "XBD", "XSU", "XUA", "XTS", "XXX"}


def minor_units(code: str) -> int:
    """ISO 4217 minor units (exponent) of a currency code that :func:`parse_currency` accepted."""
    if code in _NO_MINOR_UNITS:
        return 0
    return _MINOR_UNIT_EXCEPTIONS.get(code, 2)


MINOR_UNITS = _MINOR_UNIT_EXCEPTIONS


def _text(value: Any, what: str, field: str | None) -> str:
    if not isinstance(value, str):
        raise BadUserInput(f"{what} must be a string, got {type(value).__name__}", field=field)
    return value.strip()


def parse_currency(value: Any, field: str | None = None) -> str:
    code = _text(value, "CurrencyCode", field).upper()
    if not re.fullmatch(r"[A-Z]{3}", code) or pycountry.currencies.get(alpha_3=code) is None:
        raise BadUserInput(f"{value!r} is not an ISO 4217 currency code (three letters, e.g. CNY)", field=field)
    return code


def parse_country(value: Any, field: str | None = None) -> str:
    code = _text(value, "CountryCode", field).upper()
    if not re.fullmatch(r"[A-Z]{2}", code) or pycountry.countries.get(alpha_2=code) is None:
        raise BadUserInput(f"{value!r} is not an ISO 3166-1 alpha-2 country code (e.g. KZ)", field=field)
    return code


@dataclasses.dataclass(frozen=True, slots=True)
class MoneyValue:
    """An amount in a currency. The amount never has more decimals than the currency's minor units."""

    amount: Decimal
    currency: str

    def to_json(self) -> dict[str, str]:
        exp = minor_units(self.currency)
        quantum = Decimal(1).scaleb(-exp)
        return {"amount": str(self.amount.quantize(quantum)), "currency": self.currency}

    def __str__(self) -> str:
        data = self.to_json()
        return f"{data['amount']} {data['currency']}"


_MAX_AMOUNT = Decimal("1e18")


def parse_money(value: Any, field: str | None = None) -> MoneyValue:
    """Money from ``{"amount": "12.50", "currency": "CNY"}`` or the string ``"12.50 CNY"``."""
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
    if isinstance(raw_amount, bool) or not isinstance(raw_amount, str | int | float):
        raise BadUserInput("Money amount must be a decimal string such as '1234.50'", field=field)
    if isinstance(raw_amount, float):
        raise BadUserInput("Money amount must be a decimal string, not a float (floats lose cents)", field=field)
    try:
        amount = Decimal(str(raw_amount).strip())
    except InvalidOperation:
        raise BadUserInput(f"Money amount {raw_amount!r} is not a decimal number", field=field) from None
    if not amount.is_finite():
        raise BadUserInput("Money amount must be a finite number", field=field)
    if amount < 0:
        raise BadUserInput(f"Money amount {raw_amount!r} must not be negative", field=field)
    if amount >= _MAX_AMOUNT:
        raise BadUserInput("Money amount must have at most 18 integer digits (ISO 20022)", field=field)
    exp = minor_units(currency)
    exponent = amount.as_tuple().exponent
    assert isinstance(exponent, int)
    if -exponent > exp and amount != amount.quantize(Decimal(1).scaleb(-exp)):
        raise BadUserInput(
            f"Money amount {raw_amount} has more decimals than {currency} allows ({exp} minor units)",
            field=field,
        )
    return MoneyValue(amount=amount, currency=currency)


_AWB = re.compile(r"^(\d{3})-?(\d{7})(\d)$")


def parse_awb(value: Any, field: str | None = None) -> str:
    """Air waybill ``PPP-SSSSSSSC``: airline prefix, 7-digit serial, check digit = serial mod 7."""
    text = _text(value, "AWB", field).replace(" ", "")
    match = _AWB.match(text)
    if not match:
        raise BadUserInput(f"AWB {value!r} must be 3 digits, '-', then 8 digits (e.g. 020-12345675)", field=field)
    prefix, serial, check = match.groups()
    if int(serial) % 7 != int(check):
        raise BadUserInput(
            f"AWB {value!r} fails the check digit: serial {serial} mod 7 is {int(serial) % 7}, not {check}",
            field=field,
        )
    return f"{prefix}-{serial}{check}"


_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
#: World manufacturer identifier regions whose makers always use the check digit (North America, China).
_CHECK_DIGIT_REGIONS = tuple("12345L")


def parse_vin(value: Any, field: str | None = None) -> str:
    """VIN (ISO 3779): 17 characters without I, O, Q; the 9th is checked where the region mandates it.

    North American (1-5) and Chinese (L) VINs always carry the SAE check digit; elsewhere ISO 3779 makes it
    optional, so a mismatch there is accepted (e.g. AvtoVAZ ``XTA...``).
    """
    vin = _text(value, "VIN", field).upper()
    if len(vin) != 17:
        raise BadUserInput(f"VIN {value!r} must be 17 characters, got {len(vin)}", field=field)
    bad = sorted({c for c in vin if c not in _VIN_VALUES})
    if bad:
        raise BadUserInput(f"VIN {value!r} has characters not allowed in a VIN: {''.join(bad)}", field=field)
    if vin.startswith(_CHECK_DIGIT_REGIONS) and not _Vin(vin).verify_checksum():
        total = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True)) % 11
        expected = "X" if total == 10 else str(total)
        raise BadUserInput(f"VIN {value!r} fails the check digit: position 9 should be {expected}", field=field)
    return vin


def parse_bic(value: Any, field: str | None = None) -> str:
    text = _text(value, "BIC", field).upper()
    try:
        bic = _BIC(text)
    except SchwiftyException as exc:
        raise BadUserInput(f"BIC {value!r} is invalid: {exc}", field=field) from None
    return str(bic.compact)


def parse_iban(value: Any, field: str | None = None) -> str:
    text = _text(value, "IBAN", field)
    try:
        iban = _IBAN(text)
    except SchwiftyException as exc:
        raise BadUserInput(f"IBAN {value!r} is invalid: {exc}", field=field) from None
    return str(iban.compact)


_HS = re.compile(r"^(\d{4})(?:\.?(\d{2}))?(?:\.?(\d{2,4}))?$")


def parse_hs_code(value: Any, field: str | None = None) -> str:
    """Harmonized System code: chapter+heading (4 digits), optionally subheading (6) and national digits."""
    text = _text(value, "HSCode", field).replace(" ", "")
    match = _HS.match(text)
    if not match:
        raise BadUserInput(f"HS code {value!r} must be 4, 6, 8 or 10 digits (e.g. 8703.23)", field=field)
    heading, sub, national = match.groups()
    chapter = int(heading[:2])
    if not 1 <= chapter <= 97 or chapter == 77:
        raise BadUserInput(f"HS code {value!r}: chapter {heading[:2]} does not exist (01-97, not 77)", field=field)
    return heading + (f".{sub}" if sub else "") + (national or "")


_UETR = re.compile(r"^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$")


def parse_uetr(value: Any, field: str | None = None) -> str:
    """Unique end-to-end transaction reference: a lower-case UUID version 4."""
    text = _text(value, "UETR", field)
    if not _UETR.match(text):
        raise BadUserInput(
            f"UETR {value!r} must be a lower-case UUIDv4 (e.g. {uuid.UUID(int=0, version=4)})", field=field
        )
    return text


# --------------------------------------------------------------------------------------------- tax ids


def _kz_bin(number: str) -> bool:
    digits = [int(c) for c in number]
    total = sum(d * w for d, w in zip(digits[:11], range(1, 12), strict=True)) % 11
    if total == 10:
        total = sum(d * w for d, w in zip(digits[:11], (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2), strict=True)) % 11
        if total == 10:
            return False
    return total == digits[11]


def _uz_pinfl(number: str) -> bool:
    weights = (7, 3, 1) * 5
    return sum(int(c) * w for c, w in zip(number[:13], weights, strict=False)) % 10 == int(number[13])


def _ir_national_id(number: str) -> bool:
    total = sum(int(number[i]) * (10 - i) for i in range(9)) % 11
    check = total if total < 2 else 11 - total
    return check == int(number[9])


def _stdnum(module: Any) -> Any:
    def check(number: str) -> bool:
        try:
            module.validate(number)
        except _StdnumError:
            return False
        return True

    return check


def _rules() -> dict[str, tuple[str, re.Pattern[str], Any]]:
    from stdnum.az import voen
    from stdnum.by import unp
    from stdnum.cn import uscc
    from stdnum.eg import tn
    from stdnum.in_ import gstin, pan
    from stdnum.pk import cnic
    from stdnum.ru import inn
    from stdnum.tr import vkn

    def either(*checks: Any) -> Any:
        return lambda n: any(c(n) for c in checks)

    return {
        "CN": (
            "18-character USCC with check character",
            re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$"),
            _stdnum(uscc),
        ),
        "RU": (
            "INN of 10 (company) or 12 (person) digits with check digits",
            re.compile(r"^\d{10}(\d{2})?$"),
            _stdnum(inn),
        ),
        "KZ": ("12-digit BIN/IIN with check digit", re.compile(r"^\d{12}$"), _kz_bin),
        "BY": ("9-character UNP with check digit", re.compile(r"^[0-9A-Z]{9}$"), _stdnum(unp)),
        "IN": (
            "15-character GSTIN or 10-character PAN",
            re.compile(r"^[0-9A-Z]{10}([0-9A-Z]{5})?$"),
            either(_stdnum(gstin), _stdnum(pan)),
        ),
        "PK": (
            "NTN 1234567-8 or 13-digit CNIC",
            re.compile(r"^(\d{7}-?\d|\d{5}-?\d{7}-?\d)$"),
            lambda n: len(n.replace("-", "")) == 8 or _stdnum(cnic)(n),
        ),
        "UZ": (
            "9-digit TIN or 14-digit PINFL",
            re.compile(r"^(\d{9}|\d{14})$"),
            lambda n: len(n) == 9 or _uz_pinfl(n),
        ),
        "KG": ("14-digit INN", re.compile(r"^\d{14}$"), lambda n: True),
        "TJ": ("9-digit INN", re.compile(r"^\d{9}$"), lambda n: True),
        "IR": (
            "10-digit national ID (with check digit), 11-digit entity ID or 12-digit economic code",
            re.compile(r"^(\d{10}|\d{11}|\d{12})$"),
            lambda n: len(n) != 10 or _ir_national_id(n),
        ),
        "AZ": ("10-digit VÖEN", re.compile(r"^\d{10}$"), _stdnum(voen)),
        "TR": ("10-digit VKN", re.compile(r"^\d{10}$"), _stdnum(vkn)),
        "EG": ("9-digit tax number", re.compile(r"^\d{3}-?\d{3}-?\d{3}$"), _stdnum(tn)),
    }


_TAX_RULES: dict[str, tuple[str, re.Pattern[str], Any]] | None = None


def parse_tax_id(country: Any, value: Any, field: str | None = None) -> str:
    """A taxpayer id checked by its country's rule (python-stdnum where it has one; domain.md §3.3 otherwise).

    Countries without a known rule accept 4-20 letters/digits (format only).
    """
    global _TAX_RULES
    if _TAX_RULES is None:
        _TAX_RULES = _rules()
    cc = parse_country(country, field)
    text = _text(value, "TaxId", field).upper().replace(" ", "")
    rule = _TAX_RULES.get(cc)
    if rule is None:
        if not re.fullmatch(r"[0-9A-Z-]{4,20}", text):
            raise BadUserInput(f"tax id {value!r} for {cc} must be 4-20 letters or digits", field=field)
        return text
    description, pattern, check = rule
    if not pattern.match(text) or not check(text):
        raise BadUserInput(f"tax id {value!r} is not a valid {cc} tax id: expected {description}", field=field)
    return text
