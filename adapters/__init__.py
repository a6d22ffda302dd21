"""Silkgraph's built-in adapters, one package per legacy system, each with its sandbox."""
