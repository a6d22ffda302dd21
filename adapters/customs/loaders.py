"""Per-request DataLoaders: N entity lookups in one ``_entities`` call become one customs SOAP call.

* declarations by entry number → one ``GetDeclarationStatuses``;
* declarations by declarant / AWB / VIN / barter contract → one ``ListDeclarations`` per key kind, its
  criterion listing every key of the batch (the service ORs values within a criterion), then grouped here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from adapters.customs.client import BATCH, CustomsClient
from adapters.customs.records import DeclarationRecord
from adapters.soap import Scope

__all__ = ["CustomsLoaders"]

_GroupLoad = Callable[[Sequence[Any]], Awaitable[list[list[DeclarationRecord]]]]


class CustomsLoaders:
    def __init__(self, client: CustomsClient, scope: Scope) -> None:
        self.client = client
        self.scope = scope
        self.by_number: DataLoader[str, DeclarationRecord | None] = DataLoader(
            load_fn=self._by_number, max_batch_size=BATCH
        )
        self.by_declarant: DataLoader[tuple[str, str], list[DeclarationRecord]] = DataLoader(
            load_fn=self._grouped("declarants", lambda r: r.declarant), max_batch_size=BATCH
        )
        self.by_awb: DataLoader[str, list[DeclarationRecord]] = DataLoader(
            load_fn=self._grouped("awbs", lambda r: r.awb), max_batch_size=BATCH
        )
        self.by_vin: DataLoader[str, list[DeclarationRecord]] = DataLoader(
            load_fn=self._grouped("vins", lambda r: r.vin), max_batch_size=BATCH
        )
        self.by_barter_contract: DataLoader[str, list[DeclarationRecord]] = DataLoader(
            load_fn=self._grouped("barter_contracts", lambda r: r.barter_contract), max_batch_size=BATCH
        )

    async def _by_number(self, numbers: Sequence[str]) -> list[DeclarationRecord | None]:
        found = await self.client.statuses(numbers, self.scope)
        for record in found.values():
            self.by_number.prime(record.entry_number, record)
        return [found.get(number) for number in numbers]

    def _grouped(self, criterion: str, key_of: Callable[[DeclarationRecord], Any]) -> _GroupLoad:
        async def load(keys: Sequence[Any]) -> list[list[DeclarationRecord]]:
            records = await self.client.search(self.scope, **{criterion: list(keys)})
            groups: dict[Any, list[DeclarationRecord]] = defaultdict(list)
            for record in records:
                groups[key_of(record)].append(record)
            return [groups.get(key, []) for key in keys]

        return load
