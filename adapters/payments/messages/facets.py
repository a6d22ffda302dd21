"""Schema facets of the ISO 20022 bindings, checked on parsed documents.

The kept bindings (``pyiso20022``, xsdata dataclasses generated from the official XSDs) carry every XSD facet
in their field metadata — ``required``, ``min_occurs``/``max_occurs``, ``pattern``, ``min_length``/``max_length``,
``min_inclusive``, ``total_digits``/``fraction_digits`` — and mark ``xs:choice`` groups by their ``...Choice``
class names. xsdata's parser enforces element names and types but not these facets; :func:`check_facets` does,
so a document that parses and passes here satisfies the schema's content rules (element order is checked
separately, by :mod:`.envelope`).
"""

from __future__ import annotations

import dataclasses
import enum
import re
from decimal import Decimal
from functools import cache
from typing import Any

__all__ = ["FacetViolation", "check_facets"]


class FacetViolation(ValueError):
    """A value breaks a schema facet. ``path`` names the element, e.g. ``GrpHdr/MsgId``."""

    def __init__(self, path: str, rule: str) -> None:
        super().__init__(f"{path}: {rule}")
        self.path = path
        self.rule = rule


@cache
def _pattern(expr: str) -> re.Pattern[str]:
    return re.compile(expr)


def check_facets(obj: Any, path: str = "") -> None:
    """Raise :class:`FacetViolation` for the first facet ``obj`` (a binding dataclass) breaks."""
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        return
    is_choice = type(obj).__name__.endswith("Choice")
    chosen = 0
    for field in dataclasses.fields(obj):
        meta = field.metadata
        if meta.get("type") == "Wildcard":
            continue
        name = meta.get("name", field.name if field.name != "value" else "(text)")
        where = f"{path}/{name}" if path else name
        value = getattr(obj, field.name)
        if isinstance(value, list):
            if len(value) < int(meta.get("min_occurs", 0)):
                raise FacetViolation(where, f"at least {meta['min_occurs']} occurrence(s) required")
            max_occurs = meta.get("max_occurs")
            if max_occurs is not None and len(value) > int(max_occurs):
                raise FacetViolation(where, f"at most {max_occurs} occurrence(s) allowed")
            for item in value:
                _check_value(item, meta, where)
            chosen += bool(value)
            continue
        if value is None:
            if meta.get("required"):
                raise FacetViolation(where, "required element is missing")
            continue
        chosen += 1
        _check_value(value, meta, where)
    if is_choice and chosen != 1:
        raise FacetViolation(path or type(obj).__name__, f"exactly one choice required, found {chosen}")


def _check_value(value: Any, meta: Any, where: str) -> None:
    if dataclasses.is_dataclass(value):
        check_facets(value, where)
        return
    if isinstance(value, enum.Enum):
        return
    if isinstance(value, str):
        if "min_length" in meta and len(value) < int(meta["min_length"]):
            raise FacetViolation(where, f"shorter than {meta['min_length']} character(s)")
        if "max_length" in meta and len(value) > int(meta["max_length"]):
            raise FacetViolation(where, f"longer than {meta['max_length']} characters")
        if "pattern" in meta and not _pattern(meta["pattern"]).fullmatch(value):
            raise FacetViolation(where, f"{value!r} does not match {meta['pattern']}")
        return
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise FacetViolation(where, "not a finite number")
        if "min_inclusive" in meta and value < Decimal(meta["min_inclusive"]):
            raise FacetViolation(where, f"below {meta['min_inclusive']}")
        exponent = value.as_tuple().exponent
        assert isinstance(exponent, int)
        fraction = max(0, -exponent)
        digits = len(value.as_tuple().digits)
        if "fraction_digits" in meta and fraction > int(meta["fraction_digits"]):
            raise FacetViolation(where, f"more than {meta['fraction_digits']} fraction digits")
        if "total_digits" in meta and max(digits, fraction) > int(meta["total_digits"]):
            raise FacetViolation(where, f"more than {meta['total_digits']} digits")
