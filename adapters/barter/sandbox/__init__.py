"""A stand-in for the barter trade system (REST/JSON contract register); see :mod:`.app` for its endpoints."""

from adapters.barter.sandbox.app import create_app

__all__ = ["create_app"]
