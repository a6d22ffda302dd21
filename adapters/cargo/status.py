"""The 26 IATA XFSU status codes: the one status vocabulary of the cargo subgraph (domain.md §4.3).

Both airline interfaces map onto these codes: Cargo-XML carries them as ``ReasonCode`` of a ``ReportedStatus``,
ONE Record as IRIs of the ``StatusCode`` code list on ``LogisticsEvent.eventCode``.
"""

from __future__ import annotations

import enum

__all__ = ["FLIGHT_CODES", "STATUS_CODE_IRI", "StatusCode", "status_from_iri"]

#: Base IRI of the ONE Record status code list; a code is ``STATUS_CODE_IRI + "DEP"``.
STATUS_CODE_IRI = "https://onerecord.iata.org/ns/code-lists/StatusCode#"


class StatusCode(enum.Enum):
    """A status code with its human label (the IATA description)."""

    BKD = "Booked"
    RCS = "Received from shipper, ready for carriage"
    FOH = "On hand, not yet ready for carriage"
    DOC = "Documents received"
    PRE = "Prepared for loading"
    MAN = "Manifested"
    DEP = "Departed"
    TFD = "Transferred to another carrier"
    RCT = "Received from another carrier"
    ARR = "Arrived"
    RCF = "Received from flight"
    AWR = "Arrival documents received"
    NFD = "Consignee notified"
    AWD = "Arrival documents delivered"
    DLV = "Delivered"
    DDL = "Delivered to door"
    DPU = "Picked up at shipper's door"
    CCD = "Customs cleared"
    CRC = "Reported to customs"
    TGC = "Under customs or government control"
    TRM = "Manifested for transfer to another carrier"
    DIS = "Discrepancy"
    FIW = "Freight into warehouse control"
    FOW = "Freight out of warehouse control"
    OSI = "Other service information"
    OCI = "Other customs information"

    @property
    def label(self) -> str:
        return self.value

    @property
    def iri(self) -> str:
        return STATUS_CODE_IRI + self.name

    @classmethod
    def parse(cls, code: str) -> StatusCode:
        """The status for a three-letter code; ``ValueError`` naming the known codes otherwise."""
        try:
            return cls[code.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown status code {code!r}; known: {', '.join(c.name for c in cls)}") from None


#: Codes that need flight details (✈ in the IATA table) and those recorded on a flight's movement.
FLIGHT_CODES = frozenset({StatusCode.MAN, StatusCode.DEP, StatusCode.ARR, StatusCode.RCF, StatusCode.AWR})


def status_from_iri(iri: str) -> StatusCode:
    """``…/StatusCode#DEP``, ``StatusCode#DEP`` or ``DEP`` → :attr:`StatusCode.DEP`."""
    return StatusCode.parse(iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1])
