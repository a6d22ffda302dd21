"""The cargo subgraph: ``Shipment`` (owner), ``Company.shipments``, root queries and ``bookShipment``.

Resolvers are thin: they validate input, load through :class:`~adapters.cargo.loaders.CargoLoaders` (in
``info.context.state``) and expose the normalised :class:`~adapters.cargo.model.ShipmentRecord`, so the schema
reads the same whichever airline interface answered.
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import strawberry
from strawberry.types import Info

from adapters.cargo.airlines import airline_name, interface_for
from adapters.cargo.booking import BookingOrder, book, list_shipments
from adapters.cargo.model import CargoEvent as EventRecord
from adapters.cargo.model import FlightLeg as LegRecord
from adapters.cargo.model import Interface, ShipmentRecord
from adapters.cargo.status import StatusCode
from gateway.errors import BadUserInput
from gateway.policy.scopes import CARGO_BOOK, CARGO_READ
from gateway.sdk.connections import PageInfo, page_info
from gateway.sdk.identifiers import parse_awb
from gateway.sdk.node_ids import id_field
from gateway.sdk.rules import needs
from gateway.sdk.scalars import AWB, CountryCode, HSCode, TaxId
from gateway.sdk.schema import federation_schema

if TYPE_CHECKING:
    from adapters.cargo.loaders import CargoLoaders

__all__ = ["build_schema"]

CargoStatusCode = strawberry.enum(
    StatusCode, name="CargoStatusCode", description="IATA XFSU status codes (the 26 codes of Cargo-XML)."
)
CargoInterface = strawberry.enum(
    Interface, name="CargoInterface", description="How the airline's system talks to the platform."
)


@strawberry.enum(name="ShipmentRole", description="A company's part in a shipment.")
class ShipmentRole(enum.Enum):
    SHIPPER = "SHIPPER"
    CONSIGNEE = "CONSIGNEE"
    ANY = "ANY"


_F = TypeVar("_F", bound=Callable[..., Any])


def _described(text: str, *, mutation: bool = False) -> Callable[[_F], _F]:
    """A cargo read (``cargo:read``) or booking (``cargo:book``), the resolver's signature kept for mypy."""
    if mutation:
        return cast(
            "Callable[[_F], _F]", strawberry.federation.mutation(description=text, requires_scopes=needs(CARGO_BOOK))
        )
    return cast("Callable[[_F], _F]", strawberry.federation.field(description=text, requires_scopes=needs(CARGO_READ)))


def _loaders(info: Info) -> CargoLoaders:
    return cast("CargoLoaders", info.context.state)


def _awb(value: Any, field: str, info: Info) -> str:
    awb = parse_awb(value, field)
    interface_for(awb, _loaders(info).airlines.interfaces, field)
    return awb


@strawberry.federation.type(name="CargoAirline", requires_scopes=needs(CARGO_READ))
class Airline:
    prefix: str
    name: str
    interface: CargoInterface  # type: ignore[valid-type]


@strawberry.federation.type(
    name="CargoFlightLeg", description="One flight of a shipment's route.", requires_scopes=needs(CARGO_READ)
)
class FlightLeg:
    flight: str
    from_: str = strawberry.field(name="from", description="IATA code of the departure airport.")
    to: str = strawberry.field(description="IATA code of the arrival airport.")
    departure: dt.datetime | None = strawberry.field(description="Actual departure, once flown.")
    arrival: dt.datetime | None = strawberry.field(description="Actual arrival, once flown.")

    @classmethod
    def of(cls, leg: LegRecord) -> FlightLeg:
        return cls(
            flight=leg.flight, from_=leg.origin, to=leg.destination, departure=leg.departure, arrival=leg.arrival
        )


@strawberry.federation.type(
    name="CargoEvent", description="A status in the normalised timeline.", requires_scopes=needs(CARGO_READ)
)
class Event:
    code: CargoStatusCode  # type: ignore[valid-type]
    label: str
    at: dt.datetime
    location: str = strawberry.field(description="IATA code of the airport where it happened.")
    flight: str | None
    source: CargoInterface  # type: ignore[valid-type]

    @classmethod
    def of(cls, event: EventRecord) -> Event:
        return cls(
            code=event.code,
            label=event.code.label,
            at=event.at,
            location=event.location,
            flight=event.flight,
            source=event.source,
        )


@strawberry.federation.type(name="CargoBooking", requires_scopes=needs(CARGO_READ))
class Booking:
    reference: str | None = strawberry.field(description="The shipper's booking reference, if it gave one.")
    booked_at: dt.datetime | None = strawberry.field(description="When the airline confirmed it (BKD).")


@strawberry.federation.type(
    keys=["awb"], description="An air waybill and the cargo it covers.", requires_scopes=needs(CARGO_READ)
)
class Shipment:
    awb: AWB
    id: strawberry.ID = id_field("Shipment", "awb")
    record: strawberry.Private[ShipmentRecord]

    @classmethod
    async def resolve_reference(cls, info: Info, awb: str) -> Shipment | None:
        awb = _awb(awb, "awb", info)
        record = await _loaders(info).shipments.load(awb)
        return cls(awb=AWB(awb), record=record) if record else None

    @strawberry.field
    def airline(self) -> Airline:
        return Airline(prefix=self.record.prefix, name=airline_name(self.record.prefix), interface=self.record.source)

    @_described("IATA code of the airport of departure.")
    def origin(self) -> str:
        return self.record.origin

    @_described("IATA code of the airport of destination.")
    def destination(self) -> str:
        return self.record.destination

    @strawberry.field
    def pieces(self) -> int:
        return self.record.pieces

    @_described("Gross weight in kilograms.")
    def weight_kg(self) -> float:
        return float(self.record.weight_kg)

    @_described("Volume in cubic metres.")
    def volume_m3(self) -> float | None:
        return float(self.record.volume_m3) if self.record.volume_m3 is not None else None

    @strawberry.field
    def goods_description(self) -> str:
        return self.record.goods

    @strawberry.field
    def hs_code(self) -> HSCode | None:
        return HSCode(self.record.hs_code) if self.record.hs_code else None

    @strawberry.field
    def shipper(self) -> Company | None:
        party = self.record.shipper
        return Company(country=CountryCode(party.country), tax_id=TaxId(party.tax_id)) if party else None

    @strawberry.field
    def consignee(self) -> Company | None:
        party = self.record.consignee
        return Company(country=CountryCode(party.country), tax_id=TaxId(party.tax_id)) if party else None

    @_described("The flights, in order.")
    def route(self) -> list[FlightLeg]:
        return [FlightLeg.of(leg) for leg in self.record.legs]

    @_described("The latest status, if any.")
    def status(self) -> Event | None:
        current = self.record.current
        return Event.of(current) if current else None

    @_described("Every status in time order, in one vocabulary whichever airline reported it.")
    def events(self) -> list[Event]:
        return [Event.of(e) for e in self.record.events]

    @strawberry.field
    def booking(self) -> Booking:
        booked = next((e.at for e in self.record.events if e.code is StatusCode.BKD), None)
        return Booking(reference=self.record.booking_reference, booked_at=booked)


@strawberry.federation.type(keys=["country taxId"], authenticated=True)
class Company:
    country: CountryCode
    tax_id: TaxId
    id: strawberry.ID = id_field("Company", "country", "tax_id")

    @classmethod
    async def resolve_reference(cls, country: str, taxId: str) -> Company:
        return cls(country=CountryCode(country), tax_id=TaxId(taxId))

    @_described("Air shipments this company sends or receives.")
    async def shipments(self, info: Info, role: ShipmentRole = ShipmentRole.ANY) -> list[Shipment] | None:
        records = await _loaders(info).by_company.load((str(self.country), str(self.tax_id), role.value))
        return [Shipment(awb=AWB(r.awb), record=r) for r in records]


@strawberry.input(name="ShipmentFilter")
class ShipmentFilter:
    airline: str | None = strawberry.field(default=None, description="AWB prefix, e.g. 999.")
    origin: str | None = None
    destination: str | None = None
    status: CargoStatusCode | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Current status."
    )


@strawberry.federation.type(name="ShipmentEdge", requires_scopes=needs(CARGO_READ))
class ShipmentEdge:
    cursor: str
    node: Shipment


@strawberry.federation.type(name="ShipmentConnection", requires_scopes=needs(CARGO_READ))
class ShipmentConnection:
    edges: list[ShipmentEdge]
    page_info: PageInfo
    total_count: int


def _cursor(awb: str) -> str:
    return base64.urlsafe_b64encode(f"awb:{awb}".encode()).decode()


def _after(cursor: str) -> str:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        text = ""
    if not text.startswith("awb:"):
        raise BadUserInput(f"cursor {cursor!r} is not one this API issued; pass an endCursor back", field="after")
    return text[4:]


@strawberry.input(name="ShipmentPartyInput")
class CompanyKeyInput:
    country: CountryCode
    tax_id: TaxId


@strawberry.input(name="CargoFlightLegInput")
class FlightLegInput:
    flight: str
    from_: str = strawberry.field(name="from")
    to: str


@strawberry.input(name="BookShipmentInput")
class BookShipmentInput:
    airline: str = strawberry.field(description="AWB prefix of the carrier, e.g. 999 (Air China).")
    origin: str
    destination: str
    shipper: CompanyKeyInput
    consignee: CompanyKeyInput
    pieces: int
    weight_kg: float
    goods_description: str
    volume_m3: float | None = None
    hs_code: HSCode | None = None
    flights: list[FlightLegInput] = strawberry.field(default_factory=list)
    reference: str | None = strawberry.field(
        default=None, description="Your booking reference; booking it twice is refused as a duplicate."
    )


@strawberry.type
class Query:
    @_described("A shipment by its air waybill number.")
    async def shipment(self, info: Info, awb: AWB) -> Shipment | None:
        return await Shipment.resolve_reference(info, str(awb))

    @_described("Shipments across the connected airlines, ordered by AWB.")
    async def shipments(
        self, info: Info, filter: ShipmentFilter | None = None, first: int = 20, after: str | None = None
    ) -> ShipmentConnection:
        if not 0 <= first <= 100:
            raise BadUserInput(f"first must be between 0 and 100, got {first}", field="first")
        records = await list_shipments(
            _loaders(info),
            airline=filter.airline if filter else None,
            origin=filter.origin if filter else None,
            destination=filter.destination if filter else None,
            status=filter.status if filter else None,
        )
        start = _after(after) if after else None
        remaining = [r for r in records if start is None or r.awb > start]
        page = remaining[:first]
        edges = [ShipmentEdge(cursor=_cursor(r.awb), node=Shipment(awb=AWB(r.awb), record=r)) for r in page]
        return ShipmentConnection(
            edges=edges,
            page_info=page_info(
                [e.cursor for e in edges], has_next_page=len(remaining) > first, has_previous_page=start is not None
            ),
            total_count=len(records),
        )


@strawberry.type
class Mutation:
    @_described("Book air cargo with an airline; the airline issues the AWB.", mutation=True)
    async def book_shipment(self, info: Info, input: BookShipmentInput) -> Shipment:
        awb = await book(
            _loaders(info),
            BookingOrder(
                airline=input.airline,
                origin=input.origin,
                destination=input.destination,
                shipper=(str(input.shipper.country), str(input.shipper.tax_id)),
                consignee=(str(input.consignee.country), str(input.consignee.tax_id)),
                pieces=input.pieces,
                weight_kg=input.weight_kg,
                volume_m3=input.volume_m3,
                goods=input.goods_description,
                hs_code=str(input.hs_code) if input.hs_code else None,
                flights=[(f.flight, f.from_, f.to) for f in input.flights],
                reference=input.reference,
            ),
            airports=getattr(info.context.adapter, "airports", None),
        )
        record = await _loaders(info).shipments.load(awb)
        if record is None:
            raise BadUserInput(f"the airline issued AWB {awb} but does not show it to you", field="input")
        return Shipment(awb=AWB(awb), record=record)


def build_schema() -> strawberry.federation.Schema:
    from adapters.cargo.subscription import Subscription

    return federation_schema(query=Query, mutation=Mutation, subscription=Subscription, types=[Shipment, Company])
