"""Composition: subgraph SDLs → a supergraph SDL with ``join__`` directives."""

from __future__ import annotations

from ._composer import SubgraphSource, compose

__all__ = ["SubgraphSource", "compose"]
