"""The ONE Record sandbox speaks API 2.3.0: content negotiation, object headers, errors, paging, tenancy."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from adapters.cargo import create_one_record_app
from adapters.cargo.jsonld import CARGO
from gateway.sdk.sandbox import SandboxConfig, SandboxServer, serve_sandbox
from gateway.sdk.testing import execute, operator

from .conftest import make_adapter, one_record_auth

LD = "application/ld+json; version=2.3.0"


@pytest.fixture
async def client(one_record: SandboxServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        base_url=one_record.url, headers={"Accept": LD}, auth=one_record_auth(one_record)
    ) as http:
        yield http


async def test_server_information_echoes_the_api_version(client: httpx.AsyncClient) -> None:
    reply = await client.get("/")
    assert reply.status_code == 200
    assert reply.headers["content-type"] == LD
    body = reply.json()
    assert body["@type"] == "api:ServerInformation"
    assert body["api:hasSupportedApiVersion"] == ["2.3.0"]
    assert body["@context"]["cargo"] == CARGO


async def test_an_unsupported_version_is_not_acceptable(client: httpx.AsyncClient) -> None:
    reply = await client.get("/", headers={"Accept": "application/ld+json; version=2.1.0"})
    assert reply.status_code == 406
    error = reply.json()
    assert error["@type"] == "api:Error"
    assert "2.3.0" in error["api:hasErrorDetail"][0]["api:hasMessage"]


async def test_a_body_that_is_not_json_ld_is_unsupported(client: httpx.AsyncClient) -> None:
    reply = await client.post("/logistics-objects", content=b"<xml/>", headers={"Content-Type": "application/xml"})
    assert reply.status_code == 415
    assert reply.json()["api:hasErrorDetail"][0]["api:hasCode"] == "UNSUPPORTED_CONTENT_TYPE"


async def test_a_logistics_object_carries_its_type_and_revision_headers(client: httpx.AsyncClient) -> None:
    reply = await client.get("/logistics-objects/waybill-999-12345675")
    assert reply.status_code == 200
    assert reply.headers["type"] == CARGO + "Waybill"
    assert reply.headers["revision"] == reply.headers["latest-revision"] == "1"
    assert reply.headers["last-modified"] == "Fri, 06 Nov 2026 12:45:00 GMT"
    body = reply.json()
    assert (body["cargo:waybillPrefix"], body["cargo:waybillNumber"]) == ("999", "12345675")
    assert body["cargo:shipment"] == {"@id": f"{client.base_url}/logistics-objects/shipment-999-12345675"}
    embedded = (await client.get("/logistics-objects/shipment-999-12345675", params={"embedded": "true"})).json()
    assert len(embedded["cargo:pieces"]) == 12


async def test_an_unknown_object_is_a_404_api_error(client: httpx.AsyncClient) -> None:
    reply = await client.get("/logistics-objects/waybill-999-00000070")
    assert reply.status_code == 404
    assert reply.json()["api:hasTitle"] == "Not Found"


async def test_logistics_events_page_with_a_next_link(client: httpx.AsyncClient) -> None:
    first = await client.get("/logistics-objects/shipment-999-12345675/logistics-events", params={"limit": 4})
    page = first.json()
    assert page["api:hasTotalItems"] == 10
    assert [e["cargo:eventCode"]["@id"].rsplit("#")[-1] for e in page["api:hasItem"]] == ["BKD", "RCS", "MAN", "DEP"]
    following = first.links["next"]["url"]
    rest = (await client.get(following)).json()["api:hasItem"]
    assert len(rest) == 4
    assert rest[0]["cargo:eventFor"]["@id"].endswith("movement-999-12345675-1")  # ARR belongs to the flight


async def test_an_invalid_event_is_refused_and_nothing_is_appended(client: httpx.AsyncClient) -> None:
    reply = await client.post(
        "/logistics-objects/shipment-999-12345675/logistics-events",
        json={"@context": {"cargo": CARGO}, "@type": "cargo:LogisticsEvent", "cargo:eventCode": "ZZZ"},
        headers={"Content-Type": LD},
    )
    assert reply.status_code == 400
    assert reply.json()["api:hasErrorDetail"][0]["api:hasCode"] == "INVALID_LOGISTICS_EVENT"
    page = await client.get("/logistics-objects/shipment-999-12345675/logistics-events")
    assert page.json()["api:hasTotalItems"] == 10


async def test_an_agency_cannot_read_another_agencys_objects(client: httpx.AsyncClient) -> None:
    hidden = await client.get("/logistics-objects/waybill-999-12345675", headers={"X-Agency-Id": "kz-trade-agency"})
    assert hidden.status_code == 404
    shown = await client.get("/logistics-objects/waybill-999-12345675", headers={"X-Agency-Id": "ru-export-center"})
    assert shown.status_code == 200


async def test_the_adapter_reads_full_iris_as_well_as_compact_ones() -> None:
    config = SandboxConfig(options={"compact_iris": False})
    async with serve_sandbox(create_one_record_app, config) as server:
        async with httpx.AsyncClient(auth=one_record_auth(server)) as raw:
            body = (await raw.get(f"{server.url}/logistics-objects/waybill-999-12345675")).json()
        assert "@context" not in body and CARGO + "waybillNumber" in body
        cargo = make_adapter(server, None, airlines={"999": "one-record"})
        async with cargo.lifespan():
            result = await execute(
                cargo, '{ shipment(awb: "999-12345675") { pieces events { code } } }', who=operator()
            )
    assert result.errors is None
    assert result.data["shipment"]["pieces"] == 12  # type: ignore[index]
    assert len(result.data["shipment"]["events"]) == 10  # type: ignore[index]
