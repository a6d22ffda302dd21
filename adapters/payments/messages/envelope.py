"""The rail's wire format: one XML document holding a Business Application Header and a message.

::

    <Message xmlns="urn:silkgraph:payments-rail:envelope:1">
      <AppHdr xmlns="urn:iso:std:iso:20022:tech:xsd:head.001.001.02"> Fr, To, BizMsgIdr, MsgDefIdr, CreDt ... </AppHdr>
      <Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"> ... </Document>
    </Message>

The header and most Documents are bound to the kept ISO 20022 dataclasses (``pyiso20022``, xsdata) and checked
against the schema facets (:mod:`.facets`); the versions pyiso20022 lacks (the recall pair, camt.056.001.12 and
camt.029.001.14) are encoded and decoded by their official XSD itself (:mod:`.official`), their Document being a
dict. ``MsgDefIdr`` must name the Document's namespace. All XML is parsed with entity
resolution, DTDs and network access off, and huge trees refused.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

from lxml import etree
from pyiso20022.camt.camt_053_001_08 import camt_053_001_08 as camt053
from pyiso20022.camt.camt_054_001_08 import camt_054_001_08 as camt054
from pyiso20022.head.head_001_001_02 import head_001_001_02 as head
from pyiso20022.pacs.pacs_002_001_10 import pacs_002_001_10 as pacs002
from pyiso20022.pacs.pacs_004_001_09 import pacs_004_001_09 as pacs004
from pyiso20022.pacs.pacs_008_001_08 import pacs_008_001_08 as pacs008
from pyiso20022.pacs.pacs_028_001_03 import pacs_028_001_03 as pacs028
from xsdata.exceptions import ParserError
from xsdata.formats.dataclass.parsers import XmlParser
from xsdata.formats.dataclass.parsers.config import ParserConfig
from xsdata.formats.dataclass.serializers import XmlSerializer
from xsdata.formats.dataclass.serializers.config import SerializerConfig
from xsdata.models.datatype import XmlDateTime

from adapters.payments.messages import official
from adapters.payments.messages.facets import FacetViolation, check_facets

__all__ = [
    "ENVELOPE_NS",
    "HEAD_NS",
    "MESSAGE_TYPES",
    "InvalidMessage",
    "Message",
    "iso_ns",
    "parse_message",
    "read_datetime",
    "render_message",
    "safe_parser",
    "xml_datetime",
]

ENVELOPE_NS = "urn:silkgraph:payments-rail:envelope:1"
HEAD_DEF = "head.001.001.02"
HEAD_NS = f"urn:iso:std:iso:20022:tech:xsd:{HEAD_DEF}"

#: Message definitions the rail speaks with bound ``Document`` classes, by ``MsgDefIdr`` (the others it speaks
#: are in :data:`.official.OFFICIAL_XSD`).
MESSAGE_TYPES: dict[str, type[Any]] = {
    "pacs.008.001.08": pacs008.Document,
    "pacs.002.001.10": pacs002.Document,
    "pacs.028.001.03": pacs028.Document,
    "pacs.004.001.09": pacs004.Document,
    "camt.053.001.08": camt053.Document,
    "camt.054.001.08": camt054.Document,
}

_MAX_BYTES = 1_000_000


class InvalidMessage(ValueError):
    """The bytes are not a well-formed, schema-valid rail message. ``msg_id`` if it could be read."""

    def __init__(self, reason: str, *, msg_id: str | None = None, msg_def: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.msg_id = msg_id
        self.msg_def = msg_def


def iso_ns(msg_def: str) -> str:
    return f"urn:iso:std:iso:20022:tech:xsd:{msg_def}"


def safe_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def xml_datetime(value: dt.datetime) -> XmlDateTime:
    return XmlDateTime.from_datetime(value.astimezone(dt.UTC).replace(microsecond=(value.microsecond // 1000) * 1000))


def read_datetime(text: str, where: str) -> dt.datetime:
    """An ISODateTime as read from a message (naive if it carries no offset)."""
    try:
        return XmlDateTime.from_string(text).to_datetime()
    except ValueError:
        raise InvalidMessage(f"{where}: {text!r} is not an ISO date-time this rail can read") from None


@dataclasses.dataclass(frozen=True, kw_only=True)
class Message:
    """A parsed envelope: the header fields that matter, the bound Document, and its canonical bytes."""

    sender_bic: str
    receiver_bic: str
    biz_msg_id: str
    msg_def: str
    created: dt.datetime
    possible_duplicate: bool
    #: the bound Document; a dict for the messages in :data:`.official.OFFICIAL_XSD`
    document: Any
    #: exclusive C14N of the Document as received: equal payloads give equal bytes (duplicate checks)
    canonical: bytes


_PARSER = XmlParser(
    config=ParserConfig(
        fail_on_unknown_properties=True,
        fail_on_unknown_attributes=True,
        fail_on_converter_warnings=True,
    )
)
_SERIALIZER = XmlSerializer(config=SerializerConfig(xml_declaration=False, encoding="UTF-8"))


def _tags(element: etree._Element) -> list[str]:
    return [str(e.tag) for e in element.iter() if isinstance(e.tag, str)]


def _check_order(obj: Any, received: list[str], ns: str, what: str) -> None:
    """The schema's sequences fix element order: re-serializing the bound object gives that order."""
    rendered = _tags(etree.fromstring(_SERIALIZER.render(obj, ns_map={None: ns}).encode(), safe_parser()))
    if rendered != received:
        at = next((i for i, (a, b) in enumerate(zip(received, rendered, strict=False)) if a != b), len(rendered))
        name = etree.QName(received[at]).localname if at < len(received) else "end of document"
        raise InvalidMessage(f"{what}: element {name} is out of schema order (position {at})")


def _bind(element: etree._Element, cls: type[Any], what: str, ns: str) -> Any:
    received = _tags(element)  # before binding: xsdata clears the elements it consumes
    try:
        obj = _PARSER.parse(element, cls)
        check_facets(obj)
    except FacetViolation as exc:
        raise InvalidMessage(f"{what}: {exc}") from None
    except (ParserError, TypeError, ValueError) as exc:
        detail = re.sub(r"\{[^}]*\}", "", str(exc)).replace("\n", " ")
        raise InvalidMessage(f"{what} does not match the schema: {detail}") from None
    _check_order(obj, received, ns, what)
    return obj


def _bic(party: Any) -> str:
    fiid = getattr(party, "fiid", None)
    bic = fiid.fin_instn_id.bicfi if fiid is not None else None
    if not bic:
        raise InvalidMessage("AppHdr Fr/To must identify a financial institution by BICFI")
    return str(bic)


def parse_message(data: bytes, *, expect: str | None = None) -> Message:
    """Parse and validate one envelope. ``expect`` is the required ``MsgDefIdr``, if any."""
    if len(data) > _MAX_BYTES:
        raise InvalidMessage(f"message larger than {_MAX_BYTES} bytes")
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise InvalidMessage(f"not well-formed XML: {exc}") from None
    if root.tag != f"{{{ENVELOPE_NS}}}Message":
        raise InvalidMessage(f"root element must be {{{ENVELOPE_NS}}}Message, got {root.tag}")
    children = [c for c in root if isinstance(c.tag, str)]
    if (
        len(children) != 2
        or children[0].tag != f"{{{HEAD_NS}}}AppHdr"
        or etree.QName(children[1]).localname != "Document"
    ):
        raise InvalidMessage("Message must hold exactly an AppHdr (head.001.001.02) followed by a Document")
    hdr = _bind(children[0], head.AppHdr, "AppHdr", HEAD_NS)
    msg_def = str(hdr.msg_def_idr)
    msg_id = str(hdr.biz_msg_idr)
    cls = MESSAGE_TYPES.get(msg_def)
    if cls is None and msg_def not in official.OFFICIAL_XSD:
        spoken = ", ".join(sorted([*MESSAGE_TYPES, *official.OFFICIAL_XSD]))
        raise InvalidMessage(f"unsupported MsgDefIdr {msg_def!r} (the rail speaks {spoken})", msg_id=msg_id)
    if expect is not None and msg_def != expect:
        raise InvalidMessage(f"expected {expect}, got {msg_def}", msg_id=msg_id, msg_def=msg_def)
    if children[1].tag != f"{{{iso_ns(msg_def)}}}Document":
        raise InvalidMessage(f"Document namespace must be {iso_ns(msg_def)}", msg_id=msg_id, msg_def=msg_def)
    # canonical form first: binding consumes (clears) the parsed elements
    canonical = etree.tostring(children[1], method="c14n", exclusive=True, with_comments=False)
    try:
        document = (
            official.decode(msg_def, children[1]) if cls is None else _bind(children[1], cls, msg_def, iso_ns(msg_def))
        )
    except (InvalidMessage, official.SchemaViolation) as exc:
        raise InvalidMessage(str(exc), msg_id=msg_id, msg_def=msg_def) from None
    return Message(
        sender_bic=_bic(hdr.fr),
        receiver_bic=_bic(hdr.to),
        biz_msg_id=msg_id,
        msg_def=msg_def,
        created=hdr.cre_dt.to_datetime(),
        possible_duplicate=bool(hdr.pssbl_dplct),
        document=document,
        canonical=canonical,
    )


def _fiid(bic: str) -> Any:
    return head.Party44Choice(
        fiid=head.BranchAndFinancialInstitutionIdentification6(
            fin_instn_id=head.FinancialInstitutionIdentification18(bicfi=bic)
        )
    )


def render_message(
    document: Any,
    *,
    msg_def: str,
    sender_bic: str,
    receiver_bic: str,
    biz_msg_id: str,
    created: dt.datetime,
    possible_duplicate: bool = False,
) -> bytes:
    """Serialize a Document with its header into an envelope (UTF-8 bytes).

    ``document`` is a bound dataclass, or for the messages in :data:`.official.OFFICIAL_XSD` a dict encoded by
    their official XSD (:class:`.official.SchemaViolation` if it is not valid).
    """
    hdr = head.AppHdr(
        fr=_fiid(sender_bic),
        to=_fiid(receiver_bic),
        biz_msg_idr=biz_msg_id,
        msg_def_idr=msg_def,
        cre_dt=xml_datetime(created),
        pssbl_dplct=True if possible_duplicate else None,
    )
    root = etree.Element(f"{{{ENVELOPE_NS}}}Message", nsmap={None: ENVELOPE_NS})  # type: ignore[dict-item]
    root.append(etree.fromstring(_SERIALIZER.render(hdr, ns_map={None: HEAD_NS}).encode(), safe_parser()))
    if msg_def in official.OFFICIAL_XSD:
        root.append(official.encode(msg_def, document))
    else:
        rendered = _SERIALIZER.render(document, ns_map={None: iso_ns(msg_def)})
        root.append(etree.fromstring(rendered.encode(), safe_parser()))
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
