"""The adapter honours the SDK contract: registered, configured by validated options, a Federation v2 subgraph."""

from __future__ import annotations

import pytest

from adapters.payments import PaymentsAdapter
from adapters.payments.sandbox import create_app
from gateway.errors import ConfigError
from gateway.sdk.adapter import AdapterSettings
from gateway.sdk.registry import load_adapter_class
from gateway.sdk.sandbox import SandboxConfig
from gateway.sdk.testing import execute, operator


def test_adapter_is_registered_under_its_name():
    assert load_adapter_class("payments") is PaymentsAdapter


def test_sandbox_spec_names_the_rail():
    [spec] = PaymentsAdapter().sandboxes()
    assert (spec.name, spec.default_port, spec.setting, spec.factory) == ("payments-rail", 4101, "url", create_app)


def test_sdl_declares_the_entities_and_root_fields():
    sdl = PaymentsAdapter().sdl()
    assert 'type Payment @key(fields: "uetr")' in sdl
    assert 'type Company @key(fields: "country taxId")' in sdl
    for field in (
        "payment(uetr: UETR!)",
        "payments(filter: PaymentFilter",
        "statement(account: String!, date: Date!)",
        "fxQuote(",
        "from: CurrencyCode!",
        "initiatePayment(input: InitiatePaymentInput!, idempotencyKey: String!)",
        "recallPayment(uetr: UETR!, reason: RecallReason!)",
    ):
        assert field in sdl
    assert "federation/v2.11" in sdl


@pytest.mark.parametrize(
    ("options", "key"),
    [
        ({"retry_budgett": 1}, "adapters.payments.retry_budgett"),
        ({"participant_bic": "NOTABIC"}, "adapters.payments.participant_bic/rail_bic"),
        ({"max_sends": "many"}, "adapters.payments"),
        ({"retry_budget": 2.0}, "adapters.payments.retry_budget"),  # retired: now retry_max_delay
        ({"retry_max_delay": 0}, "adapters.payments.retry_max_delay"),
    ],
)
def test_bad_options_fail_at_start_up_naming_the_key(options, key):
    with pytest.raises(ConfigError) as info:
        PaymentsAdapter(AdapterSettings(name="payments", url="http://rail", options=options))
    assert info.value.key == key


async def test_lifespan_needs_the_rail_url():
    with pytest.raises(ConfigError, match="base URL"):
        async with PaymentsAdapter().lifespan():
            pass


async def test_service_sdl_answers_without_a_running_lifespan():
    result = await execute(PaymentsAdapter(), "{ _service { sdl } }", who=operator())
    assert result.errors is None
    assert "initiatePayment" in result.data["_service"]["sdl"]


def test_unknown_sandbox_option_is_refused():
    with pytest.raises(ValueError, match="step_dely"):
        create_app(SandboxConfig(options={"step_dely": 0}))


async def test_health_is_up_with_the_rail_running(adapter):
    assert (await adapter.health()).ok
