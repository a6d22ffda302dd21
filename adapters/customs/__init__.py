"""Customs: the Chinese export declaration over SOAP (mapped to the WCO Data Model) as a subgraph, with its sandbox."""

from adapters.customs.adapter import CustomsAdapter

__all__ = ["CustomsAdapter"]
