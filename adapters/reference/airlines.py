"""Air waybill airline prefixes (the first three digits of an AWB) of the carriers on the platform's routes.

Only 020 (Lufthansa), 157 (Qatar Airways) and 784 (China Southern) are confirmed against a published
prefix list; the others are general knowledge and marked ``verified=False``.
"""

from __future__ import annotations

import dataclasses

__all__ = ["AIRLINES", "AirlineRecord", "airline"]


@dataclasses.dataclass(frozen=True, slots=True)
class AirlineRecord:
    awb_prefix: str
    name: str
    country: str
    verified: bool = False


AIRLINES: tuple[AirlineRecord, ...] = (
    AirlineRecord(awb_prefix="020", name="Lufthansa Cargo", country="DE", verified=True),
    AirlineRecord(awb_prefix="096", name="Iran Air", country="IR"),
    AirlineRecord(awb_prefix="098", name="Air India", country="IN"),
    AirlineRecord(awb_prefix="112", name="China Cargo Airlines", country="CN"),
    AirlineRecord(awb_prefix="157", name="Qatar Airways", country="QA", verified=True),
    AirlineRecord(awb_prefix="160", name="Cathay Pacific", country="HK"),
    AirlineRecord(awb_prefix="176", name="Emirates", country="AE"),
    AirlineRecord(awb_prefix="214", name="Pakistan International Airlines", country="PK"),
    AirlineRecord(awb_prefix="250", name="Uzbekistan Airways", country="UZ"),
    AirlineRecord(awb_prefix="421", name="S7 Airlines", country="RU"),
    AirlineRecord(awb_prefix="465", name="Air Astana", country="KZ"),
    AirlineRecord(awb_prefix="555", name="Aeroflot", country="RU"),
    AirlineRecord(awb_prefix="580", name="AirBridgeCargo Airlines", country="RU"),
    AirlineRecord(awb_prefix="628", name="Belavia", country="BY"),
    AirlineRecord(awb_prefix="781", name="China Eastern Airlines", country="CN"),
    AirlineRecord(awb_prefix="784", name="China Southern Airlines", country="CN", verified=True),
    AirlineRecord(awb_prefix="880", name="Hainan Airlines", country="CN"),
    AirlineRecord(awb_prefix="999", name="Air China", country="CN"),
)

_BY_PREFIX = {a.awb_prefix: a for a in AIRLINES}


def airline(prefix: str) -> AirlineRecord | None:
    return _BY_PREFIX.get(prefix)
