"""``silkgraph new-adapter NAME``: a complete partner adapter package that passes its own tests."""

from gateway.scaffold.generate import AdapterNames, scaffold

__all__ = ["AdapterNames", "scaffold"]
