"""The reference subgraph: countries, currencies, airports, airlines and HS chapters as Federation v2 entities.

Every other subgraph may point at ``Country``, ``Currency``, ``Airport`` or ``Airline`` by key; this subgraph
owns all their other fields (docs/subgraph-conventions.md). Reference data is the only public part of the graph:
every field here is tagged ``@tag(name: "public")`` (gateway.policy.authz opens no other field without a rule).
"""

from __future__ import annotations

import re
from typing import Any

import strawberry

from adapters.reference import airlines as _airlines
from adapters.reference import airports as _airports
from adapters.reference import countries as _countries
from adapters.reference import currencies as _currencies
from adapters.reference.airlines import AirlineRecord
from adapters.reference.airports import AirportRecord
from adapters.reference.countries import CountryRecord
from adapters.reference.currencies import CurrencyRecord
from adapters.reference.hs_chapters import HS_CHAPTERS
from adapters.reference.loaders import ReferenceLoaders
from adapters.reference.sco import ScoStatus
from gateway.errors import BadUserInput, NotFound
from gateway.sdk.context import SubgraphContext
from gateway.sdk.identifiers import parse_country, parse_currency
from gateway.sdk.node_ids import id_field
from gateway.sdk.rules import PUBLIC_TAG, public_field
from gateway.sdk.scalars import CountryCode, CurrencyCode
from gateway.sdk.schema import federation_schema

__all__ = ["build_schema"]

Info = strawberry.Info[SubgraphContext, None]

_IATA = re.compile(r"[A-Z]{3}")
_AWB_PREFIX = re.compile(r"[0-9]{3}")


def _loaders(info: Info) -> ReferenceLoaders:
    state = info.context.state
    assert isinstance(state, ReferenceLoaders), "ReferenceAdapter.request_state builds the loaders"
    return state


def _iata(value: Any, field: str) -> str:
    text = value.strip().upper() if isinstance(value, str) else ""
    if not (text.isascii() and _IATA.fullmatch(text)):
        raise BadUserInput(f"IATA airport code {value!r} must be three letters (e.g. TAO)", field=field)
    return text


def _prefix(value: Any, field: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not (text.isascii() and _AWB_PREFIX.fullmatch(text)):
        raise BadUserInput(f"AWB airline prefix {value!r} must be three digits (e.g. 999)", field=field)
    return text


@strawberry.federation.type(keys=["code"], description="An ISO 4217 currency.")
class Currency:
    code: CurrencyCode = public_field()
    id: strawberry.ID = id_field("Currency", "code", tags=[PUBLIC_TAG])
    numeric_code: str = public_field(description="ISO 4217 numeric code, three digits (e.g. 156).")
    name: str = public_field()
    minor_units: int | None = public_field(
        description="Digits after the decimal point (ISO 4217); null where ISO gives none (gold, SDR)."
    )

    @classmethod
    def of(cls, record: CurrencyRecord) -> Currency:
        return cls(
            code=CurrencyCode(record.code),
            numeric_code=record.numeric_code,
            name=record.name,
            minor_units=record.minor_units,
        )

    @classmethod
    async def resolve_reference(cls, info: Info, code: Any) -> Currency:
        key = parse_currency(code, field="representations.code")
        record = await _loaders(info).currencies.load(key)
        if record is None:  # pragma: no cover - parse_currency accepts only codes in the table
            raise NotFound(f"no currency with code {key!r}")
        return cls.of(record)


@strawberry.federation.type(keys=["iata"], description="An airport with an IATA code (data: airportsdata).")
class Airport:
    iata: str = public_field()
    id: strawberry.ID = id_field("Airport", "iata", tags=[PUBLIC_TAG])
    icao: str = public_field()
    name: str = public_field()
    city: str = public_field()
    country: CountryCode = public_field()
    latitude: float = public_field()
    longitude: float = public_field()
    timezone: str = public_field(description="IANA time zone, e.g. Asia/Shanghai.")

    @classmethod
    def of(cls, record: AirportRecord) -> Airport:
        return cls(
            iata=record.iata,
            icao=record.icao,
            name=record.name,
            city=record.city,
            country=CountryCode(record.country),
            latitude=record.latitude,
            longitude=record.longitude,
            timezone=record.timezone,
        )

    @classmethod
    async def resolve_reference(cls, info: Info, iata: Any) -> Airport:
        key = _iata(iata, "representations.iata")
        record = await _loaders(info).airports.load(key)
        if record is None:
            raise NotFound(f"no airport with IATA code {key!r}", field="representations.iata")
        return cls.of(record)


@strawberry.federation.type(keys=["code"], description="An ISO 3166 country and its place on the platform.")
class Country:
    code: CountryCode = public_field()
    id: strawberry.ID = id_field("Country", "code", tags=[PUBLIC_TAG])
    alpha3: str = public_field()
    numeric: str = public_field()
    name: str = public_field()
    official_name: str = public_field()
    sco_status: ScoStatus = public_field()

    currencies: list[Currency] = public_field(
        resolver=lambda root: [Currency.of(c) for c in _currencies.country_currencies(root.code)],
        description="Legal tender in the country (ISO 4217; fund codes excluded).",
    )
    airports: list[Airport] = public_field(
        resolver=lambda root: [Airport.of(a) for a in _airports.airports_in(root.code)],
        description="Every airport with an IATA code in the country, by code.",
    )

    @classmethod
    def of(cls, record: CountryRecord) -> Country:
        return cls(
            code=CountryCode(record.code),
            alpha3=record.alpha3,
            numeric=record.numeric,
            name=record.name,
            official_name=record.official_name,
            sco_status=record.sco_status,
        )

    @classmethod
    async def resolve_reference(cls, info: Info, code: Any) -> Country:
        key = parse_country(code, field="representations.code")
        record = await _loaders(info).countries.load(key)
        if record is None:  # pragma: no cover - parse_country accepts only assigned codes
            raise NotFound(f"no country with code {key!r}")
        return cls.of(record)


@strawberry.federation.type(keys=["awbPrefix"], description="An airline, by the prefix of its air waybills.")
class Airline:
    awb_prefix: str = public_field(description="The three digits that open the airline's AWB numbers.")
    id: strawberry.ID = id_field("Airline", "awb_prefix", tags=[PUBLIC_TAG])
    name: str = public_field()
    country: CountryCode = public_field()
    verified: bool = public_field(description="Whether the prefix was checked against a published source.")

    @classmethod
    def of(cls, record: AirlineRecord) -> Airline:
        return cls(
            awb_prefix=record.awb_prefix,
            name=record.name,
            country=CountryCode(record.country),
            verified=record.verified,
        )

    @classmethod
    async def resolve_reference(cls, info: Info, awbPrefix: Any) -> Airline:
        key = _prefix(awbPrefix, "representations.awbPrefix")
        record = await _loaders(info).airlines.load(key)
        if record is None:
            raise NotFound(f"no airline with AWB prefix {key!r} is known", field="representations.awbPrefix")
        return cls.of(record)


@strawberry.federation.type(description="A chapter of the Harmonized System nomenclature (01-97; 77 is reserved).")
class HsChapter:
    code: str = public_field()
    title: str = public_field()


def _list_countries(sco_status: ScoStatus | None = None, all: bool = False) -> list[Country]:
    records = _countries.all_countries() if all else _countries.platform_countries()
    return [Country.of(r) for r in records if sco_status is None or r.sco_status is sco_status]


async def _country(info: Info, code: CountryCode) -> Country | None:
    record = await _loaders(info).countries.load(code)
    return Country.of(record) if record else None


def _list_currencies() -> list[Currency]:
    return [Currency.of(c) for c in _currencies.all_currencies()]


async def _currency(info: Info, code: CurrencyCode) -> Currency | None:
    record = await _loaders(info).currencies.load(code)
    return Currency.of(record) if record else None


def _list_airports(country: CountryCode | None = None) -> list[Airport]:
    if country is not None:
        return [Airport.of(a) for a in _airports.airports_in(country)]
    return [Airport.of(a) for code in _airports.HUBS if (a := _airports.airport(code)) is not None]


async def _airport(info: Info, iata: str) -> Airport | None:
    record = await _loaders(info).airports.load(_iata(iata, "iata"))
    return Airport.of(record) if record else None


def _list_airlines() -> list[Airline]:
    return [Airline.of(a) for a in _airlines.AIRLINES]


async def _airline(info: Info, prefix: str) -> Airline | None:
    record = await _loaders(info).airlines.load(_prefix(prefix, "prefix"))
    return Airline.of(record) if record else None


def _list_hs_chapters() -> list[HsChapter]:
    return [HsChapter(code=code, title=title) for code, title in HS_CHAPTERS.items()]


@strawberry.type
class Query:
    countries: list[Country] = public_field(
        resolver=_list_countries,
        description=(
            "The platform's countries: SCO members, observers and dialogue partners and the countries of its "
            "trade; all ISO 3166 countries with all: true. Filtered by SCO status when given."
        ),
    )
    country: Country | None = public_field(resolver=_country, description="One country by ISO 3166 alpha-2 code.")
    currencies: list[Currency] = public_field(
        resolver=_list_currencies, description="Every ISO 4217 currency, by code."
    )
    currency: Currency | None = public_field(resolver=_currency, description="One currency by ISO 4217 code.")
    airports: list[Airport] = public_field(
        resolver=_list_airports,
        description="The airports of a country, or without a country the hubs of the platform's cargo routes.",
    )
    airport: Airport | None = public_field(
        resolver=_airport, description="One airport by IATA code; null when no airport has it."
    )
    airlines: list[Airline] = public_field(
        resolver=_list_airlines, description="The airlines of the platform's cargo routes, by AWB prefix."
    )
    airline: Airline | None = public_field(
        resolver=_airline, description="One airline by AWB prefix; null when the prefix is not known."
    )
    hs_chapters: list[HsChapter] = public_field(
        resolver=_list_hs_chapters, description="The chapters of the Harmonized System, 01-97."
    )


def build_schema() -> strawberry.federation.Schema:
    return federation_schema(query=Query, types=[Country, Currency, Airport, Airline])
