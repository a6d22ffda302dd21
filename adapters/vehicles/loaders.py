"""Per-request DataLoaders: N vehicles or N companies in one operation become one legacy batch query."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence

from strawberry.dataloader import DataLoader

from adapters.vehicles.client import VehiclesClient
from adapters.vehicles.model import ExportFiling, Party

__all__ = ["VehiclesState", "make_state"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class VehiclesState:
    client: Callable[[], VehiclesClient]
    agency: str | None
    today: dt.date
    by_vin: DataLoader[str, ExportFiling | None]
    by_company: DataLoader[Party, list[ExportFiling]]


def make_state(client: Callable[[], VehiclesClient], *, agency: str | None, today: dt.date) -> VehiclesState:
    async def load_vins(vins: list[str]) -> Sequence[ExportFiling | None]:
        found = {f.vin: f for f in await client().by_vin(vins, agency=agency)}
        return [found.get(vin) for vin in vins]

    async def load_companies(parties: list[Party]) -> Sequence[list[ExportFiling]]:
        filings = await client().by_company([p.ref for p in parties], agency=agency)
        return [[f for f in filings if party in (f.exporter, f.buyer)] for party in parties]

    return VehiclesState(
        client=client,
        agency=agency,
        today=today,
        by_vin=DataLoader(load_fn=load_vins),
        by_company=DataLoader(load_fn=load_companies),
    )
