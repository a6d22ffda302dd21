"""Shanghai Cooperation Organisation membership, the platform's trading area.

Members are well established: the founding six (CN, KZ, KG, RU, TJ, UZ, 2001), India and Pakistan (2017),
Iran (2023) and Belarus (2024). Observer and dialogue-partner lists change at each summit and are **unverified**
(general knowledge, not checked against an SCO secretariat list; the 2025 summit reportedly merged both
categories into "SCO partners", which is not modelled here).
"""

from __future__ import annotations

import enum

import strawberry

__all__ = ["SCO_STATUS", "UNVERIFIED", "ScoStatus", "sco_status"]


@strawberry.enum(
    description=(
        "A country's standing in the Shanghai Cooperation Organisation. Members are verified; observer and "
        "dialogue-partner lists are from general knowledge."
    )
)
class ScoStatus(enum.Enum):
    MEMBER = "MEMBER"
    OBSERVER = "OBSERVER"
    DIALOGUE_PARTNER = "DIALOGUE_PARTNER"
    NONE = "NONE"


_MEMBERS = ("CN", "IN", "IR", "KZ", "KG", "PK", "RU", "TJ", "UZ", "BY")
_OBSERVERS = ("AF", "MN")
_DIALOGUE_PARTNERS = ("AM", "AZ", "KH", "NP", "LK", "TR", "EG", "QA", "SA", "KW", "MV", "MM", "AE", "BH", "LA")

SCO_STATUS: dict[str, ScoStatus] = {
    **dict.fromkeys(_MEMBERS, ScoStatus.MEMBER),
    **dict.fromkeys(_OBSERVERS, ScoStatus.OBSERVER),
    **dict.fromkeys(_DIALOGUE_PARTNERS, ScoStatus.DIALOGUE_PARTNER),
}

#: Countries whose status above comes from a weak source.
UNVERIFIED: frozenset[str] = frozenset(_OBSERVERS + _DIALOGUE_PARTNERS)


def sco_status(country: str) -> ScoStatus:
    return SCO_STATUS.get(country, ScoStatus.NONE)
