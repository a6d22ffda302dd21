"""A used-car export filing as the adapter sees it (after mapping the legacy record)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

__all__ = ["STATUSES", "ExportFiling", "Party"]

#: The export procedure in order (domain.md §6), then the overdue state that branches off EXITED.
STATUSES = (
    "PURCHASED",
    "TRANSFER_PENDING_EXPORT",
    "TESTED",
    "LICENSED",
    "DECLARED",
    "EXITED",
    "DEREGISTERED",
    "OVERDUE_DEREGISTRATION",
)


@dataclasses.dataclass(frozen=True, kw_only=True, order=True)
class Party:
    country: str
    tax_id: str

    @property
    def ref(self) -> str:
        return f"{self.country}:{self.tax_id}"


@dataclasses.dataclass(frozen=True, kw_only=True)
class ExportFiling:
    vin: str
    exporter: Party
    buyer: Party
    first_registered_on: dt.date
    purchased_on: dt.date
    temp_plate: str | None
    temp_plate_issued_on: dt.date | None
    test_result: str  # NOT_TESTED | PASSED | FAILED
    tested_on: dt.date | None
    licence_status: str  # NOT_APPLIED | APPLIED | ISSUED | REJECTED
    licence_number: str | None
    licence_date: dt.date | None
    manufacturer_confirmation: bool
    declaration_mrn: str | None
    awb: str | None
    exited_on: dt.date | None
    deregistered_on: dt.date | None
    status: str  # one of STATUSES, as the legacy system records it
    mileage_km: int
    price: Decimal
    currency: str

    @property
    def exited(self) -> bool:
        return self.status in {"EXITED", "DEREGISTERED", "OVERDUE_DEREGISTRATION"}
