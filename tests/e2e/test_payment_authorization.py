"""Moving money needs the payments:initiate scope: the gateway refuses the mutation before planning."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from adapters.payments import PaymentsAdapter
from gateway.app import create_app
from gateway.config import load_settings
from gateway.policy.devkeys import DevKey
from gateway.sdk.adapter import AdapterSettings
from gateway.sdk.sandbox import SandboxConfig, serve_sandbox

INITIATE = """
mutation Pay($input: InitiatePaymentInput!, $key: String!) {
  initiatePayment(input: $input, idempotencyKey: $key) { uetr status }
}
"""
INPUT = {
    "debtor": {"country": "KZ", "taxId": "191240005671"},
    "debtorAccount": "KZ86125KZT5004100100",
    "creditor": {"country": "CN", "taxId": "91650000MA77X8TQ31"},
    "creditorAccount": "4563510100892233110",
    "amount": {"amount": "1200.00", "currency": "CNY"},
    "endToEndId": "E2E-AUTHZ-1",
}


@contextlib.asynccontextmanager
async def gateway(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, DevKey, str]]:
    probe = PaymentsAdapter(AdapterSettings(name="payments"))
    spec = probe.sandboxes()[0]
    async with serve_sandbox(spec.factory, SandboxConfig()) as rail:
        adapter_settings = AdapterSettings(
            name="payments",
            url=rail.url + spec.base_path,
            options={"idempotency_store": f"sqlite:///{tmp_path / 'idem.sqlite3'}"},
        )
        settings = load_settings(
            None,
            overrides={
                "gateway.mode": "demo",
                "audit.store": "memory",
                "auth.demo_key_file": str(tmp_path / "dev.pem"),
            },
        )
        settings = dataclasses.replace(settings, adapters={"payments": adapter_settings})
        app = create_app(settings, adapters=[PaymentsAdapter(adapter_settings)])
        async with serve_sandbox(lambda _: app) as server, httpx.AsyncClient(base_url=server.url) as client:
            yield client, DevKey.load_or_create(tmp_path / "dev.pem"), rail.url


async def pacs008_received(rail_url: str) -> int:
    """How many credit transfers the bank rail received (its own counters)."""
    async with httpx.AsyncClient() as client:
        calls = (await client.get(f"{rail_url}/_sandbox/ledger")).json()["calls"]
    return sum(n for kind, n in calls.items() if "pacs.008" in kind)


async def test_anonymous_callers_cannot_initiate_payments(tmp_path: Path) -> None:
    async with gateway(tmp_path) as (client, _, rail):
        r = await client.post("/graphql", json={"query": INITIATE, "variables": {"input": INPUT, "key": "k1"}})
        body = r.json()
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert body["errors"][0]["path"] == ["initiatePayment"]
        assert await pacs008_received(rail) == 0  # nothing reached the bank


async def test_a_token_without_the_scope_is_refused_and_with_it_the_payment_is_sent(tmp_path: Path) -> None:
    async with gateway(tmp_path) as (client, keys, rail):
        reader = keys.token(subject="portal", roles=["frontend"], agency="kz-trade-agency", scopes=["payments:read"])
        r = await client.post(
            "/graphql",
            json={"query": INITIATE, "variables": {"input": INPUT, "key": "k2"}},
            headers={"authorization": f"Bearer {reader}"},
        )
        assert r.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert await pacs008_received(rail) == 0
        # the scopes without an agency: a payment is always made for one agency's trader
        agencyless = keys.token(subject="treasury", scopes=["payments:initiate", "payments:read"])
        r = await client.post(
            "/graphql",
            json={"query": INITIATE, "variables": {"input": INPUT, "key": "k2"}},
            headers={"authorization": f"Bearer {agencyless}"},
        )
        assert r.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert "agency" in r.json()["errors"][0]["message"]
        assert await pacs008_received(rail) == 0
        payer = keys.token(subject="treasury", agency="kz-trade-agency", scopes=["payments:initiate", "payments:read"])
        r = await client.post(
            "/graphql",
            json={"query": INITIATE, "variables": {"input": INPUT, "key": "k2"}},
            headers={"authorization": f"Bearer {payer}"},
        )
        body = r.json()
        assert "errors" not in body, body
        assert body["data"]["initiatePayment"]["status"] in {"ACTC", "ACCP", "ACSP", "ACSC"}
        assert await pacs008_received(rail) == 1


async def test_an_amount_finer_than_the_currencys_minor_unit_is_refused_end_to_end(tmp_path: Path) -> None:
    """1250.005 CNY is neither rounded nor sent: the Money scalar names the variable, the rail sees nothing."""
    async with gateway(tmp_path) as (client, keys, rail):
        payer = keys.token(subject="treasury", scopes=["payments:initiate"])
        sub_unit = {**INPUT, "amount": {"amount": "1250.005", "currency": "CNY"}}
        r = await client.post(
            "/graphql",
            json={"query": INITIATE, "variables": {"input": sub_unit, "key": "k3"}},
            headers={"authorization": f"Bearer {payer}"},
        )
        body = r.json()
        assert "data" not in body or body["data"] is None, body
        assert "minor units" in body["errors"][0]["message"]
        assert await pacs008_received(rail) == 0
