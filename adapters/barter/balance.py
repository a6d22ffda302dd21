"""The barter balance ledger: what each side has shipped, the residual, and who owes it.

A barter contract exchanges goods for goods, valued in one reference currency. Each delivery leg is valued at
its goods line's unit value. The side that has shipped less value owes the difference (Civil Code art. 568:
the party whose goods are cheaper pays the difference), either in money or by a top-up delivery. A contract is
*balanced* when at least one side has delivered its whole goods list and the other side's shipments match it
in value within the contract's tolerance; it is *overdue* when the counter-delivery deadline has passed
before that.

Everything here is a plain function of its inputs, so the sandbox and the adapter share one rule.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

__all__ = ["Balance", "Leg", "Line", "compute_balance", "settlement_status"]

_HUNDRED = Decimal(100)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Line:
    """One goods-list line: what ``side`` ("A" or "B") promised to deliver, at what unit value."""

    side: str
    hs_code: str
    quantity: Decimal
    unit_value: Decimal


@dataclasses.dataclass(frozen=True, kw_only=True)
class Leg:
    """One delivery: ``quantity`` of the goods line (``side``, ``hs_code``) shipped."""

    side: str
    hs_code: str
    quantity: Decimal


@dataclasses.dataclass(frozen=True, kw_only=True)
class Balance:
    """The ledger of one contract, in its reference currency."""

    contracted_a: Decimal
    contracted_b: Decimal
    shipped_a: Decimal
    shipped_b: Decimal
    #: ``|shipped_a - shipped_b|``
    residual: Decimal
    #: the side that has shipped less and owes the residual; ``None`` when both are equal
    owed_by: str | None
    tolerance_pct: Decimal
    #: the residual allowed: ``tolerance_pct`` of the larger side's shipments
    tolerance: Decimal
    within_tolerance: bool
    complete_a: bool
    complete_b: bool

    @property
    def settled(self) -> bool:
        """One side delivered in full and the other matches it in value within tolerance."""
        shipped_both = self.shipped_a > 0 and self.shipped_b > 0
        return shipped_both and self.within_tolerance and (self.complete_a or self.complete_b)

    @property
    def started(self) -> bool:
        return self.shipped_a > 0 or self.shipped_b > 0


def delivered_quantity(legs: Iterable[Leg], side: str, hs_code: str) -> Decimal:
    """Total quantity shipped so far against one goods line."""
    return sum((leg.quantity for leg in legs if leg.side == side and leg.hs_code == hs_code), Decimal(0))


def compute_balance(lines: Iterable[Line], legs: Iterable[Leg], tolerance_pct: Decimal) -> Balance:
    """The running balance of a contract from its goods lists and its delivery legs.

    A leg whose (side, HS code) matches no goods line is valued at zero: the legacy system refuses such
    deliveries, so one here means the record is inconsistent, not that the goods were free.
    """
    lines = tuple(lines)
    legs = tuple(legs)
    unit_values = {(line.side, line.hs_code): line.unit_value for line in lines}
    contracted = {"A": Decimal(0), "B": Decimal(0)}
    shipped = {"A": Decimal(0), "B": Decimal(0)}
    complete = {"A": True, "B": True}
    for line in lines:
        contracted[line.side] += line.quantity * line.unit_value
        if delivered_quantity(legs, line.side, line.hs_code) < line.quantity:
            complete[line.side] = False
    for side in ("A", "B"):
        if not any(line.side == side for line in lines):
            complete[side] = False
    for leg in legs:
        shipped[leg.side] += leg.quantity * unit_values.get((leg.side, leg.hs_code), Decimal(0))
    residual = abs(shipped["A"] - shipped["B"])
    owed_by = None if residual == 0 else ("B" if shipped["A"] > shipped["B"] else "A")
    tolerance = max(shipped["A"], shipped["B"]) * tolerance_pct / _HUNDRED
    return Balance(
        contracted_a=contracted["A"],
        contracted_b=contracted["B"],
        shipped_a=shipped["A"],
        shipped_b=shipped["B"],
        residual=residual,
        owed_by=owed_by,
        tolerance_pct=tolerance_pct,
        tolerance=tolerance,
        within_tolerance=residual <= tolerance,
        complete_a=complete["A"],
        complete_b=complete["B"],
    )


#: Statuses the ledger does not move: a proposal not yet signed, and a contract closed for good.
_FIXED = frozenset({"DRAFT", "CLOSED"})


def settlement_status(recorded: str, balance: Balance, deadline: dt.date, today: dt.date) -> str:
    """The settlement status ``DRAFT → SIGNED → IN_EXECUTION → BALANCED | OVERDUE → CLOSED`` on ``today``.

    ``recorded`` is the status the contract register holds; the ledger and the counter-delivery deadline
    decide between SIGNED, IN_EXECUTION, BALANCED and OVERDUE.
    """
    if recorded in _FIXED:
        return recorded
    if balance.settled:
        return "BALANCED"
    if today > deadline:
        return "OVERDUE"
    return "IN_EXECUTION" if balance.started else "SIGNED"
