"""Legacy systems failing under the gateway: no hung request, partial answers, breakers open and recover.

Three real sandboxes (vehicles REST, tax SOAP, customs SOAP) behind the gateway; faults are switched on and off
while it runs. One query touches all three: the car (vehicles), its exporter's name (tax) and its declaration
(customs).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from gateway.config import load_settings
from gateway.resilience import registry as resilience_registry
from gateway.sdk.adapter import AdapterSettings
from gateway.sdk.registry import load_adapter_class, make_adapter
from gateway.sdk.sandbox import FaultConfig, SandboxConfig, SandboxServer, serve_sandbox

pytestmark = pytest.mark.slow

QUERY = """{ vehicle(vin: "LSVAM4187C2184847") {
  vin manufacturer exporter { name } customsDeclaration { id status } } }"""
OPTIONS = {"breaker_failures": 2, "breaker_reset": 0.4, "retry_attempts": 1}


@dataclasses.dataclass
class System:
    client: httpx.AsyncClient
    sandboxes: dict[str, SandboxServer]

    async def ask(self) -> dict[str, Any]:
        response = await self.client.post("/graphql", json={"query": QUERY})
        body: dict[str, Any] = response.json()
        return body

    def fault(self, name: str, config: FaultConfig) -> None:
        self.sandboxes[name].faults.reconfigure(config)


@contextlib.asynccontextmanager
async def system(
    tmp_path: Path, *, read_timeout: float = 0.5, total_timeout: float = 1.0, gateway: dict[str, Any] | None = None
) -> AsyncIterator[System]:
    # the guards are per process: forget other tests' sources, so the metrics speak of this system only
    resilience_registry().clear()
    async with contextlib.AsyncExitStack() as stack:
        sandboxes: dict[str, SandboxServer] = {}
        adapters: dict[str, AdapterSettings] = {}
        for name in ("vehicles", "tax", "customs"):
            spec = load_adapter_class(name)(AdapterSettings(name=name)).sandboxes()[0]
            server = await stack.enter_async_context(serve_sandbox(spec.factory, SandboxConfig()))
            sandboxes[name] = server
            adapters[name] = AdapterSettings(
                name=name,
                url=server.url + spec.base_path,
                read_timeout=read_timeout,
                total_timeout=total_timeout,
                options=OPTIONS,
            )
        settings = load_settings(
            None,
            overrides={
                "gateway.mode": "demo",
                "audit.store": "memory",
                "auth.demo_key_file": str(tmp_path / "dev.pem"),
                **(gateway or {}),
            },
        )
        settings = dataclasses.replace(settings, adapters=adapters)
        app = create_app(settings, adapters=[make_adapter(s) for s in adapters.values()])
        server = await stack.enter_async_context(serve_sandbox(lambda _: app))
        client = await stack.enter_async_context(httpx.AsyncClient(base_url=server.url, timeout=30))
        yield System(client=client, sandboxes=sandboxes)


def codes(body: dict[str, Any]) -> dict[str, str]:
    return {".".join(map(str, e["path"])): e["extensions"]["code"] for e in body.get("errors", []) if "path" in e}


@pytest.mark.timeout(60)
async def test_a_system_down_degrades_the_answer_and_its_breaker_opens_then_recovers(tmp_path: Path) -> None:
    async with system(tmp_path) as s:
        healthy = await s.ask()
        assert "errors" not in healthy, healthy
        assert healthy["data"]["vehicle"]["customsDeclaration"]["id"] == "26CN4201E000000017"

        s.fault("customs", FaultConfig(error_rate=1.0))  # customs answers 503
        for _ in range(2):
            down = await s.ask()
            assert down["data"]["vehicle"]["exporter"]["name"] == "Qingdao Haixin Trading Co., Ltd."  # tax answers
            assert down["data"]["vehicle"]["customsDeclaration"] is None
            assert codes(down) == {"vehicle.customsDeclaration": "UPSTREAM_UNAVAILABLE"}
        open_ = await s.ask()  # two failures: the breaker is open, customs is not called
        assert "circuit open" in open_["errors"][0]["message"]
        assert open_["data"]["vehicle"]["manufacturer"] == "SAIC Volkswagen"
        # the gauge is current at every scrape, whether or not anyone asked /readyz
        assert 'silkgraph_breaker_open{source="customs"} 1.0' in (await s.client.get("/metrics")).text
        ready = (await s.client.get("/readyz")).json()
        assert any(b["breaker"] == "open" for b in ready["breakers"].values())
        metrics = (await s.client.get("/metrics")).text
        assert 'silkgraph_breaker_rejections_total{source="customs"}' in metrics
        assert 'silkgraph_breaker_rejections_total{source="customs"} 0.0' not in metrics  # the fast failure counted

        s.fault("customs", FaultConfig())  # customs is back
        await asyncio.sleep(0.45)  # the breaker's reset time: the next call is the probe
        recovered = await s.ask()
        assert "errors" not in recovered, recovered
        assert recovered["data"]["vehicle"]["customsDeclaration"]["status"]
        assert 'silkgraph_breaker_open{source="customs"} 0.0' in (await s.client.get("/metrics")).text


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("faults", "expected"),
    [
        (FaultConfig(latency_ms=3000), {"UPSTREAM_TIMEOUT"}),  # slower than read_timeout: no hung request
        (FaultConfig(reset_rate=1.0), {"UPSTREAM_UNAVAILABLE", "UPSTREAM_PROTOCOL_ERROR"}),
        (FaultConfig(malformed_rate=1.0), {"UPSTREAM_PROTOCOL_ERROR"}),
        (FaultConfig(truncate_rate=1.0), {"UPSTREAM_UNAVAILABLE", "UPSTREAM_PROTOCOL_ERROR"}),
    ],
    ids=["latency-spike", "connection-reset", "malformed-reply", "truncated-reply"],
)
async def test_each_fault_of_the_customs_system_is_contained_to_its_fields(
    tmp_path: Path, faults: FaultConfig, expected: set[str]
) -> None:
    async with system(tmp_path) as s:
        s.fault("customs", faults)
        body = await s.ask()
        vehicle = body["data"]["vehicle"]
        assert vehicle["manufacturer"] == "SAIC Volkswagen"  # vehicles still answers
        assert vehicle["exporter"]["name"] == "Qingdao Haixin Trading Co., Ltd."  # tax still answers
        assert vehicle["customsDeclaration"] is None
        assert codes(body), body
        assert set(codes(body).values()) <= expected, body["errors"]


@pytest.mark.timeout(60)
async def test_a_query_past_the_gateway_deadline_answers_with_what_arrived(tmp_path: Path) -> None:
    # customs takes 3 s, within its own 10 s timeout, but the query may take 1.5 s in all
    deadline = {"gateway.subgraph_timeout": 1.5, "gateway.request_timeout": 1.5}
    async with system(tmp_path, read_timeout=10.0, total_timeout=10.0, gateway=deadline) as s:
        s.sandboxes["customs"].faults.reconfigure(FaultConfig(latency_ms=3000))
        body = await s.ask()
    vehicle = body["data"]["vehicle"]
    assert vehicle["manufacturer"] == "SAIC Volkswagen"  # vehicles answered
    assert vehicle["exporter"]["name"] == "Qingdao Haixin Trading Co., Ltd."  # tax answered
    assert vehicle["customsDeclaration"] is None  # customs was still out
    assert [e["extensions"]["code"] for e in body["errors"]] == ["GATEWAY_TIMEOUT"]
