"""The JSON codec of the request path: msgspec where it can, the standard library where msgspec refuses.

Every GraphQL request is decoded once (the client's body), every subgraph answer once, and every response and
subgraph request encoded once; with the standard library that was an eighth of the gateway's CPU on a list
shape (bench.peers). msgspec does the same work in native code and writes compact JSON (no ``", "`` / ``": "``
separators). The input it accepts it decodes to the same values as ``json.loads`` (integers of any width
included, where orjson would round those past 64 bits to floats); what it refuses and the standard library
takes — ``NaN``/``Infinity`` literals, numbers past a double's range, lone surrogate escapes, UTF-16/32 bodies —
goes to ``json.loads``, so callers get the standard library's answers and its ``ValueError`` on bad input.
Encoding falls back the same way (lone surrogates are written as ``\\u`` escapes there).
"""

from __future__ import annotations

import json
from typing import Any

import msgspec

__all__ = ["dumps", "dumps_sorted", "loads"]

_decoder = msgspec.json.Decoder()
_encoder = msgspec.json.Encoder(enc_hook=str)
_sorted_encoder = msgspec.json.Encoder(enc_hook=str, order="sorted")


def loads(data: bytes | bytearray | str) -> Any:
    """Decode JSON text: the same values, and the same ``ValueError`` on bad input, as ``json.loads``."""
    try:
        return _decoder.decode(data)
    except msgspec.DecodeError:
        return json.loads(data)


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON; values JSON has no type for are written as ``str(value)`` (as ``default=str``)."""
    try:
        return _encoder.encode(value)
    except (TypeError, ValueError, UnicodeEncodeError):
        return json.dumps(value, default=str, separators=(",", ":")).encode()


def dumps_sorted(value: Any) -> bytes:
    """Compact JSON with object keys sorted: a canonical form for identities and cache keys."""
    try:
        return _sorted_encoder.encode(value)
    except (TypeError, ValueError, UnicodeEncodeError):
        return json.dumps(value, default=str, separators=(",", ":"), sort_keys=True).encode()
