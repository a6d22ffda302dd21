"""Mutations stream their outcome: a payment's status after initiatePayment, a barter delivery with the balance."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio

from tests.gateway.live.client import WsClient, connect
from tests.gateway.live.platform import LiveGateway, live_gateway

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def trade(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LiveGateway]:
    path = tmp_path_factory.mktemp("trade")
    async with live_gateway(
        path,
        names=("payments", "barter"),
        adapter_options={"payments": {"idempotency_store": f"sqlite:///{path / 'idem.sqlite3'}"}},
    ) as running:
        yield running


async def mutate(gateway: LiveGateway, query: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=gateway.url, timeout=30) as http:
        reply = await http.post(
            "/graphql", json={"query": query, "variables": variables}, headers={"authorization": f"Bearer {token}"}
        )
    body: dict[str, Any] = reply.json()
    assert "errors" not in body, body
    return body


PAY = """mutation($input: InitiatePaymentInput!, $key: String!) {
  initiatePayment(input: $input, idempotencyKey: $key) { uetr status }
}"""
PAYMENT = {
    "debtor": {"country": "CN", "taxId": "91310115MA1K3Y4A90"},
    "debtorAccount": "3100661234567890123",
    "creditor": {"country": "CN", "taxId": "91370281MA3C5R7B0C"},
    "creditorAccount": "6222020200112233445",
    "amount": {"amount": "1200.00", "currency": "CNY"},
    "endToEndId": "E2E-LIVE-1",
}


async def test_a_payment_initiated_streams_its_rail_status(trade: LiveGateway) -> None:
    async with connect(trade.ws_url) as ws:
        client = WsClient(ws)
        await client.init(trade.token(agency="qingdao-broker", scopes=("payments:read",)))
        await client.subscribe("p", "subscription { paymentStatusChanged { uetr status source payment { uetr } } }")
        async with asyncio.timeout(30):
            await trade.adapter("payments").events.until_subscribers("payments.status", 1)
        payer = trade.token(agency="qingdao-broker", scopes=("payments:initiate", "payments:read"))
        paid = (await mutate(trade, PAY, {"input": PAYMENT, "key": "live-1"}, payer))["data"]["initiatePayment"]
        change = (await client.next_of("p"))["payload"]["data"]["paymentStatusChanged"]
    assert change["uetr"] == paid["uetr"] and change["status"] == paid["status"]
    assert change["source"].startswith("pacs.002:") and change["payment"]["uetr"] == paid["uetr"]


RECORD = "mutation($input: RecordBarterDeliveryInput!) { recordBarterDelivery(input: $input) { id } }"
DELIVERY = {
    "contractId": "BC-2026-0001",
    "side": "B",
    "hsCode": "1001.99",
    "quantity": "100",
    "deliveredOn": "2026-11-27",
    "mrn": "26KZ0101I000000502",
}


async def test_a_barter_delivery_streams_with_the_running_balance(trade: LiveGateway) -> None:
    watch = "subscription { barterContractChanged { id change source contract { balance { owedBy } } } }"
    async with connect(trade.ws_url) as ws:
        client = WsClient(ws)
        await client.init(trade.token(agency="kz-trade-agency", scopes=("barter:read",)))
        await client.subscribe("b", watch)
        async with asyncio.timeout(30):
            await trade.adapter("barter").events.until_subscribers("barter.contract", 1)
        await mutate(
            trade,
            RECORD,
            {"input": DELIVERY},
            trade.token(agency="kz-trade-agency", scopes=("barter:write", "barter:read")),
        )
        change = (await client.next_of("b"))["payload"]["data"]["barterContractChanged"]
    assert (change["id"], change["change"]) == ("BC-2026-0001", "DELIVERY")
    assert change["source"].startswith("barter-register:DELIVERY:BC-2026-0001:")
    assert change["contract"]["balance"]["owedBy"] == "B"
