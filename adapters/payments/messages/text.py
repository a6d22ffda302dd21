"""Free text in ISO 20022 reason information: ``AddtlInf`` is Max105Text and repeatable.

Text longer than one line goes over several lines and is joined back as it was: never cut.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["info_lines", "info_text"]

_LINE = 105


def info_lines(text: str | None) -> list[str]:
    return [text[i : i + _LINE] for i in range(0, len(text), _LINE)] if text else []


def info_text(lines: Iterable[str]) -> str | None:
    return "".join(lines) or None
