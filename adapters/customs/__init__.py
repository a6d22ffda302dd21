"""Customs: a SOAP declaration service (WCO data model) as a subgraph, with its sandbox."""

from adapters.customs.adapter import CustomsAdapter

__all__ = ["CustomsAdapter"]
