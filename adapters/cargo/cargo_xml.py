"""Cargo-XML plumbing shared by XFWB and XFSU: namespaces, the safe parser, element helpers.

Every document is parsed with entity resolution, DTD loading and network access off, so a hostile reply cannot
expand entities or make the adapter fetch anything.
"""

from __future__ import annotations

from lxml import etree

__all__ = [
    "BATCH",
    "RAM",
    "RSM_FSU",
    "RSM_FWB",
    "UDT",
    "CargoXmlError",
    "add",
    "find_text",
    "parse",
    "q",
    "to_bytes",
]

RSM_FSU = "iata:statusmessage:1"
RSM_FWB = "iata:waybill:1"
RAM = "iata:datamodel:3"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:8"
#: The sandbox airline's batch envelope (several messages in one HTTP reply); not an IATA message.
BATCH = "urn:silkgraph:sandbox:cargo-xml:1"

NSMAP_FSU = {"rsm": RSM_FSU, "ram": RAM, "udt": UDT}
NSMAP_FWB = {"rsm": RSM_FWB, "ram": RAM, "udt": UDT}
_PATHS = {"ram": RAM}


class CargoXmlError(ValueError):
    """A Cargo-XML document the adapter cannot read; names the element or the parse error."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse(data: bytes) -> etree._Element:
    try:
        return etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise CargoXmlError(f"not well-formed XML: {exc}") from None


def q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def add(parent: etree._Element, path: str, text: str | None = None, **attrs: str) -> etree._Element:
    """Append ``ram:A/ram:B`` (creating each step) and set the last one's text and attributes."""
    node = parent
    for step in path.split("/"):
        prefix, _, name = step.partition(":")
        node = etree.SubElement(node, q(RAM if prefix == "ram" else prefix, name))
    if text is not None:
        node.text = text
    for key, value in attrs.items():
        node.set(key, value)
    return node


def find_text(node: etree._Element, path: str, *, required: bool = False) -> str | None:
    """Text at a ``ram:``-prefixed path below ``node``; ``CargoXmlError`` if required and missing."""
    found = node.find(path, _PATHS)
    value = found.text.strip() if found is not None and found.text else None
    if required and not value:
        raise CargoXmlError(f"{etree.QName(node).localname} has no {path}")
    return value


def to_bytes(node: etree._Element) -> bytes:
    return bytes(etree.tostring(node, xml_declaration=True, encoding="UTF-8"))
