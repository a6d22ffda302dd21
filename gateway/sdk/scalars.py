"""Shared scalars every adapter uses, so that composed subgraphs agree on one definition per scalar.

Each scalar validates its input with the rules of :mod:`gateway.sdk.identifiers`. A bad value becomes a GraphQL
error with ``extensions.code = "BAD_USER_INPUT"`` naming the rule; the gateway applies the same rules to its API
schema (:data:`SCALAR_RULES`) so a bad value never reaches a subgraph.

``TaxId`` checks only the shape here (its rule depends on the country); inputs that carry a country and a tax id
are checked together with :func:`gateway.sdk.identifiers.parse_tax_id`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NewType, TypeAlias

import strawberry
from strawberry.schema.config import StrawberryConfig

from gateway.errors import BadUserInput
from gateway.sdk import identifiers as ids

__all__ = [
    "AWB",
    "BIC",
    "IBAN",
    "SCALAR_MAP",
    "SCALAR_RULES",
    "UETR",
    "VIN",
    "CountryCode",
    "CurrencyCode",
    "CustomsEntryNumber",
    "HSCode",
    "Money",
    "MoneyValue",
    "TaxId",
    "schema_config",
]

MoneyValue = ids.MoneyValue


def _serialize_money(value: Any) -> dict[str, str]:
    if isinstance(value, ids.MoneyValue):
        return value.to_json()
    return ids.parse_money(value).to_json()


def _tax_id_shape(value: Any, field: str | None = None) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9A-Za-z-]{4,20}", value.strip(), flags=re.ASCII):
        raise BadUserInput(f"TaxId {value!r} must be 4-20 ASCII letters, digits or '-'", field=field)
    return value.strip().upper()


def _str(value: Any) -> str:
    return str(value)


def _define(name: str, description: str, parse: Callable[..., Any], serialize: Callable[[Any], Any] = _str) -> Any:
    return strawberry.scalar(name=name, description=description, serialize=serialize, parse_value=parse)


# Python-side types: annotate fields with these; ``SCALAR_MAP`` tells Strawberry how to (de)serialize them.
# Type checkers see plain aliases (a str is a valid AWB to mypy; the scalar validates it on input).
if TYPE_CHECKING:
    Money: TypeAlias = ids.MoneyValue
    CurrencyCode: TypeAlias = str
    CountryCode: TypeAlias = str
    AWB: TypeAlias = str
    VIN: TypeAlias = str
    BIC: TypeAlias = str
    IBAN: TypeAlias = str
    TaxId: TypeAlias = str
    HSCode: TypeAlias = str
    UETR: TypeAlias = str
    CustomsEntryNumber: TypeAlias = str
else:
    Money = NewType("Money", ids.MoneyValue)
    CurrencyCode = NewType("CurrencyCode", str)
    CountryCode = NewType("CountryCode", str)
    AWB = NewType("AWB", str)
    VIN = NewType("VIN", str)
    BIC = NewType("BIC", str)
    IBAN = NewType("IBAN", str)
    TaxId = NewType("TaxId", str)
    HSCode = NewType("HSCode", str)
    UETR = NewType("UETR", str)
    CustomsEntryNumber = NewType("CustomsEntryNumber", str)

SCALAR_MAP: dict[object, Any] = {
    Money: _define(
        "Money",
        'An amount in a currency, as {"amount": "1234.50", "currency": "CNY"} (input also "1234.50 CNY"). '
        "The amount is a decimal string with no more decimals than the currency's ISO 4217 minor units.",
        ids.parse_money,
        _serialize_money,
    ),
    CurrencyCode: _define("CurrencyCode", "ISO 4217 alphabetic currency code, e.g. CNY, KZT, RUB.", ids.parse_currency),
    CountryCode: _define("CountryCode", "ISO 3166-1 alpha-2 country code, e.g. CN, KZ, UZ.", ids.parse_country),
    AWB: _define(
        "AWB",
        "IATA air waybill number PPP-SSSSSSSC: airline prefix, serial, check digit (serial mod 7).",
        ids.parse_awb,
    ),
    VIN: _define(
        "VIN",
        "Vehicle identification number (ISO 3779), 17 characters, check digit verified where mandated.",
        ids.parse_vin,
    ),
    BIC: _define("BIC", "ISO 9362 business identifier code (8 or 11 characters).", ids.parse_bic),
    IBAN: _define("IBAN", "ISO 13616 international bank account number, compact form.", ids.parse_iban),
    TaxId: _define(
        "TaxId",
        "Taxpayer identifier (USCC, INN, BIN, UNP, GSTIN...); its rule depends on the company's country.",
        _tax_id_shape,
    ),
    HSCode: _define(
        "HSCode",
        "Harmonized System commodity code: 4-digit heading, optional subheading and national digits.",
        ids.parse_hs_code,
    ),
    UETR: _define(
        "UETR",
        "Unique end-to-end transaction reference of an ISO 20022 payment (lower-case UUIDv4).",
        ids.parse_uetr,
    ),
    CustomsEntryNumber: _define(
        "CustomsEntryNumber",
        "Chinese customs entry number (报关单号), 18 digits: customs office code (4), year (4), "
        "import/export flag (1 import, 0 export) and serial (9).",
        ids.parse_entry_number,
    ),
}


def schema_config(**kwargs: Any) -> StrawberryConfig:
    """The Strawberry config every subgraph uses: the shared scalars (plus any extra ``scalar_map`` entries)."""
    extra = kwargs.pop("scalar_map", {})
    return StrawberryConfig(scalar_map={**SCALAR_MAP, **extra}, **kwargs)


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
    "CustomsEntryNumber": ids.parse_entry_number,
}
