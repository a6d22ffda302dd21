"""Per-request DataLoaders: N entity representations in one ``_entities`` call become one lookup per type.

The reference data is in memory, so a "batch" is a dictionary walk; the loaders still exist so the subgraph
follows the platform's resolver contract and so tests can prove the batching (:attr:`ReferenceLoaders.batches`).
"""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from strawberry.dataloader import DataLoader

from adapters.reference.airlines import AirlineRecord, airline
from adapters.reference.airports import AirportRecord, airport
from adapters.reference.countries import CountryRecord, country
from adapters.reference.currencies import CurrencyRecord, currency

__all__ = ["ReferenceLoaders"]

R = TypeVar("R")


@dataclasses.dataclass
class ReferenceLoaders:
    """The loaders of one request, and how many batches each ran."""

    batches: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    countries: DataLoader[str, CountryRecord | None] = dataclasses.field(init=False)
    currencies: DataLoader[str, CurrencyRecord | None] = dataclasses.field(init=False)
    airports: DataLoader[str, AirportRecord | None] = dataclasses.field(init=False)
    airlines: DataLoader[str, AirlineRecord | None] = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        self.countries = DataLoader(load_fn=self._batch("countries", country))
        self.currencies = DataLoader(load_fn=self._batch("currencies", currency))
        self.airports = DataLoader(load_fn=self._batch("airports", airport))
        self.airlines = DataLoader(load_fn=self._batch("airlines", airline))

    def _batch(
        self, kind: str, lookup: Callable[[str], R | None]
    ) -> Callable[[list[str]], Awaitable[Sequence[R | None]]]:
        async def load(keys: list[str]) -> Sequence[R | None]:
            self.batches[kind] += 1
            return [lookup(key) for key in keys]

        return load
