"""Per-request DataLoaders: N declaration lookups in one operation become one call to the customs system."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from strawberry.dataloader import DataLoader

from kz_customs_partner.client import Declaration, KzCustomsClient

__all__ = ["KzCustomsState", "make_state"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class KzCustomsState:
    client: Callable[[], KzCustomsClient]
    agency: str | None
    declarations: DataLoader[str, Declaration | None]


def make_state(client: Callable[[], KzCustomsClient], *, agency: str | None) -> KzCustomsState:
    async def load(ids: list[str]) -> Sequence[Declaration | None]:
        found = {d.id: d for d in await client().declarations(ids, agency=agency)}
        return [found.get(i) for i in ids]

    return KzCustomsState(client=client, agency=agency, declarations=DataLoader(load_fn=load))
