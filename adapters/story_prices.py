"""Reference price ranges the story's goods must fall in, with where each range comes from.

The story (:mod:`adapters.story`) is checked against these by ``tests/adapters/test_story.py``: a declared or
contracted price outside its range is a story bug (the first story had wheat at 300 CNY/t, about an eighth of
the market). Ranges are deliberately wide (age, grade and season move prices) and in CNY; each names its basis.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

__all__ = ["PRICE_RANGES", "PriceRange"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class PriceRange:
    low: Decimal
    high: Decimal
    #: what one price is for: "PCE" a piece/unit, "TNE" a metric tonne, "KGM" a kilogram
    per: str
    source: str


#: by HS subheading (the story's notation, e.g. "8703.23")
PRICE_RANGES: dict[str, PriceRange] = {
    "8703.23": PriceRange(
        low=Decimal("30000"),
        high=Decimal("250000"),
        per="PCE",
        source="asking prices of 1.5-3 l passenger cars aged 0-10 years on Chinese used-car marketplaces, 2026",
    ),
    "8429.52": PriceRange(
        low=Decimal("150000"),
        high=Decimal("900000"),
        per="PCE",
        source="20-22 t hydraulic excavators, used to new, Chinese makers' and dealers' price lists, 2026",
    ),
    "8431.49": PriceRange(
        low=Decimal("10000"),
        high=Decimal("120000"),
        per="PCE",
        source="excavator hydraulic main pumps / valve blocks, parts dealers' price lists, 2026",
    ),
    "1001.99": PriceRange(
        low=Decimal("1600"),
        high=Decimal("2800"),
        per="TNE",
        source="milling wheat: Kazakh class-3 export quotes (USD 220-300/t) and Chinese domestic wholesale, 2026",
    ),
    "8433.90": PriceRange(
        low=Decimal("50"),
        high=Decimal("400"),
        per="KGM",
        source="combine-harvester spare parts by weight, Chinese export unit values (customs statistics), 2025",
    ),
    "8708.40": PriceRange(
        low=Decimal("10000"),
        high=Decimal("60000"),
        per="PCE",
        source="tractor gearbox assemblies (60-200 hp), Chinese makers' export price lists, 2026",
    ),
    "0713.20": PriceRange(
        low=Decimal("5"),
        high=Decimal("12"),
        per="KGM",
        source="Kabuli/desi chickpeas, Indian export quotes (USD 700-1,600/t), 2026",
    ),
}
