"""The rail client maps transport failures to the gateway's errors and retries only safe reads."""

from __future__ import annotations

import pytest

from adapters.payments.client import RailClient, UncertainDelivery
from gateway.errors import UpstreamFault, UpstreamProtocolError, UpstreamTimeout, UpstreamUnavailable
from gateway.sdk.retry import ReadRetry
from gateway.sdk.sandbox import FaultConfig, free_port

from .conftest import SETTLED_UETR, initiate, make_adapter, payment_input
from .test_sandbox import transfer

INQUIRY = "/iso20022/messages/pacs.028"


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def _client(http, sleep=None) -> RailClient:
    retry = ReadRetry(attempts=3, max_delay=5.0, sleep=sleep)
    return RailClient(http, participant_bic="SLKGCNQDXXX", rail_bic="SGRLCNSHXXX", retry=retry)


async def test_read_retries_safe_5xx_three_times_then_fails(http, rail):
    sleeps = Sleeps()
    rail.faults.reconfigure(FaultConfig(error_rate=1.0, error_status=503, paths=(INQUIRY,)))
    with pytest.raises(UpstreamFault) as info:
        await _client(http, sleeps).inquire([SETTLED_UETR])
    assert info.value.service == "payments"
    assert len(sleeps.calls) == 2  # three attempts, two waits (injected: the test does not sleep)


async def test_read_recovers_when_a_retry_succeeds(http, rail):
    sleeps = Sleeps()
    rail.faults.reconfigure(FaultConfig(error_rate=0.5, error_status=502, paths=(INQUIRY,), seed=3))
    for _ in range(5):
        reports = await _client(http, sleeps).inquire([SETTLED_UETR])
        assert reports[SETTLED_UETR].status == "ACSC"
    assert sleeps.calls  # some reads needed a retry


async def test_garbled_reply_is_upstream_protocol_error(http, rail):
    rail.faults.reconfigure(FaultConfig(malformed_rate=1.0, paths=(INQUIRY,)))
    with pytest.raises(UpstreamProtocolError):
        await _client(http).inquire([SETTLED_UETR])


async def test_lost_reply_to_a_send_is_an_uncertain_delivery(http, rail):
    rail.faults.reconfigure(FaultConfig(reset_after_rate=1.0, paths=("/iso20022/messages/pacs.008",)))
    with pytest.raises(UncertainDelivery) as info:
        await _client(http).send_credit_transfer(transfer())
    assert isinstance(info.value.error, UpstreamUnavailable)


async def test_unreachable_rail_is_upstream_unavailable(tmp_path):
    adapter = make_adapter(f"http://127.0.0.1:{free_port()}", tmp_path, retry_max_delay=0.2)
    async with adapter.lifespan():
        result = await initiate(adapter, payment_input())
        assert result.errors[0].original_error.code == "UPSTREAM_UNAVAILABLE"
        assert result.errors[0].original_error.service == "payments"
        health = await adapter.health()
    assert not health.ok


async def test_slow_rail_is_upstream_timeout(rail, tmp_path):
    import dataclasses

    adapter = make_adapter(rail.url, tmp_path)
    adapter.settings = dataclasses.replace(adapter.settings, read_timeout=0.2, total_timeout=0.3)
    rail.faults.reconfigure(FaultConfig(timeout_rate=1.0, timeout_s=1.0, paths=(INQUIRY,)))
    async with adapter.lifespan():
        with pytest.raises(UpstreamTimeout):
            await adapter.client.inquire([SETTLED_UETR])
