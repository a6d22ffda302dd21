"""Per-request DataLoaders: N contract lookups in one operation become one batched legacy call."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence

from strawberry.dataloader import DataLoader

from adapters.barter.client import BarterClient
from adapters.barter.model import Contract, Party

__all__ = ["BarterState", "make_state"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class BarterState:
    """What the barter subgraph keeps per request (``info.context.state``)."""

    client: Callable[[], BarterClient]
    agency: str | None
    today: dt.date
    contracts: DataLoader[str, Contract | None]
    by_party: DataLoader[Party, list[Contract]]


def make_state(client: Callable[[], BarterClient], *, agency: str | None, today: dt.date) -> BarterState:
    async def load_contracts(ids: list[str]) -> Sequence[Contract | None]:
        found = {c.id: c for c in await client().contracts_by_id(ids, agency=agency)}
        return [found.get(i) for i in ids]

    async def load_by_party(parties: list[Party]) -> Sequence[list[Contract]]:
        contracts = await client().contracts(parties=[p.ref for p in parties], agency=agency)
        return [[c for c in contracts if party in (c.party_a, c.party_b)] for party in parties]

    return BarterState(
        client=client,
        agency=agency,
        today=today,
        contracts=DataLoader(load_fn=load_contracts),
        by_party=DataLoader(load_fn=load_by_party),
    )
