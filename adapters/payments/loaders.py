"""Per-request DataLoaders: N payment, account or party lookups in one operation become one rail call each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from strawberry.dataloader import DataLoader

from adapters.payments.model import AccountRecord, TransactionReport

if TYPE_CHECKING:
    from adapters.payments.adapter import PaymentsAdapter
    from adapters.payments.client import RailClient

__all__ = ["PaymentsState"]


class PaymentsState:
    """What the payments resolvers find in ``info.context.state``."""

    def __init__(self, adapter: PaymentsAdapter, *, agency: str | None, client_id: str) -> None:
        self.adapter = adapter
        self.agency = agency
        self.client_id = client_id
        self.payments: DataLoader[str, TransactionReport | None] = DataLoader(load_fn=self._payments)
        self.accounts: DataLoader[tuple[str, str], list[AccountRecord]] = DataLoader(load_fn=self._accounts)
        self.party_payments: DataLoader[tuple[str, str], list[str]] = DataLoader(load_fn=self._party_payments)

    @property
    def client(self) -> RailClient:
        """The adapter's rail client (looked up when used, so building the state needs no running lifespan)."""
        return self.adapter.client

    async def _payments(self, uetrs: Sequence[str]) -> list[TransactionReport | None]:
        found = await self.client.inquire(uetrs, agency=self.agency)
        return [found.get(u) for u in uetrs]

    async def _accounts(self, owners: Sequence[tuple[str, str]]) -> list[list[AccountRecord]]:
        found = await self.client.accounts(owners, agency=self.agency)
        return [found[o] for o in owners]

    async def _party_payments(self, parties: Sequence[tuple[str, str]]) -> list[list[str]]:
        found = await self.client.tracker(parties, agency=self.agency)
        return [found.get(f"{c}:{t}", []) for c, t in parties]
