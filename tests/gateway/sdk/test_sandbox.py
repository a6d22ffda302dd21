"""Fault injection over real sockets: what a client of a faulty legacy system actually sees."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp

from gateway.sdk.sandbox import FaultConfig, SandboxConfig, SandboxServer, serve_sandbox


class Legacy:
    """A tiny legacy system that counts the work it did."""

    def __init__(self) -> None:
        self.handled = 0

    def factory(self, config: SandboxConfig) -> ASGIApp:
        async def record(request: Request) -> JSONResponse:
            self.handled += 1
            return JSONResponse({"record": request.path_params["id"], "payload": "x" * 200})

        return Starlette(routes=[Route("/records/{id}", record), Route("/health/{id}", record)])


@pytest.fixture
def legacy() -> Legacy:
    return Legacy()


@contextlib.asynccontextmanager
async def _serve(legacy: Legacy, **faults: object) -> AsyncIterator[SandboxServer]:
    async with serve_sandbox(legacy.factory, SandboxConfig(faults=FaultConfig.from_mapping(faults))) as server:
        yield server


async def _get(server: SandboxServer, path: str = "/records/1", client_timeout: float = 5.0) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.url, timeout=client_timeout) as client:
        return await client.get(path)


async def test_no_faults_by_default(legacy: Legacy) -> None:
    async with _serve(legacy) as server:
        response = await _get(server)
        assert response.status_code == 200
        assert response.json()["record"] == "1"
        assert not server.faults.config.active


async def test_latency_is_added_before_the_reply(legacy: Legacy) -> None:
    async with _serve(legacy, latency_ms=400) as server:
        with pytest.raises(httpx.ReadTimeout):
            await _get(server, client_timeout=0.05)
        assert (await _get(server)).status_code == 200


async def test_error_rate_one_answers_the_error_status_without_doing_the_work(legacy: Legacy) -> None:
    async with _serve(legacy, error_rate=1.0) as server:
        response = await _get(server)
        assert response.status_code == 503
        assert response.json() == {"error": "injected fault"}
        assert legacy.handled == 0


async def test_error_status_is_configurable(legacy: Legacy) -> None:
    async with _serve(legacy, error_rate=1.0, error_status=500) as server:
        assert (await _get(server)).status_code == 500


async def test_reset_makes_the_client_see_a_reset_connection(legacy: Legacy) -> None:
    async with _serve(legacy, reset_rate=1.0) as server:
        with pytest.raises(httpx.ReadError):
            await _get(server)
        assert legacy.handled == 0


@pytest.mark.parametrize("fault", ["reset_rate", "reset_after_rate", "truncate_rate", "timeout_rate"])
async def test_injected_faults_do_not_make_the_server_log_errors(
    legacy: Legacy, fault: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with _serve(legacy, **{fault: 1.0, "timeout_s": 0.3}) as server:
        with pytest.raises(httpx.TransportError):
            await _get(server, client_timeout=0.1)
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == []


async def test_reset_after_does_the_work_then_loses_the_reply(legacy: Legacy) -> None:
    async with _serve(legacy, reset_after_rate=1.0) as server:
        with pytest.raises(httpx.ReadError):
            await _get(server)
        assert legacy.handled == 1


async def test_truncate_is_a_short_read(legacy: Legacy) -> None:
    async with _serve(legacy, truncate_rate=1.0) as server:
        with pytest.raises(httpx.RemoteProtocolError, match=r"complete message body"):
            await _get(server)
        assert legacy.handled == 1


async def test_malformed_spoils_the_body_but_keeps_the_status(legacy: Legacy) -> None:
    async with _serve(legacy, malformed_rate=1.0) as server:
        response = await _get(server)
        assert response.status_code == 200
        assert response.content.startswith(b"<<<")
        with pytest.raises(json.JSONDecodeError):
            response.json()
        assert int(response.headers["content-length"]) == len(response.content)


async def test_timeout_hangs_past_the_client_timeout(legacy: Legacy) -> None:
    async with _serve(legacy, timeout_rate=1.0, timeout_s=0.5) as server:
        with pytest.raises(httpx.ReadTimeout):
            await _get(server, client_timeout=0.2)
        assert legacy.handled == 0


async def test_timeout_then_the_connection_drops_for_a_patient_client(legacy: Legacy) -> None:
    async with _serve(legacy, timeout_rate=1.0, timeout_s=0.1) as server:
        with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
            await _get(server, client_timeout=5.0)


async def test_timeout_after_does_the_work_then_hangs(legacy: Legacy) -> None:
    async with _serve(legacy, timeout_after_rate=1.0, timeout_s=0.5) as server:
        with pytest.raises(httpx.ReadTimeout):
            await _get(server, client_timeout=0.2)
        assert legacy.handled == 1


async def test_paths_limit_faults_to_matching_prefixes(legacy: Legacy) -> None:
    async with _serve(legacy, error_rate=1.0, paths=["/records"]) as server:
        assert (await _get(server, "/records/1")).status_code == 503
        assert (await _get(server, "/health/1")).status_code == 200


async def test_faults_can_be_switched_at_run_time(legacy: Legacy) -> None:
    async with _serve(legacy) as server:
        server.faults.reconfigure(FaultConfig(error_rate=1.0))
        assert (await _get(server)).status_code == 503
        server.faults.reconfigure(FaultConfig())
        assert (await _get(server)).status_code == 200


async def test_partial_rates_are_reproducible_from_the_seed(legacy: Legacy) -> None:
    outcomes = []
    for _ in range(2):
        async with _serve(legacy, error_rate=0.5, seed=7) as server, httpx.AsyncClient(base_url=server.url) as client:
            outcomes.append([(await client.get(f"/records/{i}")).status_code for i in range(12)])
    assert outcomes[0] == outcomes[1]
    assert set(outcomes[0]) == {200, 503}


def test_from_mapping_rejects_unknown_keys_naming_them_and_the_known_ones() -> None:
    with pytest.raises(ValueError, match="unknown fault setting") as info:
        FaultConfig.from_mapping({"error_rat": 0.5})
    assert "error_rat" in str(info.value) and "error_rate" in str(info.value)


@pytest.mark.parametrize(
    "values",
    [{"error_rate": 1.5}, {"reset_rate": -0.1}, {"latency_ms": -5}, {"error_status": 200}, {"paths": "/soap"}],
)
def test_from_mapping_rejects_out_of_range_values(values: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="fault setting"):
        FaultConfig.from_mapping(values)


def test_from_mapping_accepts_lists_of_paths() -> None:
    config = FaultConfig.from_mapping({"paths": ["/soap", "/wsdl"], "latency_ms": 5})
    assert config.paths == ("/soap", "/wsdl")
    assert config.active
