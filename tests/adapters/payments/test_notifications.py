"""With a callback URL, the rail pushes a camt.054 for every entry it books."""

from __future__ import annotations

import asyncio

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from adapters.payments.messages import camt054
from adapters.payments.messages.envelope import parse_message
from adapters.payments.sandbox import create_app
from gateway.sdk.sandbox import SandboxConfig, serve_sandbox

from .conftest import HAIXIN_ACCOUNT, HORGOS_ACCOUNT, initiate, make_adapter, payment, payment_input


def receiver(received: list[bytes], done: asyncio.Event, expected: int):
    async def notify(request: Request) -> Response:
        received.append(await request.body())
        if len(received) >= expected:
            done.set()
        return Response(status_code=204)

    return lambda config: Starlette(routes=[Route("/camt054", notify, methods=["POST"])])


async def test_settlement_is_notified_to_both_accounts(tmp_path):
    received: list[bytes] = []
    done = asyncio.Event()
    async with serve_sandbox(receiver(received, done, 2)) as sink:
        config = SandboxConfig(options={"step_delay": 0}, callback_url=f"{sink.url}/camt054")
        async with serve_sandbox(create_app, config) as rail:
            adapter = make_adapter(rail.url, tmp_path)
            async with adapter.lifespan():
                created = (await initiate(adapter, payment_input())).data["initiatePayment"]
                assert (await payment(adapter, created["uetr"]))["status"] == "ACSC"
            await asyncio.wait_for(done.wait(), timeout=5)
    notes = [camt054.read(parse_message(body, expect=camt054.MSG_DEF).document) for body in received]
    by_account = {number: entries[0] for number, entries in notes}
    assert set(by_account) == {HORGOS_ACCOUNT, HAIXIN_ACCOUNT}
    assert by_account[HORGOS_ACCOUNT].credit is False and by_account[HAIXIN_ACCOUNT].credit is True
    assert {e.uetr for e in by_account.values()} == {created["uetr"]}
