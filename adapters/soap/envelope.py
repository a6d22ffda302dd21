"""SOAP 1.1 and 1.2 envelopes: recognise the version, take the envelope apart, render replies and faults.

Both versions share one shape (``Envelope`` → optional ``Header`` → ``Body`` → one payload element); they differ
in namespace, media type, where the action travels and how a fault is spelt:

=============  ====================================  ============================================
               SOAP 1.1                              SOAP 1.2
=============  ====================================  ============================================
namespace      http://schemas.xmlsoap.org/soap/      http://www.w3.org/2003/05/soap-envelope
               envelope/
media type     ``text/xml`` + ``SOAPAction`` header  ``application/soap+xml; action="..."``
fault codes    ``faultcode`` Client / Server         ``Code/Value`` Sender / Receiver + Subcode
fault status   HTTP 500                              HTTP 400 (Sender) / 500 (Receiver)
=============  ====================================  ============================================

A WS-Security fault (``wsse:InvalidSecurity``, ``wsse:FailedAuthentication``: no, stale, replayed or wrong
credentials) is answered with HTTP 401 in both versions, the fault envelope unchanged.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping

from lxml import etree

__all__ = [
    "SOAP11_NS",
    "SOAP12_NS",
    "WSSE_NS",
    "WSU_NS",
    "Envelope",
    "FaultKind",
    "SoapFault",
    "SoapVersion",
    "read_envelope",
    "render_fault",
    "render_reply",
]

SOAP11_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_NS = "http://www.w3.org/2003/05/soap-envelope"
WSSE_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"


class SoapVersion(enum.Enum):
    SOAP11 = SOAP11_NS
    SOAP12 = SOAP12_NS

    @property
    def namespace(self) -> str:
        return self.value

    @property
    def media_type(self) -> str:
        return "text/xml" if self is SoapVersion.SOAP11 else "application/soap+xml"


class FaultKind(enum.Enum):
    """Who is to blame: the sender (bad request, bad credentials) or the receiver (transient trouble)."""

    CLIENT = "Client"
    SERVER = "Server"

    def code(self, version: SoapVersion) -> str:
        if version is SoapVersion.SOAP11:
            return self.value
        return "Sender" if self is FaultKind.CLIENT else "Receiver"


@dataclasses.dataclass(frozen=True)
class SoapFault(Exception):
    """A fault a SOAP service answers with.

    ``subcode`` is an optional qualified code such as ``("wsse-ns", "FailedAuthentication")``: in SOAP 1.1 it
    replaces the ``faultcode`` (as WS-Security prescribes), in SOAP 1.2 it becomes the ``Subcode``. ``detail``
    holds simple ``name → text`` entries rendered into the fault's detail element (e.g. ValidationCode, Pointer).
    """

    kind: FaultKind
    message: str
    subcode: tuple[str, str] | None = None
    detail: Mapping[str, str] = dataclasses.field(default_factory=dict)
    detail_ns: str | None = None

    def __str__(self) -> str:
        return self.message


@dataclasses.dataclass(frozen=True)
class Envelope:
    version: SoapVersion
    header: etree._Element | None
    payload: etree._Element

    @property
    def operation(self) -> etree.QName:
        """The QName of the first Body child: what a document/literal service dispatches on."""
        return etree.QName(self.payload)


def read_envelope(root: etree._Element) -> Envelope:
    """Take a parsed SOAP envelope apart; raise a client :class:`SoapFault` if it is not one."""
    qname = etree.QName(root)
    try:
        version = SoapVersion(qname.namespace)
    except ValueError:
        raise SoapFault(
            FaultKind.CLIENT,
            f"root element {qname.text} is not a SOAP 1.1 or 1.2 Envelope",
            subcode=(SOAP11_NS, "VersionMismatch"),
        ) from None
    if qname.localname != "Envelope":
        raise SoapFault(FaultKind.CLIENT, f"root element is {qname.localname}, expected Envelope")
    ns = version.namespace
    header = root.find(f"{{{ns}}}Header")
    body = root.find(f"{{{ns}}}Body")
    if body is None:
        raise SoapFault(FaultKind.CLIENT, "SOAP Envelope has no Body")
    payload = next((child for child in body if isinstance(child.tag, str)), None)
    if payload is None:
        raise SoapFault(FaultKind.CLIENT, "SOAP Body is empty: expected one operation element")
    return Envelope(version=version, header=header, payload=payload)


def _envelope(version: SoapVersion, nsmap: Mapping[str, str] | None = None) -> tuple[etree._Element, etree._Element]:
    namespaces: dict[str, str] = {"soap": version.namespace, **dict(nsmap or {})}
    root = etree.Element(f"{{{version.namespace}}}Envelope", nsmap=namespaces)
    body = etree.SubElement(root, f"{{{version.namespace}}}Body")
    return root, body


def render_reply(version: SoapVersion, payload: etree._Element) -> bytes:
    """An envelope around ``payload`` (a response element built by the service)."""
    root, body = _envelope(version)
    body.append(payload)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))


def render_fault(version: SoapVersion, fault: SoapFault) -> tuple[int, bytes]:
    """The HTTP status and envelope bytes for ``fault`` in this SOAP version."""
    extra: dict[str, str] = {}
    if fault.subcode is not None:
        extra["wsse" if fault.subcode[0] == WSSE_NS else "sub"] = fault.subcode[0]
    root, body = _envelope(version, extra)
    soap = version.namespace
    element = etree.SubElement(body, f"{{{soap}}}Fault")
    prefix = "wsse" if fault.subcode and fault.subcode[0] == WSSE_NS else "sub"
    if version is SoapVersion.SOAP11:
        code = etree.SubElement(element, "faultcode")
        if fault.subcode is not None and fault.subcode[0] != SOAP11_NS:
            code.text = f"{prefix}:{fault.subcode[1]}"
        elif fault.subcode is not None:
            code.text = f"soap:{fault.subcode[1]}"
        else:
            code.text = f"soap:{fault.kind.code(version)}"
        etree.SubElement(element, "faultstring").text = fault.message
        if fault.detail:
            _detail(etree.SubElement(element, "detail"), fault)
        return _status(fault, 500), bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))
    code = etree.SubElement(element, f"{{{soap}}}Code")
    etree.SubElement(code, f"{{{soap}}}Value").text = f"soap:{fault.kind.code(version)}"
    if fault.subcode is not None and fault.subcode[0] != SOAP11_NS:
        sub = etree.SubElement(code, f"{{{soap}}}Subcode")
        etree.SubElement(sub, f"{{{soap}}}Value").text = f"{prefix}:{fault.subcode[1]}"
    reason = etree.SubElement(element, f"{{{soap}}}Reason")
    text = etree.SubElement(reason, f"{{{soap}}}Text")
    text.set("{http://www.w3.org/XML/1998/namespace}lang", "en")
    text.text = fault.message
    if fault.detail:
        _detail(etree.SubElement(element, f"{{{soap}}}Detail"), fault)
    return _status(fault, 400 if fault.kind is FaultKind.CLIENT else 500), bytes(
        etree.tostring(root, xml_declaration=True, encoding="utf-8")
    )


def _status(fault: SoapFault, default: int) -> int:
    """401 for a WS-Security fault (no, stale or wrong credentials): the caller is not authenticated."""
    return 401 if fault.subcode is not None and fault.subcode[0] == WSSE_NS else default


def _detail(parent: etree._Element, fault: SoapFault) -> None:
    ns = fault.detail_ns
    holder = etree.SubElement(parent, f"{{{ns}}}FaultDetail" if ns else "FaultDetail")
    for name, value in fault.detail.items():
        etree.SubElement(holder, f"{{{ns}}}{name}" if ns else name).text = value
