"""Fixtures: the rail sandbox on a loopback port and the payments adapter pointed at it."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from adapters.credentials import API_KEY_HEADER, demo_api_key
from adapters.payments import PaymentsAdapter
from adapters.payments.sandbox import create_app
from gateway.sdk.adapter import AdapterSettings
from gateway.sdk.context import Principal
from gateway.sdk.sandbox import SandboxConfig, SandboxServer, serve_sandbox
from gateway.sdk.testing import execute, operator

#: where the adapter sends a payment (pacs.008) on the rail
PACS008_PATH = "/iso20022/messages/pacs.008"

#: the rail sandbox's demo API key (the adapter sends it by itself; raw test clients must too)
RAIL_KEY = {API_KEY_HEADER: demo_api_key("payments")}

#: story parties and accounts used by the tests
HAIXIN = {"country": "CN", "taxId": "91370281MA3C5R7B0C"}
HAIXIN_ACCOUNT = "6222020200112233445"
ALMATY = {"country": "KZ", "taxId": "191240005671"}
ALMATY_ACCOUNT = "KZ86125KZT5004100100"
ASTANA = {"country": "KZ", "taxId": "240540001232"}
ASTANA_ACCOUNT = "KZ17601A871001726921"
HORGOS = {"country": "CN", "taxId": "91650000MA77X8TQ31"}
HORGOS_ACCOUNT = "4563510100892233110"
VOLGA = {"country": "RU", "taxId": "7707083893"}
VOLGA_ACCOUNT = "40702810938000012345"
PUDONG = {"country": "CN", "taxId": "91310115MA1K3Y4A90"}
PUDONG_ACCOUNT = "3100661234567890123"
MUMBAI = {"country": "IN", "taxId": "27AAPFU0939F1ZV"}
MUMBAI_ACCOUNT = "00000031234567890"
SETTLED_UETR = "6513270e-269e-4d37-b2a7-4de452e6b438"
PENDING_UETR = "9531985d-5d9d-49f8-9818-e811892f902b"
REJECTED_UETR = "36f675cc-81e7-4ef5-a8e2-5d940ed90475"

PAYMENT_FIELDS = """
  uetr msgId endToEndId amount chargeBearer status statusReason statusDetail settlementDate remittance
  debtor { company { country taxId } account agent }
  creditor { company { country taxId } account agent }
  statusHistory { status reason at }
  return { returnId amount reason }
  recall { status rejectionReason }
"""

INITIATE = f"""
mutation($input: InitiatePaymentInput!, $key: String!) {{
  initiatePayment(input: $input, idempotencyKey: $key) {{ {PAYMENT_FIELDS} }}
}}
"""

PAYMENT = f"query($u: UETR!) {{ payment(uetr: $u) {{ {PAYMENT_FIELDS} }} }}"


def payment_input(**overrides: Any) -> dict[str, Any]:
    """Horgos Border Trade (CN, CNY account) pays Qingdao Haixin (CN) 1,250.00 CNY unless overridden."""
    data: dict[str, Any] = {
        "debtor": HORGOS,
        "debtorAccount": HORGOS_ACCOUNT,
        "creditor": HAIXIN,
        "creditorAccount": HAIXIN_ACCOUNT,
        "amount": {"amount": "1250.00", "currency": "CNY"},
        "endToEndId": f"E2E-{uuid.uuid4().hex[:12]}",
        "remittance": "Invoice HG-2026-118",
    }
    data.update(overrides)
    return data


def rail_config(**options: Any) -> SandboxConfig:
    return SandboxConfig(options={"step_delay": 0, **options})


@pytest.fixture
def rail_options() -> dict[str, Any]:
    return {}


@pytest.fixture
async def rail(rail_options: dict[str, Any]) -> AsyncIterator[SandboxServer]:
    async with serve_sandbox(create_app, rail_config(**rail_options)) as server:
        yield server


@pytest.fixture
async def http(rail: SandboxServer) -> AsyncIterator[httpx.AsyncClient]:
    """A raw client of the rail (plain HTTP on loopback: no CA bundle needed)."""
    async with httpx.AsyncClient(base_url=rail.url, verify=False, headers=RAIL_KEY) as client:
        yield client


def make_adapter(url: str, tmp_path: Path, **options: Any) -> PaymentsAdapter:
    settings = AdapterSettings(
        name="payments",
        url=url,
        read_timeout=2.0,
        total_timeout=3.0,
        options={
            "idempotency_store": f"sqlite:///{tmp_path / 'idempotency.sqlite3'}",
            "retry_max_delay": 0.5,
            **options,
        },
    )
    return PaymentsAdapter(settings)


@pytest.fixture
async def adapter(rail: SandboxServer, tmp_path: Path) -> AsyncIterator[PaymentsAdapter]:
    payments = make_adapter(rail.url, tmp_path)
    async with payments.lifespan():
        yield payments


async def rail_ledger(server: SandboxServer) -> Mapping[str, Any]:
    # plain HTTP on loopback: verify=False skips loading CA certificates (slow) for each client
    async with httpx.AsyncClient(base_url=server.url, verify=False) as http:
        response = await http.get("/_sandbox/ledger")
        response.raise_for_status()
        data: Mapping[str, Any] = response.json()
        return data


async def initiate(
    adapter: PaymentsAdapter, data: Mapping[str, Any], key: str | None = None, who: Principal | None = None
) -> Any:
    # the platform view unless a test says who asks (the gateway adds the agency rule for writes)
    who = who or operator()
    return await execute(adapter, INITIATE, {"input": dict(data), "key": key or str(uuid.uuid4())}, who=who)


async def payment(adapter: PaymentsAdapter, uetr: str, who: Principal | None = None) -> Any:
    result = await execute(adapter, PAYMENT, {"u": uetr}, who=who or operator())
    assert result.errors is None, result.errors
    return result.data["payment"] if result.data else None


def error_code(result: Any) -> str:
    assert result.errors, "expected an error"
    err = result.errors[0].original_error
    return str(getattr(err, "code", type(err).__name__))


class HeldAtTheRail:
    """ASGI middleware in front of the rail: a pacs.008 waits at the rail's door until the test releases it.

    When it arrives, its key is claimed and its send attempt recorded and acknowledged (nothing is sent otherwise);
    what happens meanwhile (a duplicate, the store going away) is then the test's choice, not a race against a slow
    rail. Install it with ``held = rail.faults.app = HeldAtTheRail(rail.faults.app)``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.arrived = asyncio.Event()
        self.release = asyncio.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(PACS008_PATH):
            self.arrived.set()
            await self.release.wait()
        await self.app(scope, receive, send)
