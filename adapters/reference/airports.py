"""Airports by IATA code, from the ``airportsdata`` package (loaded once, on first use).

:data:`HUBS` are the airports the platform's cargo routes use: Qingdao (TAO) is
the home airport; Astana is NQZ (not the old TSE) and Bishkek BSZ (not the old FRU).
"""

from __future__ import annotations

import dataclasses
import functools

import airportsdata

__all__ = ["HUBS", "AirportRecord", "airport", "airports_in"]

HUBS: tuple[str, ...] = (
    *("PEK", "PKX", "PVG", "CAN", "CTU", "TFU", "CGO", "XIY", "URC", "KHG", "TAO"),
    *("SVO", "DME", "VKO", "LED", "OVB"),
    *("ALA", "NQZ", "TAS", "NVI", "SKD", "BSZ", "OSS", "DYU", "LBD"),
    *("DEL", "BOM", "KHI", "ISB", "LHE", "IKA", "THR", "MSQ"),
)


@dataclasses.dataclass(frozen=True, slots=True)
class AirportRecord:
    iata: str
    icao: str
    name: str
    city: str
    country: str
    latitude: float
    longitude: float
    timezone: str


@functools.cache
def _airports() -> dict[str, AirportRecord]:
    return {
        code: AirportRecord(
            iata=code,
            icao=row["icao"],
            name=row["name"],
            city=row["city"],
            country=row["country"],
            latitude=float(row["lat"]),
            longitude=float(row["lon"]),
            timezone=row["tz"],
        )
        for code, row in airportsdata.load("IATA").items()
    }


@functools.cache
def _by_country() -> dict[str, tuple[AirportRecord, ...]]:
    grouped: dict[str, list[AirportRecord]] = {}
    for record in _airports().values():
        grouped.setdefault(record.country, []).append(record)
    return {country: tuple(sorted(rows, key=lambda r: r.iata)) for country, rows in grouped.items()}


def airport(iata: str) -> AirportRecord | None:
    return _airports().get(iata)


def airports_in(country: str) -> tuple[AirportRecord, ...]:
    """Every airport with an IATA code in a country (ISO 3166 alpha-2), by code."""
    return _by_country().get(country, ())
