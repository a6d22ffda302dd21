"""ISO 3166 countries (pycountry) with their SCO status, and the platform's default selection.

The platform's countries are the SCO members, observers and dialogue partners plus every country the seed story
(:mod:`adapters.story`) trades with; ``countries(all: true)`` lists all ISO 3166 countries.
"""

from __future__ import annotations

import dataclasses
import functools

import pycountry

from adapters import story
from adapters.reference.sco import SCO_STATUS, ScoStatus, sco_status

__all__ = ["CountryRecord", "all_countries", "country", "platform_countries"]


@dataclasses.dataclass(frozen=True, slots=True)
class CountryRecord:
    code: str
    alpha3: str
    numeric: str
    name: str
    official_name: str
    sco_status: ScoStatus


@functools.cache
def _countries() -> dict[str, CountryRecord]:
    records = {}
    for c in pycountry.countries:
        name = getattr(c, "common_name", None) or c.name
        records[c.alpha_2] = CountryRecord(
            code=c.alpha_2,
            alpha3=c.alpha_3,
            numeric=c.numeric,
            name=name,
            official_name=getattr(c, "official_name", None) or c.name,
            sco_status=sco_status(c.alpha_2),
        )
    return records


def _story_countries() -> set[str]:
    codes = {c.country for c in story.COMPANIES}
    codes |= {item.origin for d in story.DECLARATIONS for item in d.items}
    codes |= {g.origin for b in story.BARTER_CONTRACTS for g in b.goods}
    return codes


@functools.cache
def platform_countries() -> tuple[CountryRecord, ...]:
    """SCO members, observers and partners, and the story's countries, by code."""
    codes = set(SCO_STATUS) | _story_countries()
    return tuple(sorted((_countries()[c] for c in codes), key=lambda r: r.code))


def all_countries() -> tuple[CountryRecord, ...]:
    return tuple(sorted(_countries().values(), key=lambda r: r.code))


def country(code: str) -> CountryRecord | None:
    return _countries().get(code)
