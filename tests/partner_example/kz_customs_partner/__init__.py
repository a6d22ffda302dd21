"""Kazakhstan customs (ASTANA-1 style) as a Silkgraph partner subgraph."""

from kz_customs_partner.adapter import KzCustomsAdapter

__all__ = ["KzCustomsAdapter"]
