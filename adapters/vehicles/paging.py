"""Relay-style cursors over the legacy system's page/pageSize listing. Plain functions.

A cursor is the opaque offset of an item in the listing. ``first`` items after a cursor rarely align with a
legacy page of that size, so the window is read from at most two consecutive legacy pages.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses

from gateway.errors import BadUserInput

__all__ = ["MAX_PAGE_SIZE", "Window", "decode_cursor", "encode_cursor", "window"]

MAX_PAGE_SIZE = 100
_PREFIX = "vehicle-export:"


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str, field: str = "after") -> int:
    """The offset a cursor stands for; a cursor this adapter did not issue is BAD_USER_INPUT."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeError, ValueError):
        text = ""
    if not text.startswith(_PREFIX) or not text[len(_PREFIX) :].isdigit():
        raise BadUserInput(f"cursor {cursor!r} was not issued by vehicleExports; pass an endCursor back", field=field)
    return int(text[len(_PREFIX) :])


@dataclasses.dataclass(frozen=True, kw_only=True)
class Window:
    """Which legacy pages (of ``page_size``) to read, and where in them the wanted items start."""

    page_size: int
    pages: tuple[int, ...]
    skip: int


def window(start: int, count: int) -> Window:
    """The legacy pages holding items ``start .. start+count-1`` (0-based), pages of size ``count``."""
    if not 1 <= count <= MAX_PAGE_SIZE:
        raise BadUserInput(f"first must be between 1 and {MAX_PAGE_SIZE}, got {count}", field="first")
    first_page, skip = divmod(start, count)
    pages = (first_page + 1,) if skip == 0 else (first_page + 1, first_page + 2)
    return Window(page_size=count, pages=pages, skip=skip)
