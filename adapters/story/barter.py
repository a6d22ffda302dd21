"""Barter of the story: the barter contracts, their goods and the deliveries made so far."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from adapters.story.traders import ASTANA_GRAIN, HORGOS


@dataclasses.dataclass(frozen=True, kw_only=True)
class BarterGoods:
    side: str  # the party (country) delivering these goods: "A" or "B"
    hs_code: str
    description: str
    quantity: Decimal
    unit: str
    unit_value: Decimal
    origin: str
    incoterms: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class BarterContract:
    id: str
    number: str
    signed_on: str
    party_a: tuple[str, str]
    party_b: tuple[str, str]
    kind: str  # CLOSED | OPEN | TOLLING
    reference_currency: str
    valid_until: str
    counter_delivery_deadline: str
    status: str  # DRAFT | SIGNED | IN_EXECUTION | BALANCED | OVERDUE | CLOSED
    goods: tuple[BarterGoods, ...]
    #: deliveries: (side, hs_code, quantity, declaration MRN, awb or None, date)
    deliveries: tuple[tuple[str, str, Decimal, str, str | None, str], ...]
    tolerance_pct: Decimal = Decimal("2.0")


BARTER_CONTRACTS: tuple[BarterContract, ...] = (
    BarterContract(
        id="BC-2026-0001",
        number="HG-KZ/2026/0001",
        signed_on="2026-09-15",
        party_a=HORGOS,
        party_b=ASTANA_GRAIN,
        kind="CLOSED",
        reference_currency="CNY",
        valid_until="2027-09-15",
        counter_delivery_deadline="2027-03-31",
        status="IN_EXECUTION",
        goods=(
            BarterGoods(
                side="A",
                hs_code="8429.52",
                description="Hydraulic excavator, 21 t",
                quantity=Decimal("6"),
                unit="PCE",
                unit_value=Decimal("210000.00"),
                origin="CN",
                incoterms="DAP Khorgos",
            ),
            BarterGoods(
                side="A",
                hs_code="8431.49",
                description="Excavator hydraulic units",
                quantity=Decimal("4"),
                unit="PCE",
                unit_value=Decimal("45000.00"),
                origin="CN",
                incoterms="CPT Astana",
            ),
            BarterGoods(
                side="B",
                hs_code="1001.99",
                description="Wheat, milling grade 3",
                quantity=Decimal("720"),
                unit="TNE",
                unit_value=Decimal("2000.00"),
                origin="KZ",
                incoterms="DAP Khorgos",
            ),
        ),
        deliveries=(
            ("A", "8429.52", Decimal("6"), "940320260000001003", None, "2026-10-08"),
            ("A", "8431.49", Decimal("4"), "940120260000001118", "999-20260015", "2026-11-20"),
            ("B", "1001.99", Decimal("375"), "26KZ0101I000000451", None, "2026-11-02"),
        ),
    ),
)
