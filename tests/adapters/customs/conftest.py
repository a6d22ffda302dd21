from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adapters.customs import CustomsAdapter
from adapters.customs.sandbox import create_app
from gateway.sdk.adapter import AdapterSettings
from gateway.sdk.sandbox import SandboxConfig, SandboxServer, serve_sandbox
from tests.adapters.soap.kit import Sleeps


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxServer]:
    async with serve_sandbox(create_app, SandboxConfig()) as server:
        yield server


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture(params=["1.1", "1.2"], ids=["soap11", "soap12"])
async def customs(
    request: pytest.FixtureRequest, sandbox: SandboxServer, sleeps: Sleeps
) -> AsyncIterator[CustomsAdapter]:
    settings = AdapterSettings(
        name="customs", url=sandbox.url, read_timeout=2.0, total_timeout=5.0, options={"soap_version": request.param}
    )
    adapter = CustomsAdapter(settings, sleep=sleeps)
    async with adapter.lifespan():
        yield adapter
