"""The customs subgraph's inputs: a declaration to lodge, checked against the code lists before customs sees it.

Each refusal is a ``BAD_USER_INPUT`` naming the input field (``input.goodsItems.0.unit``) and the code list.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from decimal import Decimal

import strawberry

from adapters.customs import codes
from adapters.customs.client import DeclarationDraft, DraftItem
from gateway.errors import BadUserInput
from gateway.sdk import identifiers as ids
from gateway.sdk.scalars import AWB, VIN, CountryCode, Money, TaxId

__all__ = ["DeclarationDirection", "SubmitDeclarationInput", "draft_of"]

_TARIFF = re.compile(r"[0-9]{10}")


@strawberry.enum
class DeclarationDirection(enum.Enum):
    EXPORT = "EXPORT"
    IMPORT = "IMPORT"


@strawberry.input(description="A quantity in a GACC unit of measure (计量单位代码, e.g. 035 kg, 003 vehicle).")
class QuantityInput:
    amount: Decimal
    unit: str


@strawberry.input(description="A licence or other supporting document (随附单证), e.g. code 4 export licence.")
class LicenceInput:
    code: str
    number: str


@strawberry.input
class DeclarationGoodsItemInput:
    tariff_code: str = strawberry.field(description="10 digits: 8-digit Chinese tariff code + 2 national digits")
    description: str
    quantity: QuantityInput = strawberry.field(description="Declared (transaction) quantity and unit")
    legal_quantity: QuantityInput = strawberry.field(description="Quantity in the first legal unit (法定第一计量单位)")
    second_legal_quantity: QuantityInput | None = strawberry.field(
        default=None, description="Quantity in the second legal unit, where the tariff line has one"
    )
    value: Money = strawberry.field(description="Total price of the item")
    origin: CountryCode
    destination: CountryCode
    exemption: str = strawberry.field(default="1", description="Duty treatment (征免方式): 1 as per tariff, 3 exempt")


@strawberry.input(
    description="A declaration to lodge. Resubmitting the same LRN and content returns the same entry number."
)
class SubmitDeclarationInput:
    lrn: str
    declarant_country: CountryCode
    declarant_tax_id: TaxId
    direction: DeclarationDirection
    procedure_code: str = strawberry.field(
        description="Trade mode (监管方式): 0110 general trade, 0130 barter, 4019 border small-amount trade, "
        "9610/9710/9810 cross-border e-commerce"
    )
    office_id: str = strawberry.field(description="Customs office of declaration (申报地海关), 4 digits, e.g. 2233")
    exit_office_id: str = strawberry.field(description="Exit customs (出境关别), 4 digits")
    departure_port: str = strawberry.field(description="Where the goods leave: IATA airport, or the land port")
    transport_mode: str = strawberry.field(description="运输方式: 2 waterway, 3 rail, 4 road, 5 air, 6 post, 9 other")
    conveyance: str = strawberry.field(description="Means of transport: flight number, vessel or truck plate")
    voyage: str | None = strawberry.field(default=None, description="Voyage or flight date")
    transaction_terms: str = strawberry.field(
        description="成交方式: 1 CIF, 2 C&F, 3 FOB, 4 C&I, 5 market price, 6 consignment, 7 EXW"
    )
    levy_nature: str = strawberry.field(
        default="101", description="征免性质: 101 general taxation, 299 other statutory"
    )
    awb: AWB | None = None
    vin: VIN | None = None
    barter_contract_id: strawberry.ID | None = None
    licences: list[LicenceInput] = strawberry.field(default_factory=list)
    goods_items: list[DeclarationGoodsItemInput]


def _code(table: Mapping[str, object], value: str, field: str, what: str) -> str:
    value = value.strip()
    if value not in table:
        raise BadUserInput(f"{field}: {what} {value!r} is not one of {', '.join(sorted(table))}", field=field)
    return value


def _quantity(q: QuantityInput, field: str) -> tuple[Decimal, str]:
    if q.amount <= 0:
        raise BadUserInput(f"{field}.amount must be greater than 0", field=f"{field}.amount")
    return q.amount, _code(codes.UNITS, q.unit, f"{field}.unit", "unit")


def _item(item: DeclarationGoodsItemInput, at: str) -> DraftItem:
    tariff = item.tariff_code.strip()
    if not _TARIFF.fullmatch(tariff):
        raise BadUserInput(f"{at}.tariffCode {tariff!r} must be 10 digits", field=f"{at}.tariffCode")
    ids.parse_hs_code(tariff, f"{at}.tariffCode")
    quantity, unit = _quantity(item.quantity, f"{at}.quantity")
    legal, legal_unit = _quantity(item.legal_quantity, f"{at}.legalQuantity")
    second = _quantity(item.second_legal_quantity, f"{at}.secondLegalQuantity") if item.second_legal_quantity else None
    return DraftItem(
        tariff_code=tariff,
        description=item.description,
        quantity=quantity,
        unit=unit,
        legal_quantity=legal,
        legal_unit=legal_unit,
        second_quantity=second[0] if second else None,
        second_unit=second[1] if second else None,
        value=item.value.amount,
        currency=item.value.currency,
        origin=str(item.origin),
        destination=str(item.destination),
        exemption=_code(codes.EXEMPTIONS, item.exemption, f"{at}.exemption", "exemption"),
    )


def draft_of(data: SubmitDeclarationInput) -> DeclarationDraft:
    """The draft to send, or ``BAD_USER_INPUT`` naming the first field that breaks a rule."""
    if not 1 <= len(data.lrn.strip()) <= 35:
        raise BadUserInput("lrn must be 1-35 characters", field="input.lrn")
    if not data.goods_items:
        raise BadUserInput("a declaration needs at least one goods item", field="input.goodsItems")
    mode = _code(codes.TRANSPORT_MODES, data.transport_mode, "input.transportMode", "transport mode")
    if mode == "5" and data.awb is None:
        raise BadUserInput("an air shipment (transport mode 5) needs its air waybill", field="input.awb")
    country = str(data.declarant_country)
    return DeclarationDraft(
        lrn=data.lrn.strip(),
        declarant=(country, ids.parse_tax_id(country, data.declarant_tax_id, field="input.declarantTaxId")),
        direction=data.direction.value,
        trade_mode=_code(codes.TRADE_MODES, data.procedure_code, "input.procedureCode", "trade mode"),
        office=_code(codes.OFFICES, data.office_id, "input.officeId", "customs office"),
        exit_office=_code(codes.OFFICES, data.exit_office_id, "input.exitOfficeId", "customs office"),
        departure_port=data.departure_port.strip(),
        transport_mode=mode,
        conveyance=data.conveyance.strip(),
        voyage=data.voyage,
        transaction_terms=_code(
            codes.TRANSACTION_TERMS, data.transaction_terms, "input.transactionTerms", "transaction terms"
        ),
        levy_nature=_code(codes.LEVY_NATURES, data.levy_nature, "input.levyNature", "levy nature"),
        awb=str(data.awb) if data.awb else None,
        vin=str(data.vin) if data.vin else None,
        barter_contract=str(data.barter_contract_id) if data.barter_contract_id else None,
        licences=tuple(
            (_code(codes.LICENCES, lic.code, f"input.licences.{n}.code", "licence"), lic.number.strip())
            for n, lic in enumerate(data.licences)
        ),
        items=tuple(_item(item, f"input.goodsItems.{n}") for n, item in enumerate(data.goods_items)),
    )
