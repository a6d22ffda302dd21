from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from adapters.vehicles import VehiclesAdapter
from adapters.vehicles.sandbox import create_app
from gateway.errors import to_graphql_extensions
from gateway.sdk import AdapterSettings, SandboxConfig, SandboxServer, serve_sandbox

TODAY = "2026-11-28"


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxServer]:
    async with serve_sandbox(create_app, SandboxConfig(options={"today": TODAY})) as server:
        yield server


def make_adapter(url: str, **options: Any) -> VehiclesAdapter:
    return VehiclesAdapter(
        AdapterSettings(
            name="vehicles",
            url=url,
            read_timeout=0.5,
            total_timeout=2.0,
            options={"today": TODAY, "retry_attempts": 1, **options},
        )
    )


@pytest.fixture
async def adapter(sandbox: SandboxServer) -> AsyncIterator[VehiclesAdapter]:
    vehicles = make_adapter(sandbox.url)
    async with vehicles.lifespan():
        yield vehicles


def calls(server: SandboxServer) -> dict[str, int]:
    app: Any = server.faults.app
    return dict(app.state.registry.calls)


def error_extensions(result: Any) -> dict[str, Any]:
    assert result.errors, "expected an error"
    return to_graphql_extensions(result.errors[0].original_error)[1]
