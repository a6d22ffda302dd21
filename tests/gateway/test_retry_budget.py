"""The retry budget of a legacy source (gateway.retry_budget), on an injected clock."""

from __future__ import annotations

import pytest

from gateway.resilience import GuardSettings, SourceGuard, retry_attempt
from gateway.retry_budget import RetryBudget


class Clock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


def spend_all(budget: RetryBudget) -> int:
    """Retries the budget admits right now, up to a safety cap."""
    admitted = 0
    while admitted < 10_000 and budget.try_spend():
        admitted += 1
    return admitted


def test_with_no_traffic_the_floor_admits_exactly_min_per_second_times_the_window_then_refuses() -> None:
    clock = Clock()
    budget = RetryBudget(percent=10, min_per_second=1, window=10, clock=clock)
    assert spend_all(budget) == 10
    assert not budget.try_spend()
    assert (budget.spent, budget.refused) == (10, 2)  # spend_all's last try and this one


def test_ten_percent_of_the_requests_in_the_window_are_added_to_the_floor() -> None:
    clock = Clock()
    budget = RetryBudget(percent=10, min_per_second=0.5, window=10, clock=clock)
    for _ in range(40):
        budget.record_request()
    assert budget.limit() == 4 + 5
    assert spend_all(budget) == 9
    budget.record_request()  # 41 requests: 4.1 + 5, still 9 whole retries
    assert not budget.try_spend()
    for _ in range(9):
        budget.record_request()  # 50 requests: room for one more
    assert budget.try_spend()
    assert not budget.try_spend()


def test_the_budget_refills_once_the_window_has_passed() -> None:
    clock = Clock()
    budget = RetryBudget(percent=0, min_per_second=0.3, window=10, clock=clock)
    assert spend_all(budget) == 3
    clock.now += 9.0
    assert not budget.try_spend()  # still inside the window
    clock.now += 1.0
    assert spend_all(budget) == 3  # the first three have left it


def test_the_window_slides_retries_leave_it_one_bucket_at_a_time() -> None:
    clock = Clock()
    budget = RetryBudget(percent=0, min_per_second=0.4, window=10, clock=clock)
    assert budget.try_spend() and budget.try_spend()
    clock.now += 5
    assert budget.try_spend() and budget.try_spend()
    assert not budget.try_spend()
    clock.now += 5  # the first two are 10 s old: gone; the last two are 5 s old: still counted
    assert spend_all(budget) == 2
    assert budget.status()["retries"] == 4


def test_a_zero_budget_admits_no_retry() -> None:
    budget = RetryBudget(percent=0, min_per_second=0, window=10, clock=Clock())
    for _ in range(100):
        budget.record_request()
    assert not budget.try_spend()


def test_memory_stays_bounded_however_many_requests() -> None:
    clock = Clock()
    budget = RetryBudget(clock=clock)
    for i in range(5000):
        clock.now = 5000 + i / 100  # 100 requests a second for 50 s
        budget.record_request()
    assert 900 <= budget.status()["requests"] <= 1000  # about the last 10 s (kept in 1-second buckets)
    assert len(budget._requests._buckets) <= 10


async def test_the_guard_counts_first_attempts_as_requests_but_not_retries() -> None:
    guard = SourceGuard("rail", GuardSettings(), clock=Clock())
    async with guard.call("payments"):
        pass
    with retry_attempt(True):
        async with guard.call("payments"):
            pass
    assert guard.budget.status()["requests"] == 1


def test_the_guard_admits_no_retry_while_its_breaker_is_open_and_shares_one_budget() -> None:
    clock = Clock()
    guard = SourceGuard(
        "customs", GuardSettings(failure_threshold=1, retry_percent=0, retry_min_per_second=0.2), clock=clock
    )
    assert guard.admit_retry() and guard.admit_retry()
    assert not guard.admit_retry()  # budget spent (2 per 10 s)
    assert guard.budget.refused == 1
    clock.now += 10
    guard.breaker.record_failure()  # opens
    assert not guard.admit_retry()  # open breaker: fail fast, and the budget is not charged
    assert guard.budget.status()["retries"] == 0
    status = guard.status()
    assert status["retry_budget"]["limit"] == 2
    assert status["retry_budget"]["retries_total"] == 2


@pytest.mark.parametrize("percent", [0.0, 10.0, 100.0])
def test_load_on_a_dead_system_is_bounded_by_the_budget_not_by_attempts(percent: float) -> None:
    """1000 calls, each willing to try 5 times: what the budget admits, not 4000 retries."""
    clock = Clock()
    budget = RetryBudget(percent=percent, min_per_second=1, window=10, clock=clock)
    retries = 0
    for _ in range(1000):
        budget.record_request()
        for _attempt in range(4):
            if not budget.try_spend():
                break
            retries += 1
    assert retries == int(percent * 1000 / 100 + 10)
