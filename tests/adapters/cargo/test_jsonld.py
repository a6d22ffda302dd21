"""The JSON-LD normaliser: prefixed and full IRIs read the same."""

from __future__ import annotations

import pytest

from adapters.cargo.jsonld import CARGO, JsonLdError, Node, compact_iri, expand_iri, normalise

PREFIXED = {
    "@context": {"cargo": CARGO, "code": "https://onerecord.iata.org/ns/code-lists/"},
    "@type": "cargo:LogisticsEvent",
    "cargo:eventCode": {"@id": "code:StatusCode#DEP"},
    "cargo:eventDate": {"@type": "xsd:dateTime", "@value": "2026-11-04T10:30:00+08:00"},
}
FULL = {
    "@type": [CARGO + "LogisticsEvent"],
    CARGO + "eventCode": {"@id": "https://onerecord.iata.org/ns/code-lists/StatusCode#DEP"},
    CARGO + "eventDate": "2026-11-04T10:30:00+08:00",
}


@pytest.mark.parametrize("document", [PREFIXED, FULL], ids=["prefixed", "full"])
def test_prefixed_and_full_iris_read_the_same(document: dict[str, object]) -> None:
    node = Node(normalise(document))
    assert node.is_a("cargo:LogisticsEvent")
    assert node.text("cargo:eventCode") == "https://onerecord.iata.org/ns/code-lists/StatusCode#DEP"
    assert node.text("cargo:eventDate") == "2026-11-04T10:30:00+08:00"


def test_vocab_expands_bare_terms() -> None:
    node = Node(normalise({"@context": {"@vocab": CARGO}, "@type": "Waybill", "waybillNumber": "12345675"}))
    assert node.is_a("cargo:Waybill")
    assert node.text("cargo:waybillNumber") == "12345675"


def test_nested_context_and_json_ld_lists_are_followed() -> None:
    doc = {
        "@context": [{"c": CARGO}],
        "c:pieces": {"@list": [{"@id": "p1", "@context": {"x": CARGO}, "x:grossWeight": "1"}, {"@id": "p2"}]},
    }
    pieces = Node(normalise(doc)).nodes("cargo:pieces")
    assert [p.id for p in pieces] == ["p1", "p2"]
    assert pieces[0].text("cargo:grossWeight") == "1"


def test_iris_compact_back_to_prefixes() -> None:
    assert compact_iri(expand_iri("api:Notification")) == "api:Notification"
    assert expand_iri("https://example.com/x") == "https://example.com/x"


@pytest.mark.parametrize(
    "bad",
    [{"@type": 3}, {"@id": ["a"]}, {"@context": 7, "x": 1}],
    ids=["type-not-iri", "id-not-string", "context-not-object"],
)
def test_malformed_json_ld_is_named(bad: dict[str, object]) -> None:
    with pytest.raises(JsonLdError):
        normalise(bad)


def test_required_property_missing_is_named() -> None:
    with pytest.raises(JsonLdError, match="waybillNumber"):
        Node(normalise({"@type": "cargo:Waybill"})).require("cargo:waybillNumber")


@pytest.mark.parametrize(
    "context",
    [
        "https://onerecord.iata.org/ns/cargo/context.jsonld",
        "http://127.0.0.1:9/context.jsonld",
        ["https://example.com/ctx.jsonld", {"cargo": CARGO}],
    ],
)
def test_remote_contexts_are_refused_without_touching_the_network(context: object) -> None:
    with pytest.raises(JsonLdError, match=r"remote JSON-LD context .* refused"):
        normalise({"@context": context, "@type": "cargo:Waybill"})
