"""The fast canonical encoder gives exactly the RFC 8785 bytes."""

from __future__ import annotations

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.audit.store import canonical_json

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
    max_leaves=20,
)


@pytest.mark.slow
@settings(max_examples=500, deadline=None)
@given(JSON)
def test_canonical_json_is_rfc8785(value: object) -> None:
    assert canonical_json(value) == rfc8785.dumps(value)


def test_values_python_prints_differently_take_the_rfc8785_path() -> None:
    for value in (184.0, 1e21, 1e-7, -0.0, {"é": 1}, [0.5, 2.0]):
        assert canonical_json(value) == rfc8785.dumps(value)
