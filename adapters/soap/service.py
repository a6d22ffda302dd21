"""A hand-written SOAP service on Starlette + lxml, the shape both SOAP sandboxes share (domain.md §2.6).

One endpoint path serves

* ``GET <endpoint>?wsdl`` — the vendored WSDL, its ``soap:address`` and schema location rewritten to this server;
* ``GET <endpoint>?xsd`` — the XSD the WSDL imports;
* ``POST <endpoint>`` — SOAP 1.1 (``text/xml`` + ``SOAPAction``) or SOAP 1.2 (``application/soap+xml``).

A request is parsed safely (:mod:`adapters.soap.parsing`), authenticated with a WS-Security UsernameToken,
dispatched on the QName of the first Body child, validated against the XSD, then handed to a plain synchronous
handler that returns the response element or raises :class:`~adapters.soap.envelope.SoapFault`.

``calls`` counts operations served (tests prove batching with it); ``switches`` holds the sandbox's own fault
switches (malformed replies, transient ``soap:Server`` faults per operation), changeable at run time.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import functools
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import xmlschema
from lxml import etree
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from adapters.soap.envelope import (
    SOAP11_NS,
    FaultKind,
    SoapFault,
    SoapVersion,
    read_envelope,
    render_fault,
    render_reply,
)
from adapters.soap.parsing import DEFAULT_MAX_BYTES, HostileXML, UnsafeXML, parse_document
from adapters.soap.wssecurity import UsernameTokenVerifier

__all__ = ["DEFAULT_PASSWORD", "DEFAULT_USER", "Call", "Handler", "SoapService", "SoapSwitches", "validation_fault"]

_log = logging.getLogger(__name__)

DEFAULT_USER = "silkgraph"
DEFAULT_PASSWORD = "demo-secret"  # demo sandbox credential, not a secret of any real system
_WSDL = "http://schemas.xmlsoap.org/wsdl/"
_XSD = "http://www.w3.org/2001/XMLSchema"


@dataclasses.dataclass(frozen=True)
class Call:
    """One authenticated, schema-valid operation call."""

    operation: str
    payload: etree._Element
    version: SoapVersion
    username: str
    #: X-Agency-Id of a partner agency (tenancy), or None for platform users
    agency: str | None


Handler = Callable[[Call], etree._Element]


@dataclasses.dataclass
class SoapSwitches:
    """The sandbox's own fault switches (beside the shared :class:`~gateway.sdk.sandbox.FaultConfig`)."""

    #: answer every call with an envelope that is not well-formed XML
    malformed_reply: bool = False
    #: operations (local names) that answer with a transient ``soap:Server`` fault
    server_fault: frozenset[str] = frozenset()

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> SoapSwitches:
        return cls(
            malformed_reply=bool(options.get("malformed_reply", False)),
            server_fault=frozenset(options.get("server_fault", ())),
        )


class SoapService:
    """The SOAP endpoint of one sandbox. Build with the vendored WSDL/XSD and one handler per operation."""

    def __init__(
        self,
        *,
        endpoint: str,
        wsdl: Path,
        xsd: Path,
        namespace: str,
        #: operation name (the request element's local name without ``Request``) → handler
        handlers: Mapping[str, Handler],
        options: Mapping[str, Any],
    ) -> None:
        self.endpoint = endpoint
        self.namespace = namespace
        self.handlers = dict(handlers)
        self.calls: collections.Counter[str] = collections.Counter()
        self.switches = SoapSwitches.from_options(options)
        self.max_bytes = int(options.get("max_request_bytes", DEFAULT_MAX_BYTES))
        clock: Callable[[], dt.datetime] | None = options.get("clock")
        users = options.get("users") or {
            str(options.get("username", DEFAULT_USER)): str(options.get("password", DEFAULT_PASSWORD))
        }
        self.verifier = UsernameTokenVerifier(users, clock=clock)
        self._wsdl = etree.parse(str(wsdl), parser=etree.XMLParser(resolve_entities=False, no_network=True))
        self._xsd_bytes = xsd.read_bytes()
        self._schema = _schema(str(xsd))

    def app(self) -> Starlette:
        app = Starlette(routes=[Route(self.endpoint, self._handle, methods=["GET", "POST"])])
        app.state.soap = self
        return app

    # -- documents ----------------------------------------------------------------------------------------
    def wsdl_for(self, base_url: str) -> bytes:
        """The WSDL with the endpoint address and the XSD location pointing at ``base_url``."""
        doc = etree.fromstring(etree.tostring(self._wsdl))
        endpoint = base_url.rstrip("/") + self.endpoint
        for address in doc.iter(
            "{http://schemas.xmlsoap.org/wsdl/soap/}address", "{http://schemas.xmlsoap.org/wsdl/soap12/}address"
        ):
            address.set("location", endpoint)
        for imported in doc.iter(f"{{{_XSD}}}import"):
            if imported.get("schemaLocation"):
                imported.set("schemaLocation", endpoint + "?xsd")
        return bytes(etree.tostring(doc, xml_declaration=True, encoding="utf-8"))

    async def _handle(self, request: Request) -> Response:
        if request.method == "GET":
            if "wsdl" in request.query_params:
                return Response(self.wsdl_for(str(request.base_url)), media_type="text/xml")
            if "xsd" in request.query_params:
                return Response(self._xsd_bytes, media_type="text/xml")
            return Response("GET ?wsdl for the service description, POST SOAP envelopes", status_code=405)
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        version = SoapVersion.SOAP12 if media == "application/soap+xml" else SoapVersion.SOAP11
        if media not in ("text/xml", "application/soap+xml"):
            return self._fault(
                version, SoapFault(FaultKind.CLIENT, f"content type {media!r} is not text/xml or application/soap+xml")
            )
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            return self._fault(
                version, self._client(f"request of {declared} bytes exceeds {self.max_bytes} bytes", "TOO_LARGE")
            )
        body = await request.body()
        try:
            reply = self.dispatch(body, version, agency=request.headers.get("x-agency-id") or None)
        except SoapFault as fault:
            return self._fault(version, fault)
        except Exception:  # a sandbox bug still answers in SOAP, as a legacy system would
            _log.exception("SOAP handler failed")
            return self._fault(version, SoapFault(FaultKind.SERVER, "internal error in the service"))
        if self.switches.malformed_reply:
            return Response(b"<soap:Envelope><soap:Body><broken", media_type=version.media_type)
        return Response(reply, media_type=version.media_type)

    def _fault(self, version: SoapVersion, fault: SoapFault) -> Response:
        status, content = render_fault(version, fault)
        return Response(content, status_code=status, media_type=version.media_type)

    # -- the SOAP pipeline --------------------------------------------------------------------------------
    def dispatch(self, body: bytes, version: SoapVersion, *, agency: str | None) -> bytes:
        try:
            root = parse_document(body, max_bytes=self.max_bytes)
        except HostileXML as exc:
            raise self._client(f"request refused: {exc}", "HOSTILE_XML") from None
        except UnsafeXML as exc:
            raise self._client(f"malformed SOAP envelope: {exc}", "MALFORMED_ENVELOPE") from None
        envelope = read_envelope(root)
        if envelope.version is not version:
            raise SoapFault(
                FaultKind.CLIENT,
                f"{envelope.version.name} envelope sent as {version.media_type}: use "
                f"{envelope.version.media_type} for this envelope",
                subcode=(SOAP11_NS, "VersionMismatch"),
            )
        username = self.verifier.verify(envelope.header)
        qname = envelope.operation
        operation = qname.localname.removesuffix("Request")
        handler = self.handlers.get(operation) if qname.namespace == self.namespace else None
        if handler is None:
            raise self._client(f"unknown operation {qname.text}: see the WSDL (GET ?wsdl)", "UNKNOWN_OPERATION")
        self.calls[operation] += 1
        self._validate(envelope.payload)
        if operation in self.switches.server_fault:
            raise SoapFault(FaultKind.SERVER, f"{operation} is temporarily unavailable; retry later")
        call = Call(operation=operation, payload=envelope.payload, version=version, username=username, agency=agency)
        return render_reply(version, handler(call))

    def _validate(self, payload: etree._Element) -> None:
        error = next(iter(self._schema.iter_errors(payload)), None)
        if error is not None:
            reason = error.reason or str(error.message)
            raise self._client(f"request does not match the schema: {reason}", "SCHEMA_VALIDATION", error.path or "/")

    def _client(self, message: str, code: str, pointer: str | None = None) -> SoapFault:
        detail = {"ValidationCode": code}
        if pointer is not None:
            detail["Pointer"] = pointer
        return SoapFault(FaultKind.CLIENT, message, detail=detail, detail_ns=self.namespace)


@functools.cache
def _schema(path: str) -> xmlschema.XMLSchema:
    """The compiled XSD (immutable once built, so shared by every sandbox instance of this process)."""
    return xmlschema.XMLSchema(path, allow="local", defuse="always")


def validation_fault(namespace: str, message: str, code: str, pointer: str) -> SoapFault:
    """A ``soap:Client`` fault with ``ValidationCode`` and ``Pointer`` in its detail (business rule failures)."""
    return SoapFault(
        FaultKind.CLIENT, message, detail={"ValidationCode": code, "Pointer": pointer}, detail_ns=namespace
    )
