from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from adapters.barter import BarterAdapter
from adapters.barter.sandbox import create_app
from gateway.errors import to_graphql_extensions
from gateway.sdk import AdapterSettings, SandboxConfig, SandboxServer, serve_sandbox

TODAY = "2026-11-28"


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxServer]:
    async with serve_sandbox(create_app, SandboxConfig(options={"today": TODAY})) as server:
        yield server


def make_adapter(url: str, **options: Any) -> BarterAdapter:
    return BarterAdapter(
        AdapterSettings(
            name="barter",
            url=url,
            read_timeout=0.5,
            total_timeout=2.0,
            options={"today": TODAY, "retry_attempts": 1, **options},
        )
    )


@pytest.fixture
async def adapter(sandbox: SandboxServer) -> AsyncIterator[BarterAdapter]:
    barter = make_adapter(sandbox.url)
    async with barter.lifespan():
        yield barter


def calls(server: SandboxServer) -> dict[str, int]:
    """Legacy calls the sandbox has served, per endpoint."""
    app: Any = server.faults.app
    return dict(app.state.register.calls)


def error_extensions(result: Any) -> dict[str, Any]:
    """The client-visible extensions of the first error, as the gateway maps them."""
    assert result.errors, "expected an error"
    return to_graphql_extensions(result.errors[0].original_error)[1]
