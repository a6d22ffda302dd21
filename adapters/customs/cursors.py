"""Relay cursors over the customs system's page tokens.

``ListDeclarations`` pages with one opaque ``NextPageToken`` per page, while a Relay connection needs a cursor per
edge. A cursor here is (the page token a page was asked with, how many of that page's declarations lie before
the point): resuming after any edge asks for the same page and skips what was already seen. The cursor after the
last declaration of a legacy page is simply (its next token, 0).
"""

from __future__ import annotations

import base64
import binascii
import json

from gateway.errors import BadUserInput

__all__ = ["decode_cursor", "encode_cursor"]

_PREFIX = "customs:"


def encode_cursor(token: str | None, skip: int) -> str:
    raw = _PREFIX + json.dumps([token, skip], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str | None, field: str = "after") -> tuple[str | None, int]:
    """(page token, declarations to skip) of an ``after`` cursor; (None, 0) for the first page."""
    if cursor is None:
        return None, 0
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not raw.startswith(_PREFIX):
            raise ValueError(raw)
        token, skip = json.loads(raw[len(_PREFIX) :])
        if not (token is None or isinstance(token, str)) or not isinstance(skip, int) or not 0 <= skip <= 1000:
            raise ValueError(raw)
    except (ValueError, UnicodeDecodeError, binascii.Error, TypeError):
        raise BadUserInput(
            f"{field} is not a cursor of this list: pass an endCursor or edge cursor", field=field
        ) from None
    return token, skip
