"""The barter trade system adapter: barter contracts, goods lists, deliveries and the balance ledger."""

from adapters.barter.adapter import BarterAdapter

__all__ = ["BarterAdapter"]
