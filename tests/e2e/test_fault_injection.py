"""Legacy systems failing under the gateway: no hung request, partial answers, breakers open and recover.

Three real sandboxes (vehicles REST, tax SOAP, customs SOAP) behind the gateway; faults are switched on and off
while it runs — in the sandboxes' HTTP (``FaultConfig``) or, with ``proxied=True``, in the network between
adapter and sandbox (``FaultProxy``). One query touches all three: the car (vehicles), its exporter's name
(tax) and its declaration (customs).
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
from gateway.policy.devkeys import DevKey
from gateway.resilience import registry as resilience_registry
from gateway.sdk.adapter import AdapterSettings
from gateway.sdk.netfaults import FaultProxy, Toxics
from gateway.sdk.registry import load_adapter_class, make_adapter
from gateway.sdk.sandbox import FaultConfig, SandboxConfig, SandboxServer, serve_sandbox
from gateway.sdk.testing import bearer, partner

pytestmark = pytest.mark.slow

QUERY = """{ vehicle(vin: "LSVAM418XP2184847") {
  vin manufacturer exporter { name } customsDeclaration { id status } } }"""
OPTIONS = {"breaker_failures": 2, "breaker_reset": 0.4, "retry_attempts": 1}


@dataclasses.dataclass
class System:
    client: httpx.AsyncClient
    sandboxes: dict[str, SandboxServer]
    #: the TCP fault proxy in front of each sandbox (``system(..., proxied=True)``)
    proxies: dict[str, FaultProxy] = dataclasses.field(default_factory=dict)

    async def ask(self) -> dict[str, Any]:
        response = await self.client.post("/graphql", json={"query": QUERY})
        body: dict[str, Any] = response.json()
        return body

    def fault(self, name: str, config: FaultConfig) -> None:
        self.sandboxes[name].faults.reconfigure(config)


#: read and total timeout of the systems no fault touches
HEALTHY_TIMEOUT = 10.0


@contextlib.asynccontextmanager
async def system(
    tmp_path: Path,
    *,
    read_timeout: float = 0.5,
    total_timeout: float = 1.0,
    gateway: dict[str, Any] | None = None,
    proxied: bool = False,
    options: dict[str, Any] | None = None,
) -> AsyncIterator[System]:
    # the guards are per process: forget other tests' sources, so the metrics speak of this system only
    resilience_registry().clear()
    async with contextlib.AsyncExitStack() as stack:
        sandboxes: dict[str, SandboxServer] = {}
        proxies: dict[str, FaultProxy] = {}
        adapters: dict[str, AdapterSettings] = {}
        for name in ("vehicles", "tax", "customs"):
            spec = load_adapter_class(name)(AdapterSettings(name=name)).sandboxes()[0]
            server = await stack.enter_async_context(serve_sandbox(spec.factory, SandboxConfig()))
            sandboxes[name] = server
            url = server.url
            if proxied:  # the adapter reaches its sandbox through a TCP fault proxy
                proxies[name] = await stack.enter_async_context(FaultProxy((server.host, server.port)))
                url = f"http://{proxies[name].address}"
            # the short timeouts are for customs, the system the faults hit; the healthy ones get room enough that
            # a loaded machine never times them out (their answers are what the tests expect to keep)
            faulted = name == "customs"
            adapters[name] = AdapterSettings(
                name=name,
                url=url + spec.base_path,
                read_timeout=read_timeout if faulted else max(read_timeout, HEALTHY_TIMEOUT),
                total_timeout=total_timeout if faulted else max(total_timeout, HEALTHY_TIMEOUT),
                options=OPTIONS if options is None else options,
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
        # Haixin's car, as the agency that serves Haixin sees it
        who = bearer(partner("qingdao-broker"), DevKey.load_or_create(tmp_path / "dev.pem"))
        client = await stack.enter_async_context(httpx.AsyncClient(base_url=server.url, timeout=30, headers=who))
        yield System(client=client, sandboxes=sandboxes, proxies=proxies)


def codes(body: dict[str, Any]) -> dict[str, str]:
    return {".".join(map(str, e["path"])): e["extensions"]["code"] for e in body.get("errors", []) if "path" in e}


@pytest.mark.timeout(60)
async def test_a_system_down_degrades_the_answer_and_its_breaker_opens_then_recovers(tmp_path: Path) -> None:
    async with system(tmp_path) as s:
        healthy = await s.ask()
        assert "errors" not in healthy, healthy
        assert healthy["data"]["vehicle"]["customsDeclaration"]["id"] == "420120260000000817"

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


@pytest.mark.timeout(60)
async def test_slow_sliced_and_throttled_networks_change_nothing_but_time(tmp_path: Path) -> None:
    async with system(tmp_path, read_timeout=5.0, total_timeout=8.0, proxied=True) as s:
        healthy = await s.ask()
        assert "errors" not in healthy, healthy
        s.proxies["customs"].set(Toxics(latency_ms=40, jitter_ms=20, slicer_bytes=64, slicer_delay_ms=1))
        s.proxies["tax"].set(Toxics(bandwidth_kbps=64, direction="both"))
        s.proxies["vehicles"].set(Toxics(slicer_bytes=1, latency_ms=10))  # one byte per TCP segment
        assert await s.ask() == healthy


@pytest.mark.timeout(60)
async def test_network_faults_under_one_system_are_contained_to_its_fields(tmp_path: Path) -> None:
    async with system(tmp_path, proxied=True) as s:
        customs = s.proxies["customs"]
        faults = {
            "headers cut short": (Toxics(limit_bytes=60), {"UPSTREAM_UNAVAILABLE", "UPSTREAM_PROTOCOL_ERROR"}),
            "body cut short": (Toxics(limit_bytes=700), {"UPSTREAM_UNAVAILABLE", "UPSTREAM_PROTOCOL_ERROR"}),
            "silent network": (Toxics(timeout_ms=0), {"UPSTREAM_TIMEOUT"}),
            "reset mid-request": (Toxics(limit_bytes=40, direction="upstream"), {"UPSTREAM_UNAVAILABLE"}),
        }
        for name, (toxics, expected) in faults.items():
            # each fault starts with a closed breaker: the adapter's client keeps its guard, so close that guard
            # (a cut reply counts as a failure, and two cases in a row would otherwise open it)
            for guard in resilience_registry().guards():
                guard.breaker.record_success()
            customs.set(toxics)
            body = await asyncio.wait_for(s.ask(), 15)  # bounded by the adapter's own deadline
            vehicle = body["data"]["vehicle"]
            assert vehicle["manufacturer"] == "SAIC Volkswagen", name
            assert vehicle["exporter"]["name"] == "Qingdao Haixin Trading Co., Ltd.", name
            assert vehicle["customsDeclaration"] is None, name
            assert set(codes(body).values()) <= expected, (name, body["errors"])
            assert "Traceback" not in str(body), name
            customs.clear()


@pytest.mark.timeout(60)
async def test_a_system_whose_network_goes_down_is_not_called_while_its_breaker_is_open(tmp_path: Path) -> None:
    async with system(tmp_path, proxied=True) as s:
        assert "errors" not in await s.ask()
        customs = s.proxies["customs"]
        customs.set(Toxics(down=True))  # connections refused, open keep-alive connections reset
        for _ in range(2):
            down = await s.ask()
            assert codes(down) == {"vehicle.customsDeclaration": "UPSTREAM_UNAVAILABLE"}, down
        refused = customs.refused
        open_ = await s.ask()
        assert "circuit open" in open_["errors"][0]["message"]
        assert customs.refused == refused  # failed fast: not even a connection attempt
        assert open_["data"]["vehicle"]["exporter"]["name"] == "Qingdao Haixin Trading Co., Ltd."
        ready = await s.client.get("/readyz")  # the gateway still serves: it stays in its load balancer
        assert ready.status_code == 200 and ready.json()["status"] == "degraded"
        assert ready.json()["sources"]["customs"]["state"] == "down"
        customs.clear()
        await asyncio.sleep(0.45)  # the breaker's reset time
        assert "errors" not in await s.ask()
        assert (await s.client.get("/readyz")).json()["status"] == "ready"
