"""Tax: the SOAP taxpayer inquiry service (register, fapiao verification, export rebates) as a subgraph."""

from adapters.tax.adapter import TaxAdapter

__all__ = ["TaxAdapter"]
