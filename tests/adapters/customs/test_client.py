"""The typed customs client, for operations the subgraph does not expose directly, and adapter health."""

from __future__ import annotations

import dataclasses

from adapters.customs import CustomsAdapter
from adapters.soap import Scope
from gateway.sdk.adapter import HealthState
from gateway.sdk.sandbox import FaultConfig, SandboxServer

HAIXIN = ("CN", "91370281MA3C5R7B0C")


async def test_status_by_lrn_finds_the_declaration(customs: CustomsAdapter) -> None:
    record = await customs.client.status(Scope(), lrn="HX-2026-0815")
    assert record is not None
    assert record.entry_number == "420120260000000817"
    assert record.declarant == HAIXIN


async def test_status_by_lrn_respects_the_agency(customs: CustomsAdapter) -> None:
    assert await customs.client.status(Scope(agency="kz-trade-agency"), lrn="HX-2026-0815") is None


async def test_statuses_leave_unknown_entry_numbers_out(customs: CustomsAdapter) -> None:
    found = await customs.client.statuses(["940120260000001118", "000020260000000000"], Scope())
    assert list(found) == ["940120260000001118"]
    assert (found["940120260000001118"].status.status, found["940120260000001118"].status.code) == ("CLEARED", "09")


async def test_health_is_up_while_the_service_answers(customs: CustomsAdapter, sandbox: SandboxServer) -> None:
    assert (await customs.health()).state is HealthState.UP
    sandbox.faults.reconfigure(FaultConfig(error_rate=1.0))
    health = await customs.health()
    assert health.state is HealthState.DOWN
    assert "without a SOAP fault" in health.detail


async def test_health_before_start_is_down(sandbox: SandboxServer) -> None:
    adapter = CustomsAdapter(dataclasses.replace(CustomsAdapter().settings, url=sandbox.url))
    assert (await adapter.health()).state is HealthState.DOWN
