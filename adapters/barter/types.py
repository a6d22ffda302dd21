"""GraphQL value types of the barter subgraph: enums, goods lines, deliveries, the balance, entity stubs."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet

from gateway.policy.scopes import BARTER_READ
from gateway.sdk.node_ids import id_field
from gateway.sdk.rules import needs
from gateway.sdk.scalars import AWB, CountryCode, HSCode, Money

if TYPE_CHECKING:
    from adapters.barter.entities import Company

__all__ = [
    "BarterBalance",
    "BarterContractStatus",
    "BarterContractType",
    "BarterDelivery",
    "BarterGoodsLine",
    "BarterSide",
    "CustomsDeclaration",
    "Shipment",
]


@strawberry.enum(description="A side of a barter contract: A (party A delivers) or B (party B delivers).")
class BarterSide(enum.Enum):
    A = "A"
    B = "B"


@strawberry.enum(description="Closed barter (equal counter deliveries), open barter (chains, baskets) or tolling.")
class BarterContractType(enum.Enum):
    CLOSED = "CLOSED"
    OPEN = "OPEN"
    TOLLING = "TOLLING"


@strawberry.enum(description="Settlement status: DRAFT → SIGNED → IN_EXECUTION → BALANCED | OVERDUE → CLOSED.")
class BarterContractStatus(enum.Enum):
    DRAFT = "DRAFT"
    SIGNED = "SIGNED"
    IN_EXECUTION = "IN_EXECUTION"
    BALANCED = "BALANCED"
    OVERDUE = "OVERDUE"
    CLOSED = "CLOSED"


@strawberry.federation.type(
    authenticated=True,
    keys=[Key(fields=FieldSet("id"), resolvable=False)],
    description="A customs declaration, by its MRN (customs subgraph).",
)
class CustomsDeclaration:
    id: strawberry.ID


@strawberry.federation.type(
    authenticated=True,
    keys=[Key(fields=FieldSet("awb"), resolvable=False)],
    description="An air shipment, by its air waybill (cargo subgraph).",
)
class Shipment:
    awb: AWB
    id: strawberry.ID = id_field("Shipment", "awb")


@strawberry.federation.type(
    description="One line of a side's goods list, valued in the contract's reference currency.",
    requires_scopes=needs(BARTER_READ),
)
class BarterGoodsLine:
    line_no: int
    side: BarterSide
    hs_code: HSCode
    description: str
    quantity: Decimal
    unit: str = strawberry.field(description="UN/ECE Recommendation 20 unit code, e.g. PCE, TNE, KGM.")
    unit_value: Money
    value: Money = strawberry.field(description="quantity × unit value")
    origin: CountryCode
    incoterms: str
    delivered_quantity: Decimal
    remaining_quantity: Decimal


@strawberry.federation.type(
    description="One delivery leg recorded against a side's goods list.", requires_scopes=needs(BARTER_READ)
)
class BarterDelivery:
    id: strawberry.ID
    side: BarterSide
    hs_code: HSCode
    quantity: Decimal
    value: Money = strawberry.field(description="quantity × the goods line's unit value")
    delivered_on: dt.date
    procedure: str = strawberry.field(description="Customs procedure code, 0130 for barter (goods for goods).")
    declaration: CustomsDeclaration | None = strawberry.field(description="The customs declaration (MRN).")
    shipment: Shipment | None = strawberry.field(description="The air shipment, when the leg flew.")


@strawberry.federation.type(
    requires_scopes=needs(BARTER_READ),
    description=(
        "The running balance: value shipped by each side, the residual and who owes it. The side that shipped "
        "less owes the difference (Civil Code art. 568: the cheaper side pays the difference)."
    ),
)
class BarterBalance:
    contracted_a: Money
    contracted_b: Money
    shipped_a: Money
    shipped_b: Money
    residual: Money
    owed_by: BarterSide | None = strawberry.field(description="The side that owes the residual; null if none.")
    owed_by_party: Annotated[Company, strawberry.lazy("adapters.barter.entities")] | None = strawberry.field(
        description="The company that owes the residual."
    )
    tolerance_pct: Decimal
    tolerance: Money = strawberry.field(description="The residual allowed: tolerancePct of the larger shipments.")
    within_tolerance: bool
    complete_a: bool = strawberry.field(description="Side A has delivered its whole goods list.")
    complete_b: bool = strawberry.field(description="Side B has delivered its whole goods list.")
    settled: bool = strawberry.field(description="One side delivered in full, the other matches within tolerance.")
