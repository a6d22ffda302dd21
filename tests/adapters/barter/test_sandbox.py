"""The barter sandbox as a legacy system: its own validation and state machine, over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from adapters.barter import BarterAdapter
from adapters.credentials import API_KEY_HEADER, demo_api_key
from gateway.errors import ConfigError
from gateway.sdk import AdapterSettings, SandboxServer
from tests.adapters.barter.test_mutations import PROPOSAL

KEY = {API_KEY_HEADER: demo_api_key("barter")}  # the sandbox's demo credential


@pytest.fixture
async def http(sandbox: SandboxServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=sandbox.url, headers=KEY) as client:
        yield client


def wheat(**changes: Any) -> dict[str, Any]:
    return {"side": "B", "hsCode": "1001.99", "quantity": "100", "mrn": "26KZ0101I000000502", "date": "2026-11-27"} | (
        changes
    )


async def test_a_proposal_is_signed_then_executed_then_balanced(http: httpx.AsyncClient) -> None:
    created = (await http.post("/contracts", json=PROPOSAL)).json()
    assert created["status"] == "DRAFT"
    signed = await http.post(f"/contracts/{created['id']}/sign")
    assert signed.json()["status"] == "SIGNED"
    again = await http.post(f"/contracts/{created['id']}/sign")
    assert again.status_code == 409
    leg = {"side": "A", "hsCode": "8708.40", "quantity": "20", "mrn": "514120260000000777", "date": "2026-12-01"}
    executing = await http.post(f"/contracts/{created['id']}/deliveries", json=leg)
    assert (executing.status_code, executing.json()["status"]) == (201, "IN_EXECUTION")
    counter = {"side": "B", "hsCode": "3104.20", "quantity": "1550", "mrn": "26BY1000I000000123", "date": "2026-12-20"}
    balanced = await http.post(f"/contracts/{created['id']}/deliveries", json=counter)
    assert balanced.json()["status"] == "BALANCED"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"partyA": None}, "partyA"),
        ({"number": ""}, "number"),
        ({"date": "20.11.2026"}, "date"),
        ({"type": "SWAP"}, "type"),
        ({"referenceCurrency": "yuan"}, "referenceCurrency"),
        ({"validUntil": "2026-01-01"}, "validUntil"),
        ({"counterDeliveryDeadline": "2030-01-01"}, "counterDeliveryDeadline"),
        ({"tolerancePct": "x"}, "tolerancePct"),
        ({"goods": []}, "goods"),
        ({"goods": ["line"]}, "goods[0]"),
        ({"goods": [PROPOSAL["goods"][0] | {"side": "C"}]}, "goods[0].side"),
        ({"goods": [PROPOSAL["goods"][0] | {"hsCode": "87-08"}]}, "goods[0].hsCode"),
        ({"goods": [PROPOSAL["goods"][0], PROPOSAL["goods"][0]]}, "goods"),
        ({"goods": [*PROPOSAL["goods"], PROPOSAL["goods"][0]]}, "goods[2].hsCode"),
        ({"partyB": {"country": "CN", "taxId": "91650000MA77X8TQ31"}}, "partyB.country"),
    ],
)
async def test_the_register_answers_422_naming_the_field(
    http: httpx.AsyncClient, changes: dict[str, Any], field: str
) -> None:
    response = await http.post("/contracts", json=PROPOSAL | changes)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"side": "C"}, "side"),
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "many"}, "quantity"),
        ({"mrn": None}, "mrn"),
        ({"date": ""}, "date"),
    ],
)
async def test_a_bad_delivery_answers_422(http: httpx.AsyncClient, changes: dict[str, Any], field: str) -> None:
    response = await http.post("/contracts/BC-2026-0001/deliveries", json=wheat(**changes))
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field


async def test_a_body_that_is_not_json_is_400(http: httpx.AsyncClient) -> None:
    for path in ("/contracts", "/contracts/batch", "/contracts/BC-2026-0001/deliveries"):
        response = await http.post(path, content=b"{not json")
        assert response.status_code == 400
    batch = await http.post("/contracts/batch", json={"id": "BC-2026-0001"})
    assert batch.status_code == 400


async def test_one_contract_and_the_call_counter_are_served(http: httpx.AsyncClient) -> None:
    assert (await http.get("/contracts/BC-2026-0001")).json()["number"] == "HG-KZ/2026/0001"
    assert (await http.get("/contracts/NOPE")).status_code == 404
    hidden = await http.get("/contracts/BC-2026-0001", headers={"X-Agency-Id": "ru-export-center"})
    assert hidden.status_code == 404
    assert (await http.post("/contracts/NOPE/sign")).status_code == 404
    assert (await http.get("/_sandbox/calls")).json() == {"contracts.get": 3, "contracts.sign": 1}


def test_adapter_settings_are_validated_at_construction() -> None:
    with pytest.raises(ConfigError) as retries:
        BarterAdapter(AdapterSettings(name="barter", options={"retry_attempts": "3"}))
    assert retries.value.key == "adapters.barter.retry_attempts"
    with pytest.raises(ConfigError) as retired:
        BarterAdapter(AdapterSettings(name="barter", options={"retries": 2}))
    assert retired.value.key == "adapters.barter.retries"
    assert "retry_attempts" in retired.value.message
    with pytest.raises(ConfigError) as today:
        BarterAdapter(AdapterSettings(name="barter", options={"today": "28/11/2026"}))
    assert today.value.key == "adapters.barter.options.today"


async def test_an_adapter_without_url_fails_at_start_naming_the_key() -> None:
    with pytest.raises(ConfigError) as caught:
        async with BarterAdapter().lifespan():
            pass
    assert caught.value.key == "adapters.barter.url"


def test_the_sandbox_is_declared_on_its_default_port() -> None:
    (spec,) = BarterAdapter().sandboxes()
    assert (spec.name, spec.default_port, spec.setting) == ("barter-rest", 4106, "url")
