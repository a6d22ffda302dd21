"""Silkgraph against peer gateways (``python -m bench.peers``; see ``__main__``)."""
