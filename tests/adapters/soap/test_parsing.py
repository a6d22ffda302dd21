"""Safe parsing refuses every hostile shape before an element is used."""

from __future__ import annotations

import pytest

from adapters.soap.parsing import HostileXML, MalformedXML, parse_document


def test_plain_document_parses() -> None:
    root = parse_document(b"<a><b>text</b></a>")
    assert root.findtext("b") == "text"


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        (b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>', "dtd"),
        (b'<!DOCTYPE a SYSTEM "http://127.0.0.1:9/a.dtd"><a/>', "dtd"),
        (b"<!-- " + b"pad" * 2000 + b' --><!DOCTYPE a [<!ENTITY y "z">]><a>&y;</a>', "dtd"),
        (b"<a>" * 65 + b"</a>" * 65, "depth"),
        (b"<a>" + b"x" * 100 + b"</a>", "size"),
    ],
    ids=["xxe", "external-dtd", "late-doctype", "too-deep", "too-large"],
)
def test_hostile_documents_are_refused(document: bytes, reason: str) -> None:
    with pytest.raises(HostileXML) as caught:
        parse_document(document, max_bytes=len(document) if reason != "size" else 50)
    assert caught.value.reason == reason


@pytest.mark.parametrize("document", [b"", b"   ", b"<a>", b"not xml"], ids=["empty", "blank", "unclosed", "text"])
def test_malformed_documents_are_refused(document: bytes) -> None:
    with pytest.raises(MalformedXML):
        parse_document(document)


def test_depth_limit_is_inclusive() -> None:
    assert parse_document(b"<a>" * 64 + b"</a>" * 64, max_depth=64) is not None
