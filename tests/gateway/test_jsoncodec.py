"""The request path's JSON codec answers as the standard library does, for every input: a generator searches."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway import jsoncodec

#: scalars JSON carries, with the awkward ones: integers past 64 bits, lone surrogates, -0.0, huge exponents
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=12)
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)
#: JSON-ish text: fragments that parse, almost parse, or hit a difference between decoders
_fragments = st.sampled_from(
    [
        *['{"a":', "}", "[", "]", ",", "1", "-0", "1e400", "NaN", "Infinity", '"\\ud800"', '"x"', "null", " "],
        *["\ufeff", "18446744073709551616", "0.1", "tru", '"\\u00e9"', '"\x01"', "\n"],
    ]
)


def _same(a: Any, b: Any) -> bool:
    """Equal, with NaN equal to NaN and -0.0 told apart from 0.0 (the decoders must agree on both)."""
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(_values)
def test_decoding_any_json_document_gives_the_standard_librarys_values(value: Any) -> None:
    text = json.dumps(value)
    assert _same(jsoncodec.loads(text.encode()), json.loads(text))
    assert _same(jsoncodec.loads(text), json.loads(text))


@settings(max_examples=300, deadline=None)
@given(st.lists(_fragments, max_size=8).map("".join))
def test_any_text_is_accepted_or_refused_exactly_as_the_standard_library_does(text: str) -> None:
    body = text.encode("utf-8", "surrogatepass")  # bodies arrive as bytes (json.loads then allows a UTF-8 BOM)
    try:
        want: Any = json.loads(body)
    except ValueError:
        with pytest.raises(ValueError):
            jsoncodec.loads(body)
        return
    assert _same(jsoncodec.loads(body), want)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(_values)
def test_encoding_round_trips_compactly(value: Any) -> None:
    encoded = jsoncodec.dumps(value)
    assert _same(json.loads(encoded), value)
    assert _same(json.loads(jsoncodec.dumps_sorted(value)), json.loads(json.dumps(value, sort_keys=True)))


def test_output_is_compact_and_keeps_key_order_unless_sorted() -> None:
    value = {"b": [1, 2.5, None, True], "a": {"c": "é"}}
    assert jsoncodec.dumps(value) == '{"b":[1,2.5,null,true],"a":{"c":"é"}}'.encode()
    assert jsoncodec.dumps_sorted(value) == '{"a":{"c":"é"},"b":[1,2.5,null,true]}'.encode()


def test_values_json_has_no_type_for_are_written_as_text_and_big_integers_exactly() -> None:
    class Opaque:
        def __str__(self) -> str:
            return "opaque"

    assert jsoncodec.dumps({"x": Opaque(), "n": 2**70}) == b'{"x":"opaque","n":1180591620717411303424}'
    assert jsoncodec.loads(b"[1180591620717411303424]") == [2**70]
