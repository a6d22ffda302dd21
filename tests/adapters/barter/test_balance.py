from __future__ import annotations

import datetime as dt
from decimal import Decimal

from adapters.barter.balance import Leg, Line, compute_balance, settlement_status

EXCAVATORS = Line(side="A", hs_code="8429.52", quantity=Decimal(6), unit_value=Decimal("210000.00"))
UNITS = Line(side="A", hs_code="8431.49", quantity=Decimal(4), unit_value=Decimal("45000.00"))
WHEAT = Line(side="B", hs_code="1001.99", quantity=Decimal(4800), unit_value=Decimal("300.00"))
LINES = (EXCAVATORS, UNITS, WHEAT)
A_IN_FULL = (
    Leg(side="A", hs_code="8429.52", quantity=Decimal(6)),
    Leg(side="A", hs_code="8431.49", quantity=Decimal(4)),
)
DEADLINE = dt.date(2027, 3, 31)


def wheat(tonnes: int) -> Leg:
    return Leg(side="B", hs_code="1001.99", quantity=Decimal(tonnes))


def test_contracted_values_are_quantity_times_unit_value_per_side() -> None:
    balance = compute_balance(LINES, (), Decimal("2.0"))
    assert balance.contracted_a == Decimal("1440000.00")
    assert balance.contracted_b == Decimal("1440000.00")
    assert balance.shipped_a == balance.shipped_b == 0
    assert balance.owed_by is None
    assert not balance.started


def test_the_story_contract_half_way_owes_the_wheat_side() -> None:
    balance = compute_balance(LINES, (*A_IN_FULL, wheat(2500)), Decimal("2.0"))
    assert balance.shipped_a == Decimal("1440000.00")
    assert balance.shipped_b == Decimal("750000.00")
    assert balance.residual == Decimal("690000.00")
    assert balance.owed_by == "B"
    assert balance.complete_a and not balance.complete_b
    assert not balance.within_tolerance
    assert not balance.settled


def test_closed_barter_within_tolerance_is_balanced_and_the_cheaper_side_owes_the_residual() -> None:
    balance = compute_balance(LINES, (*A_IN_FULL, wheat(4750)), Decimal("2.0"))
    assert balance.residual == Decimal("15000.00")  # 1.04 % of 1,440,000
    assert balance.owed_by == "B"
    assert balance.tolerance == Decimal("28800.00")
    assert balance.within_tolerance
    assert balance.settled
    assert settlement_status("IN_EXECUTION", balance, DEADLINE, dt.date(2026, 12, 1)) == "BALANCED"


def test_residual_beyond_tolerance_is_not_balanced() -> None:
    balance = compute_balance(LINES, (*A_IN_FULL, wheat(4700)), Decimal("2.0"))
    assert balance.residual == Decimal("30000.00")
    assert not balance.within_tolerance
    assert settlement_status("IN_EXECUTION", balance, DEADLINE, dt.date(2026, 12, 1)) == "IN_EXECUTION"


def test_side_a_owes_when_it_shipped_less() -> None:
    balance = compute_balance(LINES, (wheat(4800), A_IN_FULL[1]), Decimal("2.0"))
    assert balance.owed_by == "A"
    assert balance.residual == Decimal("1260000.00")


def test_a_contract_past_its_counter_delivery_deadline_unbalanced_is_overdue() -> None:
    balance = compute_balance(LINES, (*A_IN_FULL, wheat(2500)), Decimal("2.0"))
    assert settlement_status("IN_EXECUTION", balance, DEADLINE, DEADLINE) == "IN_EXECUTION"
    assert settlement_status("IN_EXECUTION", balance, DEADLINE, DEADLINE + dt.timedelta(days=1)) == "OVERDUE"


def test_a_signed_contract_with_nothing_shipped_is_overdue_after_the_deadline() -> None:
    balance = compute_balance(LINES, (), Decimal("2.0"))
    assert settlement_status("SIGNED", balance, DEADLINE, dt.date(2026, 12, 1)) == "SIGNED"
    assert settlement_status("SIGNED", balance, DEADLINE, dt.date(2027, 4, 1)) == "OVERDUE"


def test_late_balancing_turns_overdue_into_balanced() -> None:
    balance = compute_balance(LINES, (*A_IN_FULL, wheat(4800)), Decimal("2.0"))
    assert settlement_status("OVERDUE", balance, DEADLINE, dt.date(2027, 5, 1)) == "BALANCED"


def test_draft_and_closed_contracts_keep_their_status() -> None:
    balance = compute_balance(LINES, (*A_IN_FULL, wheat(4800)), Decimal("2.0"))
    assert settlement_status("DRAFT", balance, DEADLINE, dt.date(2030, 1, 1)) == "DRAFT"
    assert settlement_status("CLOSED", balance, DEADLINE, dt.date(2030, 1, 1)) == "CLOSED"


def test_a_leg_outside_the_goods_list_adds_no_value() -> None:
    balance = compute_balance(LINES, (Leg(side="A", hs_code="0101.21", quantity=Decimal(3)),), Decimal("2.0"))
    assert balance.shipped_a == 0


def test_zero_tolerance_needs_an_exact_match() -> None:
    exact = compute_balance(LINES, (*A_IN_FULL, wheat(4800)), Decimal(0))
    short = compute_balance(LINES, (*A_IN_FULL, wheat(4799)), Decimal(0))
    assert exact.settled and exact.owed_by is None
    assert not short.settled and short.owed_by == "B"


def test_a_side_without_goods_is_never_complete() -> None:
    balance = compute_balance((WHEAT,), (wheat(4800),), Decimal("2.0"))
    assert balance.complete_b and not balance.complete_a
    assert not balance.settled
