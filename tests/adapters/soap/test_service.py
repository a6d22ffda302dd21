"""The SOAP sandbox service, spoken to by hand: WSDL/XSD, both SOAP versions, faults and WS-Security."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import httpx
import pytest
from lxml import etree

from adapters.customs.sandbox import create_app
from adapters.soap.envelope import SOAP11_NS, SOAP12_NS
from adapters.soap.wssecurity import username_token
from gateway.sdk.sandbox import SandboxConfig, SandboxServer, serve_sandbox

NS = "urn:silkgraph:customs:declaration:1"
NOW = dt.datetime(2026, 11, 28, 6, 0, tzinfo=dt.UTC)


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxServer]:
    async with serve_sandbox(create_app, SandboxConfig(options={"clock": lambda: NOW})) as server:
        yield server


def envelope(soap_ns: str, payload: str, security: etree._Element | None) -> bytes:
    root = etree.Element(f"{{{soap_ns}}}Envelope", nsmap={"soap": soap_ns})
    if security is not None:
        etree.SubElement(root, f"{{{soap_ns}}}Header").append(security)
    body = etree.SubElement(root, f"{{{soap_ns}}}Body")
    body.append(etree.fromstring(payload))
    return bytes(etree.tostring(root))


STATUS = (
    f'<GetDeclarationStatusRequest xmlns="{NS}"><EntryID>420120260000000817</EntryID></GetDeclarationStatusRequest>'
)


async def post11(server: SandboxServer, body: bytes) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.post(
            server.url + "/customs", content=body, headers={"content-type": "text/xml", "SOAPAction": f"{NS}#x"}
        )


async def post12(server: SandboxServer, body: bytes) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.post(
            server.url + "/customs", content=body, headers={"content-type": "application/soap+xml; charset=utf-8"}
        )


def fault_code(response: httpx.Response) -> str:
    doc = etree.fromstring(response.content)
    return str(doc.findtext(f".//{{{SOAP11_NS}}}Fault/faultcode"))


async def test_wsdl_points_at_this_server_and_its_xsd(sandbox: SandboxServer) -> None:
    async with httpx.AsyncClient() as client:
        wsdl = await client.get(sandbox.url + "/customs?wsdl")
        xsd = await client.get(sandbox.url + "/customs?xsd")
    doc = etree.fromstring(wsdl.content)
    locations = {a.get("location") for a in doc.iter("{*}address")}
    assert locations == {sandbox.url + "/customs"}
    assert doc.find(".//{http://www.w3.org/2001/XMLSchema}import").get("schemaLocation") == sandbox.url + "/customs?xsd"  # type: ignore[union-attr]
    assert etree.fromstring(xsd.content).get("targetNamespace") == NS


async def test_soap11_and_soap12_answer_in_their_own_envelopes(sandbox: SandboxServer) -> None:
    token = lambda: username_token("silkgraph", "demo-secret", created=NOW)  # noqa: E731
    r11 = await post11(sandbox, envelope(SOAP11_NS, STATUS, token()))
    r12 = await post12(sandbox, envelope(SOAP12_NS, STATUS, token()))
    assert (r11.status_code, r11.headers["content-type"].split(";")[0]) == (200, "text/xml")
    assert (r12.status_code, r12.headers["content-type"].split(";")[0]) == (200, "application/soap+xml")
    assert etree.fromstring(r11.content).tag == f"{{{SOAP11_NS}}}Envelope"
    assert etree.fromstring(r12.content).findtext(f".//{{{NS}}}EntryID") == "420120260000000817"


async def test_missing_security_header_is_invalid_security_and_401(sandbox: SandboxServer) -> None:
    response = await post11(sandbox, envelope(SOAP11_NS, STATUS, None))
    assert response.status_code == 401
    assert fault_code(response) == "wsse:InvalidSecurity"


async def test_wrong_password_is_failed_authentication_and_401(sandbox: SandboxServer) -> None:
    response = await post11(sandbox, envelope(SOAP11_NS, STATUS, username_token("silkgraph", "guess", created=NOW)))
    assert response.status_code == 401
    assert fault_code(response) == "wsse:FailedAuthentication"


async def test_stale_created_is_refused(sandbox: SandboxServer) -> None:
    stale = username_token("silkgraph", "demo-secret", created=NOW - dt.timedelta(minutes=6))
    response = await post11(sandbox, envelope(SOAP11_NS, STATUS, stale))
    assert fault_code(response) == "wsse:FailedAuthentication"
    assert "stale" in response.text


async def test_replayed_nonce_is_refused(sandbox: SandboxServer) -> None:
    body = envelope(
        SOAP11_NS, STATUS, username_token("silkgraph", "demo-secret", nonce=b"0123456789abcdef", created=NOW)
    )
    assert (await post11(sandbox, body)).status_code == 200
    replay = await post11(sandbox, body)
    assert fault_code(replay) == "wsse:FailedAuthentication"
    assert "replayed" in replay.text


async def test_soap12_security_fault_has_subcode_and_http_401(sandbox: SandboxServer) -> None:
    response = await post12(sandbox, envelope(SOAP12_NS, STATUS, None))
    assert response.status_code == 401
    doc = etree.fromstring(response.content)
    assert doc.findtext(f".//{{{SOAP12_NS}}}Code/{{{SOAP12_NS}}}Value") == "soap:Sender"
    assert doc.findtext(f".//{{{SOAP12_NS}}}Subcode/{{{SOAP12_NS}}}Value") == "wsse:InvalidSecurity"


async def test_schema_violation_is_client_fault_with_pointer(sandbox: SandboxServer) -> None:
    bad = f'<GetDeclarationStatusesRequest xmlns="{NS}"><EntryID>nope</EntryID></GetDeclarationStatusesRequest>'
    response = await post11(sandbox, envelope(SOAP11_NS, bad, username_token("silkgraph", "demo-secret", created=NOW)))
    assert fault_code(response) == "soap:Client"
    doc = etree.fromstring(response.content)
    assert doc.findtext(f".//{{{NS}}}ValidationCode") == "SCHEMA_VALIDATION"
    assert doc.findtext(f".//{{{NS}}}Pointer") == "/GetDeclarationStatusesRequest/EntryID"


async def test_malformed_envelope_is_client_fault(sandbox: SandboxServer) -> None:
    response = await post11(sandbox, b"<soap:Envelope xmlns:soap='x'><unclosed>")
    assert response.status_code == 500
    assert fault_code(response) == "soap:Client"
    assert "MALFORMED_ENVELOPE" in response.text


async def test_request_with_entities_is_refused_without_fetching(sandbox: SandboxServer) -> None:
    from tests.adapters.soap.kit import counting_server

    async with counting_server() as (hits, target):
        xxe = (
            f'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "{target.url}/xxe">]>'
            f'<soap:Envelope xmlns:soap="{SOAP11_NS}"><soap:Body>&x;</soap:Body></soap:Envelope>'
        ).encode()
        response = await post11(sandbox, xxe)
        assert "HOSTILE_XML" in response.text
        assert hits.total == 0


async def test_oversized_request_is_refused_before_parsing(sandbox: SandboxServer) -> None:
    huge = envelope(
        SOAP11_NS,
        f'<GetDeclarationStatusRequest xmlns="{NS}"><!--{"x" * 2_100_000}--></GetDeclarationStatusRequest>',
        None,
    )
    response = await post11(sandbox, huge)
    assert fault_code(response) == "soap:Client"
    assert "TOO_LARGE" in response.text


async def test_unknown_operation_is_client_fault(sandbox: SandboxServer) -> None:
    other = f'<CancelDeclarationRequest xmlns="{NS}"/>'
    response = await post11(
        sandbox, envelope(SOAP11_NS, other, username_token("silkgraph", "demo-secret", created=NOW))
    )
    assert fault_code(response) == "soap:Client"
    assert "UNKNOWN_OPERATION" in response.text


async def test_soap12_envelope_sent_as_text_xml_is_a_version_mismatch(sandbox: SandboxServer) -> None:
    response = await post11(sandbox, envelope(SOAP12_NS, STATUS, None))
    assert fault_code(response) == "soap:VersionMismatch"
