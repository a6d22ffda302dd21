"""One live gateway (cargo + customs on loopback sandboxes) per test module."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.gateway.live.platform import LiveGateway, live_gateway


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def gateway(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LiveGateway]:
    async with live_gateway(tmp_path_factory.mktemp("live")) as running:
        yield running
