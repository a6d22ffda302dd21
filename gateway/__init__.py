"""Silkgraph: a Python Apollo Federation v2 gateway over legacy trade systems."""

__version__ = "0.1.0"
