"""The Cargo-XML sandbox: XFWB, XFSU (single and batch), FSU text and FNA refusals."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from adapters.cargo import fsu, xfsu, xfwb
from adapters.cargo.cargo_xml import BATCH, RSM_FSU, parse, q
from adapters.cargo.status import StatusCode
from adapters.credentials import API_KEY_HEADER, demo_api_key
from gateway.sdk.sandbox import SandboxServer

KEY = {API_KEY_HEADER: demo_api_key("cargo-xml")}  # the sandbox's demo credential


@pytest.fixture
async def client(cargo_xml: SandboxServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=cargo_xml.url, headers=KEY) as http:
        yield http


async def test_the_waybill_is_an_xfwb(client: httpx.AsyncClient) -> None:
    reply = await client.get("/xfwb/784-30791202")
    assert reply.headers["content-type"] == "application/xml"
    record = xfwb.read_waybill(parse(reply.content))
    assert (record.origin, record.destination, record.pieces) == ("CAN", "MSQ", 30)
    assert [leg.flight for leg in record.legs] == ["CZ6077", "CZ6061"]


async def test_status_messages_come_in_one_batch_for_several_awbs(client: httpx.AsyncClient) -> None:
    reply = await client.get("/xfsu", params=[("awb", "784-30791202"), ("awb", "784-20260026")])
    root = parse(reply.content)
    assert root.tag == q(BATCH, "Messages")
    assert root.get("count") == "12"
    assert all(child.tag == q(RSM_FSU, "StatusMessage") for child in root)


async def test_the_latest_status_alone_is_a_plain_status_message(client: httpx.AsyncClient) -> None:
    reply = await client.get("/xfsu", params={"awb": "784-20260026", "latest": "true"})
    awb, event = xfsu.read_status(parse(reply.content))
    assert (awb, event.code, event.location, event.flight) == ("784-20260026", StatusCode.RCF, "ALA", "CZ6007")


async def test_fsu_text_tells_the_same_statuses(client: httpx.AsyncClient) -> None:
    reply = await client.get("/fsu/784-30791202")
    assert reply.headers["content-type"].startswith("text/plain")
    statuses = fsu.read_fsu(reply.text, year=2026)
    assert [s.code.name for s in statuses] == ["BKD", "RCS", "MAN", "DEP", "ARR"]
    assert statuses[3].flight == "CZ6077"


@pytest.mark.parametrize(
    ("path", "status", "reason"),
    [("/xfwb/784-30791203", 400, "INVALID AWB"), ("/xfwb/784-00000070", 404, "NOT ON FILE"), ("/xfsu", 400, "awb")],
)
async def test_refusals_are_fna_messages(client: httpx.AsyncClient, path: str, status: int, reason: str) -> None:
    reply = await client.get(path)
    assert reply.status_code == status
    assert reply.text.startswith("FNA/1\nACK/")
    assert reason in reply.text


async def test_an_agency_sees_only_its_companies_waybills(client: httpx.AsyncClient) -> None:
    assert (await client.get("/xfwb/784-20260026", headers={"X-Agency-Id": "ru-export-center"})).status_code == 404
    assert (await client.get("/xfwb/784-20260026", headers={"X-Agency-Id": "kz-trade-agency"})).status_code == 200
