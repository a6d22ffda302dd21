"""Shared scalars every adapter uses, so that composed subgraphs agree on one definition per scalar.

Each scalar validates its input with the rules of :mod:`gateway.sdk.identifiers`. A bad value becomes a GraphQL
error with ``extensions.code = "BAD_USER_INPUT"`` naming the rule; the gateway applies the same rules to its API
schema (:data:`SCALAR_RULES`) so a bad value never reaches a subgraph.

``TaxId`` checks only the shape here (its rule depends on the country); inputs that carry a country and a tax id
are checked together with :func:`gateway.sdk.identifiers.parse_tax_id`.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NewType

import strawberry

from gateway.errors import BadUserInput
from gateway.sdk import identifiers as ids

__all__ = [
    "AWB",
    "BIC",
    "IBAN",
    "SCALAR_RULES",
    "UETR",
    "VIN",
    "CountryCode",
    "CurrencyCode",
    "HSCode",
    "Money",
    "MoneyValue",
    "TaxId",
]

MoneyValue = ids.MoneyValue


def _serialize_money(value: Any) -> dict[str, str]:
    if isinstance(value, ids.MoneyValue):
        return value.to_json()
    return ids.parse_money(value).to_json()


def _tax_id_shape(value: Any, field: str | None = None) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9A-Za-z-]{4,20}", value.strip()):
        raise BadUserInput(f"TaxId {value!r} must be 4-20 letters, digits or '-'", field=field)
    return value.strip().upper()


def _str(value: Any) -> str:
    return str(value)


def _scalar(cls: Any, **options: Any) -> Any:
    """``strawberry.scalar(cls, ...)`` without its DeprecationWarning (pytest runs with warnings as errors).

    Strawberry now prefers ``StrawberryConfig.scalar_map``; moving every subgraph to it is a separate change.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Passing a class to strawberry.scalar", DeprecationWarning)
        return strawberry.scalar(cls, **options)


_Money = _scalar(
    NewType("Money", object),
    name="Money",
    description=(
        'An amount in a currency, as {"amount": "1234.50", "currency": "CNY"} (input also "1234.50 CNY"). '
        "The amount is a decimal string with no more decimals than the currency's ISO 4217 minor units."
    ),
    serialize=_serialize_money,
    parse_value=ids.parse_money,
)

_CurrencyCode = _scalar(
    NewType("CurrencyCode", str),
    name="CurrencyCode",
    description="ISO 4217 alphabetic currency code, e.g. CNY, KZT, RUB.",
    serialize=_str,
    parse_value=ids.parse_currency,
)

_CountryCode = _scalar(
    NewType("CountryCode", str),
    name="CountryCode",
    description="ISO 3166-1 alpha-2 country code, e.g. CN, KZ, UZ.",
    serialize=_str,
    parse_value=ids.parse_country,
)

_AWB = _scalar(
    NewType("AWB", str),
    name="AWB",
    description="IATA air waybill number PPP-SSSSSSSC: airline prefix, serial, check digit (serial mod 7).",
    serialize=_str,
    parse_value=ids.parse_awb,
)

_VIN = _scalar(
    NewType("VIN", str),
    name="VIN",
    description="Vehicle identification number (ISO 3779), 17 characters, check digit verified where mandated.",
    serialize=_str,
    parse_value=ids.parse_vin,
)

_BIC = _scalar(
    NewType("BIC", str),
    name="BIC",
    description="ISO 9362 business identifier code (8 or 11 characters).",
    serialize=_str,
    parse_value=ids.parse_bic,
)

_IBAN = _scalar(
    NewType("IBAN", str),
    name="IBAN",
    description="ISO 13616 international bank account number, compact form.",
    serialize=_str,
    parse_value=ids.parse_iban,
)

_TaxId = _scalar(
    NewType("TaxId", str),
    name="TaxId",
    description="Taxpayer identifier (USCC, INN, BIN, UNP, GSTIN...); its rule depends on the company's country.",
    serialize=_str,
    parse_value=_tax_id_shape,
)

_HSCode = _scalar(
    NewType("HSCode", str),
    name="HSCode",
    description="Harmonized System commodity code: 4-digit heading, optional subheading and national digits.",
    serialize=_str,
    parse_value=ids.parse_hs_code,
)

_UETR = _scalar(
    NewType("UETR", str),
    name="UETR",
    description="Unique end-to-end transaction reference of an ISO 20022 payment (lower-case UUIDv4).",
    serialize=_str,
    parse_value=ids.parse_uetr,
)

# Type checkers see each scalar as the Python value resolvers hand over (``CountryCode`` is a ``str``,
# ``Money`` a ``MoneyValue``); at run time the names are the Strawberry scalars above.
if TYPE_CHECKING:
    Money = ids.MoneyValue
    CurrencyCode = str
    CountryCode = str
    AWB = str
    VIN = str
    BIC = str
    IBAN = str
    TaxId = str
    HSCode = str
    UETR = str
else:
    Money = _Money
    CurrencyCode = _CurrencyCode
    CountryCode = _CountryCode
    AWB = _AWB
    VIN = _VIN
    BIC = _BIC
    IBAN = _IBAN
    TaxId = _TaxId
    HSCode = _HSCode
    UETR = _UETR

#: Input rules by scalar name, for the gateway's API schema (same rules as the subgraphs).
SCALAR_RULES: dict[str, Callable[..., Any]] = {
    "Money": ids.parse_money,
    "CurrencyCode": ids.parse_currency,
    "CountryCode": ids.parse_country,
    "AWB": ids.parse_awb,
    "VIN": ids.parse_vin,
    "BIC": ids.parse_bic,
    "IBAN": ids.parse_iban,
    "TaxId": _tax_id_shape,
    "HSCode": ids.parse_hs_code,
    "UETR": ids.parse_uetr,
}
