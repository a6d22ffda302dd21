"""The vehicles subgraph: ``vehicle(vin)``, the paged ``vehicleExports`` and the Federation v2 schema."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

import strawberry

from adapters.vehicles import types as t
from adapters.vehicles.entities import Company, Info, Vehicle, state, vehicle_to_graphql
from adapters.vehicles.legacy import STATUS_CODES, Page
from adapters.vehicles.paging import decode_cursor, encode_cursor, window
from gateway.policy.scopes import VEHICLES_READ
from gateway.sdk.connections import PageInfo, page_info
from gateway.sdk.identifiers import parse_country, parse_tax_id
from gateway.sdk.rules import needs
from gateway.sdk.scalars import VIN, CountryCode, TaxId
from gateway.sdk.schema import federation_schema

__all__ = ["build_schema"]

_LEGACY_STATUS = {name: code for code, name in STATUS_CODES.items()}


@strawberry.input(description="A company by its key.")
class VehiclePartyInput:
    country: CountryCode
    tax_id: TaxId


@strawberry.input(description="Which export filings to list.")
class VehicleExportFilter:
    exporter_tax_id: TaxId | None = strawberry.field(default=None, description="The exporter's USCC (China).")
    buyer: VehiclePartyInput | None = None
    status: t.VehicleExportStatus | None = None


@strawberry.federation.type(requires_scopes=needs(VEHICLES_READ))
class VehicleExportEdge:
    cursor: str
    node: Vehicle


@strawberry.federation.type(
    description="A page of export filings (Relay connection over the legacy paged listing).",
    requires_scopes=needs(VEHICLES_READ),
)
class VehicleExportConnection:
    total_count: int
    edges: list[VehicleExportEdge]
    page_info: PageInfo


async def _read_pages(calls: list[Coroutine[Any, Any, Page]]) -> list[Page]:
    """Read legacy pages concurrently; the first failure is raised as itself, not as an ExceptionGroup."""
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(call) for call in calls]
    except ExceptionGroup as failed:
        raise failed.exceptions[0] from None
    return [task.result() for task in tasks]


async def vehicle(info: Info, vin: VIN) -> Vehicle | None:
    st = state(info)
    filing = await st.by_vin.load(vin)
    return None if filing is None else vehicle_to_graphql(filing, st)


async def vehicle_exports(
    info: Info, filter: VehicleExportFilter | None = None, first: int = 20, after: str | None = None
) -> VehicleExportConnection:
    st = state(info)
    start = decode_cursor(after) + 1 if after is not None else 0
    plan = window(start, first)
    exporter = buyer = status = None
    if filter is not None:
        if filter.exporter_tax_id is not None:
            exporter = parse_tax_id("CN", filter.exporter_tax_id, "filter.exporterTaxId")
        if filter.buyer is not None:
            country = parse_country(filter.buyer.country, "filter.buyer.country")
            buyer = (country, parse_tax_id(country, filter.buyer.tax_id, "filter.buyer.taxId"))
        if filter.status is not None:
            status = _LEGACY_STATUS[filter.status.value]
    client = st.client()
    pages = await _read_pages(
        [
            client.exports(
                page=page,
                page_size=plan.page_size,
                exporter=exporter,
                buyer=buyer,
                status_code=status,
                agency=st.agency,
            )
            for page in plan.pages
        ]
    )
    filings = [f for page in pages for f in page.items][plan.skip : plan.skip + first]
    total = pages[0].total
    edges = [
        VehicleExportEdge(cursor=encode_cursor(start + i), node=vehicle_to_graphql(f, st))
        for i, f in enumerate(filings)
    ]
    return VehicleExportConnection(
        total_count=total,
        edges=edges,
        page_info=page_info(
            [e.cursor for e in edges], has_next_page=start + len(edges) < total, has_previous_page=start > 0
        ),
    )


@strawberry.type
class Query:
    vehicle: Vehicle | None = strawberry.field(
        resolver=vehicle, description="One export filing by VIN, or null if unknown or not visible to you."
    )
    vehicle_exports: VehicleExportConnection = strawberry.field(
        resolver=vehicle_exports,
        description="Export filings in the legacy listing's VIN order; page with first (1-100) and after.",
    )


def build_schema() -> strawberry.federation.Schema:
    return federation_schema(query=Query, types=[Vehicle, Company, t.Shipment])
