"""The customs subgraph: ``CustomsDeclaration`` (owned: the Chinese declaration, mapped to the WCO Data Model in
docs/customs-wco.md) and the declarations of companies, shipments, vehicles and barter contracts (entity
extensions), per docs/subgraph-conventions.md."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar, cast

import strawberry

from adapters.customs import codes
from adapters.customs.cursors import decode_cursor, encode_cursor
from adapters.customs.inputs import DeclarationDirection, SubmitDeclarationInput, draft_of
from adapters.customs.loaders import CustomsLoaders
from adapters.customs.records import DeclarationRecord, GoodsLine, Notice, Quantity
from gateway.errors import BadUserInput
from gateway.policy.scopes import CUSTOMS_READ, CUSTOMS_SUBMIT
from gateway.sdk.connections import PageInfo, page_info
from gateway.sdk.context import SubgraphContext
from gateway.sdk.node_ids import id_field
from gateway.sdk.rules import needs
from gateway.sdk.scalars import AWB, VIN, CountryCode, CustomsEntryNumber, HSCode, Money, MoneyValue, TaxId
from gateway.sdk.schema import federation_schema

__all__ = ["build_schema"]

Info = strawberry.Info[SubgraphContext, None]
_F = TypeVar("_F", bound=Callable[..., Any])


def _field(description: str) -> Callable[[_F], _F]:
    """A customs read (``customs:read``), with its type kept (the keyword form is untyped for mypy)."""
    return cast(
        Callable[[_F], _F], strawberry.federation.field(description=description, requires_scopes=needs(CUSTOMS_READ))
    )


def _mutation(description: str) -> Callable[[_F], _F]:
    """A customs write: only tokens with ``customs:submit`` (and an agency) may lodge."""
    return cast(
        Callable[[_F], _F],
        strawberry.federation.mutation(description=description, requires_scopes=needs(CUSTOMS_SUBMIT)),
    )


def _loaders(info: Info) -> CustomsLoaders:
    state = info.context.state
    assert isinstance(state, CustomsLoaders), "customs resolvers need CustomsAdapter.request_state"
    return state


@strawberry.enum(
    description="Release flow of a declaration: DECLARED -> REVIEWED | INSPECTED -> RELEASED -> CLEARED (结关); "
    "DECLARED -> REJECTED."
)
class DeclarationStatus(enum.Enum):
    DECLARED = "DECLARED"
    REVIEWED = "REVIEWED"
    INSPECTED = "INSPECTED"
    RELEASED = "RELEASED"
    CLEARED = "CLEARED"
    REJECTED = "REJECTED"


@strawberry.federation.type(
    description="One notification customs issued about a declaration: the status reached and when.",
    requires_scopes=needs(CUSTOMS_READ),
)
class CustomsNotification:
    code: str = strawberry.field(description="Response function code (WCO style), e.g. 08 released")
    name: str = strawberry.field(description="Response message name, e.g. DMSROG")
    status: DeclarationStatus
    issued_at: dt.datetime

    @classmethod
    def of(cls, notice: Notice) -> CustomsNotification:
        return cls(
            code=notice.code, name=notice.name, status=DeclarationStatus(notice.status), issued_at=notice.issued_at
        )


@strawberry.federation.type(
    description="A customs office by its 4-digit GACC code (关区代码).", requires_scopes=needs(CUSTOMS_READ)
)
class CustomsOffice:
    id: str
    name: str


@strawberry.federation.type(
    description="A value of one of the declaration's code lists, with what it means.",
    requires_scopes=needs(CUSTOMS_READ),
)
class CustomsCode:
    code: str
    description: str

    @classmethod
    def of(cls, table: Mapping[str, str], code: str) -> CustomsCode:
        return cls(code=code, description=table.get(code, ""))


@strawberry.federation.type(requires_scopes=needs(CUSTOMS_READ))
class CustomsQuantity:
    amount: Decimal
    unit: str = strawberry.field(description="GACC unit code, e.g. 035 (kg)")
    unit_name: str

    @classmethod
    def of(cls, quantity: Quantity) -> CustomsQuantity:
        return cls(amount=quantity.amount, unit=quantity.unit, unit_name=codes.UNITS.get(quantity.unit, ""))


@strawberry.federation.type(description="Means of transport (运输工具).", requires_scopes=needs(CUSTOMS_READ))
class Conveyance:
    name: str = strawberry.field(description="Flight number, vessel name or truck plate")
    voyage: str | None = strawberry.field(description="Voyage, or the flight date (yyyymmdd)")


@strawberry.federation.type(
    description="A licence or other supporting document (随附单证).", requires_scopes=needs(CUSTOMS_READ)
)
class SupportingDocument:
    code: str
    description: str
    number: str


@strawberry.federation.type(requires_scopes=needs(CUSTOMS_READ))
class DeclarationGoodsItem:
    sequence: int
    tariff_code: str = strawberry.field(description="10 digits: Chinese tariff code + 2 national digits")
    hs_code: HSCode = strawberry.field(description="The HS subheading of the tariff code (6 digits)")
    description: str
    quantity: Decimal = strawberry.field(description="Declared quantity, in `unit`")
    unit: str = strawberry.field(description="GACC unit code of the declared quantity")
    legal_quantity: CustomsQuantity = strawberry.field(description="In the first legal unit (法定第一计量单位)")
    second_legal_quantity: CustomsQuantity | None
    unit_price: Money
    value: Money = strawberry.field(description="Total price of the item")
    origin: CountryCode
    destination: CountryCode
    exemption: CustomsCode

    @classmethod
    def of(cls, sequence: int, line: GoodsLine) -> DeclarationGoodsItem:
        return cls(
            sequence=sequence,
            tariff_code=line.tariff_code,
            hs_code=HSCode(f"{line.tariff_code[:4]}.{line.tariff_code[4:6]}"),
            description=line.description,
            quantity=line.quantity.amount,
            unit=line.quantity.unit,
            legal_quantity=CustomsQuantity.of(line.legal),
            second_legal_quantity=CustomsQuantity.of(line.second) if line.second else None,
            unit_price=MoneyValue(amount=line.unit_price, currency=line.currency),
            value=MoneyValue(amount=line.value, currency=line.currency),
            origin=CountryCode(line.origin),
            destination=CountryCode(line.destination),
            exemption=CustomsCode.of(codes.EXEMPTIONS, line.exemption),
        )


@strawberry.federation.type(
    keys=["id"],
    description="A Chinese customs declaration (报关单); its id is the 18-digit entry number.",
    requires_scopes=needs(CUSTOMS_READ),
)
class CustomsDeclaration:
    id: strawberry.ID
    entry_number: CustomsEntryNumber = strawberry.field(description="报关单号: office, year, I/E flag, serial")
    lrn: str = strawberry.field(description="Local reference number the declarant chose (≤35 characters)")
    declarant: Company
    direction: DeclarationDirection
    procedure: CustomsCode = strawberry.field(description="Trade mode (监管方式)")
    office: CustomsOffice = strawberry.field(description="Customs office of declaration (申报地海关)")
    exit_office: CustomsOffice = strawberry.field(description="Exit customs (出境关别)")
    departure_port: str = strawberry.field(description="Where the goods leave: IATA airport, or the land port")
    transport_mode: CustomsCode = strawberry.field(description="运输方式")
    conveyance: Conveyance
    transaction_terms: CustomsCode = strawberry.field(description="成交方式 (Incoterms folded into CIF/C&F/FOB/EXW)")
    levy_nature: CustomsCode = strawberry.field(description="征免性质 (nature of levy or exemption)")
    goods_items: list[DeclarationGoodsItem]
    licences: list[SupportingDocument]
    awb: AWB | None = strawberry.field(description="Air waybill the goods travel under (transport document)")
    vin: VIN | None = strawberry.field(description="VIN of the used vehicle exported")
    shipment: Shipment | None
    vehicle: Vehicle | None
    barter_contract: BarterContract | None
    status: DeclarationStatus
    status_code: str = strawberry.field(description="Response function code of the latest notification")
    notifications: list[CustomsNotification] = strawberry.field(description="Every status reached, with when")

    @classmethod
    def of(cls, r: DeclarationRecord) -> CustomsDeclaration:
        return cls(
            id=strawberry.ID(r.entry_number),
            entry_number=CustomsEntryNumber(r.entry_number),
            lrn=r.lrn,
            declarant=Company(country=CountryCode(r.declarant[0]), tax_id=TaxId(r.declarant[1])),
            direction=DeclarationDirection(r.direction),
            procedure=CustomsCode.of(codes.TRADE_MODES, r.trade_mode),
            office=CustomsOffice(id=r.office[0], name=r.office[1]),
            exit_office=CustomsOffice(id=r.exit_office[0], name=r.exit_office[1]),
            departure_port=r.departure_port,
            transport_mode=CustomsCode.of(codes.TRANSPORT_MODES, r.transport_mode),
            conveyance=Conveyance(name=r.conveyance, voyage=r.voyage),
            transaction_terms=CustomsCode.of(codes.TRANSACTION_TERMS, r.transaction_terms),
            levy_nature=CustomsCode.of(codes.LEVY_NATURES, r.levy_nature),
            goods_items=[DeclarationGoodsItem.of(n, line) for n, line in enumerate(r.items, start=1)],
            licences=[
                SupportingDocument(code=code, description=codes.LICENCES.get(code, ""), number=number)
                for code, number in r.licences
            ],
            awb=AWB(r.awb) if r.awb else None,
            vin=VIN(r.vin) if r.vin else None,
            shipment=Shipment(awb=AWB(r.awb)) if r.awb else None,
            vehicle=Vehicle(vin=VIN(r.vin)) if r.vin else None,
            barter_contract=BarterContract(id=strawberry.ID(r.barter_contract)) if r.barter_contract else None,
            status=DeclarationStatus(r.status.status),
            status_code=r.status.code,
            notifications=[CustomsNotification.of(n) for n in r.notifications],
        )

    @classmethod
    async def resolve_reference(cls, info: Info, **representation: Any) -> CustomsDeclaration | None:
        record = await _loaders(info).by_number.load(str(representation["id"]))
        return cls.of(record) if record is not None else None


@strawberry.federation.type(keys=["country taxId"], authenticated=True)
class Company:
    country: CountryCode
    tax_id: TaxId
    id: strawberry.ID = id_field("Company", "country", "tax_id")

    @_field("Declarations this company lodged as declarant, oldest first.")
    async def declarations(self, info: Info) -> list[CustomsDeclaration] | None:
        records = await _loaders(info).by_declarant.load((str(self.country), str(self.tax_id)))
        return [CustomsDeclaration.of(r) for r in records]

    @classmethod
    async def resolve_reference(cls, info: Info, **representation: Any) -> Company:
        return cls(country=representation["country"], tax_id=representation["taxId"])


@strawberry.federation.type(keys=["awb"], authenticated=True)
class Shipment:
    awb: AWB
    id: strawberry.ID = id_field("Shipment", "awb")

    @_field("Customs declarations naming this air waybill.")
    async def customs(self, info: Info) -> list[CustomsDeclaration] | None:
        return [CustomsDeclaration.of(r) for r in await _loaders(info).by_awb.load(str(self.awb))]

    @classmethod
    async def resolve_reference(cls, info: Info, **representation: Any) -> Shipment:
        return cls(awb=representation["awb"])


@strawberry.federation.type(keys=["vin"], authenticated=True)
class Vehicle:
    vin: VIN
    id: strawberry.ID = id_field("Vehicle", "vin")

    @_field("The (latest) export declaration of this vehicle, if one was lodged.")
    async def customs_declaration(self, info: Info) -> CustomsDeclaration | None:
        records = await _loaders(info).by_vin.load(str(self.vin))
        return CustomsDeclaration.of(records[-1]) if records else None

    @classmethod
    async def resolve_reference(cls, info: Info, **representation: Any) -> Vehicle:
        return cls(vin=representation["vin"])


@strawberry.federation.type(keys=["id"], authenticated=True)
class BarterContract:
    id: strawberry.ID

    @_field("Declarations lodged under this barter contract (procedure 0130/4019).")
    async def declarations(self, info: Info) -> list[CustomsDeclaration] | None:
        return [CustomsDeclaration.of(r) for r in await _loaders(info).by_barter_contract.load(str(self.id))]

    @classmethod
    async def resolve_reference(cls, info: Info, **representation: Any) -> BarterContract:
        return cls(id=strawberry.ID(str(representation["id"])))


@strawberry.input
class DeclarationFilter:
    declarant_country: CountryCode | None = None
    declarant_tax_id: TaxId | None = None
    awb: AWB | None = None
    vin: VIN | None = None
    barter_contract_id: strawberry.ID | None = None


@strawberry.federation.type(requires_scopes=needs(CUSTOMS_READ))
class DeclarationEdge:
    cursor: str = strawberry.field(description="Opaque: the customs system's page token after this declaration.")
    node: CustomsDeclaration


@strawberry.federation.type(
    description="A page of declarations (Relay connection over the customs system's paged search).",
    requires_scopes=needs(CUSTOMS_READ),
)
class DeclarationConnection:
    edges: list[DeclarationEdge]
    total_count: int
    page_info: PageInfo


@strawberry.federation.type(requires_scopes=needs(CUSTOMS_READ))
class SubmitDeclarationPayload:
    id: strawberry.ID = strawberry.field(description="The entry number customs assigned")
    lrn: str
    duplicate: bool = strawberry.field(
        description="True when this LRN was submitted before (same entry number returned)"
    )
    notification: CustomsNotification

    @_field("The declaration as customs now holds it (reading it moves a new one along).")
    async def declaration(self, info: Info) -> CustomsDeclaration | None:
        record = await _loaders(info).by_number.load(str(self.id))
        return CustomsDeclaration.of(record) if record is not None else None


@strawberry.type
class Query:
    @_field("A customs declaration by its 18-digit entry number (报关单号).")
    async def declaration(self, info: Info, id: CustomsEntryNumber) -> CustomsDeclaration | None:
        record = await _loaders(info).by_number.load(str(id))
        return CustomsDeclaration.of(record) if record is not None else None

    @_field("Declarations matching every given filter field, oldest first, paged.")
    async def declarations(
        self, info: Info, filter: DeclarationFilter | None = None, first: int = 20, after: str | None = None
    ) -> DeclarationConnection:
        if not 1 <= first <= 100:
            raise BadUserInput("first must be between 1 and 100", field="first")
        f = filter or DeclarationFilter()
        if (f.declarant_country is None) != (f.declarant_tax_id is None):
            raise BadUserInput("give declarantCountry and declarantTaxId together", field="filter.declarantTaxId")
        token, skip = decode_cursor(after)
        loaders = _loaders(info)
        page = await loaders.client.page(
            loaders.scope,
            declarants=[(str(f.declarant_country), str(f.declarant_tax_id))] if f.declarant_country else [],
            awbs=[str(f.awb)] if f.awb else [],
            vins=[str(f.vin)] if f.vin else [],
            barter_contracts=[str(f.barter_contract_id)] if f.barter_contract_id else [],
            size=skip + first,
            token=token,
        )
        items = page.items[skip : skip + first]
        edges = [
            DeclarationEdge(cursor=encode_cursor(token, skip + n + 1), node=CustomsDeclaration.of(r))
            for n, r in enumerate(items)
        ]
        if edges and page.next_token and skip + len(items) == len(page.items):
            edges[-1].cursor = encode_cursor(page.next_token, 0)  # the page's end: resume at the next token
        more = page.next_token is not None or skip + len(items) < len(page.items)
        return DeclarationConnection(
            edges=edges,
            total_count=page.total,
            page_info=page_info(
                [e.cursor for e in edges], has_next_page=more, has_previous_page=token is not None or skip > 0
            ),
        )


@strawberry.type
class Mutation:
    @_mutation("Lodge a declaration. Idempotent by (declarant, LRN): safe to retry.")
    async def submit_declaration(self, info: Info, input: SubmitDeclarationInput) -> SubmitDeclarationPayload:
        draft = draft_of(input)
        loaders = _loaders(info)
        receipt = await loaders.client.submit(draft, loaders.scope)
        if not receipt.duplicate:  # customs' first notification, live to the declaration's subscribers
            from adapters.customs.subscription import notice_event

            await info.context.adapter.events.publish(notice_event(receipt.entry_number, receipt.notification))
        return SubmitDeclarationPayload(
            id=strawberry.ID(receipt.entry_number),
            lrn=receipt.lrn,
            duplicate=receipt.duplicate,
            notification=CustomsNotification.of(receipt.notification),
        )

    @_mutation(
        "Record customs' decision on a declaration, moving it along the release flow (DECLARED -> REVIEWED | "
        "INSPECTED -> RELEASED -> CLEARED). A move the flow does not allow fails with ILLEGAL_TRANSITION."
    )
    async def record_customs_decision(
        self, info: Info, id: CustomsEntryNumber, status: DeclarationStatus
    ) -> CustomsDeclaration | None:
        loaders = _loaders(info)
        record = await loaders.client.decide(str(id), status.value, loaders.scope)
        if record is None:
            return None
        from adapters.customs.subscription import notice_event

        await info.context.adapter.events.publish(notice_event(record.entry_number, record.status))
        return CustomsDeclaration.of(record)


def build_schema() -> strawberry.federation.Schema:
    from adapters.customs.subscription import Subscription

    return federation_schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[CustomsDeclaration, Company, Shipment, Vehicle, BarterContract],
    )
