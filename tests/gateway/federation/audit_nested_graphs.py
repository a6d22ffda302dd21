"""More subgraph sets for federation corner cases a public conformance audit found (see ``audit_graphs``): inputs
and keys that sit below the entity that needs them, non-resolvable keys, conditional fragments. Our own
trade-flavoured schemas."""

from typing import Annotated, Any

import strawberry
from strawberry.federation import Schema
from strawberry.federation.schema_directives import Key

from gateway.sdk.schema import FEDERATION_VERSION

V = FEDERATION_VERSION

# ------------------------------------------- @requires through a field with arguments that this subgraph owns

#: manifest -> its lines (id, HS code), in order
MANIFEST_LINES = {
    "m1": [("l1", "1001"), ("l2", "7214"), ("l3", "8703")],
    "m2": [("l4", "2709"), ("l5", "2711")],
}
HS_CODES = {line: hs for lines in MANIFEST_LINES.values() for line, hs in lines}


@strawberry.federation.type(keys=["id"], name="Line")
class RegistryLine:
    id: strawberry.ID

    @strawberry.field
    def hs_code(self) -> str:
        return HS_CODES[self.id]


@strawberry.federation.type(keys=["id"], name="Manifest")
class RegistryManifest:
    id: strawberry.ID


@strawberry.type(name="Query")
class RegistryQuery:
    @strawberry.field
    def manifests(self) -> list[RegistryManifest]:
        return [RegistryManifest(id=strawberry.ID(m)) for m in MANIFEST_LINES]


@strawberry.federation.type(keys=["id"], name="Line")
class ClassingLine:
    id: strawberry.ID
    hs_code: str | None = strawberry.federation.field(external=True, default=None)


@strawberry.input
class _LineInput:
    hs_code: str | None = None


@strawberry.federation.type(keys=["id"], name="Manifest")
class ClassingManifest:
    id: strawberry.ID
    #: the HS codes of the first two lines, sent by the gateway in the representation
    first_codes: strawberry.Private[list[str] | None] = None

    @strawberry.field
    def lines(self, limit: int) -> list[ClassingLine]:
        return [ClassingLine(id=strawberry.ID(line)) for line, _ in MANIFEST_LINES[self.id][:limit]]

    @strawberry.federation.field(requires=["lines(limit: 2) { hsCode }"])
    def duty_class(self) -> str:
        if self.first_codes is None or len(self.first_codes) != 2:
            raise ValueError(f"expected the HS codes of two lines, got {self.first_codes!r}")
        return "metals" if any(c.startswith("72") for c in self.first_codes) else "general"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, lines: list[Any] | None = None) -> "ClassingManifest":
        codes = None if lines is None else [line["hsCode"] for line in lines]
        return ClassingManifest(id=id, first_codes=codes)


@strawberry.type(name="Query")
class ClassingQuery:
    @strawberry.field
    def classing_version(self) -> str:
        return "1"


def requires_through_owned_field_graph() -> dict[str, Any]:
    return {
        "registry": Schema(query=RegistryQuery, types=[RegistryLine], federation_version=V),
        "classing": Schema(query=ClassingQuery, types=[ClassingManifest], federation_version=V),
    }


# ------------------------- a key that only a parent entity call brings in, below a value type under the entity
# hub answers shipments; papers and customs each add part of shipment.dossier { declaration { ... } } by the
# shipment's key; customs knows the declaration's id (a key it cannot resolve by), registry resolves by it.

SHIPMENT_DECLARATION = {"s1": "d7", "s2": "d9"}


@strawberry.federation.type(keys=["id"], name="Shipment")
class HubShipment:
    id: strawberry.ID
    ref: str


@strawberry.type(name="Query")
class HubQuery:
    @strawberry.field
    def shipments(self) -> list[HubShipment]:
        return [HubShipment(id=strawberry.ID(s), ref=f"AWB-{s}") for s in SHIPMENT_DECLARATION]


@strawberry.type(name="Declaration")
class PapersDeclaration:
    remarks: str


@strawberry.federation.type(name="Dossier", shareable=True)
class PapersDossier:
    declaration: PapersDeclaration


@strawberry.federation.type(keys=["id"], name="Shipment")
class PapersShipment:
    id: strawberry.ID = strawberry.federation.field(external=True)

    @strawberry.federation.field(shareable=True)
    def dossier(self) -> PapersDossier:
        return PapersDossier(declaration=PapersDeclaration(remarks=f"remarks for {self.id}"))

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "PapersShipment":
        return PapersShipment(id=id)


@strawberry.type(name="Query")
class PapersQuery:
    @strawberry.field
    def papers_version(self) -> str:
        return "1"


@strawberry.federation.type(keys=[Key(fields="id", resolvable=False)], name="Declaration")
class CustomsDeclaration:
    id: strawberry.ID = strawberry.federation.field(shareable=True)


@strawberry.federation.type(name="Dossier", shareable=True)
class CustomsDossier:
    declaration: CustomsDeclaration


@strawberry.federation.type(keys=["id"], name="Shipment")
class CustomsShipment:
    id: strawberry.ID = strawberry.federation.field(external=True)

    @strawberry.federation.field(shareable=True)
    def dossier(self) -> CustomsDossier:
        return CustomsDossier(declaration=CustomsDeclaration(id=strawberry.ID(SHIPMENT_DECLARATION[self.id])))

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "CustomsShipment":
        return CustomsShipment(id=id)


@strawberry.type(name="Query")
class CustomsQuery:
    @strawberry.field
    def customs_version(self) -> str:
        return "1"


@strawberry.federation.type(keys=["id"], name="Declaration")
class RegistryDeclaration:
    id: strawberry.ID

    @strawberry.field
    def status(self) -> str:
        return f"{self.id}:RELEASED"


@strawberry.type(name="Query")
class DeclarationRegistryQuery:
    @strawberry.field
    def registry_version(self) -> str:
        return "1"


def parent_entity_key_graph() -> dict[str, Any]:
    return {
        "hub": Schema(query=HubQuery, federation_version=V),
        "papers": Schema(query=PapersQuery, types=[PapersShipment], federation_version=V),
        "customs": Schema(query=CustomsQuery, types=[CustomsShipment], federation_version=V),
        "registry": Schema(query=DeclarationRegistryQuery, types=[RegistryDeclaration], federation_version=V),
    }


# ----------------------------------------- an @interfaceObject behind a key that is not resolvable (notes)
# registry owns the Permit interface entity but none of its object types; notes adds Permit.remark through an
# @interfaceObject whose key it cannot resolve by, and answers it from its own root field only.


@strawberry.federation.interface(keys=["id"], name="Permit")
class RegistryPermit:
    id: strawberry.ID


@strawberry.type(name="Query")
class PermitRegistryQuery:
    @strawberry.field
    def latest_permit(self) -> RegistryPermit | None:
        raise ValueError("registry knows no permit type to return")


@strawberry.federation.interface_object(keys=[Key(fields="id", resolvable=False)], name="Permit")
class NotesPermit:
    id: strawberry.ID

    @strawberry.field
    def remark(self) -> str:
        return f"remark on {self.id}"


@strawberry.type(name="Query")
class NotesQuery:
    @strawberry.field
    def pinned_permit(self) -> NotesPermit:
        return NotesPermit(id=strawberry.ID("pm-1"))


def non_resolvable_interface_object_graph() -> dict[str, Any]:
    return {
        "registry": Schema(query=PermitRegistryQuery, types=[RegistryPermit], federation_version=V),
        "notes": Schema(query=NotesQuery, federation_version=V),
    }


# ------------------------- a @requires input computed by a @requires whose own input comes back from the first
# ledger: invoice.cleared needs risky (from risk); risk computes risky from issuer { yearsTrading }, and
# yearsTrading lives in ledger again. Two fetches to risk at the same path, one waiting for the other.

INVOICE_ISSUER = {"i1": "c1", "i2": "c2"}
YEARS_TRADING = {"c1": 2, "c2": 15}


@strawberry.federation.type(keys=["id"], name="Company")
class LedgerCompany:
    id: strawberry.ID

    @strawberry.field
    def years_trading(self) -> int:
        return YEARS_TRADING[self.id]


@strawberry.federation.type(keys=["id"], name="Invoice")
class LedgerInvoice:
    id: strawberry.ID
    risky: bool | None = strawberry.federation.field(external=True, default=None)

    @strawberry.federation.field(requires=["risky"])
    def cleared(self) -> bool:
        if self.risky is None:
            raise ValueError("risky was not sent in the representation")
        return not self.risky

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, risky: bool | None = None) -> "LedgerInvoice":
        return LedgerInvoice(id=id, risky=risky)


@strawberry.type(name="Query")
class LedgerQuery:
    @strawberry.field
    def invoices(self) -> list[LedgerInvoice]:
        return [LedgerInvoice(id=strawberry.ID(i)) for i in INVOICE_ISSUER]


@strawberry.federation.type(keys=["id"], name="Company")
class RiskCompany:
    id: strawberry.ID
    years_trading: int | None = strawberry.federation.field(external=True, default=None)


@strawberry.federation.type(keys=["id"], name="Invoice")
class RiskInvoice:
    id: strawberry.ID
    issuer_years: strawberry.Private[int | None] = None

    @strawberry.field
    def issuer(self) -> RiskCompany:
        return RiskCompany(id=strawberry.ID(INVOICE_ISSUER[self.id]), years_trading=self.issuer_years)

    @strawberry.federation.field(requires=["issuer { yearsTrading }"])
    def risky(self) -> bool:
        if self.issuer_years is None:
            raise ValueError("issuer { yearsTrading } was not sent in the representation")
        return self.issuer_years < 5

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, issuer: dict[str, Any] | None = None) -> "RiskInvoice":
        return RiskInvoice(id=id, issuer_years=None if issuer is None else issuer["yearsTrading"])


@strawberry.type(name="Query")
class RiskQuery:
    @strawberry.field
    def risk_version(self) -> str:
        return "1"


def requires_round_trip_graph() -> dict[str, Any]:
    return {
        "ledger": Schema(query=LedgerQuery, types=[LedgerCompany], federation_version=V),
        "risk": Schema(query=RiskQuery, types=[RiskInvoice], federation_version=V),
    }


# ------------------------------------------------- a field the client skips through its fragment's @skip/@include


@strawberry.federation.type(keys=["id"], name="Container")
class YardContainer:
    id: strawberry.ID

    @strawberry.field
    def seal_audit(self) -> str:
        raise ValueError("the seal audit is only read when asked for")


@strawberry.type(name="Query")
class ContainerYardQuery:
    @strawberry.field
    def container(self) -> YardContainer:
        return YardContainer(id=strawberry.ID("MSKU1234565"))


def conditional_fragment_graph() -> dict[str, Any]:
    return {"yard": Schema(query=ContainerYardQuery, federation_version=V)}


# ---------------------------------- one response key, two types in the subgraph that answers both fragments
# registry types Trader.id as ID! and Agent.id as ID; directory types Trader.id as ID, so the supergraph (and a
# client) sees ID for both, and "... on Trader { id } ... on Agent { id }" is valid for the client only.


@strawberry.federation.type(keys=["id"], name="Trader")
class RegistryTrader:
    id: strawberry.ID
    name: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "RegistryTrader":
        return RegistryTrader(id=id, name="Steppe Grain")


@strawberry.type(name="Agent")
class RegistryAgent:
    id: strawberry.ID | None
    name: str = strawberry.federation.field(shareable=True)


Party = Annotated[RegistryTrader | RegistryAgent, strawberry.union("Party")]


@strawberry.type(name="Query")
class PartyRegistryQuery:
    @strawberry.field
    def parties(self) -> list[Party]:
        return [RegistryTrader(id=strawberry.ID("t1"), name="Steppe Grain"), RegistryAgent(id=None, name="KZ Broker")]


@strawberry.federation.type(keys=["id"], name="Trader")
class DirectoryTrader:
    id: strawberry.ID | None = strawberry.federation.field(shareable=True)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "DirectoryTrader":
        return DirectoryTrader(id=id)


@strawberry.type(name="Query")
class DirectoryQuery:
    @strawberry.field
    def traders(self) -> list[DirectoryTrader]:
        return [DirectoryTrader(id=strawberry.ID("t1"))]


def mismatched_key_types_graph() -> dict[str, Any]:
    return {
        "registry": Schema(query=PartyRegistryQuery, types=[RegistryTrader], federation_version=V),
        "directory": Schema(query=DirectoryQuery, federation_version=V),
    }
