"""The customs subgraph: ``CustomsDeclaration`` (owned) and the declarations of companies, shipments, vehicles
and barter contracts (entity extensions), per docs/subgraph-conventions.md."""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar, cast

import strawberry

from adapters.customs.client import DeclarationDraft, DraftItem
from adapters.customs.cursors import decode_cursor, encode_cursor
from adapters.customs.loaders import CustomsLoaders
from adapters.customs.records import DeclarationRecord, GoodsLine, Notice
from adapters.customs.register import PROCEDURES
from gateway.errors import BadUserInput
from gateway.policy.scopes import CUSTOMS_READ, CUSTOMS_SUBMIT
from gateway.sdk import identifiers as ids
from gateway.sdk.connections import PageInfo, page_info
from gateway.sdk.context import SubgraphContext
from gateway.sdk.node_ids import id_field
from gateway.sdk.rules import needs
from gateway.sdk.scalars import AWB, VIN, CountryCode, HSCode, Money, MoneyValue, TaxId
from gateway.sdk.schema import federation_schema

_MRN = re.compile(r"[0-9A-Za-z]{1,35}")

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


@strawberry.enum(description="Clearance state, from the WCO DMS notification code of the latest notification.")
class DeclarationStatus(enum.Enum):
    ACCEPTED = "01"
    RECEIVED = "02"
    REJECTED = "03"
    UNDER_CONTROL = "05"
    DOCUMENTS_REQUIRED = "06"
    CORRECTIONS_APPLIED = "07"
    RELEASED = "08"
    CLEARED = "09"
    INVALIDATED = "10"
    ADDITIONAL_MESSAGE_DECIDED = "11"
    DUTIES_INSTRUCTION = "13"
    GOODS_EXITED = "16"
    MANUAL_HANDLING = "17"
    OTHER = "00"

    @classmethod
    def of(cls, code: str) -> DeclarationStatus:
        try:
            return cls(code)
        except ValueError:
            return cls.OTHER


@strawberry.enum
class DeclarationDirection(enum.Enum):
    EXPORT = "EXPORT"
    IMPORT = "IMPORT"


@strawberry.federation.type(
    description="One notification customs issued about a declaration (WCO DMS).", requires_scopes=needs(CUSTOMS_READ)
)
class CustomsNotification:
    code: str = strawberry.field(description="DMS function code, e.g. 02")
    name: str = strawberry.field(description="DMS message name, e.g. DMSRCV")
    status: DeclarationStatus
    issued_at: dt.datetime

    @classmethod
    def of(cls, notice: Notice) -> CustomsNotification:
        return cls(
            code=notice.code, name=notice.name, status=DeclarationStatus.of(notice.code), issued_at=notice.issued_at
        )


@strawberry.federation.type(requires_scopes=needs(CUSTOMS_READ))
class CustomsOffice:
    id: str
    name: str


@strawberry.federation.type(requires_scopes=needs(CUSTOMS_READ))
class CustomsProcedure:
    code: str
    description: str


@strawberry.federation.type(requires_scopes=needs(CUSTOMS_READ))
class DeclarationGoodsItem:
    sequence: int
    hs_code: HSCode
    description: str
    quantity: Decimal
    unit: str
    value: Money
    origin: CountryCode

    @classmethod
    def of(cls, sequence: int, line: GoodsLine) -> DeclarationGoodsItem:
        return cls(
            sequence=sequence,
            hs_code=HSCode(line.hs_code),
            description=line.description,
            quantity=line.quantity,
            unit=line.unit,
            value=MoneyValue(amount=line.value, currency=line.currency),
            origin=CountryCode(line.origin),
        )


@strawberry.federation.type(
    keys=["id"],
    description="A customs declaration; its id is the MRN (18 characters).",
    requires_scopes=needs(CUSTOMS_READ),
)
class CustomsDeclaration:
    id: strawberry.ID
    lrn: str = strawberry.field(description="Local reference number the declarant chose (≤35 characters)")
    declarant: Company
    direction: DeclarationDirection
    procedure: CustomsProcedure
    office: CustomsOffice
    goods_items: list[DeclarationGoodsItem]
    awb: AWB | None = strawberry.field(description="Air waybill the goods travel under (transport document)")
    vin: VIN | None = strawberry.field(description="VIN of the used vehicle exported (transport document)")
    shipment: Shipment | None
    vehicle: Vehicle | None
    barter_contract: BarterContract | None
    status: DeclarationStatus
    status_code: str = strawberry.field(description="DMS function code of the latest notification")
    notifications: list[CustomsNotification]

    @classmethod
    def of(cls, r: DeclarationRecord) -> CustomsDeclaration:
        return cls(
            id=strawberry.ID(r.mrn),
            lrn=r.lrn,
            declarant=Company(country=CountryCode(r.declarant[0]), tax_id=TaxId(r.declarant[1])),
            direction=DeclarationDirection(r.direction),
            procedure=CustomsProcedure(code=r.procedure, description=PROCEDURES.get(r.procedure, "")),
            office=CustomsOffice(id=r.office_id, name=r.office_name),
            goods_items=[DeclarationGoodsItem.of(n, line) for n, line in enumerate(r.items, start=1)],
            awb=AWB(r.awb) if r.awb else None,
            vin=VIN(r.vin) if r.vin else None,
            shipment=Shipment(awb=AWB(r.awb)) if r.awb else None,
            vehicle=Vehicle(vin=VIN(r.vin)) if r.vin else None,
            barter_contract=BarterContract(id=strawberry.ID(r.barter_contract)) if r.barter_contract else None,
            status=DeclarationStatus.of(r.status.code),
            status_code=r.status.code,
            notifications=[CustomsNotification.of(n) for n in r.notifications],
        )

    @classmethod
    async def resolve_reference(cls, info: Info, **representation: Any) -> CustomsDeclaration | None:
        record = await _loaders(info).by_mrn.load(str(representation["id"]))
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


@strawberry.input
class DeclarationGoodsItemInput:
    hs_code: HSCode
    description: str
    quantity: Decimal
    unit: str = "PCE"
    value: Money
    origin: CountryCode


@strawberry.input(description="A declaration to lodge. Resubmitting the same LRN and content returns the same MRN.")
class SubmitDeclarationInput:
    lrn: str
    declarant_country: CountryCode
    declarant_tax_id: TaxId
    direction: DeclarationDirection
    procedure_code: str = strawberry.field(
        description="Chinese trade mode (监管方式): 0110 general trade, 0130 barter, 4019 border small-amount trade, "
        "9610/9710/9810 cross-border e-commerce"
    )
    office_id: str = strawberry.field(description="Customs office, e.g. CN4201")
    awb: AWB | None = None
    vin: VIN | None = None
    barter_contract_id: strawberry.ID | None = None
    goods_items: list[DeclarationGoodsItemInput]


@strawberry.federation.type(requires_scopes=needs(CUSTOMS_READ))
class SubmitDeclarationPayload:
    id: strawberry.ID = strawberry.field(description="The MRN customs assigned")
    lrn: str
    duplicate: bool = strawberry.field(description="True when this LRN was submitted before (same MRN returned)")
    notification: CustomsNotification

    @_field("The declaration as customs now holds it (reading it moves a new one along).")
    async def declaration(self, info: Info) -> CustomsDeclaration | None:
        record = await _loaders(info).by_mrn.load(str(self.id))
        return CustomsDeclaration.of(record) if record is not None else None


def _draft(data: SubmitDeclarationInput) -> DeclarationDraft:
    if not 1 <= len(data.lrn.strip()) <= 35:
        raise BadUserInput("lrn must be 1-35 characters", field="input.lrn")
    if not data.goods_items:
        raise BadUserInput("a declaration needs at least one goods item", field="input.goodsItems")
    country = str(data.declarant_country)
    items = []
    for index, item in enumerate(data.goods_items):
        value = item.value
        items.append(
            DraftItem(
                hs_code=str(item.hs_code),
                description=item.description,
                quantity=item.quantity,
                unit=item.unit,
                value=value.amount,
                currency=value.currency,
                origin=str(item.origin),
            )
        )
        if item.quantity <= 0:
            raise BadUserInput("quantity must be greater than 0", field=f"input.goodsItems.{index}.quantity")
    return DeclarationDraft(
        lrn=data.lrn.strip(),
        declarant=(country, ids.parse_tax_id(country, data.declarant_tax_id, field="input.declarantTaxId")),
        direction=data.direction.value,
        procedure=data.procedure_code,
        office_id=data.office_id,
        awb=str(data.awb) if data.awb else None,
        vin=str(data.vin) if data.vin else None,
        barter_contract=str(data.barter_contract_id) if data.barter_contract_id else None,
        items=tuple(items),
    )


@strawberry.type
class Query:
    @_field("A customs declaration by MRN.")
    async def declaration(self, info: Info, id: strawberry.ID) -> CustomsDeclaration | None:
        mrn = str(id).strip()
        if not _MRN.fullmatch(mrn):
            # refused here, before the customs system is asked for a reference it could never have issued
            raise BadUserInput("id must be a movement reference number (MRN): 1-35 letters and digits", field="id")
        record = await _loaders(info).by_mrn.load(mrn)
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
        draft = _draft(input)
        loaders = _loaders(info)
        receipt = await loaders.client.submit(draft, loaders.scope)
        if not receipt.duplicate:  # customs' first notification, live to the declaration's subscribers
            from adapters.customs.subscription import notice_event

            await info.context.adapter.events.publish(notice_event(receipt.mrn, receipt.notification))
        return SubmitDeclarationPayload(
            id=strawberry.ID(receipt.mrn),
            lrn=receipt.lrn,
            duplicate=receipt.duplicate,
            notification=CustomsNotification.of(receipt.notification),
        )


def build_schema() -> strawberry.federation.Schema:
    from adapters.customs.subscription import Subscription

    return federation_schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[CustomsDeclaration, Company, Shipment, Vehicle, BarterContract],
    )
