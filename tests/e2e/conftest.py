"""Fixtures for the end-to-end tests: the whole platform, started once per test module."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from tests.e2e.live import Platform, running_platform


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def platform() -> AsyncIterator[Platform]:
    """Every built-in adapter's sandbox(es) on loopback and the gateway in-process, behind ``POST /graphql``."""
    async with running_platform() as running:
        yield running
