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


# ------------------------------------------------------------------ @requires selecting through type conditions


@strawberry.interface(name="Paper")
class DocsPaper:
    ref: strawberry.ID


@strawberry.federation.type(name="Invoice", shareable=True)
class DocsInvoice(DocsPaper):
    amount: int


@strawberry.federation.type(name="Permit", shareable=True)
class DocsPermit(DocsPaper):
    authority: str


PAPERS: dict[str, DocsPaper] = {
    "c1": DocsInvoice(ref="inv-1", amount=120),
    "c2": DocsPermit(ref="pm-7", authority="KZ"),
}


@strawberry.federation.type(keys=["id"], name="Consignment")
class DocsConsignment:
    id: strawberry.ID

    @strawberry.field
    def paper(self) -> DocsPaper:
        return PAPERS[self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "DocsConsignment":
        return DocsConsignment(id=id)


@strawberry.type(name="Query")
class DocsQuery:
    @strawberry.field
    def docs_version(self) -> str:
        return "1"


@strawberry.interface(name="Paper")
class FeePaper:
    ref: strawberry.ID


@strawberry.federation.type(name="Invoice", shareable=True)
class FeeInvoice(FeePaper):
    amount: int


@strawberry.federation.type(name="Permit", shareable=True)
class FeePermit(FeePaper):
    authority: str


@strawberry.federation.type(keys=["id"], name="Consignment")
class FeeConsignment:
    id: strawberry.ID
    paper: FeePaper | None = strawberry.federation.field(external=True)
    sent: strawberry.Private[dict[str, Any] | None] = None

    @strawberry.federation.field(requires=["paper { ref ... on Invoice { amount } ... on Permit { authority } }"])
    def fee(self) -> str:
        sent = self.sent or {}
        detail = sent.get("amount", sent.get("authority"))
        if detail is None:
            raise ValueError(f"the fragment fields of paper were not sent: {sent}")
        return f"{sent['ref']}:{detail}"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, paper: dict[str, Any] | None = None) -> "FeeConsignment":
        return FeeConsignment(id=id, paper=None, sent=paper)


@strawberry.type(name="Query")
class FeeQuery:
    @strawberry.field
    def consignments(self) -> list[FeeConsignment]:
        return [FeeConsignment(id="c1", paper=None), FeeConsignment(id="c2", paper=None)]


def requires_fragments_graph() -> dict[str, Any]:
    return {
        "docs": Schema(query=DocsQuery, types=[DocsConsignment, DocsInvoice, DocsPermit], federation_version=V),
        "fees": Schema(query=FeeQuery, types=[FeeInvoice, FeePermit], federation_version=V),
    }


# ------------------------------------------------------------------ one entity path reached through two parent types


@strawberry.federation.type(keys=["code"], name="Berth")
class PortBerth:
    code: strawberry.ID


@strawberry.interface(name="Vessel")
class PortVessel:
    imo: strawberry.ID


@strawberry.type(name="Tanker")
class PortTanker(PortVessel):
    @strawberry.field
    def berth(self) -> PortBerth:
        return PortBerth(code=f"T-{self.imo}")


@strawberry.type(name="Freighter")
class PortFreighter(PortVessel):
    @strawberry.field
    def berth(self) -> PortBerth:
        return PortBerth(code=f"F-{self.imo}")


@strawberry.type(name="Query")
class PortQuery:
    @strawberry.field
    def vessels(self) -> list[PortVessel]:
        return [PortTanker(imo="9321483"), PortFreighter(imo="9074729")]


@strawberry.federation.type(keys=["code"], name="Berth")
class HarbourBerth:
    code: strawberry.ID

    @strawberry.field
    def depth(self) -> str:
        return f"{self.code}:14m"

    @classmethod
    def resolve_reference(cls, code: strawberry.ID) -> "HarbourBerth":
        return HarbourBerth(code=code)


@strawberry.type(name="Query")
class HarbourQuery:
    @strawberry.field
    def harbour_version(self) -> str:
        return "1"


def shared_entity_path_graph() -> dict[str, Any]:
    return {
        "ports": Schema(query=PortQuery, types=[PortTanker, PortFreighter], federation_version=V),
        "harbour": Schema(query=HarbourQuery, types=[HarbourBerth], federation_version=V),
    }


# ------------------------------------------------------------------ @requires on an @inaccessible field


@strawberry.federation.type(keys=["id"], name="Lot")
class LedgerLot:
    id: strawberry.ID
    cost: float = strawberry.federation.field(inaccessible=True)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "LedgerLot":
        return LedgerLot(id=id, cost=80.0)


@strawberry.type(name="Query")
class LedgerQuery:
    @strawberry.field
    def lot(self) -> LedgerLot:
        return LedgerLot(id="l1", cost=80.0)


@strawberry.federation.type(keys=["id"], name="Lot")
class PricingLot:
    id: strawberry.ID
    cost: float | None = strawberry.federation.field(external=True)

    @strawberry.federation.field(requires=["cost"])
    def price(self) -> float:
        if self.cost is None:
            raise ValueError("cost was not sent in the representation")
        return self.cost * 1.25

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, cost: float | None = None) -> "PricingLot":
        return PricingLot(id=id, cost=cost)


@strawberry.type(name="Query")
class PricingQuery:
    @strawberry.field
    def pricing_version(self) -> str:
        return "1"


def requires_inaccessible_graph() -> dict[str, Any]:
    return {
        "ledger": Schema(query=LedgerQuery, federation_version=V),
        "pricing": Schema(query=PricingQuery, types=[PricingLot], federation_version=V),
    }


# ------------------------------------------------------------------ a shared root field returning a value type


@strawberry.federation.type(name="Rate", shareable=True)
class BankRate:
    pair: str
    bid: float


@strawberry.type(name="Query")
class BankRateQuery:
    @strawberry.federation.field(shareable=True)
    def rate(self) -> BankRate:
        return BankRate(pair="CNY/KZT", bid=70.1)

    @strawberry.federation.field(shareable=True)
    def rates(self) -> list[BankRate]:
        return [BankRate(pair="CNY/KZT", bid=70.1), BankRate(pair="CNY/USD", bid=0.14)]


@strawberry.federation.type(name="Rate", shareable=True)
class ExchangeRate:
    pair: str
    ask: float


@strawberry.type(name="Query")
class ExchangeRateQuery:
    @strawberry.federation.field(shareable=True)
    def rate(self) -> ExchangeRate:
        return ExchangeRate(pair="CNY/KZT", ask=70.9)

    @strawberry.federation.field(shareable=True)
    def rates(self) -> list[ExchangeRate]:
        return [ExchangeRate(pair="CNY/KZT", ask=70.9), ExchangeRate(pair="CNY/USD", ask=0.15)]


def shared_root_value_graph() -> dict[str, Any]:
    return {
        "bank": Schema(query=BankRateQuery, federation_version=V),
        "exchange": Schema(query=ExchangeRateQuery, federation_version=V),
    }


# ------------------------------------------------------- a shared root field whose @provides covers the query


@strawberry.federation.type(keys=["id"], name="Carrier")
class CustomsCarrier:
    id: strawberry.ID
    name: str = strawberry.federation.field(external=True)


@strawberry.federation.type(keys=["id"], name="Manifest")
class CustomsManifest:
    id: strawberry.ID
    carrier: CustomsCarrier = strawberry.federation.field(external=True)


@strawberry.type(name="Query")
class CustomsManifestQuery:
    @strawberry.federation.field(shareable=True, provides=["carrier { name }"])
    def manifests(self) -> list[CustomsManifest]:
        return [CustomsManifest(id="m1", carrier=CustomsCarrier(id="k1", name="Kazakh Rail"))]


@strawberry.federation.type(keys=["id"], name="Carrier")
class RegistryCarrier:
    id: strawberry.ID
    name: str = strawberry.federation.field(shareable=True)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "RegistryCarrier":
        return RegistryCarrier(id=id, name="Kazakh Rail")


@strawberry.federation.type(keys=["id"], name="Manifest")
class RegistryManifest:
    id: strawberry.ID
    carrier: RegistryCarrier = strawberry.federation.field(shareable=True)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "RegistryManifest":
        return RegistryManifest(id=id, carrier=RegistryCarrier(id="k1", name="Kazakh Rail"))


@strawberry.type(name="Query")
class RegistryManifestQuery:
    @strawberry.federation.field(shareable=True)
    def manifests(self) -> list[RegistryManifest]:
        raise ValueError("the registry is the slow path: the customs subgraph provides these fields")


def root_provides_graph() -> dict[str, Any]:
    return {
        "customs": Schema(query=CustomsManifestQuery, federation_version=V),
        "registry": Schema(query=RegistryManifestQuery, federation_version=V),
    }


# ------------------------------------------------------------------ a shared root field of an abstract type


@strawberry.interface(name="Form")
class ClearanceForm:
    id: strawberry.ID


@strawberry.federation.type(name="Declaration", shareable=True)
class ClearanceDeclaration(ClearanceForm):
    pass


@strawberry.type(name="Query")
class ClearanceQuery:
    @strawberry.federation.field(shareable=True)
    def form(self) -> ClearanceForm:
        return ClearanceDeclaration(id="f1")


@strawberry.interface(name="Form")
class PermitForm:
    id: strawberry.ID


@strawberry.federation.type(name="Declaration", shareable=True)
class PermitDeclaration(PermitForm):
    status: str


@strawberry.type(name="Query")
class PermitQuery:
    @strawberry.federation.field(shareable=True)
    def form(self) -> PermitForm:
        return PermitDeclaration(id="f1", status="RELEASED")


def abstract_root_graph() -> dict[str, Any]:
    return {
        "clearance": Schema(query=ClearanceQuery, types=[ClearanceDeclaration], federation_version=V),
        "permits": Schema(query=PermitQuery, types=[PermitDeclaration], federation_version=V),
    }


# ------------------------------------------------------- a value type field reached through its parent entity


@strawberry.federation.type(name="Route", shareable=True)
class DepotRoute:
    origin: str


@strawberry.federation.type(keys=["id"], name="Crate")
class DepotCrate:
    id: strawberry.ID

    @strawberry.federation.field(shareable=True)
    def route(self) -> DepotRoute:
        return DepotRoute(origin="Urumqi")

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "DepotCrate":
        return DepotCrate(id=id)


@strawberry.type(name="Query")
class DepotCrateQuery:
    @strawberry.field
    def crates(self) -> list[DepotCrate]:
        return [DepotCrate(id="k1"), DepotCrate(id="k2")]


@strawberry.federation.type(name="Route", shareable=True)
class TransitRoute:
    eta: str


@strawberry.federation.type(keys=["id"], name="Crate")
class TransitCrate:
    id: strawberry.ID

    @strawberry.federation.field(shareable=True)
    def route(self) -> TransitRoute:
        return TransitRoute(eta=f"{self.id}:2026-12-03")

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "TransitCrate":
        return TransitCrate(id=id)


@strawberry.type(name="Query")
class TransitQuery:
    @strawberry.field
    def transit_version(self) -> str:
        return "1"


def parent_entity_graph() -> dict[str, Any]:
    return {
        "depot": Schema(query=DepotCrateQuery, federation_version=V),
        "transit": Schema(query=TransitQuery, types=[TransitCrate], federation_version=V),
    }


# ------------------------------------------------------------------ a shared root field each subgraph knows half of


@strawberry.interface(name="Asset")
class HubAsset:
    id: strawberry.ID


@strawberry.federation.type(keys=["id"], name="Truck")
class HubTruck(HubAsset):
    plate: str


@strawberry.federation.type(keys=["id"], name="Wagon")
class HubWagon(HubAsset):
    id: strawberry.ID = strawberry.federation.field(external=True)


@strawberry.type(name="Query")
class HubQuery:
    @strawberry.federation.field(shareable=True)
    def asset(self, id: strawberry.ID) -> HubAsset:
        if id.startswith("t"):
            return HubTruck(id=id, plate="KZ 123 ABA")
        return HubWagon(id=strawberry.ID("not-known-here"))


@strawberry.interface(name="Asset")
class YardAsset:
    id: strawberry.ID


@strawberry.federation.type(keys=["id"], name="Truck")
class YardTruck(YardAsset):
    id: strawberry.ID = strawberry.federation.field(external=True)


@strawberry.federation.type(keys=["id"], name="Wagon")
class YardWagon(YardAsset):
    gauge: int


@strawberry.type(name="Query")
class YardQuery:
    @strawberry.federation.field(shareable=True)
    def asset(self, id: strawberry.ID) -> YardAsset:
        if id.startswith("w"):
            return YardWagon(id=id, gauge=1520)
        return YardTruck(id=strawberry.ID("not-known-here"))


def half_known_root_graph() -> dict[str, Any]:
    return {
        "hub": Schema(query=HubQuery, types=[HubTruck, HubWagon], federation_version=V),
        "yard": Schema(query=YardQuery, types=[YardTruck, YardWagon], federation_version=V),
    }


# ------------------------------------------------------------------ an @external key field that @provides covers


@strawberry.federation.type(keys=["imo"], name="Ship")
class SlotShip:
    imo: strawberry.ID = strawberry.federation.field(external=True)
    name: str = strawberry.federation.field(external=True)


@strawberry.type(name="Slot")
class SlotSlot:
    window: str

    @strawberry.federation.field(provides=["imo name"])
    def ship(self) -> SlotShip:
        return SlotShip(imo=strawberry.ID("9321483"), name="Steppe Star")


@strawberry.type(name="Query")
class SlotQuery:
    @strawberry.field
    def slots(self) -> list[SlotSlot]:
        return [SlotSlot(window="06:00-08:00")]


@strawberry.federation.type(keys=["imo"], name="Ship")
class FlagShip:
    imo: strawberry.ID
    name: str = strawberry.federation.field(shareable=True)
    flag: str

    @classmethod
    def resolve_reference(cls, imo: strawberry.ID) -> "FlagShip":
        return FlagShip(imo=imo, name="Steppe Star", flag=f"KZ:{imo}")


@strawberry.type(name="Query")
class FlagQuery:
    @strawberry.field
    def flag_version(self) -> str:
        return "1"


def provided_key_graph() -> dict[str, Any]:
    return {
        "slots": Schema(query=SlotQuery, types=[SlotShip], federation_version=V),
        "flags": Schema(query=FlagQuery, types=[FlagShip], federation_version=V),
    }


# ------------------------------------------------------------------ @requires reaching an @inaccessible member type


@strawberry.interface(name="Goods")
class StockGoods:
    label: str


@strawberry.federation.type(name="Grain", shareable=True)
class StockGrain(StockGoods):
    moisture: int


@strawberry.federation.type(name="Scrap", shareable=True, inaccessible=True)
class StockScrap(StockGoods):
    metal: str


@strawberry.federation.type(keys=["id"], name="Pallet")
class StockPallet:
    id: strawberry.ID

    @strawberry.field
    def content(self) -> StockGoods | None:
        if self.id == "g1":
            return StockGrain(label="wheat", moisture=12)
        return StockScrap(label="rebar", metal="steel")

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "StockPallet":
        return StockPallet(id=id)


@strawberry.type(name="Query")
class StockQuery:
    @strawberry.field
    def stock_version(self) -> str:
        return "1"


@strawberry.interface(name="Goods")
class LevyGoods:
    label: str


@strawberry.federation.type(name="Grain", shareable=True)
class LevyGrain(LevyGoods):
    moisture: int


@strawberry.federation.type(name="Scrap", shareable=True, inaccessible=True)
class LevyScrap(LevyGoods):
    metal: str


@strawberry.federation.type(keys=["id"], name="Pallet")
class LevyPallet:
    id: strawberry.ID
    content: LevyGoods | None = strawberry.federation.field(external=True)
    sent: strawberry.Private[dict[str, Any] | None] = None

    @strawberry.federation.field(requires=["content { label ... on Grain { moisture } ... on Scrap { metal } }"])
    def levy(self) -> str:
        sent = self.sent or {}
        detail = sent.get("moisture", sent.get("metal"))
        if "label" not in sent or detail is None:
            raise ValueError(f"content was not sent in full: {sent}")
        return f"{sent['label']}:{detail}"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, content: dict[str, Any] | None = None) -> "LevyPallet":
        return LevyPallet(id=id, content=None, sent=content)


@strawberry.type(name="Query")
class LevyQuery:
    @strawberry.field
    def pallets(self) -> list[LevyPallet]:
        return [LevyPallet(id=strawberry.ID("g1"), content=None), LevyPallet(id=strawberry.ID("s1"), content=None)]


def requires_hidden_member_graph() -> dict[str, Any]:
    return {
        "stock": Schema(query=StockQuery, types=[StockPallet, StockGrain, StockScrap], federation_version=V),
        "levy": Schema(query=LevyQuery, types=[LevyGrain, LevyScrap], federation_version=V),
    }
