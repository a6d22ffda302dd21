"""Hooks for the whole suite; the controller of a parallel run loads this file even though it runs no test."""

from __future__ import annotations

import os

import pytest

pytest_plugins = ["tests.security.report"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """In a parallel run (``make test``), modules with ``slow`` tests go first: the workers start on them at once
    and the many quick modules fill in around them, instead of one slow module running alone at the end.
    ``scripts/check.sh`` keeps this order (``--no-loadscope-reorder``); a serial run keeps the file order."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        slow = {item.path for item in items if item.get_closest_marker("slow")}
        items.sort(key=lambda item: item.path not in slow)  # stable: a module's own tests keep their order
