"""The vehicle export sandbox as a legacy system: paging rules, batch query, the nightly overdue job."""

from __future__ import annotations

import httpx
import pytest

from adapters.credentials import API_KEY_HEADER, demo_api_key
from adapters.vehicles import VehiclesAdapter
from adapters.vehicles.sandbox import create_app
from gateway.errors import ConfigError
from gateway.sdk import AdapterSettings, SandboxConfig, serve_sandbox

KEY = {API_KEY_HEADER: demo_api_key("vehicles")}  # the sandbox's demo credential


async def test_the_listing_is_paged_and_validates_its_parameters() -> None:
    async with serve_sandbox(create_app) as server, httpx.AsyncClient(base_url=server.url, headers=KEY) as http:
        page = (await http.get("/api/v1/exports", params={"page": 2, "pageSize": 2})).json()
        assert (page["total"], page["page"], page["pageSize"]) == (3, 2, 2)
        assert [r["VIN_CODE"] for r in page["items"]] == ["LVSHCAMB1TE123456"]
        assert page["items"][0]["REG_DATE"] == "20260701"
        bad_page = await http.get("/api/v1/exports", params={"page": 0})
        assert (bad_page.status_code, bad_page.json()["RET_CODE"]) == (400, "E001")
        bad_size = await http.get("/api/v1/exports", params={"pageSize": 101})
        assert bad_size.json()["RET_CODE"] == "E002"
        assert (await http.post("/api/v1/exports/batchQuery", content=b"[")).json()["RET_CODE"] == "E003"
        assert (await http.post("/api/v1/exports/batchQuery", json=[])).json()["RET_CODE"] == "E003"
        assert (await http.post("/api/v1/exports/batchQuery", json={})).json()["RET_CODE"] == "E004"
        assert (await http.get("/_sandbox/calls")).json() == {"exports.list": 3, "exports.batchQuery": 3}


async def test_the_nightly_job_marks_exited_cars_overdue_after_two_months() -> None:
    config = SandboxConfig(options={"today": "2027-01-24"})
    async with serve_sandbox(create_app, config) as server, httpx.AsyncClient(base_url=server.url, headers=KEY) as http:
        overdue = (await http.get("/api/v1/exports", params={"status": "90"})).json()
    assert [r["VIN_CODE"] for r in overdue["items"]] == ["LSVAM418XP2184847"]


def test_adapter_settings_are_validated_at_construction() -> None:
    with pytest.raises(ConfigError) as caught:
        VehiclesAdapter(AdapterSettings(name="vehicles", options={"retry_attempts": 11}))
    assert caught.value.key == "adapters.vehicles.retry_attempts"
    (spec,) = VehiclesAdapter().sandboxes()
    assert (spec.name, spec.default_port, spec.setting) == ("vehicles-rest", 4107, "url")
