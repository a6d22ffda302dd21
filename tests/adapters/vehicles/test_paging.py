from __future__ import annotations

import pytest

from adapters.vehicles.paging import MAX_PAGE_SIZE, Window, decode_cursor, encode_cursor, window
from gateway.errors import BadUserInput


@pytest.mark.parametrize("offset", [0, 1, 19, 12345])
def test_cursors_round_trip(offset: int) -> None:
    assert decode_cursor(encode_cursor(offset)) == offset


@pytest.mark.parametrize("cursor", ["", "abc", "dmVoaWNsZS1leHBvcnQ6LTE=", encode_cursor(3)[:-2] + "!!"])
def test_a_foreign_cursor_is_bad_user_input_on_after(cursor: str) -> None:
    with pytest.raises(BadUserInput) as caught:
        decode_cursor(cursor)
    assert caught.value.field == "after"


def test_an_aligned_window_reads_one_legacy_page() -> None:
    assert window(0, 20) == Window(page_size=20, pages=(1,), skip=0)
    assert window(40, 20) == Window(page_size=20, pages=(3,), skip=0)


def test_an_unaligned_window_reads_two_legacy_pages() -> None:
    assert window(1, 2) == Window(page_size=2, pages=(1, 2), skip=1)
    assert window(25, 10) == Window(page_size=10, pages=(3, 4), skip=5)


@pytest.mark.parametrize("first", [0, -1, MAX_PAGE_SIZE + 1])
def test_first_out_of_range_is_bad_user_input(first: int) -> None:
    with pytest.raises(BadUserInput) as caught:
        window(0, first)
    assert caught.value.field == "first"
