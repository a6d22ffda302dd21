"""The typed tax client (single taxpayer check, VIES style) and the tax adapter's failure handling."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adapters.soap import Scope
from adapters.tax import TaxAdapter
from adapters.tax.sandbox import create_app
from gateway.errors import UpstreamFault
from gateway.sdk.adapter import AdapterSettings, HealthState
from gateway.sdk.sandbox import SandboxServer, serve_sandbox
from tests.adapters.soap.kit import Sleeps, service


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxServer]:
    async with serve_sandbox(create_app) as server:
        yield server


@pytest.fixture
async def tax(sandbox: SandboxServer) -> AsyncIterator[TaxAdapter]:
    adapter = TaxAdapter(AdapterSettings(name="tax", url=sandbox.url), sleep=Sleeps())
    async with adapter.lifespan():
        yield adapter


async def test_single_taxpayer_check(tax: TaxAdapter) -> None:
    found = await tax.client.taxpayer(("BY", "200988541"), Scope())
    assert found is not None
    assert (found.name, found.city, found.registered_on.isoformat()) == (
        "Minsk Tractor Parts JSC",
        "Minsk",
        "2008-02-27",
    )
    assert await tax.client.taxpayer(("BY", "100000000"), Scope()) is None


async def test_suspended_taxpayer_reports_its_status(tax: TaxAdapter) -> None:
    found = await tax.client.taxpayer(("IN", "27AAPFU0939F1ZV"), Scope())
    assert found is not None
    assert found.status == "SUSPENDED"


async def test_reads_retry_transient_faults(tax: TaxAdapter, sandbox: SandboxServer) -> None:
    service(sandbox).switches.server_fault = frozenset({"GetTaxpayers"})
    with pytest.raises(UpstreamFault) as caught:
        await tax.client.taxpayers([("CN", "91370281MA3C5R7B0C")], Scope())
    assert caught.value.extensions["faultCode"] == "Server"
    assert service(sandbox).calls["GetTaxpayers"] == 3


async def test_health_follows_the_service(tax: TaxAdapter, sandbox: SandboxServer) -> None:
    assert (await tax.health()).state is HealthState.UP
    service(sandbox).switches.malformed_reply = True
    assert (await tax.health()).state is HealthState.DOWN
