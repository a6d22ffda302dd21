"""Per-request DataLoaders: N entity lookups become one tax SOAP call per kind.

taxpayers by (country, tax id) → ``GetTaxpayers``; invoices by (code, number) → ``GetInvoices``; rebates by id
or by exporter → ``GetExportRebateStatus``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from adapters.soap import Scope
from adapters.tax.client import BATCH, TaxClient
from adapters.tax.records import InvoiceRecord, RebateRecord, Taxpayer
from gateway.cache import Cache, cache_key
from gateway.errors import UpstreamTimeout, UpstreamUnavailable

__all__ = ["TaxLoaders", "taxpayer_from_json", "taxpayer_to_json"]

log = logging.getLogger("silkgraph.adapters.tax")


def taxpayer_to_json(taxpayer: Taxpayer) -> dict[str, Any]:
    data = dataclasses.asdict(taxpayer)
    data["registered_on"] = taxpayer.registered_on.isoformat()
    return data


def taxpayer_from_json(data: dict[str, Any]) -> Taxpayer:
    return Taxpayer(**{**data, "registered_on": dt.date.fromisoformat(data["registered_on"])})


class TaxLoaders:
    def __init__(self, client: TaxClient, scope: Scope, cache: Cache | None = None) -> None:
        self.client = client
        self.scope = scope
        self.cache = cache
        self.taxpayer: DataLoader[tuple[str, str], Taxpayer | None] = DataLoader(load_fn=self._taxpayers)
        self.invoice: DataLoader[tuple[str, str], InvoiceRecord | None] = DataLoader(load_fn=self._invoices)
        self.rebate: DataLoader[str, RebateRecord | None] = DataLoader(load_fn=self._rebates, max_batch_size=BATCH)
        self.rebates_of: DataLoader[tuple[str, str], list[RebateRecord]] = DataLoader(
            load_fn=self._rebates_of, max_batch_size=BATCH
        )

    async def _taxpayers(self, keys: Sequence[tuple[str, str]]) -> list[Taxpayer | BaseException | None]:
        if self.cache is None:
            found = await self.client.taxpayers(keys, self.scope)
            return [found.get(key) for key in keys]
        # the tenant is part of the cache key: an agency never sees another agency's entries
        names = {key: cache_key("tax.taxpayer", self.scope.tenancy, *key) for key in keys}
        cached = await self.cache.get_many(list(names.values()))
        missing = [key for key in keys if names[key] not in cached]
        try:
            loaded = await self.client.taxpayers(missing, self.scope) if missing else {}
        except (UpstreamUnavailable, UpstreamTimeout) as exc:
            # the register is down: answer from registrations past their TTL where we still have them
            stale = await self.cache.get_stale_many([names[key] for key in missing])
            if not stale:
                raise
            log.warning(
                "tax register unavailable (%s): %d of %d taxpayer registrations answered from the stale cache",
                exc.code,
                len(stale),
                len(missing),
            )
            return [cached.get(names[key]) or stale.get(names[key]) or exc for key in keys]
        await self.cache.set_many({names[k]: v for k, v in loaded.items() if k in names})
        return [cached.get(names[key]) or loaded.get(key) for key in keys]

    async def _invoices(self, keys: Sequence[tuple[str, str]]) -> list[InvoiceRecord | None]:
        found = await self.client.invoices(keys, self.scope)
        return [found.get(key) for key in keys]

    async def _rebates(self, ids: Sequence[str]) -> list[RebateRecord | None]:
        found = {r.id: r for r in await self.client.rebates(self.scope, ids=ids)}
        return [found.get(i) for i in ids]

    async def _rebates_of(self, exporters: Sequence[tuple[str, str]]) -> list[list[RebateRecord]]:
        groups: dict[tuple[str, str], list[RebateRecord]] = defaultdict(list)
        for record in await self.client.rebates(self.scope, exporters=exporters):
            groups[record.exporter].append(record)
            self.rebate.prime(record.id, record)
        return [groups.get(key, []) for key in exporters]
