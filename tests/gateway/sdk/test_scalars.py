"""The shared scalars in a tiny schema: valid values in and out, invalid ones as BAD_USER_INPUT naming the rule."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import strawberry

from gateway.errors import UpstreamTimeout
from gateway.sdk.error_codes import SilkgraphErrorCodes, silkgraph_cause
from gateway.sdk.scalars import (
    AWB,
    BIC,
    IBAN,
    SCALAR_RULES,
    UETR,
    VIN,
    CountryCode,
    CurrencyCode,
    CustomsEntryNumber,
    HSCode,
    Money,
    MoneyValue,
    TaxId,
    schema_config,
)


@strawberry.type
class Query:
    @strawberry.field
    def awb(self, value: AWB) -> AWB:
        return value

    @strawberry.field
    def vin(self, value: VIN) -> VIN:
        return value

    @strawberry.field
    def bic(self, value: BIC) -> BIC:
        return value

    @strawberry.field
    def iban(self, value: IBAN) -> IBAN:
        return value

    @strawberry.field
    def uetr(self, value: UETR) -> UETR:
        return value

    @strawberry.field
    def country(self, value: CountryCode) -> CountryCode:
        return value

    @strawberry.field
    def currency(self, value: CurrencyCode) -> CurrencyCode:
        return value

    @strawberry.field
    def hs(self, value: HSCode) -> HSCode:
        return value

    @strawberry.field
    def entry(self, value: CustomsEntryNumber) -> CustomsEntryNumber:
        return value

    @strawberry.field
    def tax_id(self, value: TaxId) -> TaxId:
        return value

    @strawberry.field
    def money(self, value: Money) -> Money:
        return value

    @strawberry.field
    def price(self) -> Money:
        return Money(MoneyValue(amount=Decimal("86000"), currency="CNY"))

    @strawberry.field
    def slow(self) -> str:
        raise UpstreamTimeout("the customs system did not answer within 10 s", service="customs")


schema = strawberry.Schema(query=Query, extensions=[SilkgraphErrorCodes], config=schema_config())

VALID: list[tuple[str, str, Any, Any]] = [
    ("awb", "AWB", "020 12345675", "020-12345675"),
    ("vin", "VIN", "lsvam418xp2184847", "LSVAM418XP2184847"),
    ("bic", "BIC", "icbkcnbjxxx", "ICBKCNBJXXX"),
    ("iban", "IBAN", "kz86 125K ZT50 0410 0100", "KZ86125KZT5004100100"),
    ("uetr", "UETR", "6513270E-269E-4D37-B2A7-4DE452E6B438", "6513270e-269e-4d37-b2a7-4de452e6b438"),
    ("country", "CountryCode", "kz", "KZ"),
    ("currency", "CurrencyCode", "kzt", "KZT"),
    ("hs", "HSCode", "870323", "8703.23"),
    ("entry", "CustomsEntryNumber", "2233 2026 0 000011021", "223320260000011021"),
    ("taxId", "TaxId", "91310115ma1k3y4a90", "91310115MA1K3Y4A90"),
    ("money", "Money", {"amount": "12.5", "currency": "CNY"}, {"amount": "12.50", "currency": "CNY"}),
    ("money", "Money", "100 JPY", {"amount": "100", "currency": "JPY"}),
]

INVALID: list[tuple[str, str, Any, str]] = [
    ("awb", "AWB", "020-12345676", "check digit"),
    ("vin", "VIN", "LSVAM4188C2184847", "position 9"),
    ("bic", "BIC", "ICBKXXBJ", "country"),
    ("iban", "IBAN", "KZ87125KZT5004100100", "IBAN"),
    ("uetr", "UETR", "not-a-uuid", "UUIDv4"),
    ("country", "CountryCode", "XX", "ISO 3166"),
    ("currency", "CurrencyCode", "XYZ", "ISO 4217"),
    ("hs", "HSCode", "7701", "chapter 77"),
    ("entry", "CustomsEntryNumber", "26CN4201E000000017", "18 digits"),
    ("entry", "CustomsEntryNumber", "223320260000011021"[:8] + "2" + "000011021", "1 import, 0 export"),
    ("entry", "CustomsEntryNumber", "223319000000011021", "not a declaration year"),
    ("taxId", "TaxId", "#!", "4-20"),
    ("money", "Money", {"amount": "1.234", "currency": "CNY"}, "more decimals"),
]


@pytest.mark.parametrize(("field", "scalar", "value", "canonical"), VALID)
async def test_valid_variables_come_back_canonical(field: str, scalar: str, value: Any, canonical: Any) -> None:
    result = await schema.execute(f"query($v: {scalar}!) {{ {field}(value: $v) }}", variable_values={"v": value})
    assert result.errors is None
    assert result.data == {field: canonical}


@pytest.mark.parametrize(("field", "scalar", "value", "rule"), INVALID)
async def test_invalid_variables_are_bad_user_input_naming_the_rule(
    field: str, scalar: str, value: Any, rule: str
) -> None:
    result = await schema.execute(f"query($v: {scalar}!) {{ {field}(value: $v) }}", variable_values={"v": value})
    assert result.data is None
    assert result.errors is not None
    [error] = result.errors
    assert rule in error.message
    assert "$v" in error.message
    assert error.extensions is not None
    assert error.extensions["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize(
    ("literal", "rule"),
    [
        ('awb(value: "020-12345676")', "check digit"),
        ("awb(value: 20)", "must be a string"),
        ('hs(value: "98")', "digits"),
    ],
)
async def test_invalid_literals_are_bad_user_input_naming_the_rule(literal: str, rule: str) -> None:
    result = await schema.execute(f"{{ {literal} }}")
    assert result.errors is not None
    [error] = result.errors
    assert rule in error.message
    assert error.extensions is not None
    assert error.extensions["code"] == "BAD_USER_INPUT"


async def test_money_literal_objects_are_parsed() -> None:
    result = await schema.execute('{ money(value: {amount: "7", currency: "KWD"}) }')
    assert result.errors is None
    assert result.data == {"money": {"amount": "7.000", "currency": "KWD"}}


async def test_money_output_is_quantised_to_minor_units() -> None:
    result = await schema.execute("{ price }")
    assert result.data == {"price": {"amount": "86000.00", "currency": "CNY"}}


async def test_resolver_errors_carry_code_and_service() -> None:
    result = await schema.execute("{ slow }")
    assert result.errors is not None
    [error] = result.errors
    assert error.extensions == {"code": "UPSTREAM_TIMEOUT", "service": "customs", "serviceName": "customs"}
    assert isinstance(silkgraph_cause(error), UpstreamTimeout)


def test_the_gateway_rules_cover_every_scalar_in_the_sdl() -> None:
    sdl = schema.as_str()
    declared = {line.split()[1] for line in sdl.splitlines() if line.startswith("scalar ")}
    assert declared == set(SCALAR_RULES)
