"""The barter trade system's records as the adapter sees them: contracts, goods lines, deliveries."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from adapters.barter.balance import Balance, Leg, Line, compute_balance

__all__ = ["Contract", "Delivery", "GoodsLine", "Party"]


@dataclasses.dataclass(frozen=True, kw_only=True, order=True)
class Party:
    """A contract party: the company's country and tax id (the ``Company`` entity key)."""

    country: str
    tax_id: str

    @property
    def ref(self) -> str:
        """The legacy system's party reference ``CC:TAXID``."""
        return f"{self.country}:{self.tax_id}"


@dataclasses.dataclass(frozen=True, kw_only=True)
class GoodsLine:
    line_no: int
    side: str
    hs_code: str
    description: str
    quantity: Decimal
    unit: str
    unit_value: Decimal
    origin: str
    incoterms: str

    @property
    def value(self) -> Decimal:
        return self.quantity * self.unit_value


@dataclasses.dataclass(frozen=True, kw_only=True)
class Delivery:
    id: str
    side: str
    hs_code: str
    quantity: Decimal
    mrn: str | None
    awb: str | None
    delivered_on: dt.date
    procedure: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class Contract:
    id: str
    number: str
    date: dt.date
    party_a: Party
    party_b: Party
    kind: str
    reference_currency: str
    valid_until: dt.date
    counter_delivery_deadline: dt.date
    status: str
    tolerance_pct: Decimal
    goods: tuple[GoodsLine, ...]
    deliveries: tuple[Delivery, ...]

    def party(self, side: str) -> Party:
        return self.party_a if side == "A" else self.party_b

    def balance(self) -> Balance:
        return compute_balance(
            (Line(side=g.side, hs_code=g.hs_code, quantity=g.quantity, unit_value=g.unit_value) for g in self.goods),
            (Leg(side=d.side, hs_code=d.hs_code, quantity=d.quantity) for d in self.deliveries),
            self.tolerance_pct,
        )

    def delivered(self, line: GoodsLine) -> Decimal:
        return sum(
            (d.quantity for d in self.deliveries if d.side == line.side and d.hs_code == line.hs_code),
            Decimal(0),
        )
