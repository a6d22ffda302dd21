"""Small subgraph sets for federation corner cases found by measuring the gateway against a public
conformance audit; each set is our own trade-flavoured schema, served over loopback by ``test_audit_cases``."""

import enum
from typing import Any

import strawberry
from strawberry.federation import Schema

from gateway.sdk.schema import FEDERATION_VERSION

V = FEDERATION_VERSION

# ------------------------------------------------------------------ @requires whose input is itself @requires

PARCEL_KG = {"p1": 12.0, "p2": 30.0}


@strawberry.federation.type(keys=["id"], name="Parcel")
class DepotParcel:
    id: strawberry.ID
    kg: float

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "DepotParcel":
        return DepotParcel(id=id, kg=PARCEL_KG[id])


@strawberry.type(name="Query")
class DepotQuery:
    @strawberry.field
    def parcel(self, id: strawberry.ID) -> DepotParcel:
        return DepotParcel(id=id, kg=PARCEL_KG[id])


@strawberry.federation.type(keys=["id"], name="Parcel")
class TariffParcel:
    id: strawberry.ID
    kg: float | None = strawberry.federation.field(external=True)

    @strawberry.federation.field(requires=["kg"])
    def freight(self) -> float:
        if self.kg is None:
            raise ValueError("kg was not sent in the representation")
        return self.kg * 2.5

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, kg: float | None = None) -> "TariffParcel":
        return TariffParcel(id=id, kg=kg)


@strawberry.type(name="Query")
class TariffQuery:
    @strawberry.field
    def tariff_version(self) -> str:
        return "1"


@strawberry.federation.type(keys=["id"], name="Parcel")
class DutyParcel:
    id: strawberry.ID
    freight: float | None = strawberry.federation.field(external=True)

    @strawberry.federation.field(requires=["freight"])
    def insured(self) -> bool:
        if self.freight is None:
            raise ValueError("freight was not sent in the representation")
        return self.freight > 50

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, freight: float | None = None) -> "DutyParcel":
        return DutyParcel(id=id, freight=freight)


@strawberry.type(name="Query")
class DutyQuery:
    @strawberry.field
    def duty_version(self) -> str:
        return "1"


def chained_requires_graph() -> dict[str, Any]:
    return {
        "depot": Schema(query=DepotQuery, federation_version=V),
        "tariff": Schema(query=TariffQuery, types=[TariffParcel], federation_version=V),
        "duty": Schema(query=DutyQuery, types=[DutyParcel], federation_version=V),
    }


# ------------------------------------------------------------------ @inaccessible types and enum values at run time


@strawberry.enum(name="Stage")
class ArchiveStage(enum.Enum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"
    PURGED = strawberry.federation.enum_value("PURGED", inaccessible=True)


@strawberry.interface(name="Record")
class ArchiveRecord:
    ref: strawberry.ID


@strawberry.type(name="Invoice")
class ArchiveInvoice(ArchiveRecord):
    total: int


@strawberry.federation.type(name="Draft", inaccessible=True)
class ArchiveDraft(ArchiveRecord):
    author: str


@strawberry.type(name="Query")
class ArchiveQuery:
    @strawberry.field
    def records(self) -> list[ArchiveRecord | None]:
        return [ArchiveInvoice(ref="i1", total=40), ArchiveDraft(ref="d1", author="clerk")]

    @strawberry.field
    def stages(self) -> list[ArchiveStage | None]:
        return [ArchiveStage.OPEN, ArchiveStage.PURGED]

    @strawberry.field
    def required_stage(self) -> ArchiveStage:
        return ArchiveStage.PURGED


def inaccessible_values_graph() -> dict[str, Any]:
    return {"archive": Schema(query=ArchiveQuery, types=[ArchiveInvoice, ArchiveDraft], federation_version=V)}
