"""JSON-LD for ONE Record documents, expanded by the kept processor (pyld): every key, type and ``@id`` a full IRI.

ONE Record servers may send compacted JSON-LD (``"cargo:eventCode"`` with an ``@context``), or full IRIs
(``"https://onerecord.iata.org/ns/cargo#eventCode"``), codes as ``{"@id": ...}`` either prefixed or full, and
literals plain or as ``{"@value": ..., "@type": "xsd:dateTime"}``. :func:`normalise` runs the JSON-LD 1.1
expansion algorithm (``pyld.jsonld.expand``) with the ONE Record prefixes as the initial context, so readers
(:class:`Node`) address properties one way. It never touches the network: its document loader refuses every
remote context (a document must carry its ``@context`` inline), so a hostile reply cannot make the adapter
fetch a URL.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pyld import jsonld

__all__ = ["API", "CARGO", "CONTEXT", "JsonLdError", "Node", "compact_iri", "expand_iri", "normalise"]

CARGO = "https://onerecord.iata.org/ns/cargo#"
API = "https://onerecord.iata.org/ns/api#"
CODE_LISTS = "https://onerecord.iata.org/ns/code-lists/"
XSD = "http://www.w3.org/2001/XMLSchema#"

#: The context ONE Record documents carry; also what the adapter assumes for prefixes with no context.
CONTEXT: dict[str, str] = {"cargo": CARGO, "api": API, "xsd": XSD}


class JsonLdError(ValueError):
    """A document that is not the JSON-LD ONE Record promises (names the problem and the place)."""


def expand_iri(term: str, prefixes: Mapping[str, str] = CONTEXT) -> str:
    """``cargo:Shipment`` → ``https://onerecord.iata.org/ns/cargo#Shipment``; full IRIs and keywords unchanged."""
    if term.startswith("@") or "://" in term:
        return term
    prefix, sep, local = term.partition(":")
    if sep and prefix in prefixes:
        return prefixes[prefix] + local
    if not sep and term in prefixes:
        return prefixes[term]
    if not sep and "@vocab" in prefixes:
        return prefixes["@vocab"] + term
    return term


def compact_iri(iri: str, prefixes: Mapping[str, str] = CONTEXT) -> str:
    for prefix, base in prefixes.items():
        if iri.startswith(base) and len(iri) > len(base):
            return f"{prefix}:{iri[len(base) :]}"
    return iri


def _refuse_remote_context(url: str, options: Any = None) -> Any:
    raise jsonld.JsonLdError(
        f"remote JSON-LD context {url!r} refused: the document must carry its @context inline",
        "jsonld.LoadDocumentError",
        {"url": url},
        code="loading remote context failed",
    )


def _reason(exc: BaseException) -> str:
    """The innermost message of pyld's chained errors (the loader's refusal, or what was invalid)."""
    while exc.__cause__ is not None or exc.__context__ is not None:
        inner = exc.__cause__ or exc.__context__
        assert inner is not None
        exc = inner
    return str(exc.args[0]) if exc.args else type(exc).__name__


def normalise(document: Any, prefixes: Mapping[str, str] = CONTEXT) -> Any:
    """Expand a JSON-LD document (pyld, offline): a node object for an object, a list of them for a list.

    Values come back in expanded form: every property holds a list of ``{"@value": ...}``, ``{"@id": ...}``,
    nested nodes or ``{"@list": [...]}``; ``@type`` is a list of IRIs; ``@context`` is gone.
    """
    try:
        expanded = jsonld.expand(
            document, {"base": None, "expandContext": dict(prefixes), "documentLoader": _refuse_remote_context}
        )
    except jsonld.JsonLdError as exc:
        raise JsonLdError(f"not valid JSON-LD: {_reason(exc)}") from None
    if isinstance(document, Mapping) and "@graph" not in document:
        return expanded[0] if expanded else {}
    return expanded


class Node:
    """Read access to one normalised JSON-LD node; properties are named compactly (``"cargo:pieces"``)."""

    __slots__ = ("data",)

    def __init__(self, data: Any) -> None:
        if not isinstance(data, Mapping):
            raise JsonLdError(f"expected a JSON-LD node (an object), got {type(data).__name__}")
        self.data: Mapping[str, Any] = data

    def __repr__(self) -> str:
        return f"<Node {self.id or '(blank)'} {self.types}>"

    @property
    def id(self) -> str | None:
        value = self.data.get("@id")
        return value if isinstance(value, str) else None

    @property
    def types(self) -> list[str]:
        value = self.data.get("@type", [])
        return list(value) if isinstance(value, list) else [value]

    def is_a(self, term: str) -> bool:
        return expand_iri(term) in self.types

    def values(self, prop: str) -> Iterator[Any]:
        value = self.data.get(expand_iri(prop))
        if value is None:
            return
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, Mapping) and "@list" in item:
                yield from item["@list"]
            else:
                yield item

    def nodes(self, prop: str) -> list[Node]:
        return [Node(v) for v in self.values(prop) if isinstance(v, Mapping) and "@value" not in v]

    def node(self, prop: str) -> Node | None:
        found = self.nodes(prop)
        return found[0] if found else None

    def text(self, prop: str, default: str | None = None) -> str | None:
        """A literal's lexical value (plain or ``{"@value": ...}``), or an ``@id`` for IRI-valued codes."""
        for value in self.values(prop):
            if isinstance(value, Mapping):
                inner = value.get("@value", value.get("@id"))
                if inner is not None:
                    return str(inner)
            elif value is not None:
                return str(value)
        return default

    def require(self, prop: str) -> str:
        value = self.text(prop)
        if value is None or value == "":
            raise JsonLdError(f"{self!r} has no {prop}")
        return value
