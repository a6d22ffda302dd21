"""Deterministic FX rates of the rail among the platform's currencies (seeded, not market data).

Rates are quoted as units per US dollar; a cross rate is their ratio rounded to 6 decimals, and a converted
amount is rounded half-even to the target currency's ISO 4217 minor units (domain.md §7).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from decimal import ROUND_HALF_EVEN, Decimal

from gateway.sdk.identifiers import minor_units

__all__ = ["RATES_PER_USD", "Quote", "UnsupportedCurrency", "convert", "cross_rate", "quote"]

RATES_PER_USD: dict[str, Decimal] = {
    "USD": Decimal("1"),
    "EUR": Decimal("0.92"),
    "CNY": Decimal("7.12"),
    "RUB": Decimal("92.50"),
    "KZT": Decimal("505.00"),
    "UZS": Decimal("12650.00"),
    "KGS": Decimal("87.30"),
    "TJS": Decimal("10.90"),
    "INR": Decimal("84.20"),
    "PKR": Decimal("278.50"),
    "BYN": Decimal("3.27"),
    "IRR": Decimal("42100.00"),
}

#: How long a quote stays valid.
QUOTE_VALIDITY = dt.timedelta(minutes=15)


class UnsupportedCurrency(ValueError):
    def __init__(self, currency: str) -> None:
        super().__init__(f"the rail quotes no rate for {currency}; it knows {', '.join(sorted(RATES_PER_USD))}")
        self.currency = currency


def cross_rate(source: str, target: str) -> Decimal:
    for ccy in (source, target):
        if ccy not in RATES_PER_USD:
            raise UnsupportedCurrency(ccy)
    if source == target:
        return Decimal(1)
    return (RATES_PER_USD[target] / RATES_PER_USD[source]).quantize(Decimal("0.000001"), ROUND_HALF_EVEN)


def convert(amount: Decimal, source: str, target: str) -> Decimal:
    exp = Decimal(1).scaleb(-minor_units(target))
    return (amount * cross_rate(source, target)).quantize(exp, ROUND_HALF_EVEN)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Quote:
    quote_id: str
    source: str
    target: str
    rate: Decimal
    amount: Decimal
    converted: Decimal
    valid_until: dt.datetime


def quote(source: str, target: str, amount: Decimal, *, now: dt.datetime) -> Quote:
    rate = cross_rate(source, target)
    digest = hashlib.sha256(f"{source}{target}{amount}{now.date()}".encode()).hexdigest()[:16].upper()
    return Quote(
        quote_id=f"FXQ-{digest}",
        source=source,
        target=target,
        rate=rate,
        amount=amount,
        converted=convert(amount, source, target),
        valid_until=now + QUOTE_VALIDITY,
    )
