"""GraphQL value types of the vehicles subgraph: enums, plate, test, licence, deregistration, stubs."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet

from gateway.policy.scopes import VEHICLES_READ
from gateway.sdk.node_ids import id_field
from gateway.sdk.rules import needs
from gateway.sdk.scalars import AWB

__all__ = [
    "Deregistration",
    "DeregistrationStatus",
    "ExportLicence",
    "ExportLicenceStatus",
    "Shipment",
    "TemporaryPlate",
    "VehicleExportStatus",
    "VehicleRuleViolation",
    "VehicleTest",
    "VehicleTestResult",
    "VinCheckDigit",
]


@strawberry.enum(
    description=(
        "Export procedure: PURCHASED → TRANSFER_PENDING_EXPORT → TESTED → LICENSED → DECLARED → EXITED → "
        "DEREGISTERED, or OVERDUE_DEREGISTRATION when the registration is not cancelled in time."
    )
)
class VehicleExportStatus(enum.Enum):
    PURCHASED = "PURCHASED"
    TRANSFER_PENDING_EXPORT = "TRANSFER_PENDING_EXPORT"
    TESTED = "TESTED"
    LICENSED = "LICENSED"
    DECLARED = "DECLARED"
    EXITED = "EXITED"
    DEREGISTERED = "DEREGISTERED"
    OVERDUE_DEREGISTRATION = "OVERDUE_DEREGISTRATION"


@strawberry.enum(
    description="VALID; INVALID (the region mandates a check digit and it fails); NOT_USED (optional in ISO 3779)."
)
class VinCheckDigit(enum.Enum):
    VALID = "VALID"
    INVALID = "INVALID"
    NOT_USED = "NOT_USED"


@strawberry.enum(description="Destination-standard compliance test or third-party report.")
class VehicleTestResult(enum.Enum):
    NOT_TESTED = "NOT_TESTED"
    PASSED = "PASSED"
    FAILED = "FAILED"


@strawberry.enum(description="Export licence ('whoever exports applies').")
class ExportLicenceStatus(enum.Enum):
    NOT_APPLIED = "NOT_APPLIED"
    APPLIED = "APPLIED"
    ISSUED = "ISSUED"
    REJECTED = "REJECTED"


@strawberry.enum(description="NOT_DUE before exit; PENDING within ~2 months of exit; OVERDUE after; DONE.")
class DeregistrationStatus(enum.Enum):
    NOT_DUE = "NOT_DUE"
    PENDING = "PENDING"
    OVERDUE = "OVERDUE"
    DONE = "DONE"


@strawberry.federation.type(
    authenticated=True,
    keys=[Key(fields=FieldSet("awb"), resolvable=False)],
    description="An air shipment, by its air waybill (cargo subgraph).",
)
class Shipment:
    awb: AWB
    id: strawberry.ID = id_field("Shipment", "awb")


@strawberry.federation.type(
    description="The temporary 'pending export' plate, valid 60 days from issue.", requires_scopes=needs(VEHICLES_READ)
)
class TemporaryPlate:
    number: str | None
    issued_on: dt.date | None
    expires_on: dt.date | None
    expired: bool = strawberry.field(description="Past its expiry on the adapter's today.")


@strawberry.federation.type(description="The destination-standard test.", requires_scopes=needs(VEHICLES_READ))
class VehicleTest:
    result: VehicleTestResult
    tested_on: dt.date | None


@strawberry.federation.type(description="The export licence.", requires_scopes=needs(VEHICLES_READ))
class ExportLicence:
    status: ExportLicenceStatus
    number: str | None
    date: dt.date | None = strawberry.field(description="Date of the licence (application or issue).")


@strawberry.federation.type(
    description="Cancellation of the domestic registration, due ~2 months after exit.",
    requires_scopes=needs(VEHICLES_READ),
)
class Deregistration:
    status: DeregistrationStatus
    deadline: dt.date | None
    deregistered_on: dt.date | None


@strawberry.federation.type(
    description="An export rule the filing breaks, as data (not an error).", requires_scopes=needs(VEHICLES_READ)
)
class VehicleRuleViolation:
    code: str = strawberry.field(
        description=(
            "MANUFACTURER_CONFIRMATION_MISSING, TEMP_PLATE_EXPIRED, LICENCE_WITHOUT_PASSED_TEST or "
            "DEREGISTRATION_OVERDUE"
        )
    )
    message: str
