"""Legacy failures become gateway errors; reads retry transient ones (bounded, no real waiting), writes never."""

from __future__ import annotations

import dataclasses
from typing import Any

from adapters.customs import CustomsAdapter
from gateway.sdk.sandbox import FaultConfig, SandboxServer
from gateway.sdk.testing import execute, operator
from tests.adapters.soap.kit import Sleeps, service

QUERY = '{ declaration(id: "420120260000000817") { id } }'


def error_of(result: Any) -> Any:
    assert result.errors is not None, result.data
    return result.errors[0].original_error


async def test_transient_server_fault_is_retried_then_reported(
    customs: CustomsAdapter, sandbox: SandboxServer, sleeps: Sleeps
) -> None:
    service(sandbox).switches.server_fault = frozenset({"GetDeclarationStatuses"})
    error = error_of(await execute(customs, QUERY, who=operator()))
    assert error.code == "UPSTREAM_FAULT"
    assert error.extensions["faultCode"] == "Server"
    assert error.service == "customs"
    assert service(sandbox).calls["GetDeclarationStatuses"] == 3
    assert len(sleeps.delays) == 2


async def test_http_503_is_upstream_unavailable(customs: CustomsAdapter, sandbox: SandboxServer) -> None:
    sandbox.faults.reconfigure(FaultConfig(error_rate=1.0, error_status=503))
    assert error_of(await execute(customs, QUERY, who=operator())).code == "UPSTREAM_UNAVAILABLE"


async def test_slow_reply_is_upstream_timeout(sandbox: SandboxServer, sleeps: Sleeps) -> None:
    sandbox.faults.reconfigure(FaultConfig(timeout_rate=1.0, timeout_s=3.0))
    settings = dataclasses.replace(CustomsAdapter().settings, url=sandbox.url, read_timeout=0.2, total_timeout=1.0)
    adapter = CustomsAdapter(settings, sleep=sleeps)
    async with adapter.lifespan():
        error = error_of(await execute(adapter, QUERY, who=operator()))
    assert error.code == "UPSTREAM_TIMEOUT"


async def test_malformed_envelope_is_a_protocol_error(customs: CustomsAdapter, sandbox: SandboxServer) -> None:
    service(sandbox).switches.malformed_reply = True
    error = error_of(await execute(customs, QUERY, who=operator()))
    assert error.code == "UPSTREAM_PROTOCOL_ERROR"
    assert "not a SOAP envelope" in error.message


async def test_corrupted_reply_is_a_protocol_error(customs: CustomsAdapter, sandbox: SandboxServer) -> None:
    sandbox.faults.reconfigure(FaultConfig(malformed_rate=1.0))
    assert error_of(await execute(customs, QUERY, who=operator())).code == "UPSTREAM_PROTOCOL_ERROR"


async def test_submission_is_never_retried(customs: CustomsAdapter, sandbox: SandboxServer, sleeps: Sleeps) -> None:
    service(sandbox).switches.server_fault = frozenset({"SubmitDeclaration"})
    mutation = """mutation { submitDeclaration(input: {lrn: "R-1", declarantCountry: "CN",
      declarantTaxId: "91370281MA3C5R7B0C", direction: EXPORT, procedureCode: "0110", officeId: "9403",
      exitOfficeId: "9403", departurePort: "Khorgos road port", transportMode: "4", conveyance: "新F·H0001",
      transactionTerms: "3", goodsItems: [{tariffCode: "8433901000", description: "parts",
      quantity: {amount: "1", unit: "011"}, legalQuantity: {amount: "2.5", unit: "035"}, value: "10.00 CNY",
      origin: "CN", destination: "KZ"}]})
      { id } }"""
    error = error_of(await execute(customs, mutation, who=operator()))
    assert error.extensions["faultCode"] == "Server"
    assert service(sandbox).calls["SubmitDeclaration"] == 1
    assert sleeps.delays == []


async def test_wrong_password_is_failed_authentication(sandbox: SandboxServer) -> None:
    settings = dataclasses.replace(
        CustomsAdapter().settings, url=sandbox.url, credentials={"username": "silkgraph", "password": "nope"}
    )
    adapter = CustomsAdapter(settings)
    async with adapter.lifespan():
        error = error_of(await execute(adapter, QUERY, who=operator()))
    assert error.code == "UPSTREAM_FAULT"
    assert error.extensions["faultCode"] == "FailedAuthentication"


async def test_unreachable_service_is_unavailable(sleeps: Sleeps) -> None:
    settings = dataclasses.replace(CustomsAdapter().settings, url="http://127.0.0.1:9", connect_timeout=0.5)
    adapter = CustomsAdapter(settings, sleep=sleeps)
    async with adapter.lifespan():
        error = error_of(await execute(adapter, QUERY, who=operator()))
    assert error.code == "UPSTREAM_UNAVAILABLE"
    assert len(sleeps.delays) == 2
