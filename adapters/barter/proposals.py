"""Inputs of the barter mutations and their checks, before anything reaches the register.

The shared scalars already check each value's shape (HS code via ``parse_hs_code``, currency, country). The
rules here need more than one value: a tax id is valid *for its country*, the parties sit in different
countries, quantities and values are positive, dates are in order. Each failure is
:class:`~gateway.errors.BadUserInput` naming the input field, e.g. ``input.goods[1].quantity``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import strawberry

from adapters.barter.types import BarterContractStatus, BarterContractType, BarterSide
from gateway.errors import BadUserInput
from gateway.sdk.identifiers import parse_country, parse_currency, parse_hs_code, parse_tax_id
from gateway.sdk.scalars import AWB, CountryCode, CurrencyCode, HSCode, TaxId

__all__ = [
    "BarterContractFilter",
    "BarterGoodsInput",
    "BarterPartyInput",
    "ProposeBarterContractInput",
    "RecordBarterDeliveryInput",
    "delivery_payload",
    "party_ref",
    "proposal_payload",
]

#: a Chinese customs entry number (18 digits) or a foreign 18-character reference (year, country, 14 characters)
_MRN = re.compile(r"^(\d{18}|\d{2}[A-Z]{2}[A-Z0-9]{14})$")
_MAX_TOLERANCE = Decimal(100)


@strawberry.input(description="A contract party: the Company key.")
class BarterPartyInput:
    country: CountryCode
    tax_id: TaxId


@strawberry.input(description="One line of a side's goods list.")
class BarterGoodsInput:
    side: BarterSide
    hs_code: HSCode
    description: str
    quantity: Decimal
    unit: str = strawberry.field(description="UN/ECE Recommendation 20 unit code, e.g. PCE, TNE.")
    unit_value: Decimal = strawberry.field(description="Value of one unit in the reference currency.")
    origin: CountryCode
    incoterms: str = strawberry.field(description="Incoterms 2020 rule and place, e.g. 'DAP Khorgos'.")


@strawberry.input(description="A barter contract to propose; the register files it as DRAFT.")
class ProposeBarterContractInput:
    number: str
    date: dt.date
    party_a: BarterPartyInput
    party_b: BarterPartyInput
    kind: BarterContractType = strawberry.field(name="type")
    reference_currency: CurrencyCode
    valid_until: dt.date
    counter_delivery_deadline: dt.date
    goods: list[BarterGoodsInput]
    tolerance_pct: Decimal = Decimal("2.0")


@strawberry.input(description="A delivery leg to record against one side's goods list.")
class RecordBarterDeliveryInput:
    contract_id: strawberry.ID
    side: BarterSide
    hs_code: HSCode
    quantity: Decimal
    delivered_on: dt.date
    mrn: str | None = strawberry.field(
        default=None, description="Customs declaration MRN; required for procedure 0130 (goods for goods)."
    )
    awb: AWB | None = None
    procedure: str = "0130"


@strawberry.input(description="Which barter contracts to list.")
class BarterContractFilter:
    party: BarterPartyInput | None = None
    kind: BarterContractType | None = strawberry.field(default=None, name="type")
    status: BarterContractStatus | None = None


def party_ref(party: BarterPartyInput, field: str) -> tuple[str, str]:
    """``(country, tax id)`` after checking the tax id by its country's rule."""
    country = parse_country(str(party.country), f"{field}.country")
    tax_id = parse_tax_id(country, str(party.tax_id), f"{field}.taxId")
    return country, tax_id


def _positive(value: Decimal, field: str) -> str:
    if not value.is_finite() or value <= 0:
        raise BadUserInput(f"{field} must be a positive number, got {value}", field=field)
    return str(value)


def _text(value: str, field: str) -> str:
    if not value.strip():
        raise BadUserInput(f"{field} must not be empty", field=field)
    return value.strip()


def proposal_payload(data: ProposeBarterContractInput) -> dict[str, Any]:
    """The register's JSON for a proposal, after every cross-field rule holds."""
    a_country, a_tax = party_ref(data.party_a, "input.partyA")
    b_country, b_tax = party_ref(data.party_b, "input.partyB")
    if a_country == b_country:
        raise BadUserInput(
            f"barter parties must be in different countries; both are in {a_country}", field="input.partyB.country"
        )
    if data.valid_until < data.date:
        raise BadUserInput("validUntil must not be before the contract date", field="input.validUntil")
    if not data.date <= data.counter_delivery_deadline <= data.valid_until:
        raise BadUserInput(
            "counterDeliveryDeadline must fall between the contract date and validUntil",
            field="input.counterDeliveryDeadline",
        )
    if not Decimal(0) <= data.tolerance_pct < _MAX_TOLERANCE:
        raise BadUserInput("tolerancePct must be between 0 and 100", field="input.tolerancePct")
    currency = parse_currency(str(data.reference_currency), "input.referenceCurrency")
    goods: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for n, line in enumerate(data.goods):
        where = f"input.goods[{n}]"
        hs_code = parse_hs_code(str(line.hs_code), f"{where}.hsCode")
        if (line.side.value, hs_code) in seen:
            raise BadUserInput(f"HS code {hs_code} is listed twice for side {line.side.value}", field=f"{where}.hsCode")
        seen.add((line.side.value, hs_code))
        goods.append(
            {
                "side": line.side.value,
                "hsCode": hs_code,
                "description": _text(line.description, f"{where}.description"),
                "quantity": _positive(line.quantity, f"{where}.quantity"),
                "unit": _text(line.unit, f"{where}.unit").upper(),
                "unitValue": _positive(line.unit_value, f"{where}.unitValue"),
                "origin": parse_country(str(line.origin), f"{where}.origin"),
                "incoterms": _text(line.incoterms, f"{where}.incoterms"),
            }
        )
    for side in BarterSide:
        if not any(g["side"] == side.value for g in goods):
            raise BadUserInput(f"side {side.value} delivers nothing: list at least one goods line", field="input.goods")
    return {
        "number": _text(data.number, "input.number"),
        "date": data.date.isoformat(),
        "partyA": {"country": a_country, "taxId": a_tax},
        "partyB": {"country": b_country, "taxId": b_tax},
        "type": data.kind.value,
        "referenceCurrency": currency,
        "validUntil": data.valid_until.isoformat(),
        "counterDeliveryDeadline": data.counter_delivery_deadline.isoformat(),
        "tolerancePct": str(data.tolerance_pct),
        "goods": goods,
    }


def delivery_payload(data: RecordBarterDeliveryInput) -> dict[str, Any]:
    """The register's JSON for a delivery leg; the register itself checks it against the goods list."""
    mrn = data.mrn.strip().upper() if data.mrn else None
    procedure = _text(data.procedure, "input.procedure")
    if not re.fullmatch(r"\d{4}", procedure):
        raise BadUserInput(f"procedure {procedure!r} must be a 4-digit customs procedure code", field="input.procedure")
    if procedure == "0130" and mrn is None:
        raise BadUserInput("a procedure 0130 (barter) delivery needs the customs declaration's MRN", field="input.mrn")
    if mrn is not None and not _MRN.match(mrn):
        raise BadUserInput(
            f"MRN {data.mrn!r} must be a Chinese customs entry number (18 digits) or a foreign declaration "
            "reference of 18 characters: 2-digit year, country code, 14 letters or digits",
            field="input.mrn",
        )
    return {
        "side": data.side.value,
        "hsCode": parse_hs_code(str(data.hs_code), "input.hsCode"),
        "quantity": _positive(data.quantity, "input.quantity"),
        "date": data.delivered_on.isoformat(),
        "mrn": mrn,
        "awb": str(data.awb) if data.awb else None,
        "procedure": procedure,
    }
