"""Classic Cargo-IMP FSU text messages (``FSU/14``): render and read.

::

    FSU/14
    784-30791202CANMSQ/T30K4210.0
    DEP/CZ6077/12NOV0820/CANURC/T30K4210.0

Line 2 is the AWB, origin and destination, and the shipment's total (``T`` pieces, ``K`` kilograms). Line 3 is
the status: flight-bound codes (MAN, DEP, ARR, RCF, AWR) carry ``/flight/ddMMMhhmm/airport(s)``, the others
``/ddMMMhhmm/airport``; ``P`` instead of ``T`` marks a part shipment. Times are local and carry no year or
offset, which is why the platform reads XFSU and keeps FSU text as the legacy fallback carriers still send.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal

from adapters.cargo.status import FLIGHT_CODES, StatusCode

__all__ = ["FsuStatus", "read_fsu", "render_fsu"]

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_AWB_LINE = re.compile(r"^(\d{3})-(\d{8})([A-Z]{3})([A-Z]{3})/([TP])(\d+)K([\d.]+)$")
_STATUS = re.compile(
    r"^(?P<code>[A-Z]{3})(?:/(?P<flight>[A-Z0-9]{2}\d{1,4}[A-Z]?))?/(?P<day>\d{2})(?P<mon>[A-Z]{3})(?P<time>\d{4})?"
    r"/(?P<where>[A-Z]{3})(?P<to>[A-Z]{3})?(?:/(?P<split>[TP])(?P<pcs>\d+)K(?P<kg>[\d.]+))?(?:/.*)?$"
)


@dataclasses.dataclass(frozen=True, kw_only=True)
class FsuStatus:
    awb: str
    origin: str
    destination: str
    code: StatusCode
    #: local time at ``location``; the year comes from the caller, FSU text has none
    local_time: dt.datetime
    location: str
    flight: str | None
    pieces: int
    weight_kg: Decimal
    partial: bool


def render_fsu(
    *,
    awb: str,
    origin: str,
    destination: str,
    pieces: int,
    weight_kg: Decimal,
    code: str,
    at: dt.datetime,
    location: str,
    flight: str | None,
    next_airport: str | None = None,
) -> str:
    stamp = f"{at.day:02d}{_MONTHS[at.month - 1]}{at.hour:02d}{at.minute:02d}"
    total = f"T{pieces}K{weight_kg}"
    where = location + (next_airport or "") if code == "DEP" else location
    status = f"{code}/{flight}/{stamp}/{where}/{total}" if flight else f"{code}/{stamp}/{where}/{total}"
    return f"FSU/14\n{awb}{origin}{destination}/{total}\n{status}\n"


def read_fsu(text: str, *, year: int) -> list[FsuStatus]:
    """Every FSU message in ``text`` (messages separated by blank lines). ``ValueError`` names the bad line."""
    out: list[FsuStatus] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        if len(lines) < 3 or not lines[0].startswith("FSU/"):
            raise ValueError(f"not an FSU message (expected FSU/nn, AWB line, status line): {lines[:1]}")
        awb_line = _AWB_LINE.match(lines[1])
        if awb_line is None:
            raise ValueError(f"FSU line 2 is not 'PPP-SSSSSSSSOOODDD/T<pcs>K<kg>': {lines[1]!r}")
        prefix, serial, origin, destination, _, _, _ = awb_line.groups()
        status = _STATUS.match(lines[2])
        if status is None:
            raise ValueError(f"FSU status line is not 'CODE[/flight]/ddMMMhhmm/airport/T<pcs>K<kg>': {lines[2]!r}")
        code = StatusCode.parse(status["code"])
        if code in FLIGHT_CODES and not status["flight"]:
            raise ValueError(f"FSU {code.name} needs flight details: {lines[2]!r}")
        month = _MONTHS.index(status["mon"]) + 1 if status["mon"] in _MONTHS else 0
        if not month:
            raise ValueError(f"FSU status line has no month {status['mon']!r}: {lines[2]!r}")
        clock = status["time"] or "0000"
        out.append(
            FsuStatus(
                awb=f"{prefix}-{serial}",
                origin=origin,
                destination=destination,
                code=code,
                local_time=dt.datetime(year, month, int(status["day"]), int(clock[:2]), int(clock[2:])),
                location=status["where"],
                flight=status["flight"],
                pieces=int(status["pcs"] or awb_line[6]),
                weight_kg=Decimal(status["kg"] or awb_line[7]),
                partial=status["split"] == "P",
            )
        )
    return out
