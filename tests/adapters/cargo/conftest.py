"""Both airline sandboxes on loopback ports and a CargoAdapter pointed at them."""

from __future__ import annotations

import collections
from collections.abc import AsyncIterator
from typing import Any

import pytest
from graphql import ExecutionResult

from adapters.cargo import CargoAdapter, create_cargo_xml_app, create_one_record_app
from adapters.cargo.one_record_sandbox import TOKEN_PATH
from adapters.credentials import ClientCredentialsAuth, demo_client
from gateway.errors import to_graphql_extensions
from gateway.sdk.adapter import AdapterSettings
from gateway.sdk.retry import ReadRetry
from gateway.sdk.sandbox import SandboxServer, serve_sandbox


def one_record_auth(server: SandboxServer) -> ClientCredentialsAuth:
    """OAuth client credentials for a raw client of the ONE Record sandbox (the adapter does this by itself)."""
    client_id, secret = demo_client("cargo")
    return ClientCredentialsAuth(server.url + TOKEN_PATH, client_id, secret)


def calls(server: SandboxServer) -> collections.Counter[str]:
    """The sandbox's own count of legacy calls, by operation."""
    state = server.faults.app.state  # type: ignore[attr-defined]
    return (state.server if hasattr(state, "server") else state.airline).calls  # type: ignore[no-any-return]


def errors(result: ExecutionResult) -> list[dict[str, Any]]:
    """Each GraphQL error as the gateway would show it: message and extensions (``code``, ``service``...)."""
    shown = []
    for error in result.errors or []:
        message, extensions = to_graphql_extensions(error.original_error)
        if error.original_error is None:
            message, extensions = error.message, {"code": "GRAPHQL_VALIDATION_FAILED"}
        shown.append({"message": message, **extensions})
    return shown


async def no_sleep(seconds: float) -> None:
    """Retry back-off that does not wait (tests assert the policy, not the clock)."""


def make_adapter(
    one_record: SandboxServer | None,
    cargo_xml: SandboxServer | None,
    *,
    retry: ReadRetry | None = None,
    read_timeout: float = 1.0,
    **options: object,
) -> CargoAdapter:
    opts = dict(options)
    if cargo_xml is not None:
        opts.setdefault("legacy_url", cargo_xml.url)
    return CargoAdapter(
        AdapterSettings(
            name="cargo",
            url=one_record.url if one_record else None,
            read_timeout=read_timeout,
            total_timeout=2.0,
            options=opts,
        ),
        retry=retry or ReadRetry(sleep=no_sleep),
    )


@pytest.fixture
async def one_record() -> AsyncIterator[SandboxServer]:
    async with serve_sandbox(create_one_record_app) as server:
        yield server


@pytest.fixture
async def cargo_xml() -> AsyncIterator[SandboxServer]:
    async with serve_sandbox(create_cargo_xml_app) as server:
        yield server


@pytest.fixture
async def adapter(one_record: SandboxServer, cargo_xml: SandboxServer) -> AsyncIterator[CargoAdapter]:
    cargo = make_adapter(one_record, cargo_xml)
    async with cargo.lifespan():
        yield cargo
