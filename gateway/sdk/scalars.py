"""Shared scalars every adapter uses, so that composed subgraphs agree on one definition per scalar.

Each scalar validates its input with the rules of :mod:`gateway.sdk.identifiers`. A bad value becomes a GraphQL
error naming the rule, whose ``original_error`` is a :class:`~gateway.errors.BadUserInput`; with
:class:`gateway.sdk.error_codes.SilkgraphErrorCodes` on the schema it carries
``extensions.code = "BAD_USER_INPUT"``. The gateway applies the same rules to its API schema
(:data:`SCALAR_RULES`) so a bad value never reaches a subgraph.

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
    if not isinstance(value, str) or not re.fullmatch(r"[0-9A-Za-z-]{4,20}", value.strip(), flags=re.ASCII):
        raise BadUserInput(f"TaxId {value!r} must be 4-20 ASCII letters, digits or '-'", field=field)
    return value.strip().upper()


def _str(value: Any) -> str:
    return str(value)


# Each scalar is a NewType wrapped by ``strawberry.scalar``, so every adapter that annotates ``AWB`` or ``Money``
# gets the one shared definition without configuring its schema. Type checkers see the plain NewType (strawberry's
# mypy plugin no longer understands wrapped scalars): return ``AWB(text)`` / ``Money(money_value)`` from
# resolvers. Strawberry deprecates wrapping in favour of a per-schema ``scalar_map``; that warning is silenced here
# only, until every adapter can take a shared ``StrawberryConfig``.
if TYPE_CHECKING:
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
else:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Passing a class to strawberry.scalar", DeprecationWarning)

        Money = strawberry.scalar(
            NewType("Money", ids.MoneyValue),
            name="Money",
            description=(
                'An amount in a currency, as {"amount": "1234.50", "currency": "CNY"} (input also "1234.50 CNY"). '
                "The amount is a decimal string with no more decimals than the currency's ISO 4217 minor units."
            ),
            serialize=_serialize_money,
            parse_value=ids.parse_money,
        )

        CurrencyCode = strawberry.scalar(
            NewType("CurrencyCode", str),
            name="CurrencyCode",
            description="ISO 4217 alphabetic currency code, e.g. CNY, KZT, RUB.",
            serialize=_str,
            parse_value=ids.parse_currency,
        )

        CountryCode = strawberry.scalar(
            NewType("CountryCode", str),
            name="CountryCode",
            description="ISO 3166-1 alpha-2 country code, e.g. CN, KZ, UZ.",
            serialize=_str,
            parse_value=ids.parse_country,
        )

        AWB = strawberry.scalar(
            NewType("AWB", str),
            name="AWB",
            description="IATA air waybill number PPP-SSSSSSSC: airline prefix, serial, check digit (serial mod 7).",
            serialize=_str,
            parse_value=ids.parse_awb,
        )

        VIN = strawberry.scalar(
            NewType("VIN", str),
            name="VIN",
            description="Vehicle identification number (ISO 3779), 17 characters, check digit verified where mandated.",
            serialize=_str,
            parse_value=ids.parse_vin,
        )

        BIC = strawberry.scalar(
            NewType("BIC", str),
            name="BIC",
            description="ISO 9362 business identifier code (8 or 11 characters).",
            serialize=_str,
            parse_value=ids.parse_bic,
        )

        IBAN = strawberry.scalar(
            NewType("IBAN", str),
            name="IBAN",
            description="ISO 13616 international bank account number, compact form.",
            serialize=_str,
            parse_value=ids.parse_iban,
        )

        TaxId = strawberry.scalar(
            NewType("TaxId", str),
            name="TaxId",
            description=(
                "Taxpayer identifier (USCC, INN, BIN, UNP, GSTIN...); its rule depends on the company's country."
            ),
            serialize=_str,
            parse_value=_tax_id_shape,
        )

        HSCode = strawberry.scalar(
            NewType("HSCode", str),
            name="HSCode",
            description="Harmonized System commodity code: 4-digit heading, optional subheading and national digits.",
            serialize=_str,
            parse_value=ids.parse_hs_code,
        )

        UETR = strawberry.scalar(
            NewType("UETR", str),
            name="UETR",
            description="Unique end-to-end transaction reference of an ISO 20022 payment (lower-case UUIDv4).",
            serialize=_str,
            parse_value=ids.parse_uetr,
        )


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
