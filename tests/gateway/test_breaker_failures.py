"""Breakers count the source's failures only: timeouts, connection errors, 5xx, protocol errors — never a SOAP
fault, a 4xx, a rejection caused by the caller's input, or a call the caller cancelled."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from adapters.tax import TaxAdapter
from adapters.tax.sandbox import create_app
from gateway.errors import (
    BadUserInput,
    UpstreamFault,
    UpstreamProtocolError,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from gateway.resilience import GuardSettings, SourceGuard, failed_reply, registry, upstream_failed
from gateway.sdk.adapter import AdapterSettings
from gateway.sdk.sandbox import FaultConfig, SandboxServer, serve_sandbox
from gateway.sdk.testing import execute, operator

VERIFY = "query($input: VerifyInvoiceInput!) { verifyInvoice(input: $input) { result } }"
COMPANIES = '{ companies(country: "KZ") { taxId } }'

# a caller's mistakes: refused by the subgraph (BAD_USER_INPUT) or by the tax system (a SOAP Client fault)
BAD_INPUTS = [
    {"code": "", "number": "12345678", "issuedOn": "2026-01-01", "amount": "1.00"},  # no code: needs 20 digits
    {"number": "87654321", "issuedOn": "2026-01-01", "amount": "5.00"},
    {"code": "12AB", "number": "12345678", "issuedOn": "2026-01-01", "amount": "1.00"},
    {"code": "1234567890", "number": "1234", "issuedOn": "2026-01-01", "amount": "1.00"},
    {"code": "1234567890", "number": "12345678", "issuedOn": "2026-01-01", "amount": "1.001"},
]


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxServer]:
    registry().clear()
    async with serve_sandbox(create_app) as server:
        yield server
    registry().clear()


async def test_a_hundred_bad_inputs_leave_the_tax_breaker_closed(sandbox: SandboxServer) -> None:
    tax = TaxAdapter(AdapterSettings(name="tax", url=sandbox.url, options={"breaker_failures": 3}))
    async with tax.lifespan():
        codes: set[str] = set()
        for i in range(100):
            result = await execute(tax, VERIFY, {"input": BAD_INPUTS[i % len(BAD_INPUTS)]}, who=operator())
            assert result.errors
            codes.update(str((e.extensions or {}).get("code")) for e in result.errors)
        assert codes == {"UPSTREAM_FAULT", "BAD_USER_INPUT"}
        [guard] = [g for g in registry().guards() if g.name == "tax"]
        assert guard.breaker.state.value == "closed"
        assert guard.breaker.opened_count == 0
        assert (
            await execute(tax, COMPANIES, who=operator())
        ).errors is None  # and the system still answers everyone else


@pytest.mark.parametrize(
    "faults",
    [FaultConfig(error_rate=1.0, error_status=500), FaultConfig(error_rate=1.0), FaultConfig(malformed_rate=1.0)],
    ids=["plain-500", "503", "malformed"],
)
async def test_real_upstream_failures_still_open_it(sandbox: SandboxServer, faults: FaultConfig) -> None:
    tax = TaxAdapter(AdapterSettings(name="tax", url=sandbox.url, options={"breaker_failures": 3, "retry_attempts": 1}))
    async with tax.lifespan():
        sandbox.faults.reconfigure(faults)
        for _ in range(3):
            assert (await execute(tax, COMPANIES, who=operator())).errors
        [guard] = [g for g in registry().guards() if g.name == "tax"]
        assert guard.breaker.state.value == "open"


@pytest.mark.parametrize(
    ("exc", "counts"),
    [
        (UpstreamTimeout("slow", service="s"), True),
        (UpstreamUnavailable("down", service="s"), True),
        (UpstreamProtocolError("garbled", service="s"), True),
        (httpx.ConnectError("refused"), True),
        (httpx.ReadTimeout("slow"), True),
        (TimeoutError(), True),
        (OSError("reset"), True),
        (UpstreamFault("soap fault Client", service="s"), False),
        (BadUserInput("bad code", field="input.code"), False),
        (asyncio.CancelledError(), False),
        (httpx.LocalProtocolError("bad header value"), False),
        (UpstreamUnavailable("paused", service="s", breaker="open"), False),
        (UpstreamUnavailable("full", service="s", bulkhead="full"), False),
    ],
)
async def test_what_a_guarded_call_counts(exc: BaseException, counts: bool) -> None:
    assert upstream_failed(exc) is counts
    guard = SourceGuard("s", GuardSettings(failure_threshold=1))
    with pytest.raises(type(exc)):
        async with guard.call("s"):
            raise exc
    assert guard.breaker.state.value == ("open" if counts else "closed")


@pytest.mark.parametrize(
    ("status", "media", "counts"),
    [
        (200, "application/json", False),
        (400, "application/json", False),
        (404, "text/plain", False),
        (422, "application/json", False),
        (500, "text/xml; charset=utf-8", False),  # a SOAP 1.1 fault
        (500, "application/soap+xml", False),  # a SOAP 1.2 fault
        (500, "text/plain", True),
        (500, "application/json", True),
        (502, "text/html", True),
        (503, "text/xml", True),
        (504, "", True),
    ],
)
def test_which_replies_are_failures(status: int, media: str, counts: bool) -> None:
    assert failed_reply(status, media) is counts
