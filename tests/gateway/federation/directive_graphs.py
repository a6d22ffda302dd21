"""Small subgraph pairs, one per federation feature, served over loopback by the directive tests."""

from typing import Annotated

import strawberry
from strawberry.federation import Schema
from strawberry.federation.schema_directives import Key, Override

from gateway.sdk.schema import FEDERATION_VERSION

V = FEDERATION_VERSION

# ------------------------------------------------------------------ @provides and resolvable: false


@strawberry.federation.type(keys=[Key(fields="id", resolvable=False)], name="Company")
class ShipCompany:
    id: strawberry.ID
    name: str = strawberry.federation.field(external=True, shareable=True)


@strawberry.type(name="Shipment")
class ShipShipment:
    awb: str

    @strawberry.federation.field(provides=["name"])
    def shipper(self) -> ShipCompany:
        return ShipCompany(id="c1", name="Provided Name Ltd")

    @strawberry.field
    def consignee(self) -> ShipCompany:
        return ShipCompany(id="c2", name="never used")


@strawberry.type(name="Query")
class ShipQuery:
    @strawberry.field
    def shipment(self) -> ShipShipment:
        return ShipShipment(awb="999-12345675")


@strawberry.federation.type(keys=["id"], name="Company")
class RegCompany:
    id: strawberry.ID
    name: str = strawberry.federation.field(shareable=True)
    country: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "RegCompany":
        return RegCompany(id=id, name={"c1": "Registry Name One", "c2": "Registry Name Two"}[id], country="CN")


@strawberry.type(name="Query")
class RegQuery:
    @strawberry.field
    def companies(self) -> list[RegCompany]:
        return [RegCompany(id="c1", name="Registry Name One", country="CN")]


def provides_graph() -> dict[str, Schema]:
    return {
        "shipments": Schema(query=ShipQuery, federation_version=V),
        "registry": Schema(query=RegQuery, federation_version=V),
    }


# ------------------------------------------------------------------ @override (+ progressive label)


@strawberry.federation.type(keys=["id"], name="Payment")
class LegacyPayment:
    id: strawberry.ID

    @strawberry.field
    def status(self) -> str:
        return "LEGACY"

    @strawberry.field
    def amount(self) -> str:
        return "LEGACY"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "LegacyPayment":
        return LegacyPayment(id=id)


@strawberry.type(name="Query")
class LegacyQuery:
    @strawberry.field
    def payment(self) -> LegacyPayment:
        return LegacyPayment(id="p1")


@strawberry.federation.type(keys=["id"], name="Payment")
class RailPayment:
    id: strawberry.ID

    @strawberry.federation.field(override="legacy")
    def status(self) -> str:
        return "RAIL"

    @strawberry.federation.field(override=Override(override_from="legacy", label="percent(50)"))
    def amount(self) -> str:
        return "RAIL"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "RailPayment":
        return RailPayment(id=id)


@strawberry.type(name="Query")
class RailQuery:
    @strawberry.field
    def rail_version(self) -> str:
        return "1"


def override_graph() -> dict[str, Schema]:
    return {
        "legacy": Schema(query=LegacyQuery, federation_version=V),
        "rail": Schema(query=RailQuery, types=[RailPayment], federation_version=V),
    }


# ------------------------------------------------------------------ interfaces and unions across subgraphs


@strawberry.federation.interface(keys=["id"], name="Document")
class DocDocument:
    id: strawberry.ID
    title: str


@strawberry.federation.type(keys=["id"], name="Waybill")
class DocWaybill(DocDocument):
    awb: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "DocWaybill":
        return DocWaybill(id=id, title=f"Waybill {id}", awb="784-30791202")


@strawberry.federation.type(keys=["id"], name="Declaration")
class DocDeclaration(DocDocument):
    mrn: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "DocDeclaration":
        return DocDeclaration(id=id, title=f"Declaration {id}", mrn="420120260000000817")


SearchHit = Annotated[DocWaybill | DocDeclaration, strawberry.union("SearchHit")]


@strawberry.type(name="Query")
class DocQuery:
    @strawberry.field
    def documents(self) -> list[DocDocument]:
        return [
            DocWaybill(id="w1", title="Waybill w1", awb="784-30791202"),
            DocDeclaration(id="d1", title="Declaration d1", mrn="420120260000000817"),
        ]

    @strawberry.field
    def search(self) -> list[SearchHit]:
        return [
            DocDeclaration(id="d2", title="Declaration d2", mrn="940320260000001003"),
            DocWaybill(id="w2", title="Waybill w2", awb="999-12345675"),
        ]


@strawberry.federation.type(keys=["id"], name="Waybill")
class TrackWaybill:
    id: strawberry.ID

    @strawberry.field
    def status(self) -> str:
        return f"DEP:{self.id}"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "TrackWaybill":
        return TrackWaybill(id=id)


@strawberry.federation.type(keys=["id"], name="Declaration")
class TrackDeclaration:
    id: strawberry.ID

    @strawberry.field
    def risk(self) -> str:
        return f"GREEN:{self.id}"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "TrackDeclaration":
        return TrackDeclaration(id=id)


@strawberry.type(name="Query")
class TrackQuery:
    @strawberry.field
    def tracking_version(self) -> str:
        return "1"


def abstract_graph() -> dict[str, Schema]:
    return {
        "documents": Schema(query=DocQuery, federation_version=V),
        "tracking": Schema(query=TrackQuery, types=[TrackWaybill, TrackDeclaration], federation_version=V),
    }


# ------------------------------------------------------------------ compound and nested keys


@strawberry.type(name="Registration")
class KeyRegistration:
    country: str
    number: str


@strawberry.federation.type(keys=["country taxId", "registration { country number }"], name="Trader")
class KeyTrader:
    country: str
    tax_id: str
    registration: KeyRegistration
    name: str

    @classmethod
    def resolve_reference(cls, **rep: object) -> "KeyTrader":
        return KeyTrader(
            country="KZ",
            tax_id="240540001232",
            name="Astana Grain",
            registration=KeyRegistration(country="KZ", number="R-1"),
        )


@strawberry.type(name="Query")
class KeyQuery:
    @strawberry.field
    def traders(self) -> list[KeyTrader]:
        return [
            KeyTrader(
                country="KZ",
                tax_id="240540001232",
                name="Astana Grain",
                registration=KeyRegistration(country="KZ", number="R-1"),
            )
        ]


@strawberry.type(name="Registration")
class BalRegistration:
    country: str
    number: str


@strawberry.federation.type(keys=["registration { country number }"], name="Trader")
class BalTrader:
    registration: BalRegistration

    @strawberry.field
    def balance(self) -> str:
        return f"{self.registration.country}/{self.registration.number}: 12.50 CNY"

    @classmethod
    def resolve_reference(cls, registration: dict) -> "BalTrader":  # type: ignore[type-arg]
        return BalTrader(registration=BalRegistration(**registration))


@strawberry.type(name="Query")
class BalQuery:
    @strawberry.field
    def ledger_version(self) -> str:
        return "1"


def keys_graph() -> dict[str, Schema]:
    return {
        "traders": Schema(query=KeyQuery, federation_version=V),
        "ledger": Schema(query=BalQuery, types=[BalTrader], federation_version=V),
    }


# ------------------------------------------------------------------ @interfaceObject (entity interface)


@strawberry.federation.interface(keys=["id"], name="Account")
class BankAccount:
    id: strawberry.ID
    bic: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "BankAccount":
        return ACCOUNTS_BY_ID[id]


@strawberry.federation.type(keys=["id"], name="SettlementAccount")
class BankSettlement(BankAccount):
    currency: str


@strawberry.federation.type(keys=["id"], name="EscrowAccount")
class BankEscrow(BankAccount):
    release_date: str


ACCOUNTS_BY_ID: dict[str, BankAccount] = {
    "a1": BankSettlement(id="a1", bic="ICBKCNBJXXX", currency="CNY"),
    "a2": BankEscrow(id="a2", bic="HSBKKZKX", release_date="2026-12-01"),
}


@strawberry.type(name="Query")
class BankQuery:
    @strawberry.field
    def accounts(self) -> list[BankAccount]:
        return list(ACCOUNTS_BY_ID.values())


@strawberry.federation.interface_object(keys=["id"], name="Account")
class RiskAccount:
    id: strawberry.ID

    @strawberry.field
    def risk_score(self) -> int:
        return {"a1": 10, "a2": 70}[self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "RiskAccount":
        return RiskAccount(id=id)


@strawberry.type(name="Query")
class RiskQuery:
    @strawberry.field
    def risky_accounts(self) -> list[RiskAccount]:
        return [RiskAccount(id="a2")]


def interface_object_graph() -> dict[str, Schema]:
    return {
        "bank": Schema(query=BankQuery, types=[BankSettlement, BankEscrow], federation_version=V),
        "risk": Schema(query=RiskQuery, federation_version=V),
    }


# ------------------------------------------------------------------ mutations and parallel roots

JOURNAL: list[str] = []


@strawberry.type(name="Mutation")
class LedgerMutation:
    @strawberry.mutation
    async def debit(self, ref: str) -> str:
        JOURNAL.append(f"debit:{ref}")
        return f"debited {ref}"


@strawberry.type(name="Mutation")
class NoticeMutation:
    @strawberry.mutation
    async def notify(self, ref: str) -> str:
        JOURNAL.append(f"notify:{ref}")
        return f"notified {ref}"


@strawberry.type(name="Query")
class LedgerQuery:
    @strawberry.field
    async def ledger_ping(self) -> str:
        await BARRIER.wait()
        return "ledger"


@strawberry.type(name="Query")
class NoticeQuery:
    @strawberry.field
    async def notice_ping(self) -> str:
        await BARRIER.wait()
        return "notice"


class _Barrier:
    """Replaced per test: both root fetches must be in flight at once to pass it."""

    def __init__(self) -> None:
        import asyncio

        self.barrier = asyncio.Barrier(2)

    async def wait(self) -> None:
        import asyncio

        async with asyncio.timeout(5):
            await self.barrier.wait()


BARRIER = _Barrier.__new__(_Barrier)


def mutation_graph() -> dict[str, Schema]:
    return {
        "ledger": Schema(query=LedgerQuery, mutation=LedgerMutation, federation_version=V),
        "notices": Schema(query=NoticeQuery, mutation=NoticeMutation, federation_version=V),
    }
