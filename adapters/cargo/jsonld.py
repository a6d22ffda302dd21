"""A small JSON-LD normaliser for ONE Record documents: compact IRIs in, full IRIs out.

ONE Record servers may send compacted JSON-LD (``"cargo:eventCode"`` with an ``@context``), or full IRIs
(``"https://onerecord.iata.org/ns/cargo#eventCode"``), codes as ``{"@id": ...}`` either prefixed or full, and
literals plain or as ``{"@value": ..., "@type": "xsd:dateTime"}``. :func:`normalise` rewrites every key, type
and ``@id`` to its full IRI using the document's own (inline) ``@context``, so readers (:class:`Node`) address
properties one way. A full JSON-LD processor (pyld) would also fetch remote contexts over the network and run
the expansion algorithm on every reply; ONE Record's vocabulary needs only prefix expansion and ``@vocab``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["API", "CARGO", "CONTEXT", "JsonLdError", "Node", "compact_iri", "expand_iri", "normalise"]

CARGO = "https://onerecord.iata.org/ns/cargo#"
API = "https://onerecord.iata.org/ns/api#"
CODE_LISTS = "https://onerecord.iata.org/ns/code-lists/"
XSD = "http://www.w3.org/2001/XMLSchema#"

#: The context ONE Record documents carry; also what the adapter assumes for prefixes with no context.
CONTEXT: dict[str, str] = {"cargo": CARGO, "api": API, "xsd": XSD}


class JsonLdError(ValueError):
    """A document that is not the JSON-LD ONE Record promises (names the problem and the place)."""


def _prefixes(context: Any, inherited: Mapping[str, str]) -> dict[str, str]:
    merged = dict(inherited)
    contexts = context if isinstance(context, list) else [context]
    for ctx in contexts:
        if ctx is None or isinstance(ctx, str):
            continue  # a remote context: ONE Record's own, whose prefixes are the defaults
        if not isinstance(ctx, Mapping):
            raise JsonLdError(f"@context must be an object, a URL or a list of them, not {type(ctx).__name__}")
        for term, value in ctx.items():
            target = value.get("@id") if isinstance(value, Mapping) else value
            if isinstance(target, str):
                merged[term] = expand_iri(target, merged) if term != "@vocab" else target
    return merged


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


def normalise(document: Any, prefixes: Mapping[str, str] = CONTEXT) -> Any:
    """Rewrite a JSON-LD value so every key, ``@type`` and ``@id`` is a full IRI; drops ``@context``."""
    if isinstance(document, list):
        return [normalise(item, prefixes) for item in document]
    if not isinstance(document, Mapping):
        return document
    scope = _prefixes(document["@context"], prefixes) if "@context" in document else dict(prefixes)
    out: dict[str, Any] = {}
    for key, value in document.items():
        if key == "@context":
            continue
        if not isinstance(key, str):
            raise JsonLdError(f"key {key!r} is not a string")
        full = expand_iri(key, scope)
        if full == "@type":
            types = value if isinstance(value, list) else [value]
            if not all(isinstance(t, str) for t in types):
                raise JsonLdError(f"@type must be IRIs, got {value!r}")
            out["@type"] = [expand_iri(t, scope) for t in types]
        elif full == "@id":
            if not isinstance(value, str):
                raise JsonLdError(f"@id must be an IRI string, got {value!r}")
            out["@id"] = expand_iri(value, scope)
        elif full == "@value":
            out["@value"] = value
        else:
            out[full] = normalise(value, scope)
    return out


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
