"""Safe XML parsing for SOAP traffic in both directions.

Every SOAP document Silkgraph reads — a request reaching a sandbox, a reply reaching an adapter — goes through
:func:`parse_document` first. It refuses, before any element is looked at:

* documents larger than ``max_bytes``;
* any document type declaration (``<!DOCTYPE``): that closes XXE, billion laughs and external DTD fetches at once;
* nesting deeper than ``max_depth`` (libxml2 stops at 256 only; SOAP messages here are a dozen levels deep);
* anything that is not well-formed XML.

The parser never resolves entities, never touches the network and never loads a DTD, whatever the input says.
"""

from __future__ import annotations

from lxml import etree

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_DEPTH",
    "HostileXML",
    "MalformedXML",
    "UnsafeXML",
    "parse_document",
    "safe_parser",
]

DEFAULT_MAX_BYTES = 2_000_000
DEFAULT_MAX_DEPTH = 64


class UnsafeXML(ValueError):
    """A document this module refuses to process. ``reason`` is a stable short code."""

    reason = "unsafe"


class MalformedXML(UnsafeXML):
    """Not well-formed XML (or empty)."""

    reason = "malformed"


class HostileXML(UnsafeXML):
    """Well-formed but dangerous: a DTD/entity declaration, too deep, or too large."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def safe_parser() -> etree.XMLParser:
    """An lxml parser that resolves nothing and fetches nothing; keep ``huge_tree`` off (libxml2's own limits)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_document(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> etree._Element:
    """Parse ``data`` with :func:`safe_parser` and the limits above; return the root element."""
    if len(data) > max_bytes:
        raise HostileXML(f"XML document of {len(data)} bytes exceeds the limit of {max_bytes} bytes", reason="size")
    if not data.strip():
        raise MalformedXML("empty XML document")
    # A DOCTYPE can only appear in the prolog; refusing it before parsing means no entity is ever declared.
    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data.upper():
        raise HostileXML("XML document declares a DTD or entities, which SOAP forbids", reason="dtd")
    try:
        root = etree.fromstring(data, parser=safe_parser())
    except etree.XMLSyntaxError as exc:
        raise MalformedXML(f"not well-formed XML: {exc.msg}") from None
    tree = root.getroottree()
    if getattr(tree.docinfo, "doctype", "") or tree.docinfo.internalDTD is not None:
        raise HostileXML("XML document declares a DTD, which SOAP forbids", reason="dtd")
    depth = _depth(root, max_depth)
    if depth > max_depth:
        raise HostileXML(f"XML document nests deeper than {max_depth} levels", reason="depth")
    return root


def _depth(root: etree._Element, limit: int) -> int:
    """Deepest element level under ``root`` (1 = root), stopping early once past ``limit``."""
    deepest = 1
    stack: list[tuple[etree._Element, int]] = [(root, 1)]
    while stack:
        node, level = stack.pop()
        if level > deepest:
            deepest = level
            if deepest > limit:
                return deepest
        stack.extend((child, level + 1) for child in node if isinstance(child.tag, str))
    return deepest
